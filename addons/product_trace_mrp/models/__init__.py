from . import mrp_production, trace_batch
