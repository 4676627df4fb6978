"""What Odoo's device settings may make the line PC open: the allowlist of ``proxy.json``, the
printer font name, redirects from the server and the API key file's mode.

Real parts only: pseudo-terminals for serial ports, local TCP peers for readers and printers, a
FIFO for a keyboard wedge, symlinks, an HTTPS server that answers redirects, and the real
``trace-proxy`` command.
"""

from __future__ import annotations

import doctest
import json
import logging
import os
import re
import ssl
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from realparts import Pty

from tracekit.errors import InvalidFormat
from tracekit.proxy import allowlist as allowlist_module
from tracekit.proxy.allowlist import DEFAULT_DEVICES, Allowlist, Refused, check_font_name
from tracekit.proxy.drivers import (
    DeviceError,
    Frame,
    KeyboardWedgeDriver,
    SerialReaderDriver,
    TcpReaderDriver,
    ZplSerialPrinter,
    ZplTcpPrinter,
)
from tracekit.proxy.forwarder import Forwarder, OdooClient, ServerError
from tracekit.proxy.outbox import NewEvent, Outbox
from tracekit.proxy.protocol import DeviceConfig, PrintJob, ProxyConfig
from tracekit.proxy.runner import Proxy, ProxySettings, Uplink
from tracekit.proxy.station import render_label
from tracekit.proxy.status import outbox_status, render_text

from .conftest import API_KEY, GTIN, config_json, read_until, unit_link, wait_for


def _serial(port, allow=None, code="cam"):
    return SerialReaderDriver(DeviceConfig(code, "serial", "reader", {"port": port}),
                              allowlist=Allowlist.from_json(allow))


def _unit_labels(*serials, **extra):
    return tuple({"code": s, "digital_link": unit_link(s), "gtin": GTIN, "serial": s, "lot": "L1",
                  "product_name": "乌龙茶 Tea", **extra} for s in serials)


def _pending(outbox_path):
    box = Outbox(outbox_path)
    try:
        return box.pending_events()
    finally:
        box.close()


def test_the_examples_in_the_module_docstrings_hold():
    failures, _tried = doctest.testmod(allowlist_module, optionflags=doctest.ELLIPSIS)
    assert failures == 0


# -- device paths -------------------------------------------------------------------------------

def test_the_default_allows_the_pcs_serial_ports_and_pseudo_terminals_only():
    allow = Allowlist.default()
    assert allow.devices == DEFAULT_DEVICES
    assert not any(pattern.startswith("/dev/input") for pattern in allow.devices)  # scan guns are listed by hand
    assert [rule.text for rule in allow.hosts] == ["localhost", "127.0.0.0/8", "[::1]"]


def test_a_serial_port_the_globs_allow_is_opened_by_its_real_path(pty_pair, tmp_path):
    link = tmp_path / "by-id" / "usb-Datalogic-if00"
    link.parent.mkdir()
    link.symlink_to(pty_pair.name)
    # the glob names the links, as /dev/serial/by-id/* does: the ports they lead to are allowed
    driver = _serial(str(link), {"devices": [str(tmp_path / "by-id" / "*")]})
    driver.open()
    try:
        assert driver._serial.port == pty_pair.name  # the real path, not the link that could move
        pty_pair.write(b"R1\r\n")
        assert read_until(driver, 1) == [Frame("R1")]
    finally:
        driver.close()
    # the port under its own name is the same device the listed link leads to (as a scan gun's
    # device_name finds /dev/input/eventN while the globs list /dev/input/by-id/...)
    again = _serial(pty_pair.name, {"devices": [str(tmp_path / "by-id" / "usb-Datalogic*")]})
    again.open()
    again.close()
    other = Pty()
    try:
        with pytest.raises(Refused, match=f"found {other.name}; expected"):
            _serial(other.name, {"devices": [str(tmp_path / "by-id" / "*")]}).open()
    finally:
        other.close()


def test_a_port_outside_the_globs_is_refused_and_not_opened(pty_pair):
    driver = _serial(pty_pair.name, {"devices": ["/dev/ttyUSB*", "/dev/serial/by-id/*"]})
    with pytest.raises(Refused) as refused:
        driver.open()
    assert refused.value.setting == "port" and not driver.is_open
    assert str(refused.value) == (f"port {pty_pair.name!r} refused: found {pty_pair.name}; expected a device path "
                                  f"that allow.devices in proxy.json allows")


