from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDealerTour(HttpCase):
    """Dealers and territories in a real browser (Debian chromium), as a Traceability manager
    enters them in the back office."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, "tour_dealer_manager",
            groups="base.group_user,base.group_partner_manager,product_trace.group_trace_manager")
        cls.parent = cls.env["res.partner"].create(
            {"name": "Tour Parent Dealer", "is_company": True, "trace_is_dealer": True})

    def test_manager_creates_a_dealer_with_parent_and_territory(self):
        self.start_tour("/odoo/action-trace_dealer.action_trace_dealer", "trace_dealer_territory",
                        login=self.manager.login, timeout=180)
        ref = self.env.ref
        dealer = self.env["res.partner"].search([("name", "=", "Tour Sub Dealer")])
        self.assertEqual(len(dealer), 1)
        self.assertTrue(dealer.trace_is_dealer)
        self.assertTrue(dealer.is_company)
        self.assertEqual(dealer.trace_parent_dealer_id, self.parent)
        self.assertEqual(dealer.trace_dealer_level, 2)
        self.assertEqual(self.parent.trace_child_dealer_ids, dealer)
        wuzhong = ref("trace_dealer.trace_county_320506")
        self.assertEqual((dealer.country_id, dealer.state_id, dealer.city_id, dealer.trace_county_id),
                         (ref("base.cn"), ref("base.state_cn_JS"), wuzhong.city_id, wuzhong))
        lines = {line.level: line for line in dealer.trace_territory_ids}
        self.assertEqual(set(lines), {"state", "prefecture", "county"})
        self.assertEqual(len(dealer.trace_territory_ids), 3)
        self.assertEqual(lines["state"].state_id, ref("base.state_cn_ZJ"))
        self.assertEqual((lines["prefecture"].prefecture_id, lines["prefecture"].state_id),
                         (ref("trace_dealer.trace_prefecture_320500"), ref("base.state_cn_JS")))
        xuanwu = ref("trace_dealer.trace_county_320102")
        self.assertEqual((lines["county"].county_id, lines["county"].prefecture_id, lines["county"].state_id),
                         (xuanwu, xuanwu.prefecture_id, xuanwu.state_id))
        self.assertTrue(all(line.country_id == ref("base.cn") for line in dealer.trace_territory_ids))
        self.assertEqual(dealer.create_uid, self.manager)
        self.assertTrue(dealer._trace_territory_covers(county=xuanwu))
        self.assertTrue(dealer._trace_territory_covers(county=ref("trace_dealer.trace_county_330102")))  # 杭州市上城区
        self.assertFalse(dealer._trace_territory_covers(county=ref("trace_dealer.trace_county_320106")))  # 南京市鼓楼区
