"""End to end: a simulated camera on a pseudo-terminal -> the real ``trace-proxy run`` CLI (config
pulled from Odoo) -> HTTPS (a TLS front with verification on) -> a real Odoo 18 with
``trace_hardware`` -> the registry in PostgreSQL.

Each test runs one batch slice through the line: a commissioning station activates 240 units read
by the camera; an aggregation station reads 24 units then the case label, ten times (cases packed),
then the pallet label (the ten cases onto the pallet). Then the database must hold exactly that:
units packed in cases, cases on the pallet, one ``trace_hw_read`` per event id, every batch of
reads processed once, nothing left in the proxies' outboxes. The second test cuts the connection
(stops the TLS front) in the middle of each station's run and restores it. The third prints a
print job queued in Odoo on a TCP printer and verifies it with a serial reader after the printer.
"""

from __future__ import annotations

import json
import threading
import time

from tracekit.proxy.outbox import Outbox

from .conftest import CASE_SIZE, PALLET_SIZE, PRINT_UNITS, Camera, wait_for

SLICE_UNITS = CASE_SIZE * PALLET_SIZE  # 240
RATE = 300.0  # reads per second written by the camera


# the registry's codes with their state and parent (the hierarchy lives in trace_code_tree)
CODES = (
    "(SELECT c.id, c.name, c.level, c.batch_id, t.parent_id,"
    " CASE WHEN t.code_id IS NULL THEN c.activation ELSE 'packed' END AS state"
    " FROM trace_code c LEFT JOIN trace_code_tree t ON t.code_id = c.id)"
)

def _outbox_view(path: str) -> dict:
    outbox = Outbox(path)
    try:
        stats = outbox.stats()
        status = json.loads(outbox.get("status") or "{}")
        return {"backlog": stats.backlog, "held": stats.batches_held, "rejections": stats.rejections,
                "counters": stats.counters, "status": status, "errors": outbox.rejections()}
    finally:
        outbox.close()


def _wait_reader_open(path: str, process, timeout: float = 30.0) -> None:
    def opened():
        assert process.poll() is None, "trace-proxy exited"
        try:
            devices = _outbox_view(path)["status"].get("devices") or []
        except Exception:
            return False
        return bool(devices) and all(d["status"] == "ok" for d in devices)

    assert wait_for(opened, timeout, 0.1), "the proxy did not open its reader"


def _slice(line, index: int):
    units = line.data["units"][index * SLICE_UNITS:(index + 1) * SLICE_UNITS]
    cases = line.data["cases"][index * PALLET_SIZE:(index + 1) * PALLET_SIZE]
    pallet = line.data["pallets"][index]
    assert len(units) == SLICE_UNITS and len(cases) == PALLET_SIZE
    return units, cases, pallet


def _names(codes) -> str:
    return "ARRAY[" + ",".join(f"'{c['name']}'" for c in codes) + "]::varchar[]"


def _run_station(line, role: str, name: str, texts: list[str], done, cut_at: int | None = None,
                 cut_s: float = 3.0) -> dict:
    """Start the real CLI for ``role``, let the camera write ``texts``; with ``cut_at``, stop the
    TLS front when that many reads were written, keep the camera going, restore after ``cut_s``.
    Wait until ``done()`` holds in Odoo and the outbox is empty; return the outbox view."""
    marks = {table: int(line.scalar(f"SELECT coalesce(max(id), 0) FROM {table}"))
             for table in ("trace_hw_read", "trace_hw_ingest")}
    process, outbox = line.start_proxy(role, name)
    try:
        _wait_reader_open(outbox, process)
        cut_done = threading.Event()
        observed = {}

        def on_index(index):
            if cut_at is not None and index == cut_at:
                line.front.stop()
                cut_done.set()

        camera = Camera(line.ptys[role], texts, RATE, on_index=on_index)
        camera.start()
        if cut_at is not None:
            assert cut_done.wait(30), "the camera never reached the cut"
            time.sleep(cut_s)
            # while the network is down the reads are kept (acknowledged locally), not lost
            observed["backlog_during_cut"] = _outbox_view(outbox)["backlog"]
            line.front.start()
        camera.join(60)
        assert camera.error is None, camera.error
        assert camera.written == len(texts)
        assert wait_for(lambda: done() and _outbox_view(outbox)["backlog"] == 0, 90, 0.25), (
            f"{role}: not drained; outbox {_outbox_view(outbox)}")
        assert process.poll() is None, "trace-proxy died"
        view = _outbox_view(outbox)
        view.update(observed, marks=marks)
        return view
    finally:
        line.stop_proxy(process)
        if line.front.listener is None or line.front.listener.fileno() < 0:
            line.front.start()


