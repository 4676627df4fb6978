{
    "name": "Product Traceability: Manufacturing",
    "summary": "Fill a production batch's lot and raw-material lots (with supplier and supplier lot) "
    "from its manufacturing order",
    "version": "18.0.1.0.0",
    "category": "Manufacturing/Manufacturing",
    "author": "Trace Product Authors",
    "website": "https://github.com/trace-product/trace",
    "license": "LGPL-3",
    "depends": ["product_trace", "mrp"],
    "data": [
        "views/trace_batch_views.xml",
        "views/mrp_production_views.xml",
    ],
    "auto_install": True,
}
