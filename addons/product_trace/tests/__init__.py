from . import (
    test_aggregation,
    test_batch_components,
    test_demo_language,
    test_issuance,
    test_label_pdf,
    test_ledger,
    test_registry_integrity,
    test_tours,
    test_trace_query,
)
