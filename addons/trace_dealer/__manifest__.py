{
    "name": "Product Traceability: Dealers and Territories",
    "summary": "Dealer networks on partners (parent dealers, levels) with authorised sales territories "
    "by province, city and county, and China's counties as data",
    "version": "18.0.1.1.0",
    "category": "Sales/Sales",
    "author": "Trace Product Authors",
    "website": "https://github.com/trace-product/trace",
    "license": "LGPL-3",
    "depends": ["product_trace", "trace_stock", "l10n_cn_city"],
    "data": [
        "security/ir.model.access.csv",
        "data/trace.prefecture.csv",
        "data/trace.county.csv",
        "data/trace_division_data.xml",
        "views/trace_county_views.xml",
        "views/trace_dealer_territory_views.xml",
        "views/res_partner_views.xml",
        "views/trace_dealer_menus.xml",
        "views/trace_templates.xml",
    ],
    "demo": [
        "demo/trace_dealer_demo.xml",
    ],
    "assets": {
        "web.assets_tests": ["trace_dealer/static/tests/tours/**/*"],
    },
}
