from __future__ import annotations

from tracekit.gs1 import calc_check_digit
from tracekit.proxy.drivers import Frame
from tracekit.proxy.protocol import ProxyConfig
from tracekit.proxy.station import Station

from .conftest import GTIN, config_json, unit_link

DEVICES = [{"code": "cam", "driver": "serial", "role": "reader", "settings": {}},
           {"code": "ver", "driver": "serial", "role": "verifier", "settings": {}},
           {"code": "prn", "driver": "zpl_tcp", "role": "printer", "settings": {}}]


def _station(role, **kw):
    return Station(ProxyConfig.from_json(config_json(role, DEVICES, **kw)), verify_timeout_s=2.0)


def _sscc(n: int) -> str:
    body = f"0950600010000000{n:01d}"
    return body + calc_check_digit(body)


def _read(station, text, now, device="cam"):
    return station.handle(device, Frame(text), now)


def test_commissioning_turns_each_read_into_a_commission_event():
    station = _station("commissioning")
    events = _read(station, unit_link("A1"), 100.0)
    assert [(e.type, e.code, e.device) for e in events] == [("commission", unit_link("A1"), "cam")]
    assert events[0].time.endswith("Z")


def test_the_same_code_within_the_window_counts_once_whatever_syntax_carried_it():
    station = _station("commissioning", dedup=1.0)
    assert _read(station, unit_link("A1"), 100.0)
    assert _read(station, "(01)09506000134352(21)A1", 100.5) == []  # same unit as element string
    assert _read(station, unit_link("A1"), 101.4) == []  # window slides while it is still read
    assert _read(station, unit_link("A1"), 102.5)
    assert station.take_counters() == {"device.cam.reads": 2, "device.cam.duplicates": 2}


def test_noise_and_partial_reads_are_counted_and_never_sent():
    station = _station("commissioning")
    assert _read(station, "NOREAD", 1) == []
    assert _read(station, "", 2) == []
    assert _read(station, "https://id.example.com/01/0950", 3) == []  # partial Digital Link
    assert _read(station, "4006381333931", 4) == []  # a product EAN, no serial
    assert station.handle("cam", Frame(unit_link("X"), partial=True), 5) == []
    assert station.take_counters() == {"device.cam.noise": 5}
    assert [n.reason for n in station.noise][0] == "no read"


def test_aggregation_packs_exactly_case_size_units_then_pallets_cases():
    station = _station("aggregation", case_size=2, pallet_size=2)
    now = 10.0
    for case in (1, 2):
        assert _read(station, unit_link(f"U{case}a"), now) == []
        assert _read(station, unit_link(f"U{case}b"), now) == []
        [event] = _read(station, _sscc(case), now)
        assert (event.type, event.code, event.children) == ("aggregate", _sscc(case),
                                                            (unit_link(f"U{case}a"), unit_link(f"U{case}b")))
    [pallet] = _read(station, _sscc(9), now)
    assert (pallet.type, pallet.children) == ("aggregate", (_sscc(1), _sscc(2)))


def test_a_case_with_the_wrong_count_is_rejected_and_not_packed():
    station = _station("aggregation", case_size=3)
    _read(station, unit_link("U1"), 1)
    _read(station, unit_link("U2"), 1)
    [event] = _read(station, _sscc(1), 1)
    assert event.type == "reject" and event.code == _sscc(1) and "expected 3 units, found 2" in event.reason
    assert station.pending_units == ()
    [empty] = _read(station, _sscc(2), 2)
    assert empty.type == "reject" and "empty" in empty.reason


def test_manual_station_without_packing_activates_each_unit_and_records_containers():
    station = _station("manual")
    [event] = _read(station, "ABC123", 1)
    assert (event.type, event.code) == ("commission", "ABC123")
    [scan] = _read(station, _sscc(3), 2)
    assert (scan.type, scan.code) == ("scan", _sscc(3))
    assert station.pending_units == ()


