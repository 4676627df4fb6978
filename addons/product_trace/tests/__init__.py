from . import test_aggregation, test_issuance, test_ledger, test_registry_integrity, test_trace_query
