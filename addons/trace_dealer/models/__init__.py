from . import (
    res_city,
    res_partner,
    stock_lot,
    stock_picking,
    trace_code,
    trace_county,
    trace_dealer_territory,
    trace_prefecture,
)
