from . import (
    product_template,
    res_company,
    res_config_settings,
    res_partner,
    stock_picking,
    trace_batch,
    trace_code,
    trace_code_claim,
    trace_geoip,
    trace_rate_limit,
    trace_verification,
    trace_verification_alert,
)
