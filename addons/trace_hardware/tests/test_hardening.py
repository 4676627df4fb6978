import importlib.util
import json
import uuid
from datetime import timedelta
from pathlib import Path
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import HardwareCase


@tagged("post_install", "-at_install")
class TestStationKeys(HardwareCase):
    """Station keys: made for a station the caller may change, never re-activated, moved or stored."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(cls.env, "hw_manager", groups="product_trace.group_trace_manager")
        cls.other_company = cls.env["res.company"].create({"name": "Other Tea Co"})
        other_line = cls.env["trace.production.line"].create(
            {"name": "Line B", "code": "B-1", "company_id": cls.other_company.id,
             "workshop_id": cls.env["trace.workshop"].create(
                 {"name": "W", "code": "W", "company_id": cls.other_company.id,
                  "factory_id": cls.env["trace.factory"].create(
                      {"name": "F", "code": "F", "company_id": cls.other_company.id}).id}).id}
        )
        cls.other_station = cls.env["trace.hw.station"].create(
            {"name": "B camera", "code": "B-CAM", "line_id": other_line.id, "company_id": cls.other_company.id}
        )

    def test_revoked_keys_stay_revoked_and_keys_stay_with_their_station(self):
        self.key_record.with_user(self.manager).action_revoke()
        self.assertFalse(self.key_record.active)
        other = self.station.copy({"code": "L1-CAM2"})
        for vals in ({"active": True}, {"station_id": other.id}, {"key_hash": "0" * 64}):
            with self.subTest(vals=vals):
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    self.key_record.with_user(self.manager).write(vals)
                with self.assertRaises(UserError), self.env.cr.savepoint():
                    self.key_record.sudo().write(vals)
        self.key_record.invalidate_recordset()
        self.assertEqual((self.key_record.active, self.key_record.station_id), (False, self.station))
        self.assertFalse(self.env["trace.hw.api.key"]._station_for(self.key))

    def test_a_manager_mints_keys_only_for_stations_of_their_companies(self):
        wizard = self.env["trace.hw.key.wizard"].with_user(self.manager).create(
            {"station_id": self.other_station.id, "name": "sneaky"}
        )
        with self.assertRaises(AccessError):
            wizard.action_generate()
        self.assertFalse(self.env["trace.hw.api.key"].sudo().search([("station_id", "=", self.other_station.id)]))
        user = new_test_user(self.env, "hw_user", groups="product_trace.group_trace_user")
        with self.assertRaises(AccessError):
            self.env["trace.hw.api.key"].with_user(user)._generate(self.station)

    def test_the_clear_key_is_stored_in_no_table(self):
        wizard = self.env["trace.hw.key.wizard"].with_user(self.manager).create({"station_id": self.station.id})
        action = wizard.action_generate()
        key = action["context"]["default_key"]
        self.assertEqual(action["res_model"], "trace.hw.key.show")
        self.assertEqual(self.env["trace.hw.api.key"]._station_for(key), self.station)
        self.assertFalse(self.env["trace.hw.key.show"]._auto, "the key is shown through a model with no table")
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("""SELECT table_name, column_name FROM information_schema.columns
                       WHERE table_schema = 'public' AND data_type IN ('character varying', 'text', 'jsonb')
                         AND (table_name LIKE 'trace%%' OR table_name IN ('ir_attachment', 'mail_message'))""")
        for table, column in cr.fetchall():
            cr.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}"::text LIKE %s', ["%" + key[4:20] + "%"])
            self.assertEqual(cr.fetchone()[0], 0, f"{table}.{column} holds the clear key")


@tagged("post_install", "-at_install")
class TestLineApiRefusals(HardwareCase, HttpCase):
    """The line API answers every bad body with a JSON 4xx naming the field, never a 500, and a
    refused batch writes nothing."""

    def call(self, path, body=None, raw=None, key=None, method=None):
        headers = {"Content-Type": "application/json", "Authorization": "Bearer %s" % (key or self.key)}
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        if data is None:
            return self.url_open(path, headers=headers)
        return self.url_open(path, data=data, headers=headers)

    def ledger(self):
        self.env.cr.execute("SELECT (SELECT count(*) FROM trace_hw_read), (SELECT count(*) FROM trace_hw_ingest)")
        return self.env.cr.fetchone(), self.snapshot()

    def body_of(self, events):
        return {"key": uuid.uuid4().hex, "station": "L1-CAM", "events": events}

    def test_wrong_types_and_sizes_are_400_naming_the_field(self):
        good = self.event(self.units[0].name)
        cases = [
            (dict(good, time=None), "events[0].time"),
            (dict(good, seq="7"), "events[0].seq"),
            (dict(good, seq=True), "events[0].seq"),
            (dict(good, seq=2**70), "events[0].seq"),
            (dict(good, code=None), "events[0].code"),
            (dict(good, code="X" * 301), "events[0].code"),
            (dict(good, type="explode"), "events[0].type"),
            (dict(good, time="yesterday"), "events[0].time"),
            (dict(good, type="aggregate", children=["A"] * 1001), "events[0].children"),
            (dict(good, type="aggregate", children=[7]), "events[0].children[0]"),
            (dict(good, id=""), "events[0].id"),
        ]
        before = self.ledger()
        for event, field in cases:
            with self.subTest(field=field, event=event):
                response = self.call("/trace/hw/v1/events", self.body_of([event]))
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.json()["field"], field)
                self.assertTrue(response.json()["message"])
        response = self.call("/trace/hw/v1/events", self.body_of([good] * 5001))
        self.assertEqual((response.status_code, response.json()["field"]), (400, "events"))
        for body, field in (({"backlog": "12"}, "backlog"), ({"backlog": -1}, "backlog"),
                            ({"rates": {"reads_per_min": "fast"}}, "rates.reads_per_min"),
                            ({"devices": [{"code": "cam1", "reads": 1.5}]}, "devices[0].reads"),
                            ([], "body")):
            with self.subTest(body=body):
                response = self.call("/trace/hw/v1/heartbeat", body)
                self.assertEqual((response.status_code, response.json()["field"]), (400, field))
        for raw in (b"{not json", b"\xff\xfe", b"   "):
            with self.subTest(raw=raw):
                self.assertEqual(self.call("/trace/hw/v1/events", raw=raw).status_code, 400)
        self.assertEqual(self.ledger(), before)

    def test_bodies_over_the_limit_are_413(self):
        response = self.call("/trace/hw/v1/events", raw=b'{"key": "' + b"x" * (5 * 1024 * 1024) + b'"}')
        self.assertEqual((response.status_code, response.json()["error"]), (413, "too_large"))

    def test_a_business_refusal_inside_a_batch_is_a_json_422_and_writes_nothing(self):
        before = self.ledger()
        Read = type(self.env["trace.hw.read"])
        original = Read._process

        def refuse(read, station, events, retry=None):
            original(read, station, events, retry=retry)  # writes its reads, then a rule refuses
            raise UserError(read.env._("refused by a rule"))

        with patch.object(Read, "_process", refuse):
            response = self.call("/trace/hw/v1/events", self.body_of([self.event(self.units[0].name)]))
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json(), {"error": "refused", "message": "refused by a rule"})
        self.assertEqual(self.ledger(), before)

    def test_station_work_runs_as_the_company_line_user(self):
        response = self.call("/trace/hw/v1/events", self.body_of([self.event(self.units[0].name)]))
        self.assertEqual(response.json()["results"][0]["status"], "ok")
        line_user = self.company._trace_line_user()
        self.assertFalse(line_user.active)
        self.assertTrue(line_user.has_group("product_trace.group_trace_user"))
        self.assertFalse(line_user.has_group("base.group_system"))
        event = self.env["trace.event"].search([("biz_step", "=", "commissioning")], limit=1)
        self.assertEqual(event.user_id, line_user)

    def test_the_migration_creates_line_users_of_older_stations(self):
        """Stations made before line users existed get theirs from the migration, not from their
        first post (where two posts at once would both create it)."""
        self.company._trace_line_user().unlink()
        path = Path(__file__).parents[1] / "migrations" / "18.0.1.1.0" / "post-migrate.py"
        spec = importlib.util.spec_from_file_location("trace_hw_post_migrate", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "18.0.1.0.0")
        Users = self.env["res.users"].with_context(active_test=False)
        self.assertEqual(Users.search_count([("login", "=", self.company._trace_line_user_login())]), 1)

    def test_batch_keys_and_event_ids_are_per_station(self):
        other = self.station.copy({"code": "L1-CAM2"})
        _record, other_key = self.env["trace.hw.api.key"]._generate(other)
        event = self.event(self.units[0].name)
        body = {"key": "shared-key-0001", "events": [event]}
        first = self.call("/trace/hw/v1/events", body).json()
        self.assertEqual(first["results"][0]["status"], "ok")
        second = self.call("/trace/hw/v1/events", dict(body, events=[dict(event, code=self.units[1].name)]),
                           key=other_key)
        self.assertEqual(second.status_code, 200, "another station's key is no conflict")
        self.assertEqual(second.json()["results"][0]["status"], "ok", "nor its event id a duplicate")
        self.assertEqual(self.env["trace.hw.read"].search_count([("event_id", "=", event["id"])]), 2)

    def test_print_jobs_are_not_marked_on_fetch_and_reported_once(self):
        printer = self.env["trace.hw.device"].create(
            {"name": "Printer", "code": "zpl1", "driver": "zpl_tcp", "role": "printer", "station_id": self.station.id,
             "settings": {"host": "127.0.0.1", "port": 9100}}
        )
        job = self.env["trace.hw.print.job"].create(
            {"station_id": self.station.id, "device_id": printer.id, "kind": "unit", "code_ids": self.units[:3].ids}
        )
        for _fetch in range(2):
            self.assertEqual([j["id"] for j in self.call("/trace/hw/v1/print_jobs").json()["jobs"]], [job.id])
        job.invalidate_recordset()
        self.assertEqual(job.state, "queued")
        path = "/trace/hw/v1/print_jobs/%s/done" % job.id
        foreign = self.call(path, {"printed": [self.units[5].name]})
        self.assertEqual(foreign.status_code, 422)
        self.assertEqual(self.call(path, {"printed": "all"}).status_code, 400)
        report = {"printed": self.units[:3].mapped("name"), "rejected": []}
        self.assertEqual(self.call(path, report).status_code, 200)
        self.assertEqual(self.call(path, report).status_code, 200, "the same report again is accepted")
        self.assertEqual(self.call(path, {"printed": [], "rejected": [{"code": self.units[0].name}]}).status_code, 409)
        job.invalidate_recordset()
        self.assertEqual((job.state, job.printed_count), ("done", 3))
        other = self.station.copy({"code": "L1-CAM3"})
        _record, other_key = self.env["trace.hw.api.key"]._generate(other)
        self.assertEqual(self.call(path, report, key=other_key).status_code, 404)
        self.assertEqual(self.call("/trace/hw/v1/print_jobs/%s/done" % (10**30), report).status_code, 404)
        self.assertEqual(self.call("/trace/hw/v1/print_jobs", key=other_key).json()["jobs"], [])


@tagged("post_install", "-at_install")
class TestLineCrons(HardwareCase):
    def test_parked_reads_of_one_station_failing_do_not_stop_the_others(self):
        other = self.station.copy({"code": "L1-CAM2"})
        self.post([self.event("ABCDEFGHJKMNPQRSTVWX")])
        payload = {"key": uuid.uuid4().hex, "events": [self.event("ABCDEFGHJKMNPQRSTVWY")]}
        self.env["trace.hw.ingest"]._ingest(other, payload)
        Read = self.env["trace.hw.read"]
        self.env.cr.execute("UPDATE trace_hw_read SET next_retry = now() - interval '1 minute'")
        Read.invalidate_model()
        original = type(Read)._process

        def process(read, station, events, retry=None):
            if station == self.station:
                raise ValueError("the first station's retry breaks")
            return original(read, station, events, retry=retry)

        with patch.object(type(Read), "_process", process):
            Read._cron_retry_parked()
        mine = Read.search([("code", "=", "ABCDEFGHJKMNPQRSTVWX")])
        theirs = Read.search([("code", "=", "ABCDEFGHJKMNPQRSTVWY")])
        self.assertEqual((mine.status, theirs.status, theirs.attempts), ("exception", "parked", 2))
        self.assertIn("breaks", mine.message)

    def test_old_reads_and_answers_are_cleaned_but_parked_and_running_ones_kept(self):
        self.post([self.event(self.units[0].name), self.event("ABCDEFGHJKMNPQRSTVWX")])
        old = fields.Datetime.now() - timedelta(days=400)
        self.env.cr.execute("UPDATE trace_hw_read SET create_date = %s", [old])
        self.env["ir.config_parameter"].sudo().set_param("trace_hardware.retention_days", "365")
        self.env["trace.hw.read"]._cron_clean_ledger()
        self.assertEqual(len(self.env["trace.hw.read"].search([])), 2, "the batch still runs: its reads stay")
        self.batch.action_done()  # the batch no longer runs
        self.env.cr.execute("UPDATE trace_hw_ingest SET create_date = %s", [old])
        self.env["trace.hw.read"]._cron_clean_ledger()
        self.assertEqual(self.env["trace.hw.read"].search([]).mapped("status"), ["parked"])
        self.assertFalse(self.env["trace.hw.ingest"].search([]))
