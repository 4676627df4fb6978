from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    trace_wechat_openid = fields.Char(
        string="WeChat OpenID", groups="product_trace.group_trace_user", copy=False,
        help="This partner's openid on the company's WeChat official account: its template messages go there.")
