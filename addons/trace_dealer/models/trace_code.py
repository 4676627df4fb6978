from odoo import fields, models


class TraceCode(models.Model):
    """The dealer a code was shipped to and the territory of that shipment (the delivery
    address's province, city and county): what diversion checks compare a later scan against.
    Written with set-based SQL when the shipment is validated."""

    _inherit = "trace.code"

    dealer_id = fields.Many2one("res.partner", readonly=True)
    territory_state_id = fields.Many2one("res.country.state", string="Shipped to Province", readonly=True)
    territory_prefecture_id = fields.Many2one("trace.prefecture", string="Shipped to City", readonly=True)
    territory_county_id = fields.Many2one("trace.county", string="Shipped to County", readonly=True)
    shipment_id = fields.Many2one(
        "stock.picking", readonly=True,
        help="The shipment that bound this code to its dealer and territory (its latest to a customer).")

    def _trace_territory_name(self):
        """The place this code was shipped for on one line: province, city, county (those known)."""
        self.ensure_one()
        return " ".join(filter(None, [self.territory_state_id.name, self.territory_prefecture_id.name,
                                      self.territory_county_id.name]))

    def _trace_data(self):
        data = super()._trace_data()
        data["distribution"] = {
            "dealer": self.dealer_id.display_name or None,
            "province": self.territory_state_id.name or None,
            "city": self.territory_prefecture_id.name or None,
            "county": self.territory_county_id.name or None,
        }
        return data
