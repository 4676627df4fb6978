from odoo import api, fields, models


class TraceProductionLine(models.Model):
    _name = "trace.production.line"
    _description = "Production Line"
    _order = "factory_id, workshop_id, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    active = fields.Boolean(default=True)
    workshop_id = fields.Many2one("trace.workshop", required=True, ondelete="cascade", check_company=True)
    factory_id = fields.Many2one(related="workshop_id.factory_id", store=True, precompute=True)
    company_id = fields.Many2one(related="workshop_id.company_id", store=True, precompute=True)

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "A line code must be unique per company."),
    ]

    @api.depends("workshop_id.factory_id.name")
    def _compute_display_name(self):
        for line in self:
            line.display_name = " / ".join(
                part for part in (line.factory_id.name, line.workshop_id.name, line.name) if part
            )

    def _read_point_uri(self):
        """The EPCIS read point of this line: a GLN-based URI when the factory has a GLN."""
        self.ensure_one()
        if self.factory_id.gln:
            return "https://id.gs1.org/414/%s/254/%s" % (self.factory_id.gln, self.code)
        return "urn:odoo:trace:line:%s:%s" % (self.company_id.id, self.code)