def test_a_symlink_or_a_dotdot_path_leading_outside_the_globs_is_refused(tmp_path, pty_pair):
    link = tmp_path / "ttyUSB0"
    link.symlink_to("/etc/passwd")
    # the glob matches the link itself: a link in a listed place still allows only a device
    allow = {"devices": [str(tmp_path / "tty*"), "/dev/pts/[0-9]*"]}
    with pytest.raises(Refused, match=r"found /etc/passwd \(its real path\); expected"):
        _serial(str(link), allow).open()
    dotdot = f"{pty_pair.name}/../../../etc/passwd"
    with pytest.raises(Refused, match=r"found /etc/passwd \(its real path\)"):
        _serial(dotdot, allow).open()
    # a keyboard wedge's path is a file it reads and sends: /etc/passwd must not become "scans"
    gun = KeyboardWedgeDriver(DeviceConfig("gun", "keyboard", "reader", {"path": "/etc/passwd"}))
    with pytest.raises(Refused, match="^path '/etc/passwd' refused"):
        gun.open()
    assert not gun.is_open


@pytest.mark.parametrize("url", ["socket://127.0.0.1:{port}", "rfc2217://127.0.0.1:{port}", "loop://",
                                 "spy://127.0.0.1:{port}", "/dev/pts/socket://x"])
def test_a_pyserial_url_as_a_serial_port_is_refused_and_connects_nowhere(url, tcp_peer):
    port = url.format(port=tcp_peer.port)
    assert not SerialReaderDriver.supported({"port": port})
    for driver in (_serial(port, {"devices": ["/dev/*", "/*"]}),
                   ZplSerialPrinter(DeviceConfig("prn", "zpl_serial", "printer", {"port": port}))):
        with pytest.raises(Refused, match="pyserial URLs such as socket:// are never opened") as refused:
            driver.open()
        assert refused.value.setting == "port"
    time.sleep(0.2)
    assert tcp_peer.clients == []


def test_an_unplugged_port_is_offline_not_refused():
    with pytest.raises(DeviceError, match="no such device"):
        _serial("/dev/ttyUSB97").open()


def test_a_keyboard_wedge_on_an_allowed_fifo_reads_what_is_typed(tmp_path):
    fifo = tmp_path / "gun.fifo"
    os.mkfifo(fifo)
    writer_ready = threading.Event()

    def type_codes():
        with open(fifo, "wb") as pipe:  # blocks until the proxy opened its end
            writer_ready.set()
            pipe.write(b"CODE1\nCODE2\n")

    gun = KeyboardWedgeDriver(DeviceConfig("gun", "keyboard", "reader", {"path": str(fifo)}),
                              allowlist=Allowlist.from_json({"devices": [str(tmp_path / "*.fifo")]}))
    gun.open()
    typist = threading.Thread(target=type_codes)
    typist.start()
    try:
        assert writer_ready.wait(3)
        assert read_until(gun, 2) == [Frame("CODE1"), Frame("CODE2")]
    finally:
        typist.join(3)
        gun.close()


# -- hosts --------------------------------------------------------------------------------------

def test_host_rules_match_names_exactly_addresses_by_network_and_ports_when_given():
    allow = Allowlist.from_json({"hosts": ["192.168.10.0/24", "printer-1.local", "10.0.5.20:9100",
                                           "[fd00::/64]:9100", "[::1]"]})
    assert allow.host("192.168.10.77", 23) == ("192.168.10.77", 23)
    assert allow.host("PRINTER-1.local.", 9100) == ("PRINTER-1.local.", 9100)
    assert allow.host("10.0.5.20", "9100") == ("10.0.5.20", 9100)
    assert allow.host("fd00::5", 9100) == ("fd00::5", 9100)
    assert allow.host("::ffff:192.168.10.9", 9100) == ("::ffff:192.168.10.9", 9100)  # IPv4-mapped
    with pytest.raises(Refused, match="found 192.168.11.1 \\(port 9100\\), outside every address and network"):
        allow.host("192.168.11.1", 9100)
    with pytest.raises(Refused, match="port 22, where allow.hosts lists it for port 9100 only"):
        allow.host("10.0.5.20", 22)
    with pytest.raises(Refused, match="names are matched exactly, never resolved"):
        allow.host("printer-2.local", 9100)
    with pytest.raises(Refused, match="names are matched exactly"):
        allow.host("192.168.10.1.evil.example", 9100)
    for port in (0, 70000, True, "9100x", None):
        with pytest.raises(Refused) as refused:
            allow.host("192.168.10.1", port)
        assert refused.value.setting == "port"
    with pytest.raises(Refused):
        allow.host("192.168.10.1 \n", 9100)


