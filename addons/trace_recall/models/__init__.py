from . import trace_recall, trace_verification
