from odoo import http
from odoo.addons.trace_public_portal.controllers.portal import DealerPortal


class DealerRecallPortal(DealerPortal):
    @http.route()
    def trace_dealer_home(self, **query):
        """The dealer's home names the active recalls of goods it holds, with its own count."""
        response = super().trace_dealer_home(**query)
        dealer = self._trace_dealer()
        if dealer and response.qcontext is not None:
            response.qcontext["recalls"] = dealer.sudo()._trace_dealer_recalls()
        return response
