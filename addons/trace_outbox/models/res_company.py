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
    trace_wechat_appid = fields.Char(string="WeChat AppID", groups="base.group_system",
                                     help="The official account's AppID (公众号 AppID).")
    trace_wechat_secret = fields.Char(string="WeChat AppSecret", groups="base.group_system")
    trace_wechat_api_url = fields.Char(
        string="WeChat API", groups="base.group_system",
        help="WeChat's API address; empty for https://api.weixin.qq.com (a proxy or a test server otherwise).")
    trace_wechat_recall_template = fields.Char(
        string="Recall Template", groups="base.group_system",
        help="The template message id (模板消息 ID) of recall notices, with the keywords first, keyword1, keyword2, "
        "keyword3 and remark.")
    trace_wechat_token = fields.Char(string="WeChat Access Token", groups="base.group_system", readonly=True, copy=False)
    trace_wechat_token_expiry = fields.Datetime(string="WeChat Token Expiry", groups="base.group_system", readonly=True,
                                                copy=False)
