from . import trace_code_issue_wizard
from . import trace_pack_wizard
from . import trace_query
