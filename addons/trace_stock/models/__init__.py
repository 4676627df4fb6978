from . import (
    stock_lot,
    stock_move,
    stock_picking,
    stock_picking_package,
    trace_batch,
    trace_code,
    trace_code_logistics,
    trace_scan,
)
