import json
import re
from unittest.mock import patch
from urllib.parse import urlencode

from odoo.tests import new_test_user, tagged
from odoo.tools import config

from .common import PublicCase


@tagged("post_install", "-at_install")
class TestRoutes(PublicCase):
    """The public routes over HTTP: one URL for three audiences, the same answer for everything
    that is not a genuine code, validation of every field, the limiter."""

    def get(self, path, **kwargs):
        # the page as served in production (under the test runner it carries the tours' framework)
        with patch.dict(config.options, {"test_enable": False, "test_file": False}):
            return self.url_open(path, allow_redirects=False, **kwargs)

    def test_the_digital_link_opens_the_consumer_page(self):
        response = self.get(self.link(self.units[0]), headers={"Accept-Language": "en-US,en;q=0.8"})
        self.assertEqual(response.status_code, 200)
        self.assertIn('id="tp-genuine"', response.text)
        self.assertIn("Green Tea 500 ml", response.text)
        self.assertIn("This is the first verification of this code.", response.text)
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        self.assertIn("default-src 'none'", response.headers["Content-Security-Policy"])
        self.assertNotIn("set-cookie", {k.lower() for k in response.headers}, "a public check starts no session")
        self.assertNotIn("/web/assets/", response.text, "no web-client bundle on the public page")
        again = self.get(self.link(self.units[0]))
        self.assertIn("Verified <strong>2</strong> times in all.", again.text)
        self.assertNotIn("tp-not-found", again.text)

    def test_link_previews_and_head_requests_are_not_verifications(self):
        path = self.link(self.units[9])
        preview = self.get(path, headers={"User-Agent": "WhatsApp/2.23.20.0"})
        self.assertIn('id="tp-genuine"', preview.text)
        self.assertEqual(self.url_open(path, head=True).status_code, 200)
        self.assertFalse(self.env["trace.verification"].search([("code_id", "=", self.units[9].id)]),
                         "a shared link's preview must not make a buyer's first check look like a repeat")
        self.get(path, headers={"User-Agent": "Mozilla/5.0 (iPhone) MicroMessenger/8.0"})
        self.assertEqual(self.env["trace.verification.stat"].search([("code_id", "=", self.units[9].id)]).count, 1)

    def test_a_forwarded_client_address_counts_only_behind_a_configured_proxy(self):
        path = self.link(self.units[20])
        forwarded = {"X-Forwarded-For": "175.16.199.10", "X-Forwarded-Host": "id.tea.test",
                     "X-Forwarded-Proto": "https"}
        self.get(path, headers=forwarded)
        verification = self.env["trace.verification"].search([("code_id", "=", self.units[20].id)])
        self.assertFalse(verification.city, "without --proxy-mode the header is anyone's to forge")
        with patch.dict(config.options, {"proxy_mode": True}):
            self.get(path, headers=forwarded)
        verification = self.env["trace.verification"].search([("code_id", "=", self.units[20].id)], order="id desc",
                                                              limit=1)
        self.assertEqual(verification.city, "Changchun", "behind the configured proxy: the client's own address")

    def test_the_page_speaks_the_browsers_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["trace_public_portal"], ["zh_CN"], overwrite=True)
        response = self.get(self.link(self.units[1]), headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
        self.assertIn('lang="zh-CN"', response.text)
        self.assertIn("正品", response.text)
        response = self.get(self.link(self.units[1]), headers={"Accept-Language": "en-GB"})
        self.assertIn("Genuine product", response.text)

    def test_unknown_forged_inactive_and_garbage_get_the_same_page(self):
        genuine = self.units[2].name
        forged = genuine[:-1] + ("0" if genuine[-1] != "0" else "1")
        unknown = self.company._trace_minter().mint(1)[0]
        paths = [
            "/01/06901234567922/10/L2611A/21/%s" % forged,
            "/01/06901234567922/10/L2611A/21/%s" % unknown,
            self.link(self.idle),
            "/01/06901234567922/21/%s?17=abc" % genuine,  # a malformed date: not GS1 syntax
            "/01/1234/21/X",
            "/verify?code=%s" % unknown,
            "/v/%s" % genuine,  # short links are off for this company
        ]
        bodies = {self.get(path).text for path in paths}
        self.assertEqual(len(bodies), 1, "one answer, whatever is wrong")
        self.assertIn('id="tp-not-found"', bodies.pop())

    def test_a_query_parameter_named_self_changes_nothing(self):
        # Odoo passes query parameters to the controller method as keyword arguments
        self.assertEqual(self.get("/verify?self=1").status_code, 200)
        link = self.link(self.units[3])
        for path in (link + ("&" if "?" in link else "?") + "self=1", "/verify?code=%s&self=x" % self.units[3].name):
            with self.subTest(path=path):
                response = self.get(path)
                self.assertEqual(response.status_code, 200)
                self.assertIn('id="tp-genuine"', response.text)

    def test_manual_entry_forgives_case_dashes_and_look_alike_letters(self):
        form = self.get("/verify")
        self.assertIn('id="tp-form"', form.text)
        typed = self.units[3].name.lower().replace("0", "o").replace("1", "l")
        typed = typed[:5] + "-" + typed[5:10] + " " + typed[10:]
        response = self.get("/verify?" + urlencode({"code": typed}))
        self.assertIn('id="tp-genuine"', response.text)
        self.assertIn('id="tp-genuine"', self.get("/verify?" + urlencode({"code": self.units[3]._digital_link()})).text)
        self.assertIn("Type a code first.", self.get("/verify?code=%20").text)
        self.assertEqual(self.get("/verify?" + urlencode({"code": "x" * 5000})).status_code, 200)

    def test_short_links_where_the_company_wants_them(self):
        self.company.trace_short_links = True
        self.assertIn('id="tp-genuine"', self.get("/v/%s" % self.units[4].name).text)
        self.assertIn('id="tp-not-found"', self.get("/v/%s" % ("7" * 30)).text)
        self.assertIn('id="tp-not-found"', self.get("/v/%s" % self.cases[0].gtin).text, "a GTIN is not a unit")

    def test_the_limiter_answers_too_many_requests(self):
        self.env["ir.config_parameter"].sudo().set_param("trace_public_portal.limit_code_per_hour", 3)
        path = self.link(self.units[5])
        statuses = [self.get(path).status_code for _i in range(4)]
        self.assertEqual(statuses, [200, 200, 200, 429])
        limited = self.get(path)
        self.assertIn('id="tp-limited"', limited.text)
        self.assertGreater(int(limited.headers["Retry-After"]), 0)
        self.assertEqual(self.env["trace.verification.stat"].search([("code_id", "=", self.units[5].id)]).count, 3,
                         "a refused request records nothing")
        self.assertEqual(self.get(self.link(self.units[6])).status_code, 200, "other codes still answer")
        self.env["ir.config_parameter"].sudo().set_param("trace_public_portal.limit_client_per_minute", 5)
        statuses = [self.get("/verify?code=%s" % unit.name).status_code for unit in self.units[10:20]]
        self.assertIn(429, statuses, "one client guessing many codes is stopped")

    def test_ipv6_clients_count_per_64(self):
        Limit = self.env["trace.rate.limit"]
        self.assertEqual(Limit._client_key("2001:db8:1:2:aaaa::1"), Limit._client_key("2001:db8:1:2:bbbb::9"))
        self.assertNotEqual(Limit._client_key("2001:db8:1:2::1"), Limit._client_key("2001:db8:1:3::1"))
        self.assertEqual(Limit._client_key("::ffff:10.0.0.1"), "client:10.0.0.1")
        self.assertEqual(Limit._client_key("garbage"), "client:unknown")

    def test_staff_get_the_full_trace(self):
        new_test_user(self.env, "trace.staff", groups="base.group_user,product_trace.group_trace_user")
        self.authenticate("trace.staff", "trace.staff")
        response = self.get(self.link(self.units[7]))
        self.assertEqual(response.status_code, 303)
        self.assertIn("/odoo/action-product_trace.action_trace_home?trace_query=%s" % self.units[7].name,
                      response.headers["Location"])
        self.assertFalse(self.env["trace.verification"].search([("code_id", "=", self.units[7].id)]),
                         "staff looking up a code is not a consumer verification")

    def test_claim_and_locate_validate_every_field(self):
        self.product.trace_hidden_code = True
        unit = self.units[8]
        page = self.get(self.link(unit)).text
        self.assertIn('action="/trace/claim"', page)
        token = re.search(r'data-token="([^"]+)"', page).group(1)
        wrong = self.url_open("/trace/claim", data={"serial": unit.name, "pin": "x"})
        self.assertIn("does not match", wrong.text)
        self.assertEqual(self.url_open("/trace/claim", data={"serial": "", "pin": "1"}).status_code, 400)
        self.assertEqual(self.url_open("/trace/claim", data={"serial": "A" * 50, "pin": "1"}).status_code, 400)
        right = self.url_open("/trace/claim", data={"serial": unit.name, "pin": unit._trace_pin()})
        self.assertIn('id="tp-claim-result"', right.text)
        self.assertIn("Verified by its buyer", right.text)
        headers = {"Content-Type": "application/json"}
        bad_bodies = [
            b"not json",
            b"[1, 2]",
            json.dumps({"serial": unit.name, "token": token, "latitude": "43", "longitude": 125}).encode(),
            json.dumps({"serial": unit.name, "token": token, "latitude": 91, "longitude": 125}).encode(),
            json.dumps({"serial": unit.name, "token": token, "latitude": True, "longitude": 125}).encode(),
            json.dumps({"serial": ["x"], "token": token, "latitude": 1, "longitude": 1}).encode(),
        ]
        for body in bad_bodies:
            self.assertEqual(self.url_open("/trace/locate", data=body, headers=headers).status_code, 400, body)
        self.assertEqual(self.url_open("/trace/locate", data=b"{" + b" " * 2000 + b"}", headers=headers).status_code,
                         413)
        good = json.dumps({"serial": unit.name, "token": token, "latitude": 43.8, "longitude": 125.3}).encode()
        self.assertEqual(self.url_open("/trace/locate", data=good, headers=headers).status_code, 204)
        self.assertEqual(self.url_open("/trace/locate", data=good, headers=headers).status_code, 404, "once")

    def test_images_and_reports_need_a_traced_product_or_a_genuine_code(self):
        self.assertEqual(self.get("/trace/image/%s" % self.units[0].gtin).status_code, 200)
        self.assertEqual(self.get("/trace/logo/%s" % self.units[0].gtin).status_code, 200)
        other = self.env["product.product"].create({"name": "Untraced", "barcode": "6901234567939"})
        self.assertEqual(self.get("/trace/image/%s" % other.barcode).status_code, 404)
        self.assertEqual(self.get("/trace/image/abc").status_code, 404)
        self.assertEqual(self.get("/trace/report/%s/1" % self.units[0].name).status_code, 404)
        self.assertEqual(self.get("/trace/report/%s/1" % self.idle.name).status_code, 404)
