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

    def test_codes_are_bound_to_the_county_of_the_delivery_address(self):
        """A dealer's delivery address in 苏州市平江区 (an address city merged into 姑苏区 since, so
        it stands for no county) with its county set: the codes are bound to 姑苏区."""
        units, cases, _pallets = self._active_batch(units=48, cases=2, pallets=0)
        self.Code._pack({cases[0].name: units[:24].mapped("name"), cases[1].name: units[24:].mapped("name")})
        gusu = self.env.ref("trace_dealer.trace_county_320508")
        pingjiang = self.env["res.city"].search([("name", "=", "苏州市平江区")])
        dealer = self.env["res.partner"].create({"name": "苏州姑苏商贸", "trace_is_dealer": True, "is_company": True})
        address = self.env["res.partner"].create(
            {"name": "姑苏仓库", "parent_id": dealer.id, "type": "delivery", "country_id": self.env.ref("base.cn").id,
             "state_id": gusu.state_id.id, "city_id": pingjiang.id, "trace_county_id": gusu.id})
        picking = self._delivery(address, 24)
        self.assertTrue(picking.trace_scan(cases[0].name)["ok"])
        picking.button_validate()
        shipped = units[:24] | cases[0]
        self.assertEqual(shipped.dealer_id, dealer)
        self.assertEqual(shipped.territory_county_id, gusu)
        self.assertEqual(shipped.territory_prefecture_id, gusu.prefecture_id)
        self.assertEqual(shipped.territory_state_id, gusu.state_id)
        self.assertFalse(units[24:].territory_county_id)

    def test_county_of_the_address_comes_before_its_city(self):
        park = self.env.ref("trace_dealer.trace_county_320576")  # 苏州工业园区: no address city of its own
        wuzhong = self.env.ref("trace_dealer.trace_county_320506")
        address = self._address(city_id=wuzhong.city_id.id, trace_county_id=park.id)
        binding = self._delivery(address, 1)._trace_code_binding()
        self.assertEqual(binding["territory_county_id"], park.id)
        self.assertEqual(binding["territory_prefecture_id"], park.prefecture_id.id)

    def test_without_a_county_a_city_that_is_exactly_one_county_tells_it(self):
        wuzhong = self.env.ref("trace_dealer.trace_county_320506")
        binding = self._delivery(self._address(city_id=wuzhong.city_id.id), 1)._trace_code_binding()
        self.assertEqual(binding["territory_county_id"], wuzhong.id)
        self.assertEqual(binding["territory_prefecture_id"], wuzhong.prefecture_id.id)
        self.assertEqual(binding["territory_state_id"], wuzhong.state_id.id)

    def test_without_a_county_a_city_of_several_counties_binds_no_county(self):
        """A city linked to several counties says which city (prefecture) but not which county:
        the county stays empty rather than the first one found."""
        wuzhong = self.env.ref("trace_dealer.trace_county_320506")
        city = wuzhong.city_id
        self.env["trace.county"].create({
            "name": "吴中新区", "code": "320599", "state_id": wuzhong.state_id.id,
            "prefecture_id": wuzhong.prefecture_id.id, "city_id": city.id})
        self.assertEqual(len(city.trace_county_ids), 2)
        binding = self._delivery(self._address(city_id=city.id), 1)._trace_code_binding()
        self.assertIsNone(binding["territory_county_id"])
        self.assertEqual(binding["territory_prefecture_id"], wuzhong.prefecture_id.id)
        self.assertEqual(binding["territory_state_id"], wuzhong.state_id.id)
        # the county set on the address settles it
        binding = self._delivery(self._address(city_id=city.id, trace_county_id=wuzhong.id), 1)._trace_code_binding()
        self.assertEqual(binding["territory_county_id"], wuzhong.id)

    def test_without_a_county_a_city_of_no_county_binds_its_province_only(self):
        pingjiang = self.env["res.city"].search([("name", "=", "苏州市平江区")])
        binding = self._delivery(self._address(city_id=pingjiang.id), 1)._trace_code_binding()
        self.assertEqual(binding["territory_state_id"], pingjiang.state_id.id)
        self.assertIsNone(binding["territory_prefecture_id"])
        self.assertIsNone(binding["territory_county_id"])

    def test_territory_check_of_an_address_uses_its_county(self):
        gusu = self.env.ref("trace_dealer.trace_county_320508")
        pingjiang = self.env["res.city"].search([("name", "=", "苏州市平江区")])
        dealer = self.env["res.partner"].create({"name": "姑苏经销", "trace_is_dealer": True})
        self.env["trace.dealer.territory"].create({"partner_id": dealer.id, "county_id": gusu.id})
        address = self._address(city_id=pingjiang.id)
        self.assertFalse(dealer._trace_territory_covers_address(address), "the city alone tells no county")
        address.trace_county_id = gusu
        self.assertTrue(dealer._trace_territory_covers_address(address))

    def _address(self, **vals):
        state = self.env.ref("base.state_cn_JS")
        return self.env["res.partner"].create(
            {"name": "Shop", "country_id": state.country_id.id, "state_id": state.id, **vals})

    def _delivery(self, partner, quantity):
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1)
        stock, customers = warehouse.lot_stock_id, self.env.ref("stock.stock_location_customers")
        self.env["stock.quant"]._update_available_quantity(self.product, stock, quantity, lot_id=self.lot)
        picking = self.env["stock.picking"].create(
            {"picking_type_id": warehouse.out_type_id.id, "location_id": stock.id, "location_dest_id": customers.id,
             "partner_id": partner.id,
             "move_ids": [Command.create({"name": "tea", "product_id": self.product.id, "product_uom_qty": quantity,
                                          "product_uom": self.product.uom_id.id, "location_id": stock.id,
                                          "location_dest_id": customers.id})]})
        picking.action_confirm()
        return picking
