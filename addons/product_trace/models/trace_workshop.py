from odoo import fields, models


class TraceWorkshop(models.Model):
    _name = "trace.workshop"
    _description = "Workshop"
    _order = "factory_id, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    active = fields.Boolean(default=True)
    factory_id = fields.Many2one("trace.factory", required=True, ondelete="cascade", check_company=True)
    company_id = fields.Many2one(related="factory_id.company_id", store=True, precompute=True)
    line_ids = fields.One2many("trace.production.line", "workshop_id", string="Production Lines")

    _sql_constraints = [
        ("code_factory_uniq", "unique(code, factory_id)", "A workshop code must be unique per factory."),
    ]
