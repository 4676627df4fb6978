"""Real parts for the proxy tests: pseudo-terminal pairs, local TCP sockets, and an HTTPS server
standing in for Odoo (``trace_hardware``'s protocol with its real semantics), with a throwaway CA
from ``trustme`` so that TLS verification stays on."""

from __future__ import annotations

import hashlib
import json
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from realparts import Pty, TcpPeer

trustme = pytest.importorskip("trustme")

API_KEY = "station-key-0123456789"
GTIN = "09506000134352"


def unit_link(serial: str) -> str:
    return f"https://id.example.com/01/{GTIN}/21/{serial}"


def config_json(role="commissioning", devices=(), dedup=0.5, case_size=None, pallet_size=None) -> dict:
    return {
        "station": {"code": "LINE1", "name": "Line 1", "role": role, "dedup_window_s": dedup,
                    "case_size": case_size, "pallet_size": pallet_size},
        "batch": {"id": 7, "name": "B7", "gtin": GTIN, "lot": "L1", "product": "Tea", "expiry_date": None},
        "devices": list(devices),
        "resolver": "https://id.example.com",
    }


class FakeOdoo:
    """The ``/trace/hw/v1`` routes. Idempotent keys (same key + same payload -> same results;
    another payload -> 409), 401 on a bad key, injected 5xx / slow answers, cut and restore."""

    def __init__(self, ca, config: dict):
        self.config = config
        self.lock = threading.Lock()
        self.batches: dict[str, tuple[str, list]] = {}
        self.events: dict[str, dict] = {}  # event id -> event (first delivery)
        self.deliveries: dict[str, int] = {}  # event id -> times recorded as new
        self.posts = 0
        self.fail: list[int] = []  # statuses to answer to the next event posts
        self.delay_s = 0.0
        self.print_jobs: list[dict] = []
        self.done: dict[int, dict] = {}
        self.heartbeats: list[dict] = []
        self.error_codes: set[str] = set()
        self.park_codes: set[str] = set()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(self.context)
        self.port = 0
        self.down = False
        self.server = None
        self.thread = None

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> FakeOdoo:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _cut(self):
                if fake.down:  # a connection kept alive across the cut dies with it
                    self.close_connection = True
                    self.connection.close()
                    return True
                return False

            def _auth(self):
                if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                    self._answer(401, {"error": "unauthorized"})
                    return False
                return True

            def _body(self):
                length = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(length) or b"null")

            def do_GET(self):
                if self._cut() or not self._auth():
                    return
                if self.path == "/trace/hw/v1/config":
                    self._answer(200, fake.config)
                elif self.path == "/trace/hw/v1/print_jobs":
                    with fake.lock:
                        jobs = [j for j in fake.print_jobs if j["id"] not in fake.done]
                    self._answer(200, {"jobs": jobs})
                else:
                    self._answer(404, {"error": "not_found"})

            def do_POST(self):
                body = self._body()
                if self._cut() or not self._auth():
                    return
                if self.path == "/trace/hw/v1/events":
                    status, answer = fake.ingest(body)
                    if fake.delay_s:
                        time.sleep(fake.delay_s)
                    self._answer(status, answer)
                elif self.path == "/trace/hw/v1/heartbeat":
                    with fake.lock:
                        fake.heartbeats.append(body)
                    self._answer(200, {"ok": True})
                elif self.path.startswith("/trace/hw/v1/print_jobs/"):
                    job_id = int(self.path.split("/")[-2])
                    with fake.lock:
                        fake.done[job_id] = body
                    self._answer(200, {"ok": True})
                else:
                    self._answer(404, {"error": "not_found"})

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        server.handle_error = lambda request, address: None  # clients that time out and leave
        server.socket = self.context.wrap_socket(server.socket, server_side=True)
        self.server = server
        self.port = server.server_address[1]
        self.thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        return self

    def cut(self) -> None:
        """The network goes away: nobody listens on the port any more."""
        self.down = True
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def restore(self) -> FakeOdoo:
        self.down = False
        return self.start()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    # -- the semantics of trace.hw.ingest -------------------------------------------------------
    def ingest(self, payload):
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
        with self.lock:
            self.posts += 1
            if self.fail:
                status = self.fail.pop(0)
                return status, {"error": "injected", "message": f"injected {status}"}
            if not isinstance(payload, dict) or not payload.get("events"):
                return 400, {"error": "invalid"}
            key = payload["key"]
            if key in self.batches:
                stored_hash, results = self.batches[key]
                if stored_hash != digest:
                    return 409, {"error": "conflict", "message": f"key {key} used for other reads"}
                return 200, {"key": key, "results": results}
            results = []
            for event in payload["events"]:
                if event["id"] in self.events:
                    results.append({"id": event["id"], "status": "duplicate", "error": None, "message": "already"})
                    self.deliveries[event["id"]] += 1
                    continue
                self.events[event["id"]] = event
                self.deliveries[event["id"]] = 1
                if event["code"] in self.error_codes:
                    results.append({"id": event["id"], "status": "error", "error": "unknown_code",
                                    "message": "unknown code"})
                elif event["code"] in self.park_codes:
                    results.append({"id": event["id"], "status": "parked", "error": None, "message": "parked"})
                else:
                    results.append({"id": event["id"], "status": "ok", "error": None, "message": ""})
            self.batches[key] = (digest, results)
            return 200, {"key": key, "results": results}

    def codes(self) -> list[str]:
        with self.lock:
            return [e["code"] for e in self.events.values()]


@pytest.fixture(scope="session")
def ca():
    return trustme.CA()


@pytest.fixture
def ca_bundle(ca, tmp_path):
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def odoo(ca):
    fake = FakeOdoo(ca, config_json()).start()
    yield fake
    try:
        fake.cut()
    except Exception:
        pass


@pytest.fixture
def pty_pair():
    pair = Pty()
    yield pair
    pair.close()


@pytest.fixture
def tcp_peer():
    peer = TcpPeer()
    yield peer
    peer.close()


def wait_for(predicate, timeout=10.0, interval=0.02):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def read_until(driver, count, timeout=3.0):
    """What ``driver.read()`` gives until ``count`` frames have come or ``timeout`` seconds passed."""
    frames, deadline = [], time.time() + timeout
    while len(frames) < count and time.time() < deadline:
        frames.extend(driver.read())
        time.sleep(0.005)
    return frames
