from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    trace_sms_url = fields.Char(related="company_id.trace_sms_url", readonly=False)
    trace_sms_key = fields.Char(related="company_id.trace_sms_key", readonly=False)
    trace_sms_sign = fields.Char(related="company_id.trace_sms_sign", readonly=False)
    trace_wechat_appid = fields.Char(related="company_id.trace_wechat_appid", readonly=False)
    trace_wechat_secret = fields.Char(related="company_id.trace_wechat_secret", readonly=False)
    trace_wechat_api_url = fields.Char(related="company_id.trace_wechat_api_url", readonly=False)
    trace_wechat_recall_template = fields.Char(related="company_id.trace_wechat_recall_template", readonly=False)