def test_a_tcp_reader_outside_the_allowed_network_is_refused_and_never_connects(tcp_peer):
    device = DeviceConfig("cam", "tcp_reader", "reader", {"host": "127.0.0.1", "port": tcp_peer.port})
    outside = TcpReaderDriver(device, allowlist=Allowlist.from_json({"hosts": ["192.168.10.0/24"]}))
    with pytest.raises(Refused, match="^host '127.0.0.1' refused: found 127.0.0.1 .*, outside every address") as refused:
        outside.open()
    assert refused.value.setting == "host" and not outside.is_open
    other_port = TcpReaderDriver(device, allowlist=Allowlist.from_json({"hosts": ["127.0.0.1:9100"]}))
    with pytest.raises(Refused, match="for port 9100 only"):
        other_port.open()
    time.sleep(0.2)
    assert tcp_peer.clients == []
    inside = TcpReaderDriver(device, allowlist=Allowlist.from_json({"hosts": ["127.0.0.0/8"]}))
    inside.open()
    try:
        tcp_peer.wait_client().sendall(b"R1\r\n")
        assert read_until(inside, 1) == [Frame("R1")]
    finally:
        inside.close()


def test_a_zpl_printer_outside_the_allowed_hosts_prints_nothing(tcp_peer):
    printer = ZplTcpPrinter(DeviceConfig("prn", "zpl_tcp", "printer", {"host": "127.0.0.1", "port": tcp_peer.port}),
                            allowlist=Allowlist.from_json({"hosts": ["printer-1.local"]}))
    with pytest.raises(Refused):
        printer.open()
    with pytest.raises(Refused):
        printer.write(b"^XA^XZ")
    time.sleep(0.2)
    assert tcp_peer.clients == [] and tcp_peer.jobs == []


@pytest.mark.parametrize(("allow", "found"), [
    ({"hosts": ["192.168.10.5/24"]}, "has host bits set"),
    ({"hosts": ["*.local"]}, "a wildcard"),
    ({"hosts": ["printer:99999"]}, "a port from 1 to 65535"),
    ({"hosts": ["[fd00::1"]}, "no closing bracket"),
    ({"hosts": "192.168.10.0/24"}, "allow.hosts: a list"),
    ({"devices": ["dev/ttyUSB*"]}, "an absolute path glob"),
    ({"devices": ["socket://*"]}, "an absolute path glob"),
    ({"device": ["/dev/ttyUSB*"]}, "only the keys devices and hosts"),
    (["/dev/ttyUSB*"], "an object"),
])
def test_an_allowlist_that_cannot_be_read_is_an_error_naming_the_entry(allow, found):
    with pytest.raises(InvalidFormat, match=found.replace("(", r"\(").replace("*", r"\*")):
        Allowlist.from_json(allow)


def test_a_key_left_out_keeps_its_default_and_an_empty_list_allows_nothing(pty_pair):
    hosts_only = Allowlist.from_json({"hosts": ["192.168.10.0/24"]})
    assert hosts_only.devices == DEFAULT_DEVICES
    assert [rule.text for rule in hosts_only.hosts] == ["192.168.10.0/24"]
    with pytest.raises(Refused):
        hosts_only.host("127.0.0.1", 9100)  # the loopback default was replaced
    with pytest.raises(Refused):
        _serial(pty_pair.name, {"devices": []}).open()


# -- the proxy: not opened, reported to Odoo, logged --------------------------------------------

