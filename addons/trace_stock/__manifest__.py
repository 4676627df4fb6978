{
    "name": "Product Traceability: Warehouse Scanning",
    "summary": "Scan units, cases and pallets out of and into warehouses against transfers: typed refusals, "
    "move lines per lot, custody of every code and its logistics path",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "author": "Trace Product Authors",
    "website": "https://github.com/trace-product/trace",
    "license": "LGPL-3",
    "depends": ["product_trace", "stock"],
    "data": [
        "security/ir.model.access.csv",
        "views/stock_picking_views.xml",
        "views/trace_templates.xml",
    ],
    "assets": {
        "web.assets_backend": ["trace_stock/static/src/**/*"],
        "web.assets_tests": ["trace_stock/static/tests/tours/**/*"],
    },
}
