from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    trace_resolver_url = fields.Char(related="company_id.trace_resolver_url", readonly=False)
    trace_gs1_company_prefix = fields.Char(related="company_id.trace_gs1_company_prefix", readonly=False)
    trace_sscc_extension = fields.Integer(related="company_id.trace_sscc_extension", readonly=False)
