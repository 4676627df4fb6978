from . import stock_lot, stock_move, stock_picking, trace_code, trace_code_logistics, trace_scan
