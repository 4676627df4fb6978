{
    "name": "Product Traceability: Public Verification and Dealer Portal",
    "summary": "The page a consumer opens by scanning a unit's QR code (genuine or not, production, shipment, "
    "verification history), answers by role, rate limits and verification records",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "author": "Trace Product Authors",
    "website": "https://github.com/trace-product/trace",
    "license": "LGPL-3",
    "depends": ["product_trace", "trace_stock", "trace_dealer", "portal"],
    "external_dependencies": {"python": ["maxminddb"]},
    "data": [
        "security/trace_public_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron.xml",
        "views/trace_verify_templates.xml",
        "views/trace_verification_views.xml",
        "views/res_config_settings_views.xml",
        "views/product_views.xml",
        "views/trace_public_menus.xml",
    ],
    "assets": {
        "web.assets_tests": ["trace_public_portal/static/tests/tours/**/*"],
    },
}
