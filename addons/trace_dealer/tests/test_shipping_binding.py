from odoo import Command
from odoo.addons.product_trace.tests.common import TraceCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestShippingBinding(TraceCase):
    """A shipment to a dealer binds its codes to the dealer and the delivery address's province,
    city and county; a lot says where its units went, per territory."""

    def test_codes_shipped_to_a_dealer_are_bound_to_it_and_its_territory(self):
        units, cases, _pallets = self._active_batch(units=48, cases=2, pallets=0)
        self.Code._pack({cases[0].name: units[:24].mapped("name"), cases[1].name: units[24:].mapped("name")})
        wuzhong = self.env["trace.county"].search([("code", "=", "320506")])
        self.assertTrue(wuzhong.city_id, "吴中区 is an address city of l10n_cn_city")
        dealer = self.env["res.partner"].create({"name": "苏州吴中商贸", "trace_is_dealer": True,
                                                 "state_id": wuzhong.state_id.id, "city_id": wuzhong.city_id.id,
                                                 "country_id": wuzhong.state_id.country_id.id})
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1)
        stock, customers = warehouse.lot_stock_id, self.env.ref("stock.stock_location_customers")
        self.env["stock.quant"]._update_available_quantity(self.product, stock, 48, lot_id=self.lot)
        picking = self.env["stock.picking"].create(
            {"picking_type_id": warehouse.out_type_id.id, "location_id": stock.id, "location_dest_id": customers.id,
             "partner_id": dealer.id,
             "move_ids": [Command.create({"name": "tea", "product_id": self.product.id, "product_uom_qty": 24,
                                          "product_uom": self.product.uom_id.id, "location_id": stock.id,
                                          "location_dest_id": customers.id})]})
        picking.action_confirm()
        self.assertTrue(picking.trace_scan(cases[0].name)["ok"])
        picking.button_validate()
        shipped = units[:24] | cases[0]
        self.assertEqual(shipped.dealer_id, dealer)
        self.assertEqual(shipped.territory_county_id, wuzhong)
        self.assertEqual(shipped.territory_prefecture_id, wuzhong.prefecture_id)
        self.assertEqual(shipped.territory_state_id, wuzhong.state_id)
        self.assertFalse(units[24:].dealer_id, "what stayed is bound to nobody")
        self.assertEqual(units[0]._trace_data()["distribution"]["county"], wuzhong.name)
        self.assertIn(wuzhong.name, self.env["trace.home"].trace_page(units[0].name)["html"])
        [row] = self.lot._trace_holders_by_territory()
        self.assertEqual((row["dealer"], row["county"], row["units"]), (dealer.display_name, wuzhong.display_name, 24))
