import secrets
from urllib.parse import urlsplit

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from tracekit import codes as tk_codes
from tracekit import gs1

# Reserved for documentation (RFC 2606): a resolver there is an example, not a configuration.
EXAMPLE_DOMAINS = ("example.com", "example.net", "example.org")
EXAMPLE_TLDS = ("example", "invalid")


class ResCompany(models.Model):
    _inherit = "res.company"

    trace_resolver_url = fields.Char(
        string="Digital Link Resolver",
        help="Base URL printed in every unit QR code (GS1 Digital Link), "
        "e.g. https://trace.example.com. Codes whose link names another host are refused.",
    )
    trace_code_secret = fields.Char(
        string="Code Check Secret",
        groups="base.group_system",
        copy=False,
        help="Key of the check segment appended to every unit serial: a forged code is "
        "rejected without a database look-up. Changing it invalidates every code already printed.",
    )
    trace_gs1_company_prefix = fields.Char(
        string="GS1 Company Prefix",
        help="Used to build SSCCs for cases and pallets.",
    )
    trace_sscc_extension = fields.Integer(string="SSCC Extension Digit", default=0)
    trace_sscc_sequence_id = fields.Many2one("ir.sequence", string="SSCC Serial Sequence", copy=False)

    @api.constrains("trace_gs1_company_prefix", "trace_sscc_extension")
    def _check_trace_gs1_company_prefix(self):
        for company in self:
            prefix = company.trace_gs1_company_prefix
            if prefix and (not prefix.isdigit() or not 6 <= len(prefix) <= 12):
                raise ValidationError(
                    _("The GS1 company prefix %(prefix)s must have 6 to 12 digits.", prefix=prefix)
                )
            if not 0 <= company.trace_sscc_extension <= 9:
                raise ValidationError(_("The SSCC extension digit must be between 0 and 9."))

    @api.constrains("trace_resolver_url")
    def _check_trace_resolver_url(self):
        for company in self.filtered("trace_resolver_url"):
            parts = urlsplit(company.trace_resolver_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValidationError(
                    _(
                        "The resolver %(url)s is not a web address (https://host/...).",
                        url=company.trace_resolver_url,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_trace_codes(self):
        with_codes = self.env["trace.code.count"].sudo()._with_codes("company_id", self.ids)
        if with_codes:
            raise UserError(
                _("%(company)s has traceable codes: it cannot be deleted.", company=self.browse(min(with_codes)).name)
            )

    def _trace_resolver_base(self):
        """The Digital Link base of this company: its resolver, else the database's web address."""
        self.ensure_one()
        base = self.trace_resolver_url or self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        return (base or "").rstrip("/")

    def _trace_check_resolver(self):
        """Refuse to issue or print codes while a company's resolver is unset or an example
        domain: every QR code printed then would point there for good."""
        for company in self:
            host = (urlsplit(company.trace_resolver_url or "").hostname or "").lower()
            if not host:
                raise UserError(
                    _(
                        "Set the Digital Link resolver of %(company)s before issuing or printing codes "
                        "(Traceability > Configuration > Settings): every QR code names it for good.",
                        company=company.name,
                    )
                )
            if host in EXAMPLE_DOMAINS or host.endswith(tuple("." + domain for domain in EXAMPLE_DOMAINS)) or (
                host.rsplit(".", 1)[-1] in EXAMPLE_TLDS
            ):
                raise UserError(
                    _(
                        "The Digital Link resolver of %(company)s is the example address %(url)s: set your own "
                        "(Traceability > Configuration > Settings) before issuing or printing codes, which name "
                        "it for good.",
                        company=company.name,
                        url=company.trace_resolver_url,
                    )
                )

    def _trace_resolver_host(self):
        self.ensure_one()
        return (urlsplit(self._trace_resolver_base()).hostname or "").lower()

    def _trace_secret(self):
        """The company's check-segment key, created on first use."""
        self.ensure_one()
        company = self.sudo()
        if not company.trace_code_secret:
            company.trace_code_secret = secrets.token_hex(32)
        return company.trace_code_secret.encode()

    def _trace_minter(self):
        self.ensure_one()
        return tk_codes.CodeMinter(self._trace_secret())

    def _trace_sscc_sequence(self):
        self.ensure_one()
        company = self.sudo()
        if not company.trace_sscc_sequence_id:
            company.trace_sscc_sequence_id = self.env["ir.sequence"].sudo().create(
                {
                    "name": _("SSCC serial reference (%(company)s)", company=company.name),
                    "code": "trace.sscc",
                    "implementation": "standard",
                    "company_id": company.id,
                    "number_increment": 1,
                    "padding": 0,
                }
            )
        return company.trace_sscc_sequence_id

    def _trace_next_ssccs(self, count):
        """``count`` new SSCCs of this company, drawn from its PostgreSQL sequence in one query."""
        self.ensure_one()
        prefix = self.trace_gs1_company_prefix
        if not prefix:
            raise ValidationError(
                _(
                    "Set the GS1 company prefix of %(company)s before issuing case or pallet codes.",
                    company=self.name,
                )
            )
        sequence = self._trace_sscc_sequence()
        digits = 16 - len(prefix)
        self.env.cr.execute(
            "SELECT nextval(%s) FROM generate_series(1, %s)",
            ("ir_sequence_%03d" % sequence.id, count),
        )
        numbers = [row[0] for row in self.env.cr.fetchall()]
        if numbers and numbers[-1] >= 10**digits:
            raise ValidationError(
                _(
                    "The SSCC serial references of prefix %(prefix)s are used up (%(digits)s digits).",
                    prefix=prefix,
                    digits=digits,
                )
            )
        return [gs1.make_sscc(self.trace_sscc_extension, prefix, number) for number in numbers]
