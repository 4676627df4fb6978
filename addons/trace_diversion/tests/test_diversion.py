import subprocess

from odoo.addons.trace_public_portal.tests.common import CHANGCHUN
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import DiversionCase


@tagged("post_install", "-at_install")
class TestDiversion(DiversionCase):
    """The rules on small known data: a strong case (an inspector's scan, another dealer's
    scan-in), a weak case (consumers in another city), no alert for a traveller's single scan,
    exact counts, the follow-up of an alert and its evidence."""

    def test_an_inspector_finds_goods_outside_the_territory(self):
        answer = self.inspect(self.units_a[0], self.changchun, shop="长春 Tea House", note="12 on the shelf")
        self.assertEqual(answer["verdict"], "diverted", answer)
        self.assertIn("Shipped to Dealer A for 上海市 on", answer["shipment"])
        alert = self.Alert.search([("dealer_id", "=", self.dealer_a.id)])
        self.assertEqual(len(alert), 1)
        self.assertEqual(answer["alert"], alert.name)
        self.assertTrue(alert.name.startswith("DV/"))
        self.assertEqual((alert.rule_id, alert.strength, alert.state_id.code, alert.prefecture_id),
                         (self.inspection_rule, "strong", "吉", self.changchun))
        self.assertEqual((alert.code_count, alert.sighting_count), (1, 1))
        evidence = alert.evidence_ids
        self.assertEqual((evidence.code_id, evidence.kind, evidence.market_scan_id.shop),
                         (self.units_a[0], "inspection", "长春 Tea House"))
        self.assertEqual(evidence.detail, "长春 Tea House", "the shop, never the inspector's name")
        self.assertNotIn(self.inspector.partner_id, alert.message_follower_ids.partner_id,
                         "the alert is the company's: whoever's scan raised it does not follow it")
        self.assertIn("outside its territory", alert.message_ids[-1:].body + "".join(alert.message_ids.mapped("body")))
        # a second code in the same city joins the open alert; the same code again counts once
        self.assertEqual(self.inspect(self.units_a[1], self.changchun)["alert"], alert.name)
        again = self.inspect(self.units_a[1], self.changchun, county_id=self.nanguan.id)
        self.assertTrue(again["message"].startswith("Scanned here already"), again)
        self.assertEqual(again["alert"], alert.name)
        alert.invalidate_recordset()
        self.assertEqual((alert.code_count, alert.sighting_count), (2, 2), "the same unit on the same visit once")
        # the product's barcode is no unit's code, and no forgery either
        with self.assertRaisesRegex(UserError, "product's barcode"):
            self.Scan.with_user(self.inspector)._trace_inspect(self.product.barcode or "6901234567922",
                                                              self.changchun.id)
        self.assertEqual(len(self.Alert.search([("dealer_id", "=", self.dealer_a.id)])), 1)
        # in its own province: recorded, no alert
        answer = self.inspect(self.units_a[2], self.shanghai, shop="Pudong store")
        self.assertEqual((answer["verdict"], answer["alert"]), ("recorded", ""))
        self.assertEqual(self.Scan.search_count([("code_id", "=", self.units_a[2].id)]), 1)
        # a code never shipped to a dealer is not diverted, but odd in a shop; a code never
        # activated is a leaked label
        self.assertEqual(self.inspect(self.pallets, self.changchun)["verdict"], "not_shipped")
        self.assertEqual(self.inspect(self.idle, self.changchun)["verdict"], "not_active")

    def test_the_dealers_authorised_territory_covers_its_goods(self):
        self.env["trace.dealer.territory"].create({"partner_id": self.dealer_a.id,
                                                   "state_id": self.env.ref("base.state_cn_JL").id})
        self.assertEqual(self.inspect(self.units_a[0], self.changchun)["verdict"], "recorded")
        self.assertEqual(self.inspect(self.units_a[0], self.suzhou)["verdict"], "diverted")

    def test_a_rule_that_asks_for_several_codes_counts_the_dealers_all(self):
        self.inspection_rule.min_codes = 2
        self.assertEqual(self.inspect(self.units_a[0], self.changchun)["verdict"], "recorded")
        answer = self.inspect(self.units_a[1], self.changchun)
        self.assertEqual(answer["verdict"], "diverted", "the second code of the dealer there raises it at once")
        alert = self.Alert.search([("rule_id", "=", self.inspection_rule.id)])
        self.assertEqual((alert.name, alert.code_count), (answer["alert"], 2))

    def test_bad_inspections_record_nothing(self):
        before = self.Scan.search_count([])
        with self.assertRaises(AccessError):
            self.inspect(self.units_a[0], self.changchun, user=self.user_a)
        with self.assertRaises(UserError):
            self.Scan.with_user(self.inspector)._trace_inspect("NOT-A-CODE", self.changchun.id)
        with self.assertRaises(UserError):
            self.Scan.with_user(self.inspector)._trace_inspect(self.units_a[0].name, 999999999)
        with self.assertRaises(UserError):
            self.inspect(self.units_a[0], self.shanghai, county_id=self.nanguan.id)
        other = self.env["res.company"].create({"name": "Other Tea Co"})
        self.inspector.sudo().write({"company_ids": [(6, 0, [other.id])], "company_id": other.id})
        with self.assertRaises(UserError, msg="another company's code is unknown to its inspector"):
            self.inspect(self.units_a[0], self.changchun)
        self.assertEqual(self.Scan.search_count([]), before)

    def test_another_dealers_scan_in_is_strong_evidence(self):
        receipt = self.to_b.with_user(self.user_b).sudo()._trace_dealer_receive(self.dealer_b)
        answer = receipt._trace_dealer_scan(self.units_a[5].name, unpack=True)
        self.assertEqual(answer["error"], "other_dealer", "the scan is refused as before")
        scan = self.Scan.search([("kind", "=", "dealer_scan")])
        self.assertEqual((scan.code_id, scan.dealer_id, scan.shipped_dealer_id, scan.prefecture_id, scan.county_id),
                         (self.units_a[5], self.dealer_b, self.dealer_a, self.changchun, self.nanguan))
        alert = self.Alert.search([("rule_id", "=", self.dealer_rule.id)])
        self.assertEqual((alert.dealer_id, alert.strength, alert.code_count), (self.dealer_a, "strong", 1))
        self.assertIn("Dealer B", alert.evidence_ids.detail)
        receipt._trace_dealer_scan(self.units_a[5].name, unpack=True)
        self.assertEqual(self.Scan.search_count([("kind", "=", "dealer_scan")]), 1, "once per receipt and code")
        # a mistyped code or the dealer's own goods are no evidence
        self.assertTrue(receipt._trace_dealer_scan(self.units_b[0].name, unpack=True)["ok"])
        self.assertEqual(self.Scan.search_count([("kind", "=", "dealer_scan")]), 1)

    def test_consumers_in_another_city_are_weak_evidence_from_five_codes(self):
        # a traveller: one unit, verified three times in 长春
        for _i in range(3):
            self.verify(self.units_a[0], address=CHANGCHUN)
        self.evaluate()
        self.assertFalse(self.Alert.search([("rule_id", "=", self.consumer_rule.id)]), "a traveller raises nothing")
        for code in self.units_a[1:4]:
            self.verify(code, address=CHANGCHUN)
        self.evaluate()
        self.assertFalse(self.Alert.search([("rule_id", "=", self.consumer_rule.id)]), "four codes are below five")
        self.verify(self.units_a[4], address=CHANGCHUN, lang="zh_CN")
        self.evaluate()
        alert = self.Alert.search([("rule_id", "=", self.consumer_rule.id)])
        self.assertEqual((alert.dealer_id, alert.strength, alert.prefecture_id), (self.dealer_a, "weak", self.changchun))
        self.assertEqual((alert.code_count, alert.sighting_count), (5, 7))
        # evaluating again adds nothing; a further verification joins the open alert
        self.evaluate()
        self.verify(self.units_a[5], address=CHANGCHUN)
        self.evaluate()
        alert.invalidate_recordset()
        self.assertEqual((alert.code_count, alert.sighting_count), (6, 8))
        self.assertEqual(len(self.Alert.search([("rule_id", "=", self.consumer_rule.id)])), 1)
        # verifications in the dealer's own province, or with no place, are no evidence
        self.verify(self.units_a[6])
        self.assertEqual(len(self.evaluate()), 0)

    def test_rules_are_records_a_manager_tunes(self):
        rule = self.consumer_rule.with_user(self.manager)
        rule.write({"min_codes": 1})
        self.verify(self.units_a[0], address=CHANGCHUN)
        self.evaluate()
        self.assertEqual(self.Alert.search([("rule_id", "=", rule.id)]).code_count, 1)
        with self.assertRaises(ValidationError):
            rule.level = "county"
        with self.assertRaises(AccessError):
            self.consumer_rule.with_user(self.trace_user).write({"min_codes": 2})
        rule.active = False
        self.verify(self.units_a[1], address=CHANGCHUN)
        self.evaluate()
        self.assertEqual(self.Alert.search([("rule_id", "=", rule.id)]).code_count, 1, "an archived rule runs no more")
        # each company its own rules
        other = self.env["res.company"].create({"name": "Other Tea Co"})
        self.assertEqual(len(self.Rule.search([("company_id", "=", other.id)])), 3)

    def test_following_up_an_alert(self):
        self.inspect(self.units_a[0], self.changchun)
        alert = self.Alert.search([])
        as_manager = alert.with_user(self.manager)
        with self.assertRaises(AccessError):
            alert.with_user(self.trace_user).action_confirm()
        with self.assertRaises(AccessError):
            as_manager.write({"state": "closed"})
        with self.assertRaises(AccessError):
            as_manager.write({"dealer_id": self.dealer_b.id})
        with self.assertRaises(AccessError):
            self.Alert.with_user(self.manager).create({"rule_id": self.inspection_rule.id})
        as_manager.write({"user_id": self.manager.id})
        as_manager.action_confirm()
        self.assertEqual(alert.state, "confirmed")
        self.assertEqual(alert.activity_ids.user_id, self.manager, "a case to follow up")
        with self.assertRaises(UserError):
            as_manager.action_close()
        as_manager.resolution = "Dealer A sold 2 cases to a wholesaler in 长春; warned."
        as_manager.action_close()
        self.assertEqual(alert.state, "closed")
        self.assertFalse(alert.activity_ids)
        with self.assertRaises(UserError):
            as_manager.action_confirm()
        # a closed case: the next code found there opens a new one
        self.inspect(self.units_a[1], self.changchun)
        self.assertEqual(self.Alert.search_count([("state", "=", "new")]), 1)

    def test_a_dismissed_alert_does_not_come_back(self):
        self.consumer_rule.min_codes = 2
        for code in self.units_a[:2]:
            self.verify(code, address=CHANGCHUN)
        self.evaluate()
        alert = self.Alert.search([("rule_id", "=", self.consumer_rule.id)])
        alert.with_user(self.manager).resolution = "A tour group from Shanghai."
        alert.with_user(self.manager).action_dismiss()
        self.verify(self.units_a[0], address=CHANGCHUN)
        self.verify(self.units_a[2], address=CHANGCHUN)
        self.evaluate()
        self.assertEqual(self.Alert.search_count([("rule_id", "=", self.consumer_rule.id)]), 1,
                         "a dismissed code seen again is cleared: one new code is below two")
        self.verify(self.units_a[3], address=CHANGCHUN)
        self.evaluate()
        new = self.Alert.search([("rule_id", "=", self.consumer_rule.id), ("state", "=", "new")])
        self.assertEqual((new.code_count, new.evidence_ids.code_id), (2, self.units_a[2:4]))

    def test_diverted_codes_per_dealer_count_each_code_once(self):
        self.consumer_rule.min_codes = 1
        self.verify(self.units_a[0], address=CHANGCHUN)
        self.evaluate()
        self.inspect(self.units_a[0], self.changchun)
        self.inspect(self.units_a[1], self.changchun)
        Report = self.env["trace.diversion.report"].with_user(self.trace_user)
        self.env.flush_all()
        groups = Report._read_group([], ["dealer_id", "strength"], ["code_count:sum"])
        self.assertEqual([(dealer, strength, count) for dealer, strength, count in groups],
                         [(self.dealer_a, "strong", 2)], "a code found by two rules counts once, as strong")
        self.assertEqual(self.dealer_a.with_user(self.trace_user).trace_diversion_alert_count, 2)

    def test_registry_tables_have_no_writers_but_their_methods(self):
        self.inspect(self.units_a[0], self.changchun)
        for user in (self.trace_user, self.manager):
            for model in ("trace.market.scan", "trace.diversion.evidence", "trace.geoip.place"):
                with self.subTest(user=user.login, model=model), self.assertRaises(AccessError):
                    self.env[model].with_user(user).create({})
            with self.assertRaises(AccessError):
                self.Scan.search([], limit=1).with_user(user).write({"shop": "forged"})
        with self.assertRaises(AccessError):
            self.Scan.with_user(self.inspector).search([])

    def test_the_evidence_pdf_lists_codes_shipments_and_sightings(self):
        self.inspect(self.units_a[0], self.changchun, shop="长春 Tea House")
        self.inspect(self.units_a[1], self.changchun, shop="长春 Tea House")
        alert = self.Alert.search([])
        # wkhtmltopdf would fetch the report's style sheets from this server, whose request waits
        # for the test's open transaction: point it where nothing answers (as the label tests do)
        self.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")
        pdf, kind = self.env["ir.actions.report"].with_context(force_report_rendering=True)._render_qweb_pdf(
            "trace_diversion.action_report_diversion_evidence", alert.ids)
        self.assertEqual(kind, "pdf")
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                              check=True).stdout.decode()
        for expected in (alert.name, "Dealer A", self.units_a[0].name, self.units_a[1].name, self.to_a.name,
                         "长春市", "上海市", "Tea House"):
            self.assertIn(expected, text)
        self.assertNotIn(self.inspector.name, text, "the dealer does not learn who the inspector is")
        # a manager without stock rights prints it too
        self.env["ir.actions.report"].with_user(self.manager).with_context(force_report_rendering=True)._render_qweb_pdf(
            "trace_diversion.action_report_diversion_evidence", alert.ids)
        # sent to the dealer from the composer, the PDF attached
        action = alert.with_user(self.manager).action_send_evidence()
        composer = self.env["mail.compose.message"].with_user(self.manager).with_context(
            action["context"], force_report_rendering=True).create({})
        self.assertEqual(composer.partner_ids, self.dealer_a)
        self.assertTrue(composer.attachment_ids and composer.attachment_ids[0].mimetype == "application/pdf")
        composer._action_send_mail()
        self.assertIn(self.dealer_a, alert.message_ids.partner_ids)

    def test_place_names_of_the_ip_database(self):
        resolve = self.env["trace.geoip.place"]._trace_resolve
        ref = self.env.ref
        jilin = self.env.ref("base.state_cn_JL").id
        yanbian = self.env.ref("trace_dealer.trace_prefecture_222400").id
        self.assertEqual(resolve([("吉林", "长春"), ("吉林省", "长春市"), ("Jilin", "Changchun"), ("吉林", "延边"),
                                  ("Nowhere", "X"), ("", "长春"), ("上海", "上海"), ("Jilin Sheng", "Yanbian"),
                                  ("Anhui", "Suzhou"), ("Jiangsu", "Suzhou Shi"), ("Hubei", "Huangshi"),
                                  ("Guangxi Zhuangzu Zizhiqu", "Guilin")]), {
            ("吉林", "长春"): (jilin, self.changchun.id),
            ("吉林省", "长春市"): (jilin, self.changchun.id),
            ("Jilin", "Changchun"): (jilin, self.changchun.id),
            ("吉林", "延边"): (jilin, yanbian),
            ("Nowhere", "X"): (None, None),
            ("", "长春"): (None, None),
            ("上海", "上海"): (self.env.ref("base.state_cn_SH").id, self.shanghai.id),
            ("Jilin Sheng", "Yanbian"): (jilin, yanbian),
            ("Anhui", "Suzhou"): (self.env.ref("base.state_cn_AH").id, ref("trace_dealer.trace_prefecture_341300").id),
            ("Jiangsu", "Suzhou Shi"): (self.env.ref("base.state_cn_JS").id, self.suzhou.id),
            ("Hubei", "Huangshi"): (self.env.ref("base.state_cn_HB").id, ref("trace_dealer.trace_prefecture_420200").id),
            ("Guangxi Zhuangzu Zizhiqu", "Guilin"): (self.env.ref("base.state_cn_GX").id,
                                                     ref("trace_dealer.trace_prefecture_450300").id),
        })
