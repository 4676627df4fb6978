"""The real ``trace-proxy`` CLI against a pty and the HTTPS stand-in for Odoo, killed with
SIGKILL in the middle of batches, restarted, with the connection to Odoo cut and restored and
errors injected. After each: every acknowledged read (committed in the outbox) reached the server
exactly once, none twice. ``TRACE_SOAK=1`` runs many more kill cycles."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time

import pytest

from tracekit.proxy.outbox import Outbox
from tracekit.proxy.protocol import ProxyConfig
from tracekit.proxy.runner import Proxy, ProxySettings

from .conftest import API_KEY, GTIN, config_json, unit_link, wait_for

SOAK = os.environ.get("TRACE_SOAK") == "1"


def _frame(text: str) -> bytes:
    return b"\x02" + text.encode() + b"\r\n"


def _start_cli(tmp_path, odoo, ca_bundle, outbox, **settings):
    local = {"url": odoo.url, "api_key": API_KEY, "ca_bundle": ca_bundle,
             "settings": {"batch_size": 200, "heartbeat_s": 1.0, "backoff_base": 0.05, "backoff_max": 0.5,
                          **settings}}
    path = tmp_path / "proxy.json"
    path.write_text(json.dumps(local))
    cli = os.path.join(os.path.dirname(sys.executable), "trace-proxy")
    command = [cli] if os.path.exists(cli) else [sys.executable, "-m", "tracekit.proxy.cli"]
    return subprocess.Popen(command + ["run", "--config", str(path), "--outbox", outbox],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_open(odoo, since: int) -> None:
    """Until the new process reports its reader open (pyserial flushes the port's input on open:
    bytes a reader sent while no proxy listened are gone, as on a real line)."""
    def opened():
        with odoo.lock:
            beats = odoo.heartbeats[since:]
        return any(d["status"] == "ok" for beat in beats for d in beat["devices"])

    assert wait_for(opened, timeout=15), "the proxy did not open its reader"


def _acknowledged(outbox_path, odoo) -> set[str]:
    """What counted: on the server, or committed in the outbox and not yet forwarded."""
    outbox = Outbox(outbox_path)
    try:
        pending = {e.id for e in outbox.pending_events()}
    finally:
        outbox.close()
    with odoo.lock:
        return pending | set(odoo.events)


def test_sigkill_mid_batch_loses_no_acknowledged_read_and_sends_none_twice(tmp_path, odoo, ca_bundle, pty_pair):
    odoo.config = config_json("commissioning", [{"code": "cam1", "driver": "serial", "role": "reader",
                                                  "settings": {"port": pty_pair.name, "baudrate": 115200,
                                                               "prefix": "0x02"}}], dedup=0.0)
    outbox = str(tmp_path / "outbox.db")
    rng = random.Random(7)
    cycles = 30 if SOAK else 3
    per_cycle = 3000 if SOAK else 1500
    written, acknowledged, serial = [], set(), 0
    for cycle in range(cycles):
        beats = len(odoo.heartbeats)
        proc = _start_cli(tmp_path, odoo, ca_bundle, outbox)
        try:
            _wait_open(odoo, beats)
            if cycle == 1:
                odoo.fail = [503] * 3  # errors while it catches up
            for _chunk in range(10):
                data = b""
                for _ in range(per_cycle // 10):
                    serial += 1
                    code = unit_link(f"K{serial:07d}")
                    written.append(code)
                    data += _frame(code)
                pty_pair.write(data)
                time.sleep(rng.uniform(0.0, 0.03))
            # kill it while it reads, commits and forwards
            time.sleep(rng.uniform(0.05, 0.4))
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        now_acknowledged = _acknowledged(outbox, odoo)
        assert acknowledged <= now_acknowledged, "an acknowledged read disappeared"
        acknowledged = now_acknowledged
        assert max(odoo.deliveries.values(), default=1) == 1, "a read reached the server twice"
    # restart once more, cut and restore the network, let it drain everything in the pty
    beats = len(odoo.heartbeats)
    proc = _start_cli(tmp_path, odoo, ca_bundle, outbox)
    final = [unit_link(f"F{i:06d}") for i in range(1000)]
    try:
        _wait_open(odoo, beats)
        pty_pair.write(b"".join(_frame(code) for code in final))
        written.extend(final)
        odoo.cut()
        time.sleep(0.5)
        odoo.restore()

        def drained():
            box = Outbox(outbox)
            try:
                return box.backlog() == 0 and box.counters().get("device.cam1.reads", 0) >= 1
            finally:
                box.close()

        assert wait_for(lambda: drained() and set(final) <= set(odoo.codes()), timeout=30)
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0, proc.stderr.read().decode()[-2000:]
    # every acknowledged read reached the server exactly once, none twice
    assert acknowledged <= set(odoo.events)
    assert set(odoo.deliveries.values()) == {1}
    codes = odoo.codes()
    assert len(codes) == len(set(codes)), "a code was sent under two event ids"
    assert set(codes) <= set(written)
    seqs = sorted(e["seq"] for e in odoo.events.values())
    assert seqs == sorted(set(seqs)), "a device sequence number was reused"
    # reads lost were never acknowledged (still in the pty at a kill, flushed at the next open)
    assert len(codes) > len(written) // 3


def test_print_and_verify_end_to_end_with_a_tcp_printer_and_a_serial_verifier(tmp_path, odoo, ca_bundle,
                                                                              pty_pair, tcp_peer):
    from tracekit.labels.zpl import parse_zpl_fields
    from tracekit.proxy.forwarder import OdooClient

    odoo.config = config_json("print_verify", [
        {"code": "prn", "driver": "zpl_tcp", "role": "printer",
         "settings": {"host": "127.0.0.1", "port": tcp_peer.port, "dpi": 300}},
        {"code": "ver", "driver": "serial", "role": "verifier", "settings": {"port": pty_pair.name}},
    ])
    serials = ["PV1", "PV2", "PV3"]
    odoo.print_jobs = [{"id": 11, "device": "prn", "kind": "unit", "labels": [
        {"code": s, "digital_link": unit_link(s), "gtin": GTIN, "serial": s, "lot": "L1", "product_name": "Tea"}
        for s in serials]}]

    def printed(job: bytes):  # the verifier reads what was printed, except the smudged PV2
        data = parse_zpl_fields(job.decode())[0].data
        if not data.endswith("PV2"):
            pty_pair.write(data.encode() + b"\r\n")

    tcp_peer.on_job = printed
    client = OdooClient(odoo.url, API_KEY, verify=ca_bundle)
    # the verifier's deadline leaves room for a loaded machine (a late read is a miss, rightly)
    settings = ProxySettings(outbox=str(tmp_path / "o.db"), verify_timeout_s=3.0, print_poll_s=0.2, heartbeat_s=0.5)
    proxy = Proxy(ProxyConfig.from_json(client.get_config()), settings, client=client)
    runner = threading.Thread(target=proxy.run)
    runner.start()
    try:
        assert wait_for(lambda: 11 in odoo.done, timeout=15)
        assert wait_for(lambda: len(odoo.events) >= 3, timeout=10)
        time.sleep(0.2)
    finally:
        proxy.stop_event.set()
        runner.join(10)
    assert len(tcp_peer.jobs) == 3
    # the printer's resolution from its device settings shaped the label (12 dots/mm at 300 dpi)
    from tracekit.labels import zpl

    first = odoo.print_jobs[0]["labels"][0]
    expected = zpl.unit_label(**{k: first[k] for k in ("digital_link", "gtin", "serial", "lot", "product_name")},
                              dpi=300)
    assert tcp_peer.jobs[0].decode() == expected
    assert expected != zpl.unit_label(**{k: first[k] for k in ("digital_link", "gtin", "serial", "lot",
                                                                "product_name")})
    by_type = sorted((e["type"], e["code"]) for e in odoo.events.values())
    assert len(by_type) == 3, (by_type, odoo.done[11])
    assert by_type == [("commission", unit_link("PV1")), ("commission", unit_link("PV3")),
                       ("reject", unit_link("PV2"))]
    assert odoo.done[11]["printed"] == ["PV1", "PV3"]
    assert [r["code"] for r in odoo.done[11]["rejected"]] == ["PV2"]
    assert odoo.heartbeats and odoo.heartbeats[-1]["station"] == "LINE1"


def _sscc(n: int) -> str:
    from tracekit.gs1 import calc_check_digit

    body = f"09506000{n:09d}"
    return body + calc_check_digit(body)


def _committed_reads(outbox_path, device):
    box = Outbox(outbox_path)
    try:
        return box.counters().get(f"device.{device}.reads", 0)
    finally:
        box.close()


def test_units_of_an_open_case_survive_sigkill_and_the_case_closes_after_the_restart(tmp_path, odoo, ca_bundle,
                                                                                     pty_pair):
    odoo.config = config_json("aggregation", [{"code": "agg", "driver": "serial", "role": "reader",
                                                "settings": {"port": pty_pair.name, "prefix": "0x02"}}],
                              dedup=0.0, case_size=6)
    outbox = str(tmp_path / "outbox.db")
    units = [unit_link(f"OC{i}") for i in range(6)]
    proc = _start_cli(tmp_path, odoo, ca_bundle, outbox)
    try:
        _wait_open(odoo, 0)
        pty_pair.write(b"".join(_frame(code) for code in units[:4]))
        # the four reads are acknowledged: committed with the open case they belong to
        assert wait_for(lambda: _committed_reads(outbox, "agg") == 4)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    beats = len(odoo.heartbeats)
    proc = _start_cli(tmp_path, odoo, ca_bundle, outbox)
    try:
        _wait_open(odoo, beats)
        pty_pair.write(b"".join(_frame(code) for code in units[4:]) + _frame(_sscc(1)))
        assert wait_for(lambda: len(odoo.events) == 1, timeout=15)
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0, proc.stderr.read().decode()[-2000:]
    [event] = odoo.events.values()
    assert (event["type"], event["code"], event["children"]) == ("aggregate", _sscc(1), units)


def test_a_print_job_is_not_printed_again_after_sigkill_and_its_labels_are_still_verified(tmp_path, odoo, ca_bundle,
                                                                                         pty_pair, tcp_peer):
    odoo.config = config_json("print_verify", [
        {"code": "prn", "driver": "zpl_tcp", "role": "printer", "settings": {"host": "127.0.0.1", "port": tcp_peer.port}},
        {"code": "ver", "driver": "serial", "role": "verifier", "settings": {"port": pty_pair.name}},
    ])
    serials = ["KP1", "KP2"]
    odoo.print_jobs = [{"id": 21, "device": "prn", "kind": "unit", "labels": [
        {"code": s, "digital_link": unit_link(s), "gtin": GTIN, "serial": s, "lot": "L1", "product_name": "Tea"}
        for s in serials]}]
    outbox = str(tmp_path / "outbox.db")
    settings = {"print_poll_s": 0.2, "verify_timeout_s": 30.0}
    proc = _start_cli(tmp_path, odoo, ca_bundle, outbox, **settings)
    try:
        assert wait_for(lambda: len(tcp_peer.jobs) == 2, timeout=15)
        time.sleep(0.3)  # the pass that sent them committed; nothing has been read back yet
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    beats = len(odoo.heartbeats)
    proc = _start_cli(tmp_path, odoo, ca_bundle, outbox, **settings)
    try:
        _wait_open(odoo, beats)
        time.sleep(1.0)  # several print polls: the job is still listed by Odoo as sent
        assert len(tcp_peer.jobs) == 2, "a job printed before the crash was printed again"
        pty_pair.write(b"".join(unit_link(s).encode() + b"\r\n" for s in serials))
        assert wait_for(lambda: 21 in odoo.done, timeout=15)
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0, proc.stderr.read().decode()[-2000:]
    assert odoo.done[21]["printed"] == serials and odoo.done[21]["rejected"] == []
    assert sorted(e["code"] for e in odoo.events.values()) == [unit_link(s) for s in serials]


def test_the_proxy_follows_a_configuration_changed_in_odoo_while_it_runs(tmp_path, odoo, ca_bundle, pty_pair,
                                                                           tcp_peer):
    reader = {"code": "cam", "driver": "serial", "role": "reader", "settings": {"port": pty_pair.name}}
    odoo.config = config_json("commissioning", [reader], dedup=0.0)
    proc = _start_cli(tmp_path, odoo, ca_bundle, str(tmp_path / "outbox.db"), config_poll_s=0.3)
    try:
        _wait_open(odoo, 0)
        pty_pair.write(b"NOREAD\r\n" + unit_link("CF1").encode() + b"\r\n")
        assert wait_for(lambda: len(odoo.events) == 1)

        def noise_reported():  # the no-read is counted, never sent, and Odoo hears of it
            with odoo.lock:
                return any(d["code"] == "cam" and d.get("noise") == 1 for b in odoo.heartbeats for d in b["devices"])

        assert wait_for(noise_reported, timeout=5)
        # Odoo: the station now packs cases of 2 of another batch, with a TCP camera added
        changed = config_json("aggregation", [reader, {"code": "cam2", "driver": "tcp_reader", "role": "reader",
                                                       "settings": {"host": "127.0.0.1", "port": tcp_peer.port}}],
                              dedup=0.0, case_size=2)
        changed["batch"]["id"] = 8
        odoo.config = changed
        client = tcp_peer.wait_client(timeout=10)  # the new camera was opened
        client.sendall(unit_link("CF2").encode() + b"\r\n")
        time.sleep(0.3)
        pty_pair.write(unit_link("CF3").encode() + b"\r\n" + _sscc(2).encode() + b"\r\n")
        assert wait_for(lambda: len(odoo.events) == 2, timeout=10)
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0, proc.stderr.read().decode()[-2000:]
    events = sorted(odoo.events.values(), key=lambda e: e["time"])
    assert events[0]["type"] == "commission"
    assert (events[1]["type"], events[1]["code"], events[1]["children"]) == (
        "aggregate", _sscc(2), [unit_link("CF2"), unit_link("CF3")])


@pytest.mark.parametrize("command", ["status"])
def test_status_command_shows_devices_rejects_and_backlog(tmp_path, command, capsys):
    from tracekit.proxy.cli import main
    from tracekit.proxy.outbox import NewEvent

    outbox = Outbox(str(tmp_path / "o.db"))
    outbox.append([NewEvent("cam1", "commission", "X1", "t")], {"device.cam1.reads": 1, "device.cam1.noise": 4})
    outbox.close()
    assert main([command, "--outbox", str(tmp_path / "o.db")]) == 0
    out = capsys.readouterr().out
    assert "backlog 1" in out and "cam1" in out and "4" in out


def test_devices_command_lists_what_each_driver_sees(capsys, pty_pair):
    from tracekit.proxy.cli import main

    assert main(["devices"]) == 0
    out = capsys.readouterr().out
    for name in ("serial", "tcp_reader", "keyboard", "zpl_tcp", "zpl_serial"):
        assert f"{name}:" in out
    assert "host and port 9100" in out