def _check_station_reads(line, role: str, expected_events: int, view: dict) -> None:
    station_id = line.data["stations"][role]["id"]
    rows, distinct, ok = line.sql(
        "SELECT count(*), count(DISTINCT event_id), count(*) FILTER (WHERE status = 'ok')"
        f" FROM trace_hw_read WHERE station_id = {station_id} AND id > {view['marks']['trace_hw_read']}")[0]
    # one row per event id, every event applied once and answered ok (no 'duplicate': a batch re-sent
    # after a cut is answered from the stored results of its key, it is not processed again)
    assert int(rows) == int(distinct) == int(ok) == expected_events, (role, rows, distinct, ok)
    processed, batches, keys = line.sql(
        f"SELECT coalesce(sum(event_count), 0), count(*), count(DISTINCT key) FROM trace_hw_ingest"
        f" WHERE station_id = {station_id} AND id > {view['marks']['trace_hw_ingest']}")[0]
    assert int(processed) == expected_events and int(batches) == int(keys), (role, processed, batches, keys)
    counters = view["counters"]
    reads = sum(v for k, v in counters.items() if k.endswith(".reads"))
    assert counters.get("server.ok", 0) == expected_events, counters
    assert counters.get("server.duplicate", 0) == 0 and counters.get("server.error", 0) == 0, counters
    assert reads == (expected_events if role == "commissioning" else SLICE_UNITS + PALLET_SIZE + 1), counters
    assert view["backlog"] == 0 and view["held"] == 0 and view["rejections"] == 0, view


