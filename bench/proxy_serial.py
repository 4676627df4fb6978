"""The proxy alone reading from a serial pseudo-terminal into the outbox on disk (WAL,
synchronous=FULL): reads/s against the 5,000/s target, for a commissioning station (one event per
read) and an aggregation station (24 unit reads then a case label: one event per case, the open
case committed with each pass), and baselines measured in the same run: the raw pty read loop
without outbox, and the same rows committed one transaction per read.

    .venv/bin/python bench/proxy_serial.py [N]
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import threading
import time
import tty

from tracekit.gs1 import calc_check_digit
from tracekit.proxy.drivers import Framing
from tracekit.proxy.protocol import ProxyConfig
from tracekit.proxy.runner import Proxy, ProxySettings

TARGET = 5000
LINK = "https://id.example.com/01/09506000134352/21/"
CASE = 24


def _pty():
    master, slave = os.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    return master, slave, os.ttyname(slave)


def _writer(master: int, data: bytes) -> threading.Thread:
    def run():
        view = memoryview(data)
        while view:
            view = view[os.write(master, view[:65536]):]

    thread = threading.Thread(target=run, daemon=True)
    return thread


def _payload(n: int, framing: Framing, role: str) -> tuple[bytes, int]:
    """The reader's bytes for ``n`` reads, and how many events they make."""
    if role == "commissioning":
        return b"".join(framing.encode(f"{LINK}B{i:09d}") for i in range(n)), n
    reads, cases = [], 0
    while len(reads) + CASE + 1 <= n:
        first = len(reads)
        reads += [f"{LINK}B{first + k:09d}" for k in range(CASE)]
        body = f"09506000{cases:09d}"
        reads.append(body + calc_check_digit(body))
        cases += 1
    return b"".join(framing.encode(text) for text in reads), cases


def bench_proxy(n: int, workdir: str, role: str) -> tuple[float, int, int, int]:
    """Seconds, reads committed, events committed, commits."""
    master, slave, name = _pty()
    config = ProxyConfig.from_json({
        "station": {"code": "B", "name": "bench", "role": role, "dedup_window_s": 1.0, "case_size": CASE},
        "batch": None,
        "devices": [{"code": "cam", "driver": "serial", "role": "reader",
                     "settings": {"port": name, "baudrate": 115200, "prefix": "0x02"}}],
    })
    proxy = Proxy(config, ProxySettings(outbox=os.path.join(workdir, f"proxy-{role}.db")))
    proxy.poll(0)  # opens the port (pyserial flushes its input on open)
    data, events = _payload(n, proxy.devices["cam"].driver.framing, role)
    writer = _writer(master, data)
    commits = 0
    start = time.perf_counter()
    writer.start()
    while proxy.committed < events:
        if proxy.poll(0.5):
            commits += 1
        elif not writer.is_alive() and time.perf_counter() - start > 60:
            break
    seconds = time.perf_counter() - start
    committed = proxy.outbox.backlog()
    reads = proxy.outbox.counters().get("device.cam.reads", 0)
    proxy.close()
    os.close(master)
    os.close(slave)
    return seconds, reads, committed, commits


def bench_raw_pty(n: int) -> float:
    master, slave, _name = _pty()
    framing = Framing(prefix=b"\x02")
    data, _events = _payload(n, framing, "commissioning")
    writer = _writer(master, data)
    os.set_blocking(slave, True)
    start = time.perf_counter()
    writer.start()
    got = 0
    while got < len(data):
        got += len(os.read(slave, 65536))
    seconds = time.perf_counter() - start
    os.close(master)
    os.close(slave)
    return seconds


def bench_one_tx_per_read(n: int, workdir: str) -> float:
    db = sqlite3.connect(os.path.join(workdir, "raw.db"), isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE event (id INTEGER PRIMARY KEY, code TEXT NOT NULL)")
    start = time.perf_counter()
    for i in range(n):
        db.execute("BEGIN")
        db.execute("INSERT INTO event (code) VALUES (?)", (f"{LINK}B{i:09d}",))
        db.execute("COMMIT")
    seconds = time.perf_counter() - start
    db.close()
    return seconds


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as workdir:
        runs = {role: bench_proxy(n, workdir, role) for role in ("commissioning", "aggregation")}
        raw_s = bench_raw_pty(n)
        per_read_n = min(n, 2000)
        per_read_s = bench_one_tx_per_read(per_read_n, workdir)
    rows = [(f"proxy, {role}: pty -> parse -> outbox, group commit", reads, seconds)
            for role, (seconds, reads, _events, _commits) in runs.items()]
    rows += [
        ("baseline: raw pty read loop, no outbox", n, raw_s),
        ("baseline: sqlite FULL, one transaction per read", per_read_n, per_read_s),
    ]
    print(f"{'path':<60}{'reads':>9}{'seconds':>10}{'reads/s':>11}{'target':>9}")
    for label, reads, seconds in rows:
        print(f"{label:<60}{reads:>9}{seconds:>10.2f}{reads / seconds:>11,.0f}{TARGET:>9,}")
    print()
    for role, (seconds, reads, events, commits) in runs.items():
        print(f"proxy, {role}: {events} events in {commits} commits (mean {reads / max(commits, 1):.0f} reads "
              f"per commit), {'MEETS' if reads / seconds >= TARGET else 'MISSES'} the {TARGET:,}/s target")


if __name__ == "__main__":
    main()
