from odoo.exceptions import UserError
from odoo.tests import tagged

from tracekit import gs1

from .common import TraceCase


@tagged("post_install", "-at_install")
class TestTraceQuery(TraceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.units, cls.cases, cls.pallets = cls._active_batch(units=48, cases=2, pallets=1)
        cls.Code._pack({cls.cases[0].name: cls.units[:24].mapped("name"),
                        cls.cases[1].name: cls.units[24:].mapped("name")})
        cls.Code._pack({cls.pallets.name: cls.cases.mapped("name")})
        cls.unit = cls.units[0]

    def test_resolve_accepts_every_form_of_the_code(self):
        unit = self.unit
        forms = [
            unit.name,
            " %s\r\n" % unit.name,
            unit.name.lower(),
            unit._digital_link(),
            unit._element_string("hri"),
            "]d2" + unit._element_string("raw"),
        ]
        for text in forms:
            with self.subTest(text=text):
                self.assertEqual(self.Code._resolve(text), unit)
        self.assertEqual(self.Code._resolve(self.pallets.name), self.pallets)
        self.assertEqual(self.Code._resolve(self.pallets._digital_link()), self.pallets)

    def test_bad_input_gets_a_clear_error(self):
        unit = self.unit
        good_link = unit._digital_link()
        bad = {
            "empty": ("", "Scan or type"),
            "malformed": ("(01)123", "cannot be read|not a valid"),
            "wrong check digit": ("(01)06901234567923(21)%s" % unit.name, "check digit"),
            "gtin of another product": (
                gs1.build_digital_link("https://id.tea.test", "6901234567892", serial=unit.name), "does not match"),
            "other company's resolver": (good_link.replace("id.tea.test", "id.other.test"), "another company"),
            "product gtin alone": ("6901234567922", "not the code of one unit"),
            "unknown serial": ("ZZZZZZZZZZZZZZZZZZZZ", "Unknown code"),
            "wrong lot": (gs1.build_digital_link("https://id.tea.test", unit.gtin, serial=unit.name, lot="OTHER"),
                          "lot"),
        }
        for label, (text, message) in bad.items():
            with self.subTest(label):
                with self.assertRaisesRegex(UserError, message):
                    self.Code._resolve(text)

    def test_trace_answer_has_the_whole_story(self):
        data = self.Code.trace(self.unit._digital_link())
        self.assertEqual(data["code"]["name"], self.unit.name)
        self.assertEqual(data["product"]["gtin"], "06901234567922")
        self.assertEqual(data["lot"]["name"], "L2611A")
        self.assertEqual(data["batch"]["line"], "Line A")
        self.assertEqual(data["batch"]["factory"], "Plant")
        component = data["batch"]["components"][0]
        self.assertEqual((component["supplier"], component["supplier_lot"], component["lot"]),
                         ("Leaf Supplier", "SUP-77", "LEAF-1"))
        self.assertEqual([a["name"] for a in data["ancestors"]], [self.cases[0].name, self.pallets.name])
        self.assertEqual(data["lot_siblings_count"], 47)
        steps = [e["biz_step"] for e in data["events"]]
        self.assertEqual(steps, ["commissioning", "packing", "packing"])
        pallet = self.Code.trace(self.pallets.name)
        self.assertEqual(pallet["contents_count"], 50)

    def test_trace_page_with_keyboard_wedge_scan(self):
        query = self.env["trace.query"].create({})
        query.on_barcode_scanned(self.unit._digital_link())
        self.assertEqual(query.code_id, self.unit)
        self.assertIn(self.unit.name, query.result_html)
        self.assertIn("SUP-77", query.result_html)
        query.on_barcode_scanned("(01)123")
        self.assertFalse(query.code_id)
        self.assertTrue(query.error)

    def test_open_trace_from_code_form(self):
        action = self.unit.action_open_trace()
        query = self.env["trace.query"].browse(action["res_id"])
        self.assertEqual(query.code_id, self.unit)

    def test_user_of_another_company_sees_nothing(self):
        other = self.env["res.company"].create({"name": "Other Co", "trace_resolver_url": "https://id.other.test"})
        user = self.env["res.users"].create(
            {"name": "Other user", "login": "other_trace_user", "company_id": other.id, "company_ids": [(6, 0, other.ids)],
             "groups_id": [(6, 0, [self.env.ref("product_trace.group_trace_user").id])]}
        )
        Code = self.Code.with_user(user)
        self.assertFalse(Code.search([("id", "=", self.unit.id)]))
        with self.assertRaisesRegex(UserError, "another company"):
            Code._resolve(self.unit._digital_link())
        with self.assertRaisesRegex(UserError, "Unknown code"):
            Code._resolve(self.unit.name)
