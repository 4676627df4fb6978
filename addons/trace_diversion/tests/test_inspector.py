import json
import re

from odoo.tests import tagged

from .common import DiversionCase


@tagged("post_install", "-at_install")
class TestInspectorPage(DiversionCase):
    """The inspector page over HTTP: only for inspectors, every field checked, a whitelist of an
    answer; and the inspector's scan in Debian's chromium."""

    def login_inspector(self, user=None):
        user = user or self.inspector
        self.authenticate(user.login, user.login)
        page = self.url_open("/my/account")
        self.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def scan(self, payload, csrf=True):
        body = dict(payload, **({"csrf_token": self.csrf} if csrf else {}))
        return self.url_open("/my/trace/inspect/scan", data=json.dumps(body),
                             headers={"Content-Type": "application/json"})

    def test_the_page_is_for_inspectors_only(self):
        self.login_inspector(self.user_a)
        self.assertEqual(self.url_open("/my/trace/inspect").status_code, 404)
        response = self.scan({"text": self.units_a[0].name, "city": self.changchun.id})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.url_open("/my/trace/inspect/counties?city=%s" % self.changchun.id).status_code, 404)
        self.assertFalse(self.Scan.search([]))
        self.authenticate(None, None)
        self.assertIn("/web/login", self.url_open("/my/trace/inspect").url)

    def test_every_field_is_checked(self):
        self.login_inspector()
        page = self.url_open("/my/trace/inspect")
        self.assertEqual(page.status_code, 200)
        self.assertIn("trace_diversion.inspector_scan", page.text)
        self.assertIn(json.dumps("长春市")[1:-1], page.text, "the cities to choose from")
        counties = self.url_open("/my/trace/inspect/counties?city=%s" % self.changchun.id).json()
        self.assertIn({"id": self.nanguan.id, "name": "南关区"}, counties["counties"])
        self.assertEqual(self.url_open("/my/trace/inspect/counties?city=x").status_code, 400)
        self.assertEqual(self.url_open("/my/trace/inspect/counties?city=99999999999").status_code, 400)
        good = {"text": self.units_a[0].name, "city": self.changchun.id}
        for bad in ({"city": "%s" % self.changchun.id}, {"city": True}, {"city": 0}, {"city": 2**40},
                    {"county": "1"}, {"shop": 5}, {"shop": "x" * 129}, {"note": ["a"]}, {"latitude": 91},
                    {"latitude": "1", "longitude": 1}, {"latitude": 40.0}, {"longitude": 1e400},
                    {"text": "x" * 513}, {"text": ["a"]}, {"unknown": 1}, {"source": "drone"}):
            with self.subTest(bad=bad):
                response = self.scan(dict(good, **bad))
                self.assertEqual(response.status_code, 400, response.text)
                self.assertEqual(response.json()["ok"], False)
        self.assertEqual(self.scan(good, csrf=False).status_code, 403)
        self.assertEqual(self.url_open("/my/trace/inspect/scan", data="[]" * 5000,
                                       headers={"Content-Type": "application/json"}).status_code, 413)
        missing = {"text": self.units_a[0].name}
        self.assertEqual(self.scan(missing).status_code, 400)
        refused = self.scan(dict(good, text="NOT-A-CODE-OF-OURS"))
        self.assertEqual((refused.status_code, refused.json()["error"]), (400, "refused"))
        self.assertFalse(self.Scan.search([]), "nothing recorded by a bad request")
        answer = self.scan(dict(good, county=self.nanguan.id, shop="长春茶叶店", latitude=43.88123, longitude=125.35456,
                                source="camera")).json()
        self.assertEqual((answer["ok"], answer["verdict"]), (True, "diverted"), answer)
        self.assertEqual(set(answer), {"ok", "verdict", "message", "code", "goods", "shipment", "alert"},
                         "a whitelist")
        scan = self.Scan.search([])
        self.assertEqual((scan.located, scan.latitude, scan.county_id, scan.user_id),
                         (True, 43.88123, self.nanguan, self.inspector))

    def test_the_portal_home_and_its_counters(self):
        self.login_inspector()
        home = self.url_open("/my")
        self.assertIn('href="/my/trace/inspect"', home.text)
        counters = self.url_open("/my/counters", data=json.dumps({"params": {"counters": ["invoice_count"]}}),
                                 headers={"Content-Type": "application/json"}).json()["result"]
        self.assertNotIn("trace_is_inspector", counters, "the portal's counters script sets an element per key")
        self.assertNotIn("trace_is_dealer", counters)
        modules = self.env["ir.http"]._get_translation_frontend_modules_name()
        self.assertIn("trace_diversion", modules, "the page's component is translated")
        self.assertIn("trace_public_portal", modules)

    def test_inspector_scan_tour(self):
        self.start_tour("/my/trace/inspect#code=%s" % self.units_a[0].name, "trace_inspector_scan",
                        login=self.inspector.login)
        alert = self.Alert.search([("dealer_id", "=", self.dealer_a.id)])
        self.assertEqual((alert.code_count, alert.evidence_ids.market_scan_id.shop), (1, "长春茶叶店 人民大街 88号"))
