{
    "name": "Product Traceability: Anti-Diversion",
    "summary": "Find goods sold outside their dealer's territory (防窜货): inspectors scan what they find in the "
    "market, rules a manager tunes compare where a code shows up (an inspector, another dealer's scan-in, "
    "consumer verifications by city) with the territory it was shipped for, explainable alerts with their "
    "evidence, figures per dealer, an evidence PDF for the dealer and follow-up activities",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "author": "Trace Product Authors",
    "website": "https://github.com/trace-product/trace",
    "license": "LGPL-3",
    "depends": ["trace_public_portal", "mail"],
    "external_dependencies": {"python": ["pypinyin"]},
    "data": [
        "security/trace_diversion_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        "report/trace_diversion_reports.xml",
        "data/mail_template_data.xml",
        "views/trace_diversion_rule_views.xml",
        "views/trace_diversion_alert_views.xml",
        "views/trace_market_scan_views.xml",
        "views/trace_diversion_report_views.xml",
        "views/res_partner_views.xml",
        "views/portal_templates.xml",
        "views/trace_diversion_menus.xml",
    ],
    "assets": {
        "web.assets_frontend": ["trace_diversion/static/src/inspect/**/*"],
        "web.assets_tests": ["trace_diversion/static/tests/tours/**/*"],
    },
    "post_init_hook": "post_init_hook",
}
