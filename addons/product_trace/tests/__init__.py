from . import test_issuance
from . import test_aggregation
from . import test_trace_query
from . import test_ledger