def test_the_proxy_does_not_open_a_refused_device_reports_it_to_odoo_and_logs_it_once(
        tmp_path, odoo, ca_bundle, pty_pair, tcp_peer, caplog):
    odoo.config = config_json("commissioning", [
        {"code": "cam", "driver": "serial", "role": "reader", "settings": {"port": pty_pair.name}},
        {"code": "net", "driver": "tcp_reader", "role": "reader", "settings": {"host": "127.0.0.1",
                                                                               "port": tcp_peer.port}},
        {"code": "url", "driver": "serial", "role": "reader", "settings": {"port": f"socket://127.0.0.1:{tcp_peer.port}"}},
    ], dedup=0.0)
    client = OdooClient(odoo.url, API_KEY, verify=ca_bundle)
    settings = ProxySettings(outbox=str(tmp_path / "o.db"), reopen_s=0.0, heartbeat_s=0.2)
    allow = Allowlist.from_json({"devices": ["/dev/pts/[0-9]*"], "hosts": ["192.168.10.0/24"]})
    caplog.set_level(logging.WARNING, logger="tracekit.proxy.runner")
    proxy = Proxy(ProxyConfig.from_json(client.get_config()), settings, client=client, allowlist=allow)
    runner = threading.Thread(target=proxy.run)
    runner.start()

    def reported():
        with odoo.lock:
            beats = list(odoo.heartbeats)
        return beats and {d["code"]: d["status"] for d in beats[-1]["devices"]} == {
            "cam": "ok", "net": "error", "url": "error"}

    try:
        assert wait_for(reported, timeout=10)
        pty_pair.write(unit_link("A1").encode() + b"\r\n")  # the allowed port still reads
        assert wait_for(lambda: len(odoo.events) == 1, timeout=10)
    finally:
        proxy.stop_event.set()
        runner.join(10)
    assert tcp_peer.clients == []  # neither the refused reader nor the socket:// "port" connected
    devices = {d["code"]: d for d in odoo.heartbeats[-1]["devices"]}
    assert devices["net"]["message"] == (f"host '127.0.0.1' refused: found 127.0.0.1 (port {tcp_peer.port}), outside "
                                         f"every address and network allow.hosts lists; expected a host that "
                                         f"allow.hosts in proxy.json allows")
    assert devices["url"]["message"].startswith("port 'socket://127.0.0.1:")
    assert "pyserial URLs such as socket:// are never opened" in devices["url"]["message"]
    # the log says it once per device, although the proxy tried to open them on every pass
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len([w for w in warnings if w.startswith("device net not opened")]) == 1
    assert len([w for w in warnings if w.startswith("device url not opened")]) == 1
    assert "allowed here: devices /dev/pts/[0-9]*; hosts 192.168.10.0/24" in warnings[0]
    # and the local status shows it too
    status = outbox_status(settings.outbox)
    assert {d["code"]: d["status"] for d in status["devices"]}["net"] == "error"
    assert "host '127.0.0.1' refused" in render_text(status)


# -- printer fonts ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["E:ANMDS.TTF", "SIMSUN.FNT", "R:my_font-1.ttf", "Noto Sans CJK SC.otf",
                                  "_x", "B:" + "F" * 62])
def test_safe_font_names_pass(name):
    assert check_font_name(name) == name


@pytest.mark.parametrize(("name", "found"), [
    ("E:../fonts/x.ttf", "'.' at position 3"),
    ("E:fonts/x.ttf", "'/' at position 8"),
    ("/etc/passwd", "'/' at position 1"),
    ("E:FONTS\\X.TTF", "'\\\\' at position 8"),
    ("E:A.TTF,^FDinjected", "',' at position 8"),
    ("X^XZ~JR", "'^' at position 2"),
    ("宋体.ttf", "'宋' at position 1"),
    ("E:A\nB", "'\\n' at position 4"),
    ("..", "'.' at position 1"),
    ("E:-x", "'-' at position 3"),
    (" E:ANMDS.TTF", "' ' at position 1"),
    ("ANMDS.TTF ", "a space at the end"),
    ("E:", "nothing after the drive"),
    ("", "no name"),
    ("F" * 65, "65 characters"),
    (12, "int"),
])
def test_unsafe_font_names_are_refused_saying_what_was_found(name, found):
    with pytest.raises(Refused) as refused:
        check_font_name(name)
    assert refused.value.setting == "cjk_font"
    assert f" refused: found {found}; expected a printer font name such as E:ANMDS.TTF: ASCII letters, digits, " \
           f"space, dash, underscore, dot, first a letter, digit or underscore, at most 64 characters" in str(refused.value)


