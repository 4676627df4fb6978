{
    "name": "Product Traceability: Line Hardware",
    "summary": "Production lines' stations, scanners, cameras and printers: the line proxy's "
    "configuration, API keys, idempotent ingestion of reads, print jobs and line monitoring",
    "version": "18.0.1.1.0",
    "category": "Inventory/Inventory",
    "author": "Trace Product Authors",
    "website": "https://github.com/trace-product/trace",
    "license": "LGPL-3",
    "depends": ["product_trace"],
    "data": [
        "security/ir.model.access.csv",
        "security/trace_hardware_security.xml",
        "data/ir_cron_data.xml",
        "wizards/trace_hw_key_wizard_views.xml",
        "views/trace_hw_station_views.xml",
        "views/trace_hw_read_views.xml",
        "views/trace_hw_print_job_views.xml",
        "views/trace_hw_line_stats_views.xml",
        "views/trace_hardware_menus.xml",
    ],
    "assets": {
        "web.assets_tests": ["trace_hardware/static/tests/tours/**/*"],
    },
}
