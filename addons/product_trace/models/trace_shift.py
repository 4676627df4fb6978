from odoo import fields, models


class TraceShift(models.Model):
    _name = "trace.shift"
    _description = "Production Shift"
    _order = "hour_from"

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    hour_from = fields.Float(string="From", default=8.0)
    hour_to = fields.Float(string="To", default=16.0)
    active = fields.Boolean(default=True)
