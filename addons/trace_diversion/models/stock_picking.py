from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _trace_dealer_scan(self, text, unpack=False, device=None):
        """A dealer's scan-in refused because the code was shipped to another dealer is where
        that code showed up: a market scan for the diversion rules."""
        answer = super()._trace_dealer_scan(text, unpack=unpack, device=device)
        if answer.get("error") == "other_dealer" and self.picking_type_id.trace_dealer_kind == "receipt":
            self.env["trace.market.scan"]._trace_record_dealer_scan(self, text)
        return answer
