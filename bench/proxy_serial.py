"""The proxy alone reading from a serial pseudo-terminal into the outbox on disk (WAL,
synchronous=FULL): reads/s against the 5,000/s target, and baselines measured in the same run:
the raw pty read loop without outbox, and the same rows committed one transaction per read.

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

from tracekit.proxy.drivers import Framing
from tracekit.proxy.protocol import ProxyConfig
from tracekit.proxy.runner import Proxy, ProxySettings

TARGET = 5000
LINK = "https://id.example.com/01/09506000134352/21/"


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


def _payload(n: int, framing: Framing) -> bytes:
    return b"".join(framing.encode(f"{LINK}B{i:09d}") for i in range(n))


def bench_proxy(n: int, workdir: str) -> tuple[float, int, int]:
    master, slave, name = _pty()
    config = ProxyConfig.from_json({
        "station": {"code": "B", "name": "bench", "role": "commissioning", "dedup_window_s": 1.0},
        "batch": None,
        "devices": [{"code": "cam", "driver": "serial", "role": "reader",
                     "settings": {"port": name, "baudrate": 115200, "prefix": "0x02"}}],
    })
    proxy = Proxy(config, ProxySettings(outbox=os.path.join(workdir, "proxy.db")))
    proxy.poll(0)  # opens the port (pyserial flushes its input on open)
    writer = _writer(master, _payload(n, proxy.devices["cam"].driver.framing))
    commits = 0
    start = time.perf_counter()
    writer.start()
    while proxy.committed < n:
        if proxy.poll(0.5):
            commits += 1
        elif not writer.is_alive() and proxy.committed < n and time.perf_counter() - start > 60:
            break
    seconds = time.perf_counter() - start
    committed = proxy.outbox.backlog()
    proxy.close()
    os.close(master)
    os.close(slave)
    return seconds, committed, commits


def bench_raw_pty(n: int) -> float:
    master, slave, _name = _pty()
    framing = Framing(prefix=b"\x02")
    data = _payload(n, framing)
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
        proxy_s, committed, commits = bench_proxy(n, workdir)
        raw_s = bench_raw_pty(n)
        per_read_n = min(n, 2000)
        per_read_s = bench_one_tx_per_read(per_read_n, workdir)
    rows = [
        ("proxy: pty -> parse -> outbox, group commit", committed, proxy_s),
        ("baseline: raw pty read loop, no outbox", n, raw_s),
        ("baseline: sqlite FULL, one transaction per read", per_read_n, per_read_s),
    ]
    print(f"{'path':<50}{'reads':>9}{'seconds':>10}{'reads/s':>11}{'target':>9}")
    for label, reads, seconds in rows:
        print(f"{label:<50}{reads:>9}{seconds:>10.2f}{reads / seconds:>11,.0f}{TARGET:>9,}")
    print(f"\nproxy: {commits} commits (mean {committed / max(commits, 1):.0f} reads per commit), "
          f"{'MEETS' if committed / proxy_s >= TARGET else 'MISSES'} the {TARGET:,}/s target; "
          f"committed {committed} of {n} reads")


if __name__ == "__main__":
    main()
