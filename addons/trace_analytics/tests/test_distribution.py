from odoo.addons.trace_public_portal.tests.test_dealer_portal import DealerCase
from odoo.tests import new_test_user, tagged
from odoo.tools.misc import file_path


class DistributionCase(DealerCase):
    """The portal's network: dealer A (Shanghai) receives its case and ships 4 units to its shop
    (in 上海市 浦东新区)
    and 6 to its sub-dealer A1; dealer B never scans its case in; consumers verify 2 of B's
    units and one of the shop's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        shanghai = cls.env.ref("base.state_cn_SH")
        cls.shop_a.write({"state_id": shanghai.id, "country_id": shanghai.country_id.id,
                          "trace_county_id": cls.env.ref("trace_dealer.trace_county_310115").id})


@tagged("post_install", "-at_install")
class TestDistribution(DistributionCase):
    """Shipped, received by dealers, sold through, stock in the channel: exact, one code once."""

    def build_flow(self):
        self.receive(self.to_a, self.user_a, self.dealer_a, [self.case_a])
        self.ship_on(self.user_a, self.dealer_a, self.shop_a, self.units_a[:4], 4)
        self.ship_on(self.user_a, self.dealer_a, self.dealer_a1, self.units_a[4:10], 6)
        for code in (self.units_b[0], self.units_b[1], self.units_a[0]):
            self.verify(code)
        self.env.flush_all()

    def test_the_funnel_counts_every_unit_once(self):
        self.build_flow()
        Report = self.env["trace.distribution.report"]
        [(shipped, received, sold, channel, returned)] = Report._read_group(
            [], [], ["shipped_count:sum", "received_count:sum", "sold_count:sum", "channel_count:sum",
                     "returned_count:sum"])
        self.assertEqual((shipped, received, sold, channel, returned), (48, 24, 6, 42, 0))
        by_dealer = {dealer.name: values for dealer, *values in Report._read_group(
            [], ["dealer_id"], ["shipped_count:sum", "received_count:sum", "sold_count:sum", "channel_count:sum"])}
        self.assertEqual(by_dealer, {
            "Dealer A": [18, 18, 4, 14],  # its own stock and what went to its shop (bound to A)
            "Dealer A1": [6, 6, 0, 6],  # received by A, shipped on to A1: still in the channel
            "Dealer B": [24, 0, 2, 22],  # never scanned in; two verified by consumers
        })
        levels = dict(Report._read_group([], ["dealer_level"], ["shipped_count:sum"]))
        self.assertEqual(levels, {1: 42, 2: 6})
        shop = Report.search([("territory_state_id", "=", self.env.ref("base.state_cn_SH").id),
                              ("id", "in", self.units_a[:4].ids)])
        self.assertEqual(len(shop), 4, "the shop's units are placed where the shop is")

    def test_the_dashboard_figures(self):
        self.build_flow()
        manager = new_test_user(self.env, "dashboard_manager", groups="base.group_user,product_trace.group_trace_manager")
        Report = self.env["trace.distribution.report"].with_user(manager)
        data = Report.trace_dashboard("all")
        self.assertEqual(data["totals"], {"shipped_count": 48, "received_count": 24, "sold_count": 6,
                                          "channel_count": 42, "returned_count": 0})
        shanghai = next(p for p in data["provinces"] if p["code"] == "SH")
        self.assertEqual((shanghai["name"], shanghai["shipped_count"]), ("上海市", 18))
        self.assertEqual(len([p for p in data["provinces"] if p["code"]]), 34, "every province on the map")
        self.assertEqual(data["unknown"]["shipped_count"], 30, "dealer B's and A1's addresses name no province")
        self.assertEqual(Report.trace_dashboard("nonsense")["totals"]["shipped_count"], 48, "a year by default")
        data = Report.trace_dashboard_cities("30d", state_id=shanghai["id"])
        self.assertEqual(data["state"]["name"], "上海市")
        self.assertEqual({city["name"]: city["shipped_count"] for city in data["cities"]},
                         {"City not known": 14, "上海市": 4}, "dealer A's address names no city, its shop's does")
        self.assertEqual(Report.trace_dashboard_cities(["x"], state_id=shanghai["id"])["state"]["name"], "上海市",
                         "a period of the wrong type is a year")
        for bad in ("x", True, -1, 2**40, None, 99999999):
            self.assertEqual(Report.trace_dashboard_cities("all", state_id=bad), {"state": None, "cities": []})
        other = self.env["res.company"].create({"name": "Other Tea Co"})
        outsider = new_test_user(self.env, "other_dashboard", company_id=other.id, company_ids=[(6, 0, other.ids)],
                                 groups="base.group_user,product_trace.group_trace_manager")
        self.assertEqual(self.env["trace.distribution.report"].with_user(outsider).trace_dashboard("all")["totals"]
                         ["shipped_count"], 0)
        self.assertFalse(self.env["trace.distribution.report"].with_user(outsider).trace_dashboard_cities(
            "all", state_id=shanghai["id"])["cities"])

    def test_dashboard_tour(self):
        self.build_flow()
        new_test_user(self.env, "dashboard_tour", groups="base.group_user,product_trace.group_trace_manager")
        self.start_tour("/odoo/action-trace_analytics.action_trace_analytics_dashboard", "trace_analytics_dashboard",
                        login="dashboard_tour", timeout=180)

    def test_the_province_outlines_of_an_installed_map(self):
        Report = self.env["trace.distribution.report"]
        self.assertIsNone(Report.trace_dashboard("all")["outlines"], "no file: the tile map")
        self.env["ir.config_parameter"].sudo().set_param("trace_analytics.province_geojson",
                                                         file_path("trace_analytics/tests/data/provinces.geojson"))
        outlines = Report.trace_dashboard("all")["outlines"]
        self.assertEqual([shape["code"] for shape in outlines["shapes"]], ["JL", "JS", "SH"],
                         "by ISO code, by Chinese name (full or short); a feature that is no province is left out")
        jilin = next(shape["path"] for shape in outlines["shapes"] if shape["code"] == "JL")
        self.assertEqual(jilin.count("M"), 2, "both parts of a multipolygon")
        self.assertTrue(jilin.startswith("M490 130L510 130"), jilin)
        self.env["ir.config_parameter"].sudo().set_param("trace_analytics.province_geojson", "/nonexistent.geojson")
        self.assertIsNone(Report.trace_dashboard("all")["outlines"], "a missing file breaks nothing")

    def test_dashboard_tour_on_an_installed_map(self):
        self.build_flow()
        self.env["ir.config_parameter"].sudo().set_param("trace_analytics.province_geojson",
                                                         file_path("trace_analytics/tests/data/provinces.geojson"))
        new_test_user(self.env, "dashboard_map", groups="base.group_user,product_trace.group_trace_manager")
        self.start_tour("/odoo/action-trace_analytics.action_trace_analytics_dashboard", "trace_analytics_dashboard_map",
                        login="dashboard_map", timeout=180)
