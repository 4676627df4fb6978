"""A real Odoo 18 with ``trace_hardware`` for the end-to-end tests: a fresh database (no demo
data), fixture data built through Odoo's own Python (``odoo_setup.py``), ``odoo`` as a subprocess
on a free port, and a TLS-terminating front (:mod:`.tls_front`, certificate from a ``trustme`` CA)
so that the real ``trace-proxy`` keeps verification on. Everything is torn down at the end
(Odoo terminated, database dropped; ``TRACE_E2E_KEEP_DB=1`` keeps it).

Odoo is ``$ODOO_BIN`` or ``odoo`` on PATH; its Python is ``$ODOO_PYTHON`` or the executable's
shebang. Without them the module is skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from realparts import Pty, TcpPeer

from .tls_front import TlsFront

ROOT = Path(__file__).resolve().parents[2]
ADDONS = ROOT / "addons"
HERE = Path(__file__).resolve().parent

PRINT_UNITS = 12  # printed and verified by the print-and-verify station
UNITS, CASES, PALLETS = 480 + PRINT_UNITS, 20, 2  # two line tests: 240 units, 10 cases of 24, 1 pallet each
CASE_SIZE, PALLET_SIZE = 24, 10
HARDENING_UNITS = 120  # a batch of its own for test_line_hardening.py


def find_odoo() -> tuple[str, str] | None:
    if os.environ.get("SKIP_ODOO") == "1":  # scripts/test was told to leave Odoo out
        return None
    odoo_bin = os.environ.get("ODOO_BIN") or shutil.which("odoo")
    if not odoo_bin or not os.path.exists(odoo_bin):
        return None
    python = os.environ.get("ODOO_PYTHON")
    if not python:
        with open(os.path.realpath(odoo_bin), "rb") as handle:
            first = handle.readline().decode(errors="replace").strip()
        python = first[2:].split()[0] if first.startswith("#!") and "python" in first else "python3"
    return odoo_bin, python


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


@dataclass
class OdooLine:
    db: str
    odoo_bin: str
    python: str
    process: subprocess.Popen
    http_port: int
    front: TlsFront
    ca_bundle: str
    data: dict
    ptys: dict
    printer: TcpPeer
    log: Path
    workdir: Path
    proxies: list = field(default_factory=list)

    def sql(self, query: str) -> list[list[str]]:
        out = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-d", self.db, "-c", query],
                             check=True, capture_output=True, text=True).stdout
        return [line.split("\t") for line in out.splitlines() if line]

    def scalar(self, query: str):
        rows = self.sql(query)
        return rows[0][0] if rows else None

    def start_proxy(self, role: str, name: str, **settings) -> tuple[subprocess.Popen, str]:
        """The real ``trace-proxy run`` CLI for a station, config pulled through the TLS front."""
        station = self.data["stations"][role]
        directory = self.workdir / name
        directory.mkdir(exist_ok=True)
        local = {"url": self.front.url, "api_key": station["key"], "ca_bundle": self.ca_bundle,
                 "timeout": [2.0, 20.0],
                 "settings": dict({"batch_size": 100, "heartbeat_s": 0.5, "backoff_base": 0.05,
                                   "backoff_max": 0.5, "config_poll_s": 600}, **settings)}
        config = directory / "proxy.json"
        config.write_text(json.dumps(local))
        outbox = str(directory / "outbox.sqlite")
        cli = Path(sys.executable).with_name("trace-proxy")
        command = [str(cli)] if cli.exists() else [sys.executable, "-m", "tracekit.proxy.cli"]
        stderr = open(directory / "proxy.log", "wb")
        process = subprocess.Popen(command + ["-v", "run", "--config", str(config), "--outbox", outbox],
                                   stdout=subprocess.DEVNULL, stderr=stderr)
        self.proxies.append(process)
        return process, outbox

    def stop_proxy(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _warm_statics(port: int) -> None:
    """One request for a static file, before any test sends requests at once: Odoo builds its
    table of static folders on the first such request (``/web/health`` does not need it), and
    two threads building it together can hit CPython 3.11's non-thread-safe ``ast`` compiler
    (``SystemError: AST constructor recursion depth mismatch``), a 500 for one of them."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/web/static/img/favicon.ico", timeout=10):
            pass
    except OSError:
        pass  # the table is built whatever the answer


