{
    "name": "Product Traceability: Analytics",
    "summary": "Sales and distribution (shipped, received by dealers, sold through, stock in the channel) on a "
    "dashboard with a map of China's provinces; how far goods reach consumers and how consumers verify: units "
    "shipped and verified by product, "
    "lot, dealer, province, city and county; verifications by hour, weekday and place, repeat rate, days from "
    "shipment to first verification. Real time, one code counted once, aggregated only",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "author": "Trace Product Authors",
    "website": "https://github.com/trace-product/trace",
    "license": "LGPL-3",
    "depends": ["trace_public_portal"],
    "data": [
        "security/ir.model.access.csv",
        "security/trace_analytics_security.xml",
        "views/trace_reach_report_views.xml",
        "views/trace_verification_report_views.xml",
        "views/trace_distribution_report_views.xml",
        "views/res_config_settings_views.xml",
        "views/trace_analytics_menus.xml",
    ],
    "assets": {
        "web.assets_backend": ["trace_analytics/static/src/dashboard/**/*"],
        "web.assets_tests": ["trace_analytics/static/tests/tours/**/*"],
    },
}