def test_a_label_never_carries_an_unsafe_font_name_from_the_printer_or_the_job():
    job = PrintJob(id=1, device="prn", kind="unit", labels=_unit_labels("F1"))
    assert "^A@N,24,24,R:SIMSUN.FNT^FH_" in render_label(job, job.labels[0], {"cjk_font": "R:SIMSUN.FNT"})
    with pytest.raises(Refused, match=re.escape("cjk_font 'E:A,^FDx' refused")):
        render_label(job, job.labels[0], {"cjk_font": "E:A,^FDx"})
    bad_label = _unit_labels("F2", cjk_font="../../x")[0]
    with pytest.raises(Refused, match=re.escape("cjk_font '../../x' refused")):
        render_label(job, bad_label, {})


def test_a_printer_with_an_unsafe_font_is_refused_and_its_jobs_print_nothing(tmp_path, tcp_peer):
    config = ProxyConfig.from_json(config_json("print_verify", [
        {"code": "prn", "driver": "zpl_tcp", "role": "printer",
         "settings": {"host": "127.0.0.1", "port": tcp_peer.port, "cjk_font": "E:../../etc/x^XZ"}}]))
    proxy = Proxy(config, ProxySettings(outbox=str(tmp_path / "o.db")))
    try:
        proxy.poll(0.01)
        device = proxy.devices["prn"]
        assert (device.status, device.driver.is_open) == ("error", False)
        assert device.message.startswith("cjk_font 'E:../../etc/x^XZ' refused: found '.' at position 3; expected")
        proxy.jobs.put(PrintJob(id=5, device="prn", kind="unit", labels=_unit_labels("P1", "P2")))
        proxy.poll(0.01)
        [report] = proxy.station.take_finished_jobs() or [None]
    finally:
        proxy.close()
    time.sleep(0.2)
    assert tcp_peer.jobs == []
    box = Outbox(str(tmp_path / "o.db"))
    try:
        done = dict(box.items("job_done."))
    finally:
        box.close()
    report = json.loads(done["job_done.5"])
    assert report["printed"] == []
    assert [r["code"] for r in report["rejected"]] == ["P1", "P2"]
    assert all("cjk_font" in r["reason"] and "refused" in r["reason"] for r in report["rejected"])


# -- redirects ----------------------------------------------------------------------------------