def _wait_http(port: int, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"odoo exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/web/health", timeout=2) as answer:
                if answer.status == 200:
                    _warm_statics(port)
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("odoo did not answer on /web/health")


@pytest.fixture(scope="session")
def odoo_line(tmp_path_factory):
    found = find_odoo()
    if found is None:
        pytest.skip("no Odoo 18 found: set ODOO_BIN or put `odoo` on PATH to run the end-to-end tests")
    if shutil.which("psql") is None or shutil.which("dropdb") is None:
        pytest.skip("the PostgreSQL client tools (psql, dropdb) are needed for the end-to-end tests")
    trustme = pytest.importorskip("trustme")
    odoo_bin, python = found
    workdir = tmp_path_factory.mktemp("e2e")
    db = f"trace_e2e_{int(time.time())}_{os.getpid()}"
    log = workdir / "odoo.log"
    ptys = {"commissioning": Pty(), "aggregation": Pty(), "print_verify": Pty()}
    printer = TcpPeer()
    process = front = None
    try:
        install = subprocess.run(
            [odoo_bin, f"--addons-path={ADDONS}", "-d", db, "-i", "trace_hardware,trace_stock", "--without-demo=all",
             "--stop-after-init", "--http-port=0", "--max-cron-threads=0", "--log-level=warn", f"--logfile={log}"],
            capture_output=True, text=True, timeout=600)
        if install.returncode != 0:
            raise RuntimeError(f"installing trace_hardware and trace_stock failed: {install.stderr[-2000:]}")
        spec = {"units": UNITS, "cases": CASES, "pallets": PALLETS, "case_size": CASE_SIZE,
                "pallet_size": PALLET_SIZE, "commissioning_port": ptys["commissioning"].name,
                "aggregation_port": ptys["aggregation"].name, "print_units": PRINT_UNITS,
                "printer_port": printer.port, "verifier_port": ptys["print_verify"].name,
                "hardening_units": HARDENING_UNITS}
        setup = subprocess.run([python, str(HERE / "odoo_setup.py"), db, str(ADDONS), json.dumps(spec)],
                               capture_output=True, text=True, timeout=300)
        if setup.returncode != 0:
            raise RuntimeError(f"fixture data: {setup.stderr[-2000:]}")
        data = json.loads(setup.stdout.strip().splitlines()[-1])
        http_port = free_port()
        process = subprocess.Popen(
            [odoo_bin, f"--addons-path={ADDONS}", "-d", db, f"--db-filter=^{db}$", f"--http-port={http_port}",
             "--http-interface=127.0.0.1", "--workers=0", "--max-cron-threads=0", "--log-level=warn",
             f"--logfile={log}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_http(http_port, process, 90)
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        import ssl

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        front = TlsFront(context, http_port).start()
        ca_bundle = str(workdir / "ca.pem")
        ca.cert_pem.write_to_path(ca_bundle)
        line = OdooLine(db=db, odoo_bin=odoo_bin, python=python, process=process, http_port=http_port, front=front,
                        ca_bundle=ca_bundle, data=data, ptys=ptys, printer=printer, log=log, workdir=workdir)
        yield line
        for proxy in line.proxies:
            line.stop_proxy(proxy)
    finally:
        if front is not None:
            front.stop()
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for pty in ptys.values():
            pty.close()
        printer.close()
        if os.environ.get("TRACE_E2E_KEEP_DB") != "1":
            subprocess.run(["dropdb", "--if-exists", db], capture_output=True)


class Camera(threading.Thread):
    """A camera on the line: writes ``texts`` to the pty at ``rate`` reads per second (CR LF framed).
    ``pause_at``: an index where it waits for ``resume`` (set by the test)."""

    def __init__(self, pty: Pty, texts: list[str], rate: float, on_index=None):
        super().__init__(daemon=True)
        self.pty, self.texts, self.rate, self.on_index = pty, texts, rate, on_index
        self.written = 0
        self.error: BaseException | None = None

    def run(self):
        try:
            start = time.monotonic()
            for index, text in enumerate(self.texts):
                if self.on_index:
                    self.on_index(index)
                due = start + index / self.rate
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                self.pty.write(text.encode() + b"\r\n")
                self.written += 1
        except BaseException as error:  # reported by the test
            self.error = error
