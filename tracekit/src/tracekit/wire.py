"""Validation of the line API's request bodies (protocol: :mod:`tracekit.proxy.protocol`).

The server checks every field of every body it is posted before anything touches the database:
types (``true`` is not an integer, ``null`` is not a string), ranges, lengths and counts. The first
fault found is raised as a :class:`WireError` naming the field by its path (``events[3].seq``), the
kind of fault and the limit, so the server can answer 400 with a message in the user's language and
the proxy's log says exactly which field of which event was wrong.

>>> validate_heartbeat({"backlog": 3, "devices": [], "rates": {"reads_per_min": 12.5}})
>>> validate_heartbeat({"backlog": "3"})
Traceback (most recent call last):
...
tracekit.wire.WireError: backlog: expected an integer, found str '3'
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import Any

from .errors import TraceKitError

MAX_BODY_BYTES = 4 * 1024 * 1024  # a full batch of 5,000 reads is about 1 MiB
MAX_EVENTS = 5000
MAX_CHILDREN = 1000  # a pallet of a thousand cases is already a large one
MAX_CODE_LENGTH = 300  # a Digital Link with every attribute a label holds
MAX_ID_LENGTH = 64
MAX_TEXT_LENGTH = 500
MAX_DEVICES = 100
MAX_LABELS = 10_000
MAX_INT = 2**53  # what every JSON peer reads exactly; PostgreSQL bigint holds it
EVENT_TYPES = ("commission", "aggregate", "scan", "reject")
DEVICE_STATUSES = ("ok", "error", "offline")


@dataclass(frozen=True)
class Fault:
    """What is wrong with one field: ``kind`` is one of required, type, range, length, count,
    choice, format; ``expected`` says what the field must be (a type name, a limit, the
    choices); ``found`` what it was."""

    field: str
    kind: str
    expected: str
    found: str


class WireError(TraceKitError):
    """A request body that breaks the line protocol."""

    def __init__(self, fault: Fault):
        self.fault = fault
        super().__init__(fault.found, fault.expected, fault.found, kind=fault.kind)
        self.args = (f"{fault.field}: expected {fault.expected}, found {fault.found}",)


def _show(value: Any) -> str:
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(value).__name__} {text}" if value is not None else "null"


def _fail(path: str, kind: str, expected: str, value: Any) -> None:
    raise WireError(Fault(path, kind, expected, _show(value)))


def _object(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        _fail(path or "body", "type", "an object", value)
    return value


def _given(obj: dict, where: str, key: str, expected: str, required: bool) -> bool:
    """Whether ``obj`` has ``key`` (not null); a missing required field is a fault."""
    if obj.get(key) is not None:
        return True
    if required:
        _fail(where, "required", expected, None)
    return False


def _text(obj: dict, key: str, path: str, *, max_length: int, min_length: int = 1, required: bool = True) -> None:
    where = f"{path}{key}"
    if not _given(obj, where, key, "a text", required):
        return
    value = obj[key]
    if not isinstance(value, str):
        _fail(where, "type", "a text", value)
    if not min_length <= len(value) <= max_length:
        _fail(where, "length", f"{min_length} to {max_length} characters", f"{len(value)} characters")
    _storable(value, where)


def _storable(value: str, where: str) -> None:
    """A text PostgreSQL can store: no NUL character, no lone surrogate (JSON can escape both)."""
    if "\x00" in value:
        _fail(where, "format", "no NUL character", "a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        _fail(where, "format", "Unicode text", "a lone surrogate")


def _integer(obj: dict, key: str, path: str, *, minimum: int = 0, maximum: int = MAX_INT, required: bool = True) -> None:
    where = f"{path}{key}"
    if not _given(obj, where, key, "an integer", required):
        return
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(where, "type", "an integer", value)
    if not minimum <= value <= maximum:
        _fail(where, "range", f"{minimum} to {maximum}", value)


def _number(obj: dict, key: str, path: str, *, maximum: float, required: bool = False) -> None:
    where = f"{path}{key}"
    if not _given(obj, where, key, "a number", required):
        return
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        _fail(where, "type", "a number", value)
    if not (math.isfinite(value) and 0 <= value <= maximum):
        _fail(where, "range", f"0 to {maximum:g}", value)


def _choice(obj: dict, key: str, path: str, choices: tuple[str, ...], *, required: bool = True) -> None:
    where = f"{path}{key}"
    value = obj.get(key)
    if value is None and not required:
        return
    if not isinstance(value, str) or value not in choices:
        _fail(where, "choice", " | ".join(choices), value)


def _list(obj: dict, key: str, path: str, *, maximum: int, minimum: int = 0, required: bool = True) -> list:
    where = f"{path}{key}"
    if not _given(obj, where, key, "a list", required):
        return []
    value = obj[key]
    if not isinstance(value, list):
        _fail(where, "type", "a list", value)
    if not minimum <= len(value) <= maximum:
        _fail(where, "count", f"{minimum} to {maximum} items", f"{len(value)} items")
    return value


def _codes(items: list, path: str) -> None:
    """Each item a code as read: a text of 1 to MAX_CODE_LENGTH characters."""
    for position, item in enumerate(items):
        if not isinstance(item, str):
            _fail(f"{path}[{position}]", "type", "a text", item)
        if not 1 <= len(item) <= MAX_CODE_LENGTH:
            _fail(f"{path}[{position}]", "length", f"1 to {MAX_CODE_LENGTH} characters", f"{len(item)} characters")
        _storable(item, f"{path}[{position}]")


def _time(obj: dict, key: str, path: str) -> None:
    _text(obj, key, path, max_length=40)
    value = obj[key]
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        _fail(f"{path}{key}", "format", "an ISO 8601 time such as 2026-01-31T08:15:02.123456Z", value)
    if not 2000 <= moment.year <= 2199:
        _fail(f"{path}{key}", "range", "a time between the years 2000 and 2199", value)


def validate_events(body: Any) -> None:
    """``POST /events``: ``{"key", "station"?, "events": [...]}``."""
    body = _object(body, "")
    _text(body, "key", "", min_length=8, max_length=MAX_ID_LENGTH)
    _text(body, "station", "", max_length=MAX_ID_LENGTH, required=False)
    events = _list(body, "events", "", minimum=1, maximum=MAX_EVENTS)
    for index, event in enumerate(events):
        path = f"events[{index}]."
        event = _object(event, path[:-1])
        _text(event, "id", path, max_length=MAX_ID_LENGTH)
        _text(event, "device", path, max_length=MAX_ID_LENGTH)
        _integer(event, "seq", path)
        _time(event, "time", path)
        _choice(event, "type", path, EVENT_TYPES)
        _text(event, "code", path, max_length=MAX_CODE_LENGTH)
        if event["type"] == "aggregate":
            _codes(_list(event, "children", path, minimum=1, maximum=MAX_CHILDREN), f"{path}children")
        elif event.get("children") is not None:
            _fail(f"{path}children", "format", "no children except in an aggregate event", event["children"])
        _text(event, "reason", path, max_length=MAX_TEXT_LENGTH, required=False)


def validate_heartbeat(body: Any) -> None:
    """``POST /heartbeat``: ``{"station"?, "backlog", "devices": [...], "rates": {...}}``."""
    body = _object(body, "")
    _text(body, "station", "", max_length=MAX_ID_LENGTH, required=False)
    _integer(body, "backlog", "", maximum=2**31 - 1, required=False)  # stored as int4, like the counters
    for index, device in enumerate(_list(body, "devices", "", maximum=MAX_DEVICES, required=False)):
        path = f"devices[{index}]."
        device = _object(device, path[:-1])
        _text(device, "code", path, max_length=MAX_ID_LENGTH)
        _choice(device, "status", path, DEVICE_STATUSES, required=False)
        for counter in ("reads", "rejects", "noise"):
            _integer(device, counter, path, maximum=2**31 - 1, required=False)
        _text(device, "message", path, min_length=0, max_length=MAX_TEXT_LENGTH, required=False)
    if body.get("rates") is not None:
        rates = _object(body["rates"], "rates")
        _number(rates, "reads_per_min", "rates.", maximum=1e7)


def validate_print_report(body: Any) -> None:
    """``POST /print_jobs/<id>/done``: ``{"printed": [codes], "rejected": [{"code", "reason"}]}``."""
    body = _object(body, "")
    printed = _list(body, "printed", "", maximum=MAX_LABELS, required=False)
    _codes(printed, "printed")
    rejected = _list(body, "rejected", "", maximum=MAX_LABELS, required=False)
    for index, reject in enumerate(rejected):
        path = f"rejected[{index}]."
        reject = _object(reject, path[:-1])
        _text(reject, "code", path, max_length=MAX_CODE_LENGTH)
        _text(reject, "reason", path, min_length=0, max_length=MAX_TEXT_LENGTH, required=False)
    if len(printed) + len(rejected) > MAX_LABELS:
        _fail("printed", "count", f"at most {MAX_LABELS} labels in all", f"{len(printed) + len(rejected)} labels")