def test_manual_station_packing_by_hand_packs_the_last_units_scanned_into_the_case_label():
    station = _station("manual", case_size=2, pallet_size=2)
    units = [unit_link(f"H{i}") for i in range(5)]
    assert [e.type for u in units for e in _read(station, u, 1.0)] == ["commission"] * 5  # each counts at once
    assert station.pending_units == tuple(units[-2:])  # bounded: only a case's worth is kept
    # scanned again after the duplicate window, in another syntax: sent again (Odoo answers
    # "active already") but not twice in the case
    again = f"(01){GTIN}(21)H4"
    assert [e.type for e in _read(station, again, 9.0)] == ["commission"]
    assert station.pending_units == (units[3], again)
    [case1] = _read(station, _sscc(1), 12.0)
    assert (case1.type, case1.children) == ("aggregate", (units[3], again))
    _read(station, unit_link("H9"), 13.0)
    [short] = _read(station, _sscc(2), 13.0)
    assert short.type == "reject" and "expected 2 units, found 1" in short.reason
    for i, serial in enumerate(("H10", "H11")):
        _read(station, unit_link(serial), 14.0 + i)
    [case3] = _read(station, _sscc(3), 16.0)
    [pallet] = _read(station, _sscc(9), 17.0)
    assert (case3.type, pallet.type, pallet.children) == ("aggregate", "aggregate", (_sscc(1), _sscc(3)))
    [empty] = _read(station, _sscc(8), 18.0)
    assert empty.type == "reject" and "empty" in empty.reason


def test_print_verify_commissions_verified_labels_and_rejects_misses_wrong_reads_and_timeouts():
    station = _station("print_verify")
    for serial in ("P1", "P2", "P3", "P4"):
        station.expect(5, serial, unit_link(serial), now=0.0)
    station.close_job(5)
    [ok] = _read(station, unit_link("P1"), 0.5, device="ver")
    assert (ok.type, ok.code) == ("commission", unit_link("P1"))
    # P2 missed: the verifier reads P3 next
    missed, ok3 = _read(station, unit_link("P3"), 0.6, device="ver")
    assert (missed.type, missed.code, ok3.type) == ("reject", unit_link("P2"), "commission")
    [wrong] = _read(station, unit_link("NOTPRINTED"), 0.7, device="ver")
    assert wrong.type == "reject" and "not printed" in wrong.reason
    assert station.tick(1.0) == []
    [late] = station.tick(2.5)
    assert (late.type, late.code, late.device) == ("reject", unit_link("P4"), "ver")
    [report] = station.take_finished_jobs()
    assert report.printed == ["P1", "P3"]
    assert [r["code"] for r in report.rejected] == ["P2", "P4"]


def test_an_open_case_and_awaited_labels_survive_a_restart_through_the_snapshot():
    import json

    station = _station("aggregation", case_size=3)
    _read(station, unit_link("R1"), 1.0)
    _read(station, unit_link("R2"), 1.0)
    kept = json.loads(json.dumps(station.snapshot()))  # as the outbox keeps it
    again = _station("aggregation", case_size=3)
    again.restore(kept, now=50.0)
    assert again.pending_units == (unit_link("R1"), unit_link("R2"))
    assert _read(again, unit_link("R3"), 51.0) == []
    [event] = _read(again, _sscc(4), 51.0)
    assert event.type == "aggregate" and event.children == (unit_link("R1"), unit_link("R2"), unit_link("R3"))


def test_a_job_cut_short_by_a_crash_reports_its_unsent_labels_and_awaits_the_sent_ones_again():
    station = _station("print_verify")
    station.begin_job(8, ["S1", "S2", "S3"])
    station.expect(8, "S1", unit_link("S1"), now=0.0)  # the crash comes before S2 and S3 are sent
    again = _station("print_verify")
    again.restore(station.snapshot(), now=100.0)
    assert again.jobs_in_progress() == {8}
    assert again.tick(101.0) == []  # a fresh deadline: the verifier may still read S1
    [ok] = _read(again, unit_link("S1"), 101.0, device="ver")
    assert ok.type == "commission"
    [report] = again.take_finished_jobs()
    assert report.printed == ["S1"]
    assert [(r["code"], "proxy stopped" in r["reason"]) for r in report.rejected] == [("S2", True), ("S3", True)]


def test_a_new_configuration_keeps_an_open_case_across_batches_and_rejects_it_when_the_role_changes():
    station = _station("aggregation", case_size=2)
    _read(station, unit_link("C1"), 1.0)
    other_batch = config_json("aggregation", DEVICES, case_size=2)
    other_batch["batch"]["id"] = 8
    assert station.apply_config(ProxyConfig.from_json(other_batch), 2.0) == []
    assert station.batch.id == 8 and station.pending_units == (unit_link("C1"),)
    [reject] = station.apply_config(ProxyConfig.from_json(config_json("commissioning", DEVICES)), 3.0)
    assert (reject.type, reject.code) == ("reject", unit_link("C1")) and "aggregation" in reject.reason
    assert station.pending_units == ()
    [event] = _read(station, unit_link("C2"), 4.0)
    assert event.type == "commission"
