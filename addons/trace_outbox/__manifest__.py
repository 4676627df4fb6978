{
    "name": "Product Traceability: Outbox",
    "summary": "Messages to the outside (SMS, WeChat template messages) written in the transaction that decides them "
    "and sent after it commits, by a background job: idempotent (one key per message, passed to the provider), "
    "retried with a growing delay, visible; the SMS gateway and the WeChat official account behind adapters",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "author": "Trace Product Authors",
    "website": "https://github.com/trace-product/trace",
    "license": "LGPL-3",
    "depends": ["product_trace"],
    "data": [
        "security/ir.model.access.csv",
        "security/trace_outbox_security.xml",
        "data/ir_cron_data.xml",
        "views/trace_outbox_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_partner_views.xml",
    ],
}
