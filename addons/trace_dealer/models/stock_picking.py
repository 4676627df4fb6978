from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _trace_code_binding(self):
        """A shipment to a customer binds its codes to the dealer (the customer's commercial
        partner, when a dealer) and to the delivery address's province, city and county.

        The county is the address's own, else the one its city stands for when that is exactly
        one (``res.city._trace_single_county``); otherwise it stays empty rather than a guess, and
        the city (prefecture) is still bound when the address city tells it."""
        binding = super()._trace_code_binding()
        if self.location_dest_id.usage != "customer" or not self.partner_id:
            return binding
        address = self.partner_id
        partner = address.commercial_partner_id
        dealer = partner if partner.trace_is_dealer else address if address.trace_is_dealer else None
        state, prefecture, county = address._trace_address_place()
        return dict(
            binding,
            dealer_id=dealer.id if dealer else None,
            territory_state_id=state.id or None,
            territory_prefecture_id=prefecture.id or None,
            territory_county_id=county.id or None,
            shipment_id=self.id,
        )
