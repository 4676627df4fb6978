from . import (
    ir_http,
    res_company,
    res_partner,
    stock_picking,
    trace_diversion_alert,
    trace_diversion_evidence,
    trace_diversion_report,
    trace_diversion_rule,
    trace_geoip_place,
    trace_market_scan,
)
