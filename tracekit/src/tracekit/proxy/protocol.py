"""The wire protocol between a line proxy and Odoo (``trace_hardware``), version 1.

Transport
    HTTPS to a base URL configured per station (``https://odoo.example.com``), TLS verification on
    (``verify=True`` or the path of a CA bundle; never disabled). Every request carries
    ``Authorization: Bearer <station api key>``. Bodies are JSON (``Content-Type: application/json``)
    on plain HTTP routes, not JSON-RPC envelopes.

``GET /trace/hw/v1/config``
    ``{"station": {"code", "name", "role": commissioning|aggregation|print_verify|manual,
    "dedup_window_s": float, "case_size": int|null, "pallet_size": int|null},
    "batch": {"id", "name", "gtin", "lot"|null, "product", "expiry_date": "YYYY-MM-DD"|null} | null,
    "devices": [{"code", "driver": serial|tcp_reader|keyboard|zpl_tcp|zpl_serial,
    "role": reader|verifier|printer, "settings": {...}}], "resolver": "https://..."}``

``POST /trace/hw/v1/events``
    ``{"key": <uuid4 hex of the batch>, "station": <code>, "events": [{"id": <uuid4 hex>, "device",
    "seq": int (per device, strictly increasing), "time": "...Z", "type": commission|aggregate|scan|reject,
    "code": <text as read, framing removed>, "children": [...] (aggregate only), "reason": str (reject only)}]}``.
    Answer 200 ``{"key", "results": [{"id", "status": ok|duplicate|error|parked, "error": null|unknown_code|
    wrong_batch|inactive|already_packed|level|invalid, "message"}]}``, one result per event, in order.
    The same key with the same payload is answered again with the same results; the same key with
    another payload is 409; a bad key 401; 5xx and timeouts are retried with backoff; any other 4xx,
    and 409, hold the batch and report it (no tight retry loop). An event leaves the outbox only when its
    result arrived, whatever the status (``error`` results are kept in a local table; ``parked`` means
    the server keeps it for later and counts as acknowledged).

``GET /trace/hw/v1/print_jobs``
    ``{"jobs": [{"id": int, "device": <printer code>, "kind": unit|case|pallet, "labels": [{...}]}]}``;
    ``POST /trace/hw/v1/print_jobs/<id>/done`` with ``{"printed": [codes], "rejected": [{"code", "reason"}]}``.

``POST /trace/hw/v1/heartbeat``
    ``{"station", "backlog": int, "devices": [{"code", "status": ok|error|offline, "reads", "rejects",
    "message"}], "rates": {"reads_per_min": float}}`` -> ``{"ok": true}``.

The server stores ``sha256`` of the canonical JSON of a batch (:func:`payload_hash`); the proxy
stores the exact bytes it sent, so a retry after a crash sends the same key with the same payload.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from ..errors import InvalidFormat

API_PREFIX = "/trace/hw/v1"
CONFIG_PATH = f"{API_PREFIX}/config"
EVENTS_PATH = f"{API_PREFIX}/events"
PRINT_JOBS_PATH = f"{API_PREFIX}/print_jobs"
HEARTBEAT_PATH = f"{API_PREFIX}/heartbeat"
MAX_BATCH_EVENTS = 5000  # the server refuses larger batches

ROLES = ("commissioning", "aggregation", "print_verify", "manual")
DRIVERS = ("serial", "tcp_reader", "keyboard", "zpl_tcp", "zpl_serial")
DEVICE_ROLES = ("reader", "verifier", "printer")
EVENT_TYPES = ("commission", "aggregate", "scan", "reject")
RESULT_STATUSES = ("ok", "duplicate", "error", "parked")
RESULT_ERRORS = ("unknown_code", "wrong_batch", "inactive", "already_packed", "level", "invalid")
DEVICE_STATUSES = ("ok", "error", "offline")
LABEL_KINDS = ("unit", "case", "pallet")


def print_job_done_path(job_id: int) -> str:
    return f"{PRINT_JOBS_PATH}/{int(job_id)}/done"


def canonical_json(payload: Any) -> bytes:
    """The bytes whose hash identifies a payload (sorted keys, no spaces, UTF-8)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def payload_hash(payload: Any) -> str:
    """``sha256`` hex of :func:`canonical_json`; the server compares it for a key it has seen."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def utc_iso(timestamp: float) -> str:
    """``2025-01-31T08:15:02.123456Z`` from a POSIX timestamp."""
    moment = datetime.datetime.fromtimestamp(timestamp, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _need(mapping: dict, key: str, types: type | tuple[type, ...], where: str) -> Any:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if not isinstance(value, types):
        raise InvalidFormat(value, f"{where}.{key} of type {types}", type(value).__name__)
    return value


@dataclass(frozen=True)
class StationConfig:
    code: str
    name: str
    role: str
    dedup_window_s: float = 2.0
    case_size: int | None = None
    pallet_size: int | None = None

    @classmethod
    def from_json(cls, data: dict) -> StationConfig:
        role = _need(data, "role", str, "station")
        if role not in ROLES:
            raise InvalidFormat(role, f"a station role of {ROLES}", role)
        return cls(
            code=_need(data, "code", str, "station"),
            name=str(data.get("name") or ""),
            role=role,
            dedup_window_s=float(data.get("dedup_window_s") or 0.0),
            case_size=data.get("case_size") or None,
            pallet_size=data.get("pallet_size") or None,
        )


@dataclass(frozen=True)
class BatchConfig:
    id: int
    name: str
    gtin: str
    lot: str | None = None
    product: str = ""
    expiry_date: str | None = None

    @classmethod
    def from_json(cls, data: dict | None) -> BatchConfig | None:
        if not data:
            return None
        return cls(
            id=int(data["id"]),
            name=str(data.get("name") or ""),
            gtin=str(data.get("gtin") or ""),
            lot=data.get("lot") or None,
            product=str(data.get("product") or ""),
            expiry_date=data.get("expiry_date") or None,
        )


@dataclass(frozen=True)
class DeviceConfig:
    code: str
    driver: str
    role: str
    settings: dict = field(default_factory=dict, hash=False)

    @classmethod
    def from_json(cls, data: dict) -> DeviceConfig:
        driver = _need(data, "driver", str, "device")
        role = _need(data, "role", str, "device")
        if driver not in DRIVERS:
            raise InvalidFormat(driver, f"a driver of {DRIVERS}", driver)
        if role not in DEVICE_ROLES:
            raise InvalidFormat(role, f"a device role of {DEVICE_ROLES}", role)
        return cls(code=_need(data, "code", str, "device"), driver=driver, role=role,
                   settings=dict(data.get("settings") or {}))


@dataclass(frozen=True)
class ProxyConfig:
    """What ``GET /config`` answers."""

    station: StationConfig
    batch: BatchConfig | None
    devices: tuple[DeviceConfig, ...]
    resolver: str = ""

    @classmethod
    def from_json(cls, data: dict) -> ProxyConfig:
        if not isinstance(data, dict):
            raise InvalidFormat(data, "a configuration object", type(data).__name__)
        return cls(
            station=StationConfig.from_json(_need(data, "station", dict, "config")),
            batch=BatchConfig.from_json(data.get("batch")),
            devices=tuple(DeviceConfig.from_json(d) for d in data.get("devices") or ()),
            resolver=str(data.get("resolver") or ""),
        )


@dataclass(frozen=True)
class Event:
    """One read as it is forwarded (``POST /events``)."""

    id: str
    device: str
    seq: int
    time: str
    type: str
    code: str
    children: tuple[str, ...] = ()
    reason: str = ""

    def to_json(self) -> dict:
        data: dict[str, Any] = {"id": self.id, "device": self.device, "seq": self.seq, "time": self.time,
                                "type": self.type, "code": self.code}
        if self.type == "aggregate":
            data["children"] = list(self.children)
        if self.type == "reject":
            data["reason"] = self.reason
        return data


@dataclass(frozen=True)
class EventResult:
    id: str
    status: str
    error: str | None = None
    message: str = ""

    @classmethod
    def from_json(cls, data: dict) -> EventResult:
        status = _need(data, "status", str, "result")
        if status not in RESULT_STATUSES:
            raise InvalidFormat(status, f"a result status of {RESULT_STATUSES}", status)
        return cls(id=_need(data, "id", str, "result"), status=status, error=data.get("error"),
                   message=str(data.get("message") or ""))


@dataclass(frozen=True)
class PrintJob:
    id: int
    device: str
    kind: str
    labels: tuple[dict, ...] = field(hash=False, default=())

    @classmethod
    def from_json(cls, data: dict) -> PrintJob:
        kind = _need(data, "kind", str, "print job")
        if kind not in LABEL_KINDS:
            raise InvalidFormat(kind, f"a label kind of {LABEL_KINDS}", kind)
        return cls(id=int(data["id"]), device=_need(data, "device", str, "print job"), kind=kind,
                   labels=tuple(dict(label) for label in data.get("labels") or ()))


@dataclass(frozen=True)
class DeviceStatus:
    code: str
    status: str
    reads: int = 0
    rejects: int = 0
    message: str = ""
    noise: int = 0  # reads that did not parse (partial, NOREAD, garbage): a dirty lens, a bad angle

    def to_json(self) -> dict:
        return {"code": self.code, "status": self.status, "reads": self.reads, "rejects": self.rejects,
                "noise": self.noise, "message": self.message}
