from odoo.exceptions import AccessError, UserError
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

    def test_trace_page_takes_a_scan_a_typed_code_or_a_link(self):
        Home = self.env["trace.home"]
        for text in (self.unit._digital_link(), self.unit.name, self.unit.name.lower()):
            page = Home.trace_page(text)
            self.assertEqual(page["code"], self.unit.name, text)
            self.assertIn(self.unit.name, page["html"])
            self.assertIn("SUP-77", page["html"])
        for text, reason in (("(01)123", ""), ("", "Scan, type or paste"), ("x" * 5000, "4,096"), (["list"], "Scan")):
            page = Home.trace_page(text)
            self.assertNotIn("html", page)
            self.assertIn(reason, page["error"])

    def test_open_trace_from_code_form(self):
        action = self.unit.action_open_trace()
        self.assertEqual((action["tag"], action["context"]["trace_query"]), ("product_trace.trace_home", self.unit.name))

    def test_home_figures_per_line_and_running_batches(self):
        self.batch.line_id = self.line
        data = self.env["trace.home"].get_data()
        line = next(row for row in data["lines"] if row["line_id"] == self.line.id)
        self.assertEqual(line["today_issued"], 48 + 2 + 1)  # units, cases and the pallet
        self.assertEqual(line["week_activated"], 48)
        self.assertEqual(line["today_packed"], 48 + 2)  # the units into cases, the cases onto the pallet
        batch = next(row for row in data["batches"] if row["id"] == self.batch.id)
        self.assertEqual((batch["planned"], batch["active"], batch["progress"]), (48, 48, 100.0))

    def test_home_is_for_traceability_users(self):
        outsider = self.env["res.users"].create({"name": "Clerk", "login": "clerk_no_trace",
                                                 "groups_id": [(6, 0, [self.env.ref("base.group_user").id])]})
        with self.assertRaises(AccessError):
            self.env["trace.home"].with_user(outsider).get_data()
        with self.assertRaises(AccessError):
            self.env["trace.home"].with_user(outsider).trace_page(self.unit.name)

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
