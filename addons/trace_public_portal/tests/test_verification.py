import base64
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import CHANGCHUN, LONDON, PublicCase

# everything a consumer answer may hold: a whitelist (no internal ids)
PUBLIC_KEYS = {"found", "serial", "level", "gtin", "company", "product", "lot", "recalled", "contact", "hidden_code",
               "production_date", "expiry_date", "factory", "shipped_date", "territory", "reports", "claimed_date",
               "token", "history", "logistics"}


@tagged("post_install", "-at_install")
class TestVerification(PublicCase):
    """The verification answer, server side: what a genuine code shows, its history and when it
    is suspicious, the one answer for unknown, forged and inactive codes, the hidden code."""

    def test_a_genuine_code_answers_a_whitelist_and_is_recorded(self):
        answer = self.verify(self.units[0], address=CHANGCHUN, lang="zh_CN")
        self.assertTrue(answer["found"])
        self.assertLessEqual(set(answer), PUBLIC_KEYS)
        self.assertEqual((answer["product"], answer["lot"], answer["serial"]), ("Green Tea 500 ml", "L2611A",
                                                                               self.units[0].name))
        self.assertEqual(str(answer["production_date"]), "2026-11-20")
        self.assertEqual(str(answer["expiry_date"]), "2027-11-19")
        self.assertEqual(answer["factory"], "Plant")
        self.assertEqual(answer["history"]["count"], 1)
        self.assertEqual(answer["history"]["first_city"], "长春")
        self.assertFalse(answer["history"]["suspicious"])
        [verification] = self.env["trace.verification"].search([("code_id", "=", self.units[0].id)])
        self.assertEqual((verification.audience, verification.city, verification.province, verification.country_code),
                         ("consumer", "长春", "吉林", "CN"))
        self.assertFalse(verification.located, "no position without consent")

    def test_a_genuine_buyer_who_checks_again_sees_the_history_not_fake(self):
        self.verify(self.units[1], address=CHANGCHUN)
        again = self.verify(self.units[1], address=CHANGCHUN)
        self.assertTrue(again["found"])
        self.assertEqual(again["history"]["count"], 2)
        self.assertEqual(again["history"]["cities"], 1)
        self.assertFalse(again["history"]["suspicious"], "twice in one city is a buyer checking again")
        self.assertTrue(again["history"]["first_date"])

    def test_many_checks_or_many_cities_are_suspicious(self):
        self.company.trace_suspicious_count = 3
        self.company.trace_suspicious_cities = 2
        self.verify(self.units[2], address=CHANGCHUN, lang="en_US")
        answer = self.verify(self.units[2], address=LONDON)
        self.assertEqual(answer["history"]["suspicious"], ["cities"])
        answer = self.verify(self.units[2], address=LONDON)
        self.assertEqual(answer["history"]["suspicious"], ["count", "cities"])
        self.assertEqual(answer["history"]["cities"], 2)
        self.assertEqual(answer["history"]["first_city"], "Changchun", "the first city stays the first")

    def test_a_check_before_the_code_was_shipped_is_suspicious_once_it_is_shipped(self):
        self.verify(self.units[3])
        before = self.verify(self.units[3])
        self.assertFalse(before["history"]["suspicious"], "not shipped yet: nothing to compare with")
        dealer = self.env["res.partner"].create({"name": "Dealer", "trace_is_dealer": True})
        self.ship(self.pallets, dealer, 48)
        self.assertTrue(self.units[3].shipped_date, "shipping dates every unit of the pallet")
        after = self.verify(self.units[3])
        self.assertEqual(after["history"]["suspicious"], ["early"])
        self.assertTrue(after["shipped_date"])

    def test_unknown_forged_and_inactive_codes_get_one_answer_and_alerts(self):
        genuine = self.units[4].name
        forged = genuine[:-1] + ("0" if genuine[-1] != "0" else "1")  # the check segment fails
        minter = self.company._trace_minter()
        unknown = minter.mint(1)[0]  # a valid check segment, never issued
        unknown_before = self.env["trace.verification.alert"].search([("kind", "=", "unknown")]).count
        answers = [
            self.verify("https://id.tea.test/01/06901234567922/10/L2611A/21/%s" % forged),
            self.verify(unknown),
            self.verify(self.idle),
            self.verify("https://id.tea.test/01/06901234567922/10/OTHERLOT/21/%s" % genuine),  # a real serial, wrong lot
            self.Verification.sudo()._verify(None),  # unparsable
        ]
        self.env.invalidate_all()
        self.assertEqual(answers, [{"found": False}] * 5)
        alerts = self.env["trace.verification.alert"].search(
            [("name", "in", [forged, genuine, self.idle.name])])
        self.assertEqual(
            sorted((a.kind, a.name, a.count) for a in alerts),
            sorted([("forged", forged, 1), ("forged", genuine, 1), ("inactive", self.idle.name, 1)]),
        )
        self.assertEqual(self.env["trace.verification.alert"].search([("kind", "=", "unknown")]).count - unknown_before,
                         2, "unknown and unparsable codes are counted per day")
        self.assertEqual(alerts.filtered(lambda a: a.kind == "inactive").company_id, self.company)
        self.assertEqual(alerts.filtered(lambda a: a.name == forged).product_id, self.product, "known by its GTIN")
        self.assertFalse(self.env["trace.verification"].search([("code_id", "in", (self.units | self.idle).ids)]),
                         "nothing is recorded as a verification")
        self.verify(forged)
        self.assertEqual(alerts.filtered(lambda a: a.name == forged).count, 2, "counted per code and day")

    def test_what_the_public_sees_is_configured_per_company(self):
        self.company.write({"trace_public_production": False, "trace_public_factory": False,
                            "trace_public_expiry": False})
        answer = self.verify(self.units[5])
        self.assertNotIn("production_date", answer)
        self.assertNotIn("factory", answer)
        self.assertNotIn("expiry_date", answer)
        self.assertEqual(answer["lot"], "L2611A")

    def test_public_test_reports_only(self):
        report = self.env["trace.batch.report"].create(
            [{"name": "Pesticide residues", "batch_id": self.batch.id, "public": True,
              "attachment": base64.b64encode(b"%PDF-1.4 public"), "attachment_name": "residues.pdf"},
             {"name": "Internal audit", "batch_id": self.batch.id, "public": False,
              "attachment": base64.b64encode(b"%PDF-1.4 internal"), "attachment_name": "audit.pdf"}]
        )
        answer = self.verify(self.units[6])
        self.assertEqual([r["name"] for r in answer["reports"]], ["Pesticide residues"])
        response = self.url_open("/trace/report/%s/1" % self.units[6].name)
        self.assertEqual((response.status_code, response.content), (200, b"%PDF-1.4 public"))
        self.assertEqual(self.url_open("/trace/report/%s/2" % self.units[6].name).status_code, 404)
        self.assertEqual(self.url_open("/trace/report/%s/1" % self.idle.name).status_code, 404, "not for inactive codes")
        self.company.trace_public_reports = False
        self.assertEqual(self.url_open("/trace/report/%s/1" % self.units[6].name).status_code, 404)
        self.assertNotIn("reports", self.verify(self.units[6]))
        self.assertTrue(report)

    def test_a_recalled_lot_shows_the_recall_notice(self):
        self.lot.sudo().trace_blocked = True
        self.assertTrue(self.verify(self.units[7])["recalled"])

    def test_the_territory_and_date_of_the_shipment(self):
        county = self.env.ref("trace_dealer.trace_county_320508")
        dealer = self.env["res.partner"].create(
            {"name": "苏州姑苏商贸", "trace_is_dealer": True, "is_company": True,
             "country_id": self.env.ref("base.cn").id, "state_id": county.state_id.id,
             "city_id": county.city_id.id or False, "trace_county_id": county.id})
        self.ship(self.pallets, dealer, 48)
        answer = self.verify(self.units[8], lang="zh_CN")
        self.assertIn(county.name, answer["territory"])
        self.assertIn(county.prefecture_id.name, answer["territory"])
        self.company.trace_public_territory = False
        self.assertNotIn("territory", self.verify(self.units[8]))

    def test_the_hidden_code_is_claimed_once_by_the_buyer(self):
        self.product.trace_hidden_code = True
        unit = self.units[9]
        self.assertTrue(self.verify(unit)["hidden_code"])
        pin = unit._trace_pin()
        self.assertRegex(pin, r"^[0-9]{8}$")
        self.assertNotEqual(pin, self.units[10]._trace_pin())
        wrong = self.Verification.sudo()._claim(unit.name, "00000000" if pin != "00000000" else "11111111")
        self.assertFalse(wrong["ok"])
        self.assertFalse(self.env["trace.code.claim"].search([]), "a wrong PIN claims nothing")
        claim = self.Verification.sudo()._claim(unit.name, pin[:4] + " " + pin[4:])
        self.assertEqual((claim["ok"], claim["already"]), (True, False))
        again = self.Verification.sudo()._claim(unit.name, pin)
        self.assertEqual((again["ok"], again["already"]), (True, True))
        self.assertIn(again["claimed_date"], again["message"])
        self.assertTrue(self.verify(unit)["claimed_date"])
        self.assertFalse(self.Verification.sudo()._claim(self.idle.name, self.idle._trace_pin())["ok"])
        self.product.trace_hidden_code = False
        self.assertFalse(self.Verification.sudo()._claim(self.units[10].name, self.units[10]._trace_pin())["ok"])

    def test_the_hidden_code_is_in_the_print_house_file(self):
        self.product.trace_hidden_code = True
        rows = list(self.batch._code_file_rows("unit"))
        header = self.batch._code_file_header()
        self.assertEqual(header[-1], "hidden_code")
        by_code = {row[0]: row[-1] for row in rows}
        self.assertEqual(by_code[self.units[0].name], self.units[0]._trace_pin())
        self.product.trace_hidden_code = False
        self.assertNotIn("hidden_code", self.batch._code_file_header())

    def test_a_position_is_recorded_only_with_consent_and_once(self):
        answer = self.verify(self.units[11])
        token = answer["token"]
        Verification = self.Verification.sudo()
        self.assertFalse(Verification._locate_verification(self.units[12].name, token, 43.88, 125.35),
                         "the token of another code's verification")
        self.assertTrue(Verification._locate_verification(self.units[11].name, token, 43.88123, 125.35456))
        verification = self.env["trace.verification"].search([("code_id", "=", self.units[11].id)])
        self.assertEqual((verification.located, verification.latitude, verification.longitude),
                         (True, 43.881, 125.355))
        self.assertFalse(Verification._locate_verification(self.units[11].name, token, 1, 1), "used once")

    def test_verifications_are_deleted_after_the_retention_but_counts_remain(self):
        self.verify(self.units[13])
        self.company.trace_verification_retention = 30
        self.env.cr.execute("UPDATE trace_verification SET verify_date = %s",
                            [fields.Datetime.now() - timedelta(days=31)])
        self.verify(self.units[13])
        self.Verification._gc_verifications()
        self.env.invalidate_all()
        self.assertEqual(self.env["trace.verification"].search_count([("code_id", "=", self.units[13].id)]), 1)
        self.assertEqual(self.env["trace.verification.stat"].search([("code_id", "=", self.units[13].id)]).count, 2)

    def test_the_ip_database_gives_a_city_or_nothing(self):
        Geoip = self.env["trace.geoip"]
        self.assertEqual(Geoip._locate(CHANGCHUN, "zh_CN"), {"country": "CN", "province": "吉林", "city": "长春"})
        self.assertEqual(Geoip._locate(CHANGCHUN, "en_US")["city"], "Changchun")
        self.assertEqual(Geoip._locate("10.1.2.3"), {}, "private addresses have no place")
        self.assertEqual(Geoip._locate("not an address"), {})
        self.assertEqual(Geoip._locate("203.0.113.9"), {}, "not in the database")
        self.env["ir.config_parameter"].sudo().set_param("trace_public_portal.geoip_database", "/nonexistent.mmdb")
        self.assertEqual(Geoip._locate(CHANGCHUN), {}, "a missing database records no place, it breaks nothing")
