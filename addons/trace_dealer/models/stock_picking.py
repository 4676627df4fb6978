from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _trace_bind_codes(self):
        """A shipment to a customer binds its codes to the dealer (the customer's commercial
        partner, when a dealer) and to the delivery address's province, city and county."""
        super()._trace_bind_codes()
        if self.location_dest_id.usage != "customer" or not self.partner_id:
            return
        address = self.partner_id
        partner = address.commercial_partner_id
        dealer = partner if partner.trace_is_dealer else address if address.trace_is_dealer else None
        county = address.city_id.trace_county_ids[:1]
        prefecture = county.prefecture_id
        state = address.state_id or county.state_id
        self.env.cr.execute(
            """UPDATE trace_code c SET dealer_id = %(dealer)s, territory_state_id = %(state)s,
                      territory_prefecture_id = %(prefecture)s, territory_county_id = %(county)s
                 FROM trace_scan_unit u WHERE u.code_id = c.id AND u.picking_id = %(picking)s""",
            {"dealer": dealer.id if dealer else None, "state": state.id or None, "prefecture": prefecture.id or None,
             "county": county.id or None, "picking": self.id},
        )
        self.env["trace.code"].invalidate_model(
            ["dealer_id", "territory_state_id", "territory_prefecture_id", "territory_county_id"])
