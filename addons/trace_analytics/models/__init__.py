from . import trace_reach_report, trace_verification_report
