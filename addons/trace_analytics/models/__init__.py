from . import (
    res_config_settings,
    trace_analytics_report,
    trace_distribution_report,
    trace_province_map,
    trace_reach_report,
    trace_verification_report,
)
