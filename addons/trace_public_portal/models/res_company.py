import secrets

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    # what the public verification page shows of a genuine code
    trace_public_production = fields.Boolean(string="Show Production Date", default=True)
    trace_public_expiry = fields.Boolean(string="Show Expiry Date", default=True)
    trace_public_factory = fields.Boolean(string="Show Factory", default=True)
    trace_public_shipment = fields.Boolean(string="Show Shipment Date", default=True)
    trace_public_territory = fields.Boolean(string="Show Sales Territory", default=True)
    trace_public_reports = fields.Boolean(string="Show Public Test Reports", default=True)
    trace_public_contact = fields.Char(
        string="Counterfeit Hotline",
        translate=True,
        help="Where a buyer reports a suspected copy (a phone number, an address): shown with every warning.",
    )
    trace_suspicious_count = fields.Integer(
        string="Warn After Verifications",
        default=10,
        help="A code verified this many times gets the warning that it may be a copy.",
    )
    trace_suspicious_cities = fields.Integer(
        string="Warn After Cities",
        default=3,
        help="A code verified in this many different cities gets the warning that it may be a copy.",
    )
    trace_verification_retention = fields.Integer(
        string="Keep Verifications (Days)",
        default=365,
        help="Verification records older than this are deleted (PIPL / GDPR). The counts per code remain.",
    )
    trace_short_links = fields.Boolean(
        string="Short Verification Links",
        help="Also answer /v/<code>, a shorter link for printed text and SMS.",
    )
    trace_pin_secret = fields.Char(
        string="Hidden Code Key",
        groups="base.group_system",
        copy=False,
        help="Key from which each unit's hidden code is derived. Changing it invalidates every printed hidden code.",
    )

    @api.constrains("trace_suspicious_count", "trace_suspicious_cities", "trace_verification_retention")
    def _check_trace_public_numbers(self):
        for company in self:
            if company.trace_suspicious_count < 2 or company.trace_suspicious_cities < 2:
                raise ValidationError(
                    _("A code is suspicious after at least 2 verifications or 2 cities (%(company)s).",
                      company=company.name)
                )
            if company.trace_verification_retention < 1:
                raise ValidationError(
                    _("Verifications must be kept at least one day (%(company)s).", company=company.name)
                )

    def _trace_pin_key(self):
        """The company's hidden-code key, created on first use."""
        self.ensure_one()
        company = self.sudo()
        if not company.trace_pin_secret:
            company.trace_pin_secret = secrets.token_hex(32)
        return company.trace_pin_secret.encode()

    def write(self, vals):
        result = super().write(vals)
        if {"trace_code_secret", "name"} & set(vals):
            # the public page checks presented codes against every company's secret and shows the
            # first company's name where a code is none of ours (both cached)
            self.env.registry.clear_cache()
        return result

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        if any(vals.get("trace_code_secret") for vals in vals_list):
            self.env.registry.clear_cache()
        return companies
