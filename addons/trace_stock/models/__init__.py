# trace_blockable first: Odoo builds a module's models in the order they are defined, and the lot
# and the batch inherit it
from . import (  # noqa: I001
    trace_blockable,
    stock_lot,
    stock_move,
    stock_picking,
    stock_picking_package,
    trace_batch,
    trace_code,
    trace_code_logistics,
    trace_scan,
)
