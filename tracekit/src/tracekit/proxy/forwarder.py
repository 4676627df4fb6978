"""Forwarding the outbox to Odoo (protocol: :mod:`.protocol`).

:class:`OdooClient` is a ``requests`` session with TLS verification always on (``True`` or a CA
bundle path; ``False`` is refused), the station's bearer key and timeouts. Redirects are never
followed: a 3xx answer is reported as "the server answered a redirect to <location>" (the proxy
talks to the one URL of ``proxy.json``; a redirect means a wrong URL or a front that sends it
elsewhere, and following it would carry the key and the reads to wherever it points).

:class:`Forwarder` sends one stored batch at a time: 200 with one result per event -> the batch is
acknowledged and leaves the outbox; 5xx, timeouts and connection errors -> the same batch (same key,
same bytes) is retried with exponential backoff and jitter, and nothing else is sent meanwhile;
401/403 and redirects (3xx) -> held and the forwarder pauses ``hold_s``; 409 and other 4xx, or an
answer that does not match the batch -> the batch is held for ``hold_s`` (reported in the status,
never retried in a tight loop) while later batches go on. A held batch stays in the outbox, same
key and bytes, until it is sent. Clock, sleep and randomness are injected.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from ..errors import InvalidFormat
from .outbox import Outbox
from .protocol import (
    CONFIG_PATH,
    EVENTS_PATH,
    HEARTBEAT_PATH,
    PRINT_JOBS_PATH,
    EventResult,
    PrintJob,
    print_job_done_path,
)

_logger = logging.getLogger(__name__)


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` names this machine (localhost, 127.0.0.0/8, ::1)."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ServerError(Exception):
    """Odoo answered something other than a success."""

    def __init__(self, status: int | None, message: str):
        self.status = status
        super().__init__(f"{status or 'no answer'}: {message}")


class OdooClient:
    def __init__(self, base_url: str, api_key: str, *, verify: bool | str = True,
                 timeout: tuple[float, float] = (5.0, 30.0), session: requests.Session | None = None):
        if verify is False or verify is None or verify == "":
            raise InvalidFormat(verify, "TLS verification on (True or a CA bundle path)", "verification off")
        scheme = base_url.split(":", 1)[0].lower() if isinstance(base_url, str) else repr(base_url)
        if scheme == "http" and is_loopback_url(base_url):
            # a local Odoo to try the product with (scripts/serve): the key never leaves the machine
            _logger.warning("plain http to %s: fine for a local trial only; any other Odoo needs https", base_url)
        elif scheme != "https":
            raise InvalidFormat(base_url, "an https:// URL (plain http:// only to this machine: localhost, "
                                "127.0.0.1, [::1])", scheme)
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.verify = verify
        self.session.trust_env = False
        self.session.headers.update({"Authorization": f"Bearer {api_key}", "Accept": "application/json",
                                     "User-Agent": "tracekit-proxy/1"})

    def _request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, Any]:
        """``(status, answer)``; a redirect is not followed: its answer is ``{"error": "redirect",
        "location", "message"}``."""
        headers = {"Content-Type": "application/json"} if body is not None else {}
        try:
            response = self.session.request(method, self.base_url + path, data=body, headers=headers,
                                            timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as error:
            raise ServerError(None, f"{type(error).__name__}: {error}") from error
        if response.is_redirect or 300 <= response.status_code < 400:
            location = "".join(c for c in response.headers.get("Location", "") if c.isprintable())[:200]
            return response.status_code, {
                "error": "redirect", "location": location,
                "message": f"the server answered a redirect to {location or '(no Location header)'}; "
                           f"redirects are not followed: set url in proxy.json to the address Odoo answers on"}
        try:
            answer = response.json()
        except ValueError:
            answer = {"error": "not_json", "message": response.text[:200]}
        return response.status_code, answer

    def _ok(self, method: str, path: str, body: bytes | None = None) -> Any:
        status, answer = self._request(method, path, body)
        if status != 200:
            raise ServerError(status, _redirect_message(status, answer) or json.dumps(answer)[:300])
        return answer

    def post_events(self, payload: bytes) -> tuple[int, Any]:
        return self._request("POST", EVENTS_PATH, payload)

    def get_config(self) -> dict:
        return self._ok("GET", CONFIG_PATH)

    def get_print_jobs(self) -> list[PrintJob]:
        answer = self._ok("GET", PRINT_JOBS_PATH)
        return [PrintJob.from_json(job) for job in answer.get("jobs") or ()]

    def print_job_done(self, job_id: int, printed: list[str], rejected: list[dict]) -> Any:
        body = json.dumps({"printed": printed, "rejected": rejected}).encode()
        return self._ok("POST", print_job_done_path(job_id), body)

    def heartbeat(self, body: dict) -> Any:
        return self._ok("POST", HEARTBEAT_PATH, json.dumps(body).encode())


def _redirect_message(status: int, answer: Any) -> str:
    """The message of a redirect answer of :meth:`OdooClient._request`, else ``""``."""
    if 300 <= status < 400 and isinstance(answer, dict) and answer.get("error") == "redirect":
        return str(answer.get("message") or "")
    return ""


@dataclass(frozen=True)
class SendResult:
    outcome: str  # sent | idle | retry | held | paused
    key: str = ""
    events: int = 0
    message: str = ""


class Forwarder:
    def __init__(self, outbox: Outbox, client: OdooClient, station: str, *, batch_size: int = 500,
                 clock: Callable[[], float] = time.time, rng: Callable[[], float] = random.random,
                 backoff_base: float = 0.5, backoff_max: float = 60.0, hold_s: float = 600.0):
        self.outbox = outbox
        self.client = client
        self.station = station
        self.batch_size = batch_size
        self.clock = clock
        self.rng = rng
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.hold_s = hold_s
        self.failures = 0
        self.not_before = 0.0
        self.last_error = ""

    def backoff(self, failures: int) -> float:
        """Exponential with full-ish jitter: between half and all of ``base * 2**(failures-1)``."""
        ceiling = min(self.backoff_max, self.backoff_base * (2 ** max(0, failures - 1)))
        return ceiling * (0.5 + 0.5 * self.rng())

    def send_once(self) -> SendResult:
        now = self.clock()
        if now < self.not_before:
            return SendResult("paused", message=self.last_error)
        batch = self.outbox.next_batch(self.station, self.batch_size)
        if batch is None:
            return SendResult("idle")
        try:
            status, answer = self.client.post_events(batch.payload)
        except ServerError as error:
            return self._retry(batch.key, str(error), None)
        if status == 200:
            try:
                if not isinstance(answer, dict) or answer.get("key") != batch.key:
                    raise InvalidFormat(answer, f"the results of batch {batch.key}", "another answer")
                results = [EventResult.from_json(r) for r in answer.get("results") or ()]
                self.outbox.acknowledge(batch.key, results)
            except ValueError as error:
                return self._hold(batch.key, 200, f"unexpected answer: {error}"[:300])
            self.failures = 0
            self.last_error = ""
            return SendResult("sent", batch.key, len(results))
        message = _redirect_message(status, answer) or json.dumps(answer, ensure_ascii=False)[:300]
        if status >= 500 or status in (408, 429):
            return self._retry(batch.key, message, status)
        if status in (401, 403) or 300 <= status < 400:  # every batch would get the same answer
            self.not_before = now + self.hold_s
        return self._hold(batch.key, status, message)

    def _retry(self, key: str, message: str, status: int | None) -> SendResult:
        self.failures += 1
        delay = self.backoff(self.failures)
        self.not_before = self.clock() + delay
        self.last_error = message
        self.outbox.defer(key, next_try=self.not_before, error=message, http_status=status)
        return SendResult("retry", key, message=message)

    def _hold(self, key: str, status: int, message: str) -> SendResult:
        self.last_error = f"batch {key} held: {status} {message}"
        self.outbox.defer(key, next_try=self.clock() + self.hold_s, error=message, http_status=status, held=True)
        return SendResult("held", key, message=message)

    def drain(self, max_batches: int = 1_000_000) -> int:
        """Send until the outbox is empty or a send fails; the number of events acknowledged."""
        done = 0
        for _ in range(max_batches):
            result = self.send_once()
            if result.outcome != "sent":
                break
            done += result.events
        return done
