from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import TraceCase


@tagged("post_install", "-at_install")
class TestAggregation(TraceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.units, cls.cases, cls.pallets = cls._active_batch(units=48, cases=2, pallets=1)

    def _pack_all(self):
        self.Code._pack({self.cases[0].name: self.units[:24].mapped("name"),
                         self.cases[1].name: self.units[24:].mapped("name")})
        self.Code._pack({self.pallets.name: self.cases.mapped("name")})

    def test_pack_units_into_cases_and_cases_onto_pallet(self):
        self._pack_all()
        unit, case, pallet = self.units[0], self.cases[0], self.pallets
        self.assertEqual(unit.parent_id, case)
        self.assertEqual(unit.state, "packed")
        self.assertEqual(case.state, "packed")
        self.assertEqual(pallet.state, "active")
        self.assertEqual(unit._ancestors().ids, [case.id, pallet.id])
        self.assertEqual(case.child_count, 24)
        inside = self.Code.search(pallet._subtree_domain())
        self.assertEqual(len(inside), 50)
        self.assertEqual(self.batch.units_packed, 48)

    def test_nested_pack_in_one_call_gets_correct_paths(self):
        mapping = [(self.cases[0].name, u) for u in self.units[:3].mapped("name")]
        mapping.append((self.pallets.name, self.cases[0].name))
        self.Code._pack(mapping)
        unit = self.units[0]
        self.assertEqual(unit._ancestors().ids, [self.cases[0].id, self.pallets.id])

    def test_pack_case_that_already_holds_units_moves_its_subtree(self):
        self.Code._pack({self.cases[0].name: self.units[:5].mapped("name")})
        self.Code._pack({self.pallets.name: [self.cases[0].name]})
        for unit in self.units[:5]:
            self.assertEqual(unit._ancestors()[-1], self.pallets)
        self.assertEqual(len(self.pallets._subtree_ids()), 6)

    def test_pack_writes_one_aggregation_event_per_parent(self):
        self._pack_all()
        events = self.env["trace.event"].search(
            [("event_type", "=", "aggregation"), ("parent_code_id", "in", (self.cases | self.pallets).ids)]
        )
        self.assertEqual(len(events), 3)
        case_event = events.filtered(lambda e: e.parent_code_id == self.cases[0])
        self.assertEqual(case_event.code_ids, self.units[:24])
        self.assertEqual((case_event.action, case_event.biz_step), ("ADD", "packing"))

    def test_refusals_write_nothing(self):
        self.Code._pack({self.cases[0].name: self.units[:2].mapped("name")})
        self.batch.activation_mode = "line"
        self.batch.issue_codes(1, request_key="late-unit")  # line mode: waiting for its read
        waiting = self.Code.search([("batch_id", "=", self.batch.id), ("state", "=", "issued"), ("level", "=", "unit")])
        self.assertEqual(len(waiting), 1)
        cases = [
            ("pallet into case", {self.cases[1].name: [self.pallets.name]}, "same or a lower level"),
            ("case into case", {self.cases[1].name: [self.cases[0].name]}, "same or a lower level"),
            ("already packed", {self.cases[1].name: [self.units[0].name]}, "packed already"),
            ("not active", {self.cases[1].name: waiting.mapped("name")}, "not active"),
            ("unknown child", {self.cases[1].name: ["NOSUCHCODE"]}, "Unknown"),
            ("unknown parent", {"NOSUCHPARENT": [self.units[5].name]}, "Unknown"),
            ("into itself", {self.pallets.name: [self.pallets.name]}, "itself"),
        ]
        for label, mapping, message in cases:
            with self.subTest(label):
                before = self.snapshot()
                with self.assertRaisesRegex(UserError, message):
                    self.Code._pack(mapping)
                self.assertEqual(self.snapshot(), before)

    def test_listing_a_child_twice_is_refused(self):
        name = self.units[0].name
        with self.assertRaisesRegex(UserError, "twice"):
            self.Code._pack([(self.cases[0].name, name), (self.cases[1].name, name)])

    def test_other_company_codes_are_unknown(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.env.user.company_ids |= other
        with self.assertRaisesRegex(UserError, "Unknown"):
            self.Code.with_company(other).with_context(allowed_company_ids=[other.id])._pack(
                {self.cases[0].name: [self.units[0].name]}
            )

    def test_unpack_and_repack(self):
        self._pack_all()
        unit = self.units[0]
        self.Code._unpack([unit.name])
        self.assertFalse(unit.parent_id)
        self.assertEqual(unit.state, "active")
        self.assertFalse(unit._ancestors())
        self.Code._repack(self.cases[1].name, [unit.name])
        self.assertEqual(unit.parent_id, self.cases[1])
        self.assertEqual(unit._ancestors().ids, [self.cases[1].id, self.pallets.id])
        # a whole case off the pallet: its units follow
        self.Code._unpack([self.cases[0].name])
        self.assertEqual(self.units[1]._ancestors().ids, [self.cases[0].id])
        unpack = self.env["trace.event"].search([("biz_step", "=", "unpacking")])
        self.assertEqual(len(unpack), 2)
        self.assertEqual(self.batch.units_packed, 48)

    def test_unpack_loose_code_is_refused(self):
        with self.assertRaisesRegex(UserError, "not packed"):
            self.Code._unpack([self.units[0].name])

    def test_pack_wizard_resolves_scans(self):
        wizard = self.env["trace.pack.wizard"].create(
            {"parent_code": self.cases[0]._digital_link(),
             "child_codes": "\n".join(self.units[:3].mapped("name")) + "\n"}
        )
        self.assertEqual(wizard.child_count, 3)
        wizard.action_apply()
        self.assertEqual(self.units[:3].parent_id, self.cases[0])
