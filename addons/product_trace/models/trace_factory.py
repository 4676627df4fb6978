from odoo import fields, models


class TraceFactory(models.Model):
    _name = "trace.factory"
    _description = "Factory"
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    partner_id = fields.Many2one("res.partner", string="Address", check_company=True)
    gln = fields.Char(string="GLN", help="GS1 Global Location Number, used as EPCIS read point.")
    workshop_ids = fields.One2many("trace.workshop", "factory_id", string="Workshops")

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "A factory code must be unique per company."),
    ]
