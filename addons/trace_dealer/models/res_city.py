from odoo import fields, models


class ResCity(models.Model):
    _inherit = "res.city"

    trace_county_ids = fields.One2many("trace.county", "city_id", string="Counties")
