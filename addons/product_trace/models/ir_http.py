from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    def session_info(self):
        info = super().session_info()
        # the systray's code search shows for Traceability users only
        info["trace_user"] = self.env.user._is_internal() and self.env.user.has_group("product_trace.group_trace_user")
        return info
