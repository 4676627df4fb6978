{
    "name": "Product Traceability: Recall",
    "summary": "Recall finished lots, batches or everything made from a raw-material lot: the affected lots, "
    "who holds their units, the dealers to notify, blocking on every scan and the consumer page, lifting logged",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "author": "Trace Product Authors",
    "website": "https://github.com/trace-product/trace",
    "license": "LGPL-3",
    "depends": ["trace_public_portal", "trace_outbox", "mail"],
    "data": [
        "security/trace_recall_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        "views/trace_recall_views.xml",
        "wizard/trace_recall_lift_views.xml",
        "views/trace_verify_templates.xml",
        "views/portal_templates.xml",
        "views/trace_recall_menus.xml",
    ],
    "assets": {
        "web.assets_tests": ["trace_recall/static/tests/tours/**/*"],
    },
}
