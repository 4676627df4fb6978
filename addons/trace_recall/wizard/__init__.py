from . import trace_recall_lift