class RedirectingServer:
    """An HTTPS server that answers every request with a redirect to ``location``."""

    def __init__(self, ca, location: str, status: int = 302):
        self.requests: list[tuple[str, str, str | None]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _redirect(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                outer.requests.append((self.command, self.path, self.headers.get("Authorization")))
                self.send_response(status)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _redirect

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(context)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_not_followed_and_the_batch_is_held_in_the_outbox(status, ca, ca_bundle, odoo, tmp_path):
    target = odoo.url + "/trace/hw/v1/events"  # a real server that would take the reads
    redirecting = RedirectingServer(ca, target, status)
    clock_now = [1000.0]
    outbox = Outbox(str(tmp_path / "o.db"), clock=lambda: clock_now[0])
    try:
        outbox.append([NewEvent("cam", "commission", unit_link(f"R{i}"), "2025-01-01T00:00:00.000000Z")
                       for i in range(3)])
        client = OdooClient(redirecting.url, API_KEY, verify=ca_bundle, timeout=(2.0, 5.0))
        forwarder = Forwarder(outbox, client, "LINE1", clock=lambda: clock_now[0], hold_s=600)
        result = forwarder.send_once()
        assert result.outcome == "held"
        assert result.message.startswith(f"the server answered a redirect to {target}; redirects are not followed")
        assert forwarder.last_error.startswith(f"batch {result.key} held: {status} the server answered a redirect "
                                               f"to {target}")
        assert forwarder.send_once().outcome == "paused"  # every batch would be redirected alike
        assert [r[0] for r in redirecting.requests] == ["POST"]
        assert odoo.posts == 0 and odoo.events == {}  # not followed: neither the reads nor the key went there
        stats = outbox.stats()
        assert stats.backlog == 3 and stats.batches_held == 1
        assert (stats.held[0]["key"], stats.held[0]["http_status"]) == (result.key, status)
        assert f"redirect to {target}" in stats.held[0]["error"]
        assert f"HELD batch {result.key} (3 reads): {status} the server answered a redirect to {target}" in \
            render_text(outbox_status(str(tmp_path / "o.db")))
        with pytest.raises(ServerError, match=f"^{status}: the server answered a redirect to {target}"):
            client.get_config()
        # fixed in proxy.json: the same batch, kept whole, goes to the right server
        outbox.release_held()
        clock_now[0] += 601
        fixed = Forwarder(outbox, OdooClient(odoo.url, API_KEY, verify=ca_bundle), "LINE1",
                          clock=lambda: clock_now[0])
        sent = fixed.send_once()
        assert (sent.outcome, sent.key, sent.events) == ("sent", result.key, 3)
        assert outbox.backlog() == 0
    finally:
        outbox.close()
        redirecting.close()


def test_the_uplink_reports_a_redirect_in_the_status_it_keeps(ca, ca_bundle, odoo, tmp_path):
    redirecting = RedirectingServer(ca, "https://elsewhere.example.com/login")
    client = OdooClient(redirecting.url, API_KEY, verify=ca_bundle, timeout=(2.0, 5.0))
    outbox_path = str(tmp_path / "o.db")
    proxy = Proxy(ProxyConfig.from_json(config_json()), ProxySettings(outbox=outbox_path), client=client)
    try:
        proxy.outbox.append([NewEvent("cam", "commission", unit_link("U1"), "2025-01-01T00:00:00.000000Z")])
        uplink = Uplink(proxy)
        try:
            uplink.step()
        finally:
            uplink.outbox.close()
    finally:
        proxy.close()
        redirecting.close()
    status = outbox_status(outbox_path)
    assert status["backlog"] == 1 and status["batches_held"][0]["http_status"] == 302
    assert "the server answered a redirect to https://elsewhere.example.com/login" in status["last_error"]
    assert [e.code for e in _pending(outbox_path)] == [unit_link("U1")]


# -- the API key file ---------------------------------------------------------------------------

def _run_cli(tmp_path, local: dict) -> subprocess.Popen:
    path = tmp_path / "proxy.json"
    path.write_text(json.dumps(local))
    cli = os.path.join(os.path.dirname(sys.executable), "trace-proxy")
    command = [cli] if os.path.exists(cli) else [sys.executable, "-m", "tracekit.proxy.cli"]
    return subprocess.Popen(command + ["run", "--config", str(path), "--outbox", str(tmp_path / "outbox.db")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def test_a_key_file_readable_by_group_or_others_stops_the_start_with_the_chmod_to_run(tmp_path, odoo, ca_bundle):
    key = tmp_path / "key"
    key.write_text(API_KEY + "\n")
    local = {"url": odoo.url, "api_key_file": str(key), "ca_bundle": ca_bundle}
    for mode in (0o644, 0o640, 0o604, 0o620):
        os.chmod(key, mode)
        proc = _run_cli(tmp_path, local)
        _out, err = proc.communicate(timeout=30)
        assert proc.returncode == 2, err
        assert f"the API key file {key} can be read or changed by group or others (mode {mode:04o})" in err
        assert err.strip().endswith(f"Run: chmod 600 {key}")
    assert odoo.heartbeats == [] and not (tmp_path / "outbox.db").exists()
    # once it is chmod 600 the proxy starts, authenticates with the key and reports in
    os.chmod(key, 0o600)
    proc = _run_cli(tmp_path, dict(local, settings={"heartbeat_s": 0.2}))
    try:
        assert wait_for(lambda: odoo.heartbeats, timeout=15), proc.stderr.read() if proc.poll() is not None else ""
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err[-2000:]


def test_an_allowlist_the_proxy_cannot_read_stops_the_start(tmp_path, odoo, ca_bundle):
    proc = _run_cli(tmp_path, {"url": odoo.url, "api_key": API_KEY, "ca_bundle": ca_bundle,
                               "allow": {"hosts": ["printer-*.local"]}})
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert "trace-proxy: not started: 'printer-*.local': expected allow.hosts[0]: a host name" in err
    assert "found a wildcard (names match exactly)" in err
