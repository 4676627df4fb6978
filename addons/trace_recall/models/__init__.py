from . import res_partner, trace_recall, trace_recall_contact, trace_verification
