from . import trace_analytics_report, trace_reach_report, trace_verification_report
