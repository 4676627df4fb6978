from odoo import fields, models


class TraceCodeClaim(models.Model):
    """A unit claimed by its buyer with the hidden code under the scratch-off coating: at most
    one per code (the first claim wins); written by the public page's method only."""

    _name = "trace.code.claim"
    _description = "Hidden Code Claim"
    _order = "id desc"
    _log_access = False

    code_id = fields.Many2one("trace.code", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    claim_date = fields.Datetime(required=True, readonly=True)
    city = fields.Char(readonly=True)

    _sql_constraints = [("code_uniq", "unique(code_id)", "A code is claimed once.")]
