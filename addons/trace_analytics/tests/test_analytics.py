from odoo.addons.trace_public_portal.tests.common import CHANGCHUN, LONDON, PublicCase
from odoo.tests import freeze_time, new_test_user, tagged


class AnalyticsCase(PublicCase):
    """A case of 24 units shipped on Monday 2026-11-02 09:00 (China) to a dealer in Jilin."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.tz = "Asia/Shanghai"
        jilin = cls.env.ref("base.state_cn_JL")
        cls.dealer = cls.env["res.partner"].create(
            {"name": "Jilin Dealer", "trace_is_dealer": True, "is_company": True, "state_id": jilin.id,
             "country_id": jilin.country_id.id})
        cls.jilin = jilin
        with freeze_time("2026-11-02 01:00:00"):  # 09:00 in China, a Monday
            cls.ship(cls.cases[0], cls.dealer, 24)
        cls.shipped = cls.units[:24]

    def verify_at(self, code, when, address=CHANGCHUN):
        with freeze_time(when):
            self.assertTrue(self.verify(code, address=address)["found"])


@tagged("post_install", "-at_install")
class TestAnalytics(AnalyticsCase):
    """The figures on small known data, exact."""

    def test_reach_counts_every_shipped_unit_once(self):
        self.verify_at(self.shipped[0], "2026-11-05 02:30:00")
        self.verify_at(self.shipped[0], "2026-11-05 12:10:00", address=LONDON)
        self.verify_at(self.shipped[0], "2026-11-06 12:10:00")
        for unit in self.shipped[1:4]:
            self.verify_at(unit, "2026-11-07 13:00:00")
        self.verify_at(self.units[30], "2026-11-07 13:00:00")  # never shipped: not in the reach
        Reach = self.env["trace.reach.report"]
        [group] = Reach._read_group([("product_id", "=", self.product.id)], ["territory_state_id"],
                                    ["shipped_count:sum", "verified_count:sum", "verified_share:avg",
                                     "verification_count:sum"])
        state, shipped, verified, share, verifications = group
        self.assertEqual(state, self.jilin)
        self.assertTrue(state, "the delivery address's province")
        self.assertEqual((shipped, verified, verifications), (24, 4, 6))
        self.assertAlmostEqual(share, 4 / 24)
        self.assertEqual(Reach.search_count([("dealer_id", "=", self.dealer.id)]), 24)
        by_month = Reach._read_group([], ["shipped_date:month"], ["shipped_count:sum"])
        self.assertEqual([(month.month, count) for month, count in by_month], [(11, 24)])

    def test_verifications_by_hour_weekday_place_and_repeats(self):
        self.verify_at(self.shipped[0], "2026-11-05 02:30:00")  # Thursday 10:30 in China
        self.verify_at(self.shipped[0], "2026-11-05 12:10:00", address=LONDON)  # Thursday 20:10
        self.verify_at(self.shipped[1], "2026-11-08 13:00:00")  # Sunday 21:00
        Report = self.env["trace.verification.report"]
        rows = Report.search([("product_id", "=", self.product.id)], order="verify_date")
        self.assertEqual([(r.hour, r.weekday) for r in rows], [(10, "4"), (20, "4"), (21, "7")])
        self.assertEqual(rows.mapped("first_count"), [1, 0, 1])
        self.assertEqual(rows.mapped("repeat_count"), [0, 1, 0])
        self.assertEqual(rows[1].city, "London")
        self.assertTrue(rows[0].city and rows[0].city == rows[2].city, "the fixture's city of the Changchun address")
        [(firsts, repeats, rate, days)] = Report._read_group(
            [("product_id", "=", self.product.id)], [],
            ["first_count:sum", "repeat_count:sum", "repeat_share:avg", "days_to_first:avg"])
        self.assertEqual((firsts, repeats), (2, 1))
        self.assertAlmostEqual(rate, 1 / 3)
        # shipped 2026-11-02 01:00 UTC; first verifications 3 days 1.5 hours and 6 days 12 hours later
        self.assertAlmostEqual(days, ((3 + 1.5 / 24) + (6 + 12 / 24)) / 2, places=3)
        # by province of the IP database, as the pivot groups them
        places = dict(Report._read_group([], ["country_code"], ["verification_count:sum"]))
        self.assertEqual(places, {"CN": 2, "GB": 1})

    def test_two_verifications_in_one_second_count_one_first(self):
        for _again in range(2):
            self.verify_at(self.shipped[5], "2026-11-09 03:00:00")
        rows = self.env["trace.verification.report"].search([("lot_id", "=", self.lot.id)])
        self.assertEqual(sorted(rows.mapped("first_count")), [0, 1])

    def test_another_companys_users_see_nothing_of_it(self):
        self.verify_at(self.shipped[0], "2026-11-05 02:30:00")
        other = self.env["res.company"].create({"name": "Other Tea Co"})
        user = new_test_user(self.env, "other_analyst", company_id=other.id, company_ids=[(6, 0, other.ids)],
                             groups="base.group_user,product_trace.group_trace_manager")
        self.assertEqual(self.env["trace.reach.report"].with_user(user).search_count([]), 0)
        self.assertEqual(self.env["trace.verification.report"].with_user(user).search_count([]), 0)
        self.assertEqual(self.env["trace.reach.report"].search_count([]), 24)

    def test_staff_and_dealer_checks_are_not_consumer_verifications(self):
        with freeze_time("2026-11-09 03:00:00"):
            self.verify(self.shipped[6], audience="dealer")
        self.assertFalse(self.env["trace.verification.report"].search([]))
        reach = self.env["trace.reach.report"].search([("id", "=", self.shipped[6].id)])
        self.assertEqual((reach.verified_count, reach.verification_count), (0, 0))


@tagged("post_install", "-at_install")
class TestAnalyticsTour(AnalyticsCase):
    def test_a_manager_opens_the_analyses(self):
        self.verify_at(self.shipped[0], "2026-11-05 02:30:00")  # a Thursday
        new_test_user(self.env, "analytics_manager", groups="base.group_user,product_trace.group_trace_manager")
        self.start_tour("/odoo/action-trace_analytics.action_trace_reach_report", "trace_analytics_screens",
                        login="analytics_manager", timeout=180)