def _run_slice(line, index: int, cut: bool) -> dict:
    units, cases, pallet = _slice(line, index)
    unit_names = _names(units)

    # 1. commissioning: one read per unit, as the camera sees them
    def activated():
        return int(line.scalar(f"SELECT count(*) FROM {CODES} c WHERE name = ANY({unit_names})"
                               " AND state = 'active'")) == SLICE_UNITS

    commissioning = _run_station(line, "commissioning", f"com{index}", [u["link"] for u in units], activated,
                                 cut_at=SLICE_UNITS // 2 if cut else None)
    _check_station_reads(line, "commissioning", SLICE_UNITS, commissioning)

    # 2. aggregation: 24 units then the case label, ten times; then the pallet label
    texts = []
    for number, case in enumerate(cases):
        texts += [u["link"] for u in units[number * CASE_SIZE:(number + 1) * CASE_SIZE]] + [case["link"]]
    texts.append(pallet["link"])
    pallet_name = pallet["name"]

    def palletised():
        return int(line.scalar(
            f"SELECT count(*) FROM {CODES} c JOIN trace_code p ON p.id = c.parent_id"
            f" WHERE c.name = ANY({_names(cases)}) AND p.name = '{pallet_name}'")) == PALLET_SIZE

    aggregation = _run_station(line, "aggregation", f"agg{index}", texts, palletised,
                               cut_at=len(texts) // 2 if cut else None)
    _check_station_reads(line, "aggregation", PALLET_SIZE + 1, aggregation)

    # 3. the registry: units packed in their case, cases on the pallet, paths consistent
    states = dict(line.sql(f"SELECT state, count(*) FROM {CODES} c WHERE name = ANY({unit_names}) GROUP BY 1"))
    assert states == {"packed": str(SLICE_UNITS)}, states
    for number, case in enumerate(cases):
        members = {row[0] for row in line.sql(
            f"SELECT c.name FROM {CODES} c JOIN trace_code p ON p.id = c.parent_id WHERE p.name = '{case['name']}'")}
        assert members == {u["name"] for u in units[number * CASE_SIZE:(number + 1) * CASE_SIZE]}, case["name"]
    case_rows = line.sql(
        f"SELECT c.state, p.name FROM {CODES} c"
        f" JOIN trace_code p ON p.id = c.parent_id WHERE c.name = ANY({_names(cases)})")
    assert sorted(case_rows) == [["packed", pallet_name]] * PALLET_SIZE, case_rows
    assert line.scalar(f"SELECT state FROM {CODES} c WHERE name = '{pallet_name}'") == "active"
    deep = line.scalar(
        f"SELECT count(*) FROM {CODES} u JOIN {CODES} c ON c.id = u.parent_id JOIN trace_code p ON p.id = c.parent_id"
        f" WHERE u.name = ANY({unit_names}) AND p.name = '{pallet_name}'")
    assert int(deep) == SLICE_UNITS  # each unit is in its case, on the pallet
    # the ledger: every unit commissioned exactly once (no read applied twice)
    commissioned = line.sql(
        "SELECT count(*), count(DISTINCT c.id) FROM trace_event e CROSS JOIN LATERAL unnest(e.epc_ids) AS x(id)"
        f" JOIN trace_code c ON c.id = x.id WHERE e.biz_step = 'commissioning' AND c.name = ANY({unit_names})")[0]
    assert commissioned == [str(SLICE_UNITS), str(SLICE_UNITS)], commissioned
    return {"commissioning": commissioning, "aggregation": aggregation}


def test_line_commissions_and_aggregates_into_odoo(odoo_line):
    views = _run_slice(odoo_line, 0, cut=False)
    assert views["commissioning"]["counters"].get("server.acknowledged") == SLICE_UNITS


def test_connection_cut_mid_run_loses_nothing_applies_nothing_twice(odoo_line):
    views = _run_slice(odoo_line, 1, cut=True)
    # the cut was real: reads piled up in the outbox while the front was down, then drained
    assert views["commissioning"]["backlog_during_cut"] > 0
    assert views["aggregation"]["backlog_during_cut"] > 0
    # the registry's counters agree with the rows (both slices)
    batch_id = odoo_line.data["batch_id"]
    counted = {level + "/" + state: int(n) for level, state, n in odoo_line.sql(
        f"SELECT level, state, sum(delta) FROM trace_code_count WHERE batch_id = {batch_id} GROUP BY 1, 2")}
    actual = {level + "/" + state: int(n) for level, state, n in odoo_line.sql(
        "SELECT c.level, CASE WHEN t.code_id IS NULL THEN c.activation ELSE 'packed' END, count(*)"
        f" FROM trace_code c LEFT JOIN trace_code_tree t ON t.code_id = c.id WHERE c.batch_id = {batch_id}"
        " GROUP BY 1, 2")}
    assert {k: v for k, v in counted.items() if v} == actual


def test_print_and_verify_into_odoo(odoo_line):
    """A print job queued in Odoo: the proxy pulls it, prints each label on the TCP printer (ZPL at
    the printer's 300 dpi), the verifier after the printer reads back every label but one smudged
    label; Odoo ends with the job reported, the verified codes active, the smudged one still only
    issued (not valid goods) and its reject in the reads ledger."""
    from tracekit.labels.zpl import parse_zpl_fields
    from tracekit.proxy.station import label_text

    line = odoo_line
    job = line.data["print_job"]
    smudged = job["codes"][5]
    printed_labels = []

    def printed(label: bytes):  # the camera after the printer reads what was printed, but the smudge
        zpl = label.decode()
        printed_labels.append(zpl)
        text = label_text(zpl)
        if not text.split("?")[0].endswith("/21/" + smudged):
            line.ptys["print_verify"].write(text.encode() + b"\r\n")

    line.printer.on_job = printed
    process, outbox = line.start_proxy("print_verify", "prn", print_poll_s=0.2, verify_timeout_s=5.0)
    try:
        def reported():
            return line.scalar(f"SELECT state FROM trace_hw_print_job WHERE id = {job['id']}") in ("done", "failed")

        assert wait_for(lambda: reported() and _outbox_view(outbox)["backlog"] == 0, 60, 0.25), (
            _outbox_view(outbox), line.scalar(f"SELECT state FROM trace_hw_print_job WHERE id = {job['id']}"))
        assert process.poll() is None, "trace-proxy died"
    finally:
        line.stop_proxy(process)
    assert len(printed_labels) == PRINT_UNITS
    assert all("^PW" in zpl for zpl in printed_labels)
    assert all(any(f.command == "BQ" for f in parse_zpl_fields(zpl)) for zpl in printed_labels)
    state, printed, rejected = line.sql(
        f"SELECT state, printed_count, rejected::text FROM trace_hw_print_job WHERE id = {job['id']}")[0]
    assert (state, int(printed)) == ("failed", PRINT_UNITS - 1), rejected
    assert [r["code"] for r in json.loads(rejected)] == [smudged]
    states = dict(line.sql(f"SELECT c.name, c.state FROM {CODES} c WHERE name = ANY({_names([{'name': n} for n in job['codes']])})"))
    assert states.pop(smudged) == "issued"
    assert set(states.values()) == {"active"} and len(states) == PRINT_UNITS - 1
    station_id = line.data["stations"]["print_verify"]["id"]
    reads = line.sql(f"SELECT type, status, count(*) FROM trace_hw_read WHERE station_id = {station_id} GROUP BY 1, 2")
    assert sorted(reads) == [["commission", "ok", str(PRINT_UNITS - 1)], ["reject", "ok", "1"]], reads
