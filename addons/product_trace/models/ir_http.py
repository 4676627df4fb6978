from odoo import models
from odoo.http import request


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    def session_info(self):
        info = super().session_info()
        # the systray's code search shows for Traceability users only
        info["trace_user"] = self.env.user._is_internal() and self.env.user.has_group("product_trace.group_trace_user")
        return info

    @classmethod
    def _dispatch(cls, endpoint):
        # A parameter named "self" (``?self=1``) collides with the controller method's own first
        # argument: Odoo 18 answers it with a 500 on every route. No route can take one.
        request.params.pop("self", None)
        return super()._dispatch(endpoint)
