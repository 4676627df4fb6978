from . import trace_batch
from . import mrp_production
