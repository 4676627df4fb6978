from . import trace_hw_key_wizard
