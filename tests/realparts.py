"""Real parts shared by the proxy and end-to-end tests: pseudo-terminal pairs (a serial reader's
wire) and local TCP peers (a fixed-mount reader that sends lines, or a ZPL printer that captures
what it is sent). ``tests/`` is on ``sys.path`` for every test package (pytest's rootdir insertion),
so both conftests import this module as ``realparts``."""

from __future__ import annotations

import os
import socket
import threading
import time
import tty


class Pty:
    """A pseudo-terminal pair: the test writes the reader's bytes on ``master``; the proxy opens
    ``name`` (the slave) with pyserial."""

    def __init__(self):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        tty.setraw(self.master)
        self.name = os.ttyname(self.slave)

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self.master, view)
            view = view[written:]

    def read(self, size: int = 65536, timeout: float = 2.0) -> bytes:
        import select

        ready, _, _ = select.select([self.master], [], [], timeout)
        return os.read(self.master, size) if ready else b""

    def close(self):
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


class TcpPeer:
    """A local TCP server: a fixed-mount reader (sends lines to whoever connects) or a printer
    (captures what is sent, one job per connection). Jobs are handed over (``jobs``, ``on_job``)
    in the order their connections came, as a printer prints them, although each connection is
    drained by its own thread."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.jobs: list[bytes] = []
        self.clients: list[socket.socket] = []
        self.on_job = None
        self._done: dict[int, bytes] = {}
        self._next = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        self.listener.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except (TimeoutError, OSError):
                continue
            self.clients.append(conn)
            threading.Thread(target=self._drain, args=(conn, len(self.clients) - 1), daemon=True).start()

    def _drain(self, conn, index):
        chunks = []
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                chunks.append(data)
        except OSError:
            pass
        with self._lock:
            self._done[index] = b"".join(chunks)
            while self._next in self._done:
                job = self._done.pop(self._next)
                self._next += 1
                if job:
                    self.jobs.append(job)
                    if self.on_job:
                        self.on_job(job)

    def wait_client(self, count=1, timeout=5.0):
        deadline = time.time() + timeout
        while len(self.clients) < count and time.time() < deadline:
            time.sleep(0.01)
        assert len(self.clients) >= count, "nobody connected"
        return self.clients[count - 1]

    def close(self):
        self._stop.set()
        self.listener.close()
        for conn in self.clients:
            try:
                conn.close()
            except OSError:
                pass

