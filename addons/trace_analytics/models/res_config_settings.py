from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    trace_province_geojson = fields.Char(
        string="Province Map File", config_parameter="trace_analytics.province_geojson",
        help="A GeoJSON file of China's provinces on the server (e.g. Natural Earth's admin-1 states and provinces, "
        "public domain) for the sales dashboard's map; without one it draws a tile map.")
