from . import trace_code_issue_wizard, trace_label_wizard, trace_pack_wizard
