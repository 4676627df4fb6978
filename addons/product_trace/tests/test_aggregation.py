from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged

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

    def test_a_unit_out_of_its_case_keeps_the_hops_it_made_inside(self):
        """Pallet shipped, case taken off it and shipped on, unit taken out and shipped: the unit's
        history holds every hop it made inside a container, and none made without it."""
        unit, other, case, pallet = self.units[0], self.units[1], self.cases[0], self.pallets
        Event = self.env["trace.event"]

        def ship(code, step, day):
            return Event._record({"event_type": "object", "action": "OBSERVE", "biz_step": step,
                                  "event_time": "2026-11-%02d 08:00:00" % day}, epc_ids=[code.id])

        with freeze_time("2026-11-01 08:00:00"):
            self._pack_all()
        inside_pallet = ship(pallet, "shipping", 2)  # CDB -> RDB: the unit rode in its case on the pallet
        with freeze_time("2026-11-03 08:00:00"):
            self.Code._unpack([case.name])
        pallet_after = ship(pallet, "storing", 4)  # the pallet goes on without that case
        case_alone = ship(case, "shipping", 5)  # RDB -> dealer
        with freeze_time("2026-11-06 08:00:00"):
            self.Code._unpack([unit.name])
        case_after = ship(case, "receiving", 7)  # the case without the unit
        unit_alone = ship(unit, "retail_selling", 8)
        history = unit._history_events()
        self.assertEqual(history.sorted("event_time"), history)
        for event in (inside_pallet, case_alone, unit_alone):
            self.assertIn(event, history)
        for event in (pallet_after, case_after):
            self.assertNotIn(event, history)
        self.assertEqual(history.filtered(lambda e: e.biz_step == "unpacking").mapped("parent_code_id"),
                         pallet | case)  # both its case's unpacking and its own
        # a unit that stayed in the case has the case's hops after the first unpacking too
        kept = other._history_events()
        self.assertIn(inside_pallet, kept)
        self.assertIn(case_after, kept)
        self.assertNotIn(pallet_after, kept)
        self.assertNotIn(unit_alone, kept)
        # and the answer the trace page shows lists the pallet's hop for the loose unit
        self.assertIn(inside_pallet.id, [row["id"] for row in unit._trace_data()["events"]])

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


@tagged("post_install", "-at_install")
class TestPackingRules(TraceCase):
    """A case or pallet holds one product and one lot unless it is a mixed logistic unit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.units, cls.cases, cls.pallets = cls._active_batch(units=6, cases=3, pallets=2)
        jasmine = cls.env["product.product"].create(
            {"name": "Jasmine Tea 500 ml", "barcode": "6901234567939", "is_storable": True, "tracking": "lot"}
        )
        lot = cls.env["stock.lot"].create({"name": "J2611", "product_id": jasmine.id})
        cls.other_batch = cls.env["trace.batch"].create(
            {"product_id": jasmine.id, "lot_id": lot.id, "quantity": 4, "production_date": "2026-11-21"}
        )
        cls.other_batch.issue_codes(4)
        cls.other_batch.action_confirm()
        cls.other_units = cls.Code.search([("batch_id", "=", cls.other_batch.id)], order="id")
        same_product_lot = cls.env["stock.lot"].create({"name": "L2611B", "product_id": cls.product.id})
        cls.other_lot_batch = cls.env["trace.batch"].create(
            {"product_id": cls.product.id, "lot_id": same_product_lot.id, "quantity": 2,
             "production_date": "2026-11-21"}
        )
        cls.other_lot_batch.issue_codes(2)
        cls.other_lot_batch.action_confirm()
        cls.other_lot_units = cls.Code.search([("batch_id", "=", cls.other_lot_batch.id)], order="id")

    def test_another_product_or_lot_is_refused_and_nothing_changes(self):
        for stranger in (self.other_units[0], self.other_lot_units[0]):
            before = self.snapshot()
            with self.assertRaisesRegex(UserError, "another product or lot"):
                self.Code._pack({self.cases[0].name: [self.units[0].name, stranger.name]})
            self.assertEqual(self.snapshot(), before)

    def test_the_pack_wizard_refuses_a_mixed_case_unless_asked(self):
        wizard = self.env["trace.pack.wizard"].create(
            {"parent_code": self.cases[0].name, "child_codes": "\n".join([self.units[0].name, self.other_units[0].name])}
        )
        with self.assertRaisesRegex(UserError, "mixed logistic unit"):
            wizard.action_apply()
        self.assertFalse(self.units[0].parent_id)
        wizard.mixed = True
        wizard.action_apply()
        self.assertTrue(self.cases[0].mixed)
        self.assertEqual(self.other_units[0].parent_id, self.cases[0])

    def test_a_mixed_unit_shows_its_contents_per_product_and_lot(self):
        self.Code._pack({self.cases[0].name: [self.units[0].name, self.units[1].name, self.other_units[0].name]},
                        mixed=True)
        data = self.cases[0]._trace_data()
        self.assertTrue(data["code"]["mixed"])
        groups = {(g["product"], g["lot"]): g["count"] for g in data["contents_by_product"]}
        self.assertEqual(groups, {(self.product.display_name, "L2611A"): 2, ("Jasmine Tea 500 ml", "J2611"): 1})
        self.assertEqual({c["product"] for c in data["contents"]}, {self.product.display_name, "Jasmine Tea 500 ml"})
        # a mixed case stays mixed: more of anything may join it without the flag
        self.Code._pack({self.cases[0].name: [self.other_lot_units[0].name]})
        self.assertEqual(self.other_lot_units[0].parent_id, self.cases[0])

    def test_a_mixed_case_goes_only_onto_a_mixed_pallet(self):
        self.Code._pack({self.cases[0].name: [self.other_units[0].name]}, mixed=True)
        self.Code._pack({self.cases[1].name: [self.units[0].name]})
        with self.assertRaisesRegex(UserError, "another product or lot"):
            self.Code._pack({self.pallets[0].name: [self.cases[0].name, self.cases[1].name]})
        self.Code._pack({self.pallets[0].name: [self.cases[0].name, self.cases[1].name]}, mixed=True)
        self.assertTrue(self.pallets[0].mixed)
        self.assertFalse(self.pallets[1].mixed)

    def test_one_product_one_lot_packs_as_before(self):
        self.Code._pack({self.cases[0].name: self.units[:3].mapped("name")})
        self.Code._pack({self.pallets[0].name: [self.cases[0].name]})
        self.assertFalse(self.cases[0].mixed)
        self.assertEqual(self.units[0]._ancestors(), self.cases[0] | self.pallets[0])
