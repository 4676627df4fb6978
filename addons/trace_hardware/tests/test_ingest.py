from odoo.tests import tagged

from .common import HardwareCase


@tagged("post_install", "-at_install")
class TestIngest(HardwareCase):
    def test_commission_reads_activate_units(self):
        events = [self.event(code._digital_link()) for code in self.units[:10]]
        _payload, (status, answer) = self.post(events)
        self.assertEqual(status, 200)
        self.assertEqual([r["status"] for r in answer["results"]], ["ok"] * 10)
        self.assertEqual(set(self.units[:10].mapped("state")), {"active"})
        self.assertEqual(self.units[10].state, "issued")
        self.assertEqual(self.station.units_activated, 10)

    def test_same_batch_again_changes_nothing_and_answers_the_same(self):
        payload, (_status, first) = self.post([self.event(self.units[0].name)])
        before = self.snapshot()
        status, again = self.env["trace.hw.ingest"]._ingest(self.station, payload)
        self.assertEqual((status, again), (200, first))
        self.assertEqual(self.snapshot(), before)

    def test_same_key_with_other_reads_is_refused(self):
        payload, _answer = self.post([self.event(self.units[0].name)])
        payload = dict(payload, events=[self.event(self.units[1].name)])
        status, answer = self.env["trace.hw.ingest"]._ingest(self.station, payload)
        self.assertEqual(status, 409)
        self.assertEqual(self.units[1].state, "issued")

    def test_event_sent_again_in_a_new_batch_is_a_duplicate(self):
        event = self.event(self.units[0].name)
        self.post([event])
        _payload, (_status, answer) = self.post([event])
        self.assertEqual(answer["results"][0]["status"], "duplicate")
        self.assertEqual(self.env["trace.hw.read"].search_count([("event_id", "=", event["id"])]), 1)

    def test_second_read_of_an_active_unit_counts_once(self):
        _payload, (_s, answer) = self.post([self.event(self.units[0].name), self.event(self.units[0].name)])
        self.assertEqual([r["status"] for r in answer["results"]], ["ok", "duplicate"])
        self.assertEqual(self.batch.units_active, 1)

    def test_typed_errors(self):
        other_batch = self.env["trace.batch"].create({"product_id": self.product.id, "lot_id": self.lot.id,
                                                      "activation_mode": "line"})
        other_batch.issue_codes(1)
        foreign = self.Code.search([("batch_id", "=", other_batch.id)])
        self.Code._activate_codes(self.units[:2].mapped("name"))
        self.Code._pack({self.cases[0].name: [self.units[0].name]})
        events = [
            self.event("garbage\x01"),
            self.event(foreign.name),
            self.event(self.units[0].name),
            self.event(self.cases[1].name, "aggregate", [self.pallets.name]),
            self.event("ZZZZZZZZZZZZZZZZZZZZ"),
            self.event("NOREAD", "reject", reason="no_read"),
        ]
        _payload, (_s, answer) = self.post(events)
        got = [(r["status"], r["error"]) for r in answer["results"]]
        self.assertEqual(got, [
            ("error", "invalid"),
            ("error", "wrong_batch"),
            ("error", "already_packed"),
            ("error", "level"),
            ("parked", "unknown_code"),
            ("ok", None),
        ])
        self.assertEqual(foreign.state, "issued")

    def test_aggregation_read_commissions_and_packs(self):
        children = self.units[:24].mapped("name")
        _payload, (_s, answer) = self.post([self.event(self.cases[0].name, "aggregate", children)])
        self.assertEqual(answer["results"][0]["status"], "ok")
        self.assertEqual(set(self.units[:24].mapped("state")), {"packed"})
        self.assertEqual(self.units[:24].parent_id, self.cases[0])
        # the same case read again with the same units: packed already, nothing changes
        before = self.snapshot()
        _payload, (_s, answer) = self.post([self.event(self.cases[0].name, "aggregate", children)])
        self.assertEqual(answer["results"][0]["error"], "already_packed")
        self.assertEqual(self.snapshot(), before)

    def test_aggregation_of_another_product_is_refused_unless_the_station_packs_mixed(self):
        jasmine = self.env["product.product"].create(
            {"name": "Jasmine Tea", "barcode": "6901234567939", "is_storable": True, "tracking": "lot"}
        )
        other = self.env["trace.batch"].create(
            {"product_id": jasmine.id, "lot_id": self.env["stock.lot"].create(
                {"name": "J1", "product_id": jasmine.id}).id, "quantity": 2, "production_date": "2026-11-21"}
        )
        other.issue_codes(2)
        other.action_confirm()
        stranger = self.Code.search([("batch_id", "=", other.id)], limit=1)
        children = [self.units[0].name, stranger.name]
        before = self.snapshot()
        _payload, (_s, answer) = self.post([self.event(self.cases[0].name, "aggregate", children)])
        result = answer["results"][0]
        self.assertEqual((result["status"], result["error"]), ("error", "mixed_content"))
        self.assertIn(stranger.name, result["message"])
        self.assertEqual(self.snapshot()[0], before[0], "nothing packed")
        self.station.pack_mixed = True
        _payload, (_s, answer) = self.post([self.event(self.cases[0].name, "aggregate", children)])
        self.assertEqual(answer["results"][0]["status"], "ok")
        self.assertTrue(self.cases[0].mixed)
        self.assertEqual(stranger.parent_id, self.cases[0])

    def test_parked_read_is_retried_then_becomes_an_exception(self):
        from ..models import trace_hw_read

        _payload, (_s, answer) = self.post([self.event("ABCDEFGHJKMNPQRSTVWX")])
        self.assertEqual(answer["results"][0]["status"], "parked")
        read = self.env["trace.hw.read"].search([("code", "=", "ABCDEFGHJKMNPQRSTVWX")])
        read.env.cr.execute("UPDATE trace_hw_read SET next_retry = now() - interval '1 minute' WHERE id = %s", [read.id])
        read.invalidate_recordset()
        self.env["trace.hw.read"]._cron_retry_parked()
        self.assertEqual((read.status, read.attempts), ("parked", 2))
        # the code arrives (e.g. a late code file import, written by the registry in SQL): the
        # next retry activates it
        self.env.cr.execute(
            """INSERT INTO trace_code (name, gtin, level, activation, product_id, lot_id, batch_id, company_id)
               VALUES ('ABCDEFGHJKMNPQRSTVWX', %s, 'unit', 'issued', %s, %s, %s, %s)""",
            [self.units[0].gtin, self.product.id, self.lot.id, self.batch.id, self.company.id],
        )
        self.env["trace.code.count"]._add([(self.batch.id, self.lot.id, self.company.id, "unit", "issued", 1)])
        read.env.cr.execute("UPDATE trace_hw_read SET next_retry = now() - interval '1 minute' WHERE id = %s", [read.id])
        read.invalidate_recordset()
        self.env["trace.hw.read"]._cron_retry_parked()
        self.assertEqual(read.status, "ok")
        self.assertEqual(self.Code.search([("name", "=", "ABCDEFGHJKMNPQRSTVWX")]).state, "active")
        # another unknown one runs out of attempts
        _payload, _answer = self.post([self.event("ABCDEFGHJKMNPQRSTVWY")])
        read = self.env["trace.hw.read"].search([("code", "=", "ABCDEFGHJKMNPQRSTVWY")])
        for _attempt in range(trace_hw_read.MAX_ATTEMPTS):
            read.env.cr.execute("UPDATE trace_hw_read SET next_retry = now() - interval '1 minute' WHERE id = %s",
                                [read.id])
            read.invalidate_recordset()
            self.env["trace.hw.read"]._cron_retry_parked()
        self.assertEqual(read.status, "exception")
        self.assertEqual(self.station.exceptions, 1)

    def test_malformed_batches_are_refused_whole(self):
        for payload in (None, {"key": "short", "events": []}, {"key": "k" * 10, "events": [{"id": "x"}]}):
            status, answer = self.env["trace.hw.ingest"]._ingest(self.station, payload)
            self.assertEqual(status, 400)
            self.assertEqual(answer["error"], "invalid")

    def test_station_config_for_the_proxy(self):
        config = self.station._config()
        self.assertEqual(config["station"]["role"], "commissioning")
        self.assertEqual(config["batch"]["gtin"], "06901234567922")
        self.assertEqual(config["devices"][0]["settings"]["port"], 2001)
        self.assertEqual(config["resolver"], "https://id.tea.test")

    def test_keys_are_hashed_and_revocable(self):
        Key = self.env["trace.hw.api.key"]
        self.assertEqual(Key._station_for(self.key), self.station)
        self.assertNotIn(self.key, str(self.key_record.sudo().read()))
        self.assertFalse(Key._station_for(self.key[:-1] + "x"))
        self.assertFalse(Key._station_for("Bearer nonsense"))
        self.key_record.action_revoke()
        self.assertFalse(Key._station_for(self.key))

    def test_fast_key_path_agrees_with_the_parser(self):
        Read = self.env["trace.hw.read"]
        link = self.units[0]._digital_link()
        head, serial = link.split("/21/", 1)[0] + "/21/", self.units[0].name
        tail = link.split(serial, 1)[1]
        texts = [link, " " + link + "\r\n", link.replace(serial, serial + "%2F"), link.replace(serial, ""),
                 link.replace(serial, "A" * 21), link.replace(serial, "AB%43"),
                 link.replace(serial, "AB%4"), link.replace(serial, "AB%FF"), head + serial + "#x",
                 head + serial + tail + "&21=OTHER", head + serial + tail + "&17=991399",
                 head.replace("/01/", "/01/1") + serial + tail, head + "0" + tail + "&21=0",
                 head + "x\ty" + tail, head.replace("https", "HTTPS") + serial, "ftp://x/01/1/21/A",
                 self.cases[0]._digital_link(), serial, "(01)" + self.units[0].gtin + "(21)" + serial, "", None]
        self.assertEqual(Read._keys(texts), [Read._key(text) for text in texts])

    def test_reads_with_tabs_and_backslashes_are_stored_as_sent(self):
        reason = "jam\tat\\the\nlabeller\r"
        _payload, (status, answer) = self.post([self.event("NOREAD-1", kind="reject", reason=reason)])
        self.assertEqual((status, answer["results"][0]["status"]), (200, "ok"))
        read = self.env["trace.hw.read"].search([("code", "=", "NOREAD-1")])
        self.assertEqual(read.reason, reason)

    def test_line_monitor_counts_per_line_and_batch(self):
        events = [self.event(code._digital_link()) for code in self.units[:10]]
        events += [
            self.event(self.cases[0].name, "aggregate", self.units[:24].mapped("name")),
            self.event(self.cases[1].name, "aggregate", self.units[24:48].mapped("name")),
            self.event(self.pallets.name, "aggregate", self.cases.mapped("name")),
            self.event("NOREAD", "reject", reason="no_read"),
            self.event(self.units[0].name, "aggregate", [self.units[1].name]),  # refused: level
            self.event("ZZZZZZZZZZZZZZZZZZZZ"),  # parked
        ]
        _payload, (_s, answer) = self.post(events)
        self.assertEqual([r["status"] for r in answer["results"]], ["ok"] * 14 + ["error", "parked"])
        self.assertEqual((self.station.cases_packed, self.station.pallets_packed, self.station.rejects), (2, 1, 2))
        self.env.flush_all()
        [row] = self.env["trace.hw.line.stats"].search([("line_id", "=", self.line.id)])
        self.assertEqual(
            (row.station_id, row.batch_id, row.product_id, row.reads, row.units_commissioned, row.cases_packed, row.units_packed,
             row.pallets_packed, row.rejects, row.parked, row.exceptions, row.batch_units_active),
            (self.station, self.batch, self.batch.product_id, 16, 10, 2, 48, 1, 2, 1, 0, 48),
        )
        self.assertEqual(row.rate_per_minute, 16 / 5.0)
        # the proxy's heartbeat: its backlog and last contact show on the line (a batch records the
        # contact too, in a transaction of its own: see test_controller)
        self.station._heartbeat({"backlog": 1234, "rates": {"reads_per_min": 600.0}, "devices": []})
        self.env.invalidate_all()
        self.assertEqual((row.backlog, row.proxy_rate), (1234, 600.0))
        self.assertTrue(row.last_contact)
        # per line: a second station of the line adds its own row, summed when grouped by line
        other = self.station.copy({"code": "L1-AGG", "role": "aggregation"})
        self.env["trace.hw.ingest"]._ingest(other, {"key": "k-other-1", "events": [
            self.event(self.units[47].name, "commission")]})
        self.env.flush_all()
        [line] = self.env["trace.hw.line.stats"]._read_group(
            [("line_id", "=", self.line.id)], ["line_id"], ["reads:sum", "units_commissioned:sum", "backlog:sum"])
        self.assertEqual(line[1:], (17, 10, 1234))  # the unit was packed already: not activated again
        self.assertEqual(self.station.action_view_monitor()["domain"], [("line_id", "=", self.line.id)])
        reads = self.env["trace.hw.read"].search(row.action_view_reads()["domain"])
        self.assertEqual(len(reads), 16)
        self.assertEqual(set(reads.filtered(lambda r: r.type == "aggregate" and r.status == "ok").mapped("level")),
                         {"case", "pallet"})

    def test_hand_scanning_activates_each_unit_then_packs_them_into_the_case_scanned(self):
        self.station.role = "manual"
        units = self.units[:24]
        _payload, (_s, answer) = self.post([self.event(code._digital_link()) for code in units])
        self.assertEqual({r["status"] for r in answer["results"]}, {"ok"})
        self.assertEqual(set(units.mapped("state")), {"active"})
        _payload, (_s, answer) = self.post([self.event(self.cases[0].name, "aggregate",
                                                       [code._digital_link() for code in units])])
        self.assertEqual(answer["results"][0]["status"], "ok")
        self.assertEqual(set(units.mapped("state")), {"packed"})
        self.assertEqual(units.parent_id, self.cases[0])
        self.assertEqual((self.station.units_activated, self.station.cases_packed), (24, 1))
