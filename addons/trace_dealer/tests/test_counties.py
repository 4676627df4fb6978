from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCountyData(TransactionCase):
    def test_shipped_county_is_linked_to_its_city_and_address_city(self):
        county = self.env.ref("trace_dealer.trace_county_320506")
        self.assertEqual(county.name, "吴中区")
        self.assertEqual(county.code, "320506")
        self.assertEqual(county.state_id, self.env.ref("base.state_cn_JS"))
        self.assertEqual(county.prefecture_id.name, "苏州市")
        self.assertEqual(county.prefecture_id.code, "320500")
        self.assertEqual(county.city_id, self.env.ref("l10n_cn_city.china_city_215100"))
        self.assertEqual(county.city_id.name, "苏州市吴中区")
        self.assertEqual(self.env.ref("l10n_cn_city.china_city_215100").trace_county_ids, county)

    def test_every_province_has_counties_and_codes_are_unique(self):
        counties = self.env["trace.county"].with_context(active_test=False).search([])
        self.assertGreater(len(counties), 2900)
        self.assertEqual(len(set(counties.mapped("code"))), len(counties))
        states = self.env["res.country.state"].search([("country_id", "=", self.env.ref("base.cn").id)])
        # the dataset covers the mainland: 台湾省, 香港 and 澳门 have none
        outside = {"base.state_cn_TW", "base.state_cn_HK", "base.state_cn_MO"}
        mainland = states - self.env["res.country.state"].browse([self.env.ref(x).id for x in outside])
        self.assertEqual(len(mainland), 31)
        self.assertFalse(mainland - counties.state_id, "provinces without counties")

    def test_municipality_is_one_city(self):
        chongqing = self.env.ref("trace_dealer.trace_prefecture_500100")
        self.assertEqual(chongqing.name, "重庆市")
        # 渝中区 (市辖区, 5001) and 城口县 (县, 5002) belong to the same city
        self.assertIn(self.env.ref("trace_dealer.trace_county_500103"), chongqing.county_ids)
        self.assertIn(self.env.ref("trace_dealer.trace_county_500229"), chongqing.county_ids)

    def test_shipped_divisions_are_noupdate_so_user_changes_survive_updates(self):
        data = self.env["ir.model.data"].search([
            ("module", "=", "trace_dealer"), ("model", "in", ["trace.county", "trace.prefecture"])])
        self.assertGreater(len(data), 3000)
        self.assertTrue(all(data.mapped("noupdate")))

    def test_user_can_add_a_county(self):
        county = self.env["trace.county"].create({
            "name": "新区", "code": "320599", "state_id": self.env.ref("base.state_cn_JS").id,
            "prefecture_id": self.env.ref("trace_dealer.trace_prefecture_320500").id})
        self.assertIn(county, self.env["trace.county"].search([("prefecture_id.code", "=", "320500")]))
