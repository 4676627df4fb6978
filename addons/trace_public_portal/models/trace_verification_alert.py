from odoo import fields, models

ALERT_KINDS = [
    ("forged", "Forged code"),
    ("inactive", "Code never activated"),
    ("unknown", "Unknown codes"),
]


class TraceVerificationAlert(models.Model):
    """What the public page answered "not a code of ours" to, counted per day: a forged code (its
    keyed check segment fails: someone makes up codes), a code issued but never activated (a
    leaked print file or labels stolen before the line), and, as one count per day, codes that
    pass the check but are not in the registry (guessing). Written by the verification method only."""

    _name = "trace.verification.alert"
    _description = "Verification Alert"
    _order = "last_date desc, id desc"
    _log_access = False

    day = fields.Date(required=True, readonly=True)
    kind = fields.Selection(ALERT_KINDS, required=True, readonly=True)
    name = fields.Char(string="Code", readonly=True, help="The code as it was presented (empty for the daily count of unknown codes).")
    company_id = fields.Many2one("res.company", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    count = fields.Integer(readonly=True)
    first_date = fields.Datetime(string="First Seen", readonly=True)
    last_date = fields.Datetime(string="Last Seen", readonly=True)
    city = fields.Char(string="Last City", readonly=True)

    _sql_constraints = [("day_kind_name_uniq", "unique(day, kind, name)", "One alert per code, kind and day.")]
