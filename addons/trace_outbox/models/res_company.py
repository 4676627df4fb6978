from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    trace_sms_url = fields.Char(
        string="SMS Gateway URL", groups="base.group_system",
        help="The HTTPS endpoint of the company's SMS gateway (the JSON protocol of trace_outbox's SMS adapter).")
    trace_sms_key = fields.Char(
        string="SMS Gateway Key", groups="base.group_system",
        help="The secret the gateway shares with Odoo: every request is signed with it (HMAC-SHA256).")
    trace_sms_sign = fields.Char(
        string="SMS Signature", groups="base.group_system",
        help="The registered sender signature shown at the start of each message (e.g. 【某某茶业】).")
