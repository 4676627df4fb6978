from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    trace_sms_url = fields.Char(related="company_id.trace_sms_url", readonly=False)
    trace_sms_key = fields.Char(related="company_id.trace_sms_key", readonly=False)
    trace_sms_sign = fields.Char(related="company_id.trace_sms_sign", readonly=False)
