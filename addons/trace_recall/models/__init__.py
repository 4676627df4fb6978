from . import res_partner, trace_recall, trace_verification
