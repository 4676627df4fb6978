from odoo import _, api, fields, models
from odoo.addons.base.models.res_partner import _tz_get
from odoo.exceptions import ValidationError

from tracekit import gs1


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
    tz = fields.Selection(
        _tz_get,
        string="Time Zone",
        default=lambda self: self.env.company.partner_id.tz or self.env.user.tz or "Asia/Shanghai",
        help="Where the factory is: its events record this time zone's offset (EPCIS eventTimeZoneOffset).",
    )
    workshop_ids = fields.One2many("trace.workshop", "factory_id", string="Workshops")

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "A factory code must be unique per company."),
    ]

    @api.constrains("gln")
    def _check_gln(self):
        for factory in self.filtered("gln"):
            if not gs1.is_valid_gln(factory.gln):
                raise ValidationError(_("%(gln)s is not a valid GLN (13 digits with a check digit).", gln=factory.gln))
