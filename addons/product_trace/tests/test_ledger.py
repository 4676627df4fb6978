import re

import pytz
from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from tracekit import gs1, labels

from .common import TraceCase


@tagged("post_install", "-at_install")
class TestLedger(TraceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.units, cls.cases, cls.pallets = cls._active_batch(units=24, cases=1, pallets=1)
        cls.Code._pack({cls.cases.name: cls.units.mapped("name")}, read_point="urn:test:line", device="cam-7")

    def test_events_are_append_only(self):
        event = self.env["trace.event"].search([], limit=1)
        with self.assertRaises(UserError):
            event.write({"biz_step": "shipping"})
        with self.assertRaises(UserError):
            event.unlink()

    def test_epcis_export_of_commissioning_and_packing(self):
        events = self.env["trace.event"].search([("batch_id", "=", self.batch.id)]) | self.env["trace.event"].search(
            [("parent_code_id", "=", self.cases.id)]
        )
        document = events._epcis_document()
        self.assertEqual(document["type"], "EPCISDocument")
        event_list = document["epcisBody"]["eventList"]
        by_type = {e["type"]: e for e in event_list}
        packing = by_type["AggregationEvent"]
        self.assertEqual(packing["action"], "ADD")
        self.assertEqual(len(packing["childEPCs"]), 24)
        self.assertEqual(packing["parentID"], "https://id.gs1.org/01/16901234567929/21/%s" % self.cases.name)
        commissioning = by_type["ObjectEvent"]
        self.assertEqual(len(commissioning["epcList"]), 24)
        self.assertEqual(commissioning["ilmd"]["lotNumber"] if "lotNumber" in commissioning["ilmd"]
                         else commissioning["ilmd"].get("cbvmda:lotNumber"), "L2611A")
        for event in event_list:
            self.assertRegex(event["eventID"], r"^ni:///sha-256;[0-9a-f]{64}\?ver=CBV2\.0$")
        # the hash does not depend on when it is computed
        self.assertEqual(events._epcis_document()["epcisBody"]["eventList"][0]["eventID"], event_list[0]["eventID"])
        action = events.action_export_epcis()
        self.assertTrue(re.search(r"/web/content/\d+", action["url"]))

    def test_event_form_shows_hash_and_codes(self):
        packing = self.env["trace.event"].search([("parent_code_id", "=", self.cases.id)])
        self.assertEqual(len(packing.code_ids), 24)
        self.assertTrue(packing.event_hash.startswith("ni:///sha-256;"))
        self.assertIn("AggregationEvent", packing.epcis_json)

    def test_history_includes_container_events_after_packing_only(self):
        self.Code._pack({self.pallets.name: [self.cases.name]})
        unit = self.units[0]
        steps = [(e.event_type, e.biz_step) for e in unit._history_events()]
        self.assertEqual(steps, [("object", "commissioning"), ("aggregation", "packing"), ("aggregation", "packing")])
        self.batch.issue_codes(2, request_key="late")
        late = self.Code.search([("batch_id", "=", self.batch.id), ("level", "=", "unit")], order="id desc", limit=2)
        # issued to a running batch: activated by an event of their own, not by the first one
        self.assertEqual(set(late.mapped("state")), {"active"})
        events = late[0]._history_events()
        self.assertEqual((events.biz_step, events.quantity), ("commissioning", 2))
        self.assertNotIn(events, unit._history_events())

    def test_labels_decode_to_the_code(self):
        unit, case, pallet = self.units[0], self.cases, self.pallets
        for code in (unit, case, pallet):
            uri = code._label_image()
            self.assertTrue(uri.startswith("data:image/png;base64,"))
        import base64

        decoded = labels.decode_image(base64.b64decode(unit._label_image().split(",", 1)[1]))
        self.assertEqual(gs1.parse_digital_link(decoded[0].text).serial, unit.name)
        decoded = labels.decode_image(base64.b64decode(case._label_image().split(",", 1)[1]))
        self.assertEqual(gs1.parse_element_string(decoded[0].text).serial, case.name)
        decoded = labels.decode_image(base64.b64decode(pallet._label_image().split(",", 1)[1]))
        self.assertEqual(gs1.parse_element_string(decoded[0].text).sscc, pallet.name)

    def test_label_reports_render(self):
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "product_trace.report_trace_batch_unit_labels", self.batch.ids
        )
        self.assertIn(self.units[0].name.encode(), html)
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "product_trace.report_trace_code_labels", (self.cases | self.pallets).ids
        )
        self.assertIn(self.pallets.name.encode(), html)


@tagged("post_install", "-at_install")
class TestEventTimeZones(TraceCase):
    """Events record the offset of their factory's time zone; people read times in their own."""

    def test_events_carry_the_factory_offset_and_show_in_the_readers_zone(self):
        self.line.factory_id.tz = "Asia/Shanghai"
        self.env.user.tz = "Europe/Paris"
        self.assertEqual((self.batch.line_id, self.batch.line_id.factory_id.tz), (self.line, "Asia/Shanghai"))
        self.assertEqual(self.env["trace.event"]._tz_offset(self.line), "+08:00")
        units, cases, _pallets = self._active_batch(units=2, cases=1, pallets=0)
        self.Code._pack({cases.name: units.mapped("name")})
        events = units[0]._history_events()
        self.assertEqual({(e.biz_step, e.event_tz) for e in events}, {("commissioning", "+08:00"), ("packing", "+08:00")})
        self.assertEqual(events[0]._to_epcis().event_time_zone_offset, "+08:00")
        row = units[0]._trace_data()["events"][0]
        utc = fields.Datetime.to_datetime(row["time"])
        paris = pytz.UTC.localize(utc).astimezone(pytz.timezone("Europe/Paris")).replace(tzinfo=None)
        self.assertEqual(row["local_time"], fields.Datetime.to_string(paris))
        self.assertEqual(row["tz"], "+08:00")

    def test_without_a_factory_zone_the_users_is_recorded(self):
        self.line.factory_id.tz = False
        self.env.user.tz = "Asia/Shanghai"
        units, _cases, _pallets = self._active_batch(units=1, cases=0, pallets=0)
        self.assertEqual(units._history_events().mapped("event_tz"), ["+08:00"])

    def test_the_demo_factory_in_suzhou_records_china_time(self):
        factory = self.env.ref("product_trace.demo_factory", raise_if_not_found=False)
        if not factory:
            self.skipTest("no demo data in this database")
        self.assertEqual(factory.tz, "Asia/Shanghai")
        self.assertEqual(self.env["trace.event"]._tz_offset(factory.workshop_ids.line_ids[:1]), "+08:00")
