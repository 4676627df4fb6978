"""EPCIS 2.0 events as JSON-LD, and their canonical event hashes.

Identifiers are GS1 Digital Link URIs on ``https://id.gs1.org`` (EPCIS 2.0 accepts them in place
of EPC URNs, and they need no company prefix length). The event hash is computed by GS1's own
reference implementation, ``epcis-event-hash-generator`` (``ni:///sha-256;<hex>?ver=CBV2.0``).

>>> import datetime
>>> event = ObjectEvent(
...     event_time=datetime.datetime(2026, 11, 25, 8, 0, tzinfo=datetime.timezone.utc),
...     event_time_zone_offset="+08:00", action="ADD", epc_list=(sgtin_uri("9506000134352", "A1"),),
...     biz_step="commissioning", disposition="active")
>>> to_jsonld(event)["epcList"]
['https://id.gs1.org/01/09506000134352/21/A1']
>>> event_hash(event).startswith("ni:///sha-256;")
True
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote

from .errors import InvalidComponent, InvalidFormat
from .gs1 import to_gtin14, validate_gln, validate_lot, validate_serial, validate_sscc

CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
ACTIONS = ("ADD", "OBSERVE", "DELETE")
ID_BASE = "https://id.gs1.org"
_SAFE = "!\"'()*+,-.:;=_"


def sgtin_uri(gtin: str, serial: str) -> str:
    return f"{ID_BASE}/01/{to_gtin14(gtin)}/21/{quote(validate_serial(serial), safe=_SAFE)}"


def lgtin_uri(gtin: str, lot: str) -> str:
    return f"{ID_BASE}/01/{to_gtin14(gtin)}/10/{quote(validate_lot(lot), safe=_SAFE)}"


def sscc_uri(sscc: str) -> str:
    return f"{ID_BASE}/00/{validate_sscc(sscc)}"


def sgln_uri(gln: str, extension: str | None = None) -> str:
    uri = f"{ID_BASE}/414/{validate_gln(gln)}"
    return uri + (f"/254/{quote(extension, safe=_SAFE)}" if extension else "")


@dataclass(frozen=True)
class QuantityElement:
    epc_class: str
    quantity: float
    uom: str | None = None


@dataclass(frozen=True)
class _Event:
    event_time: datetime.datetime
    event_time_zone_offset: str
    action: str
    biz_step: str | None = None
    disposition: str | None = None
    read_point: str | None = None
    biz_location: str | None = None
    biz_transactions: tuple[tuple[str, str], ...] = ()
    sources: tuple[tuple[str, str], ...] = ()
    destinations: tuple[tuple[str, str], ...] = ()
    event_id: str | None = None

    def __post_init__(self):
        if self.action not in ACTIONS:
            raise InvalidComponent(self.action, "an action ADD, OBSERVE or DELETE", repr(self.action))
        if self.event_time.tzinfo is None:
            raise InvalidFormat(self.event_time, "a time with a time zone", "a naive time")
        offset = self.event_time_zone_offset
        if len(offset) != 6 or offset[0] not in "+-" or offset[3] != ":":
            raise InvalidFormat(offset, "a time zone offset like +08:00", repr(offset))


@dataclass(frozen=True)
class ObjectEvent(_Event):
    epc_list: tuple[str, ...] = ()
    quantity_list: tuple[QuantityElement, ...] = ()
    ilmd: Mapping[str, Any] | None = field(default=None, hash=False)


@dataclass(frozen=True)
class AggregationEvent(_Event):
    parent_id: str | None = None
    child_epcs: tuple[str, ...] = ()

    def __post_init__(self):
        super().__post_init__()
        if self.action != "OBSERVE" and not self.parent_id:
            raise InvalidComponent(self.parent_id, "a parentID for ADD and DELETE", "none")


def _time(value: datetime.datetime) -> str:
    value = value.astimezone(datetime.timezone.utc)
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _typed_list(pairs: Iterable[tuple[str, str]], key: str) -> list[dict[str, str]]:
    return [{"type": kind, key: value} for kind, value in pairs]


def to_jsonld(event: ObjectEvent | AggregationEvent) -> dict[str, Any]:
    """The EPCIS 2.0 JSON-LD object of ``event`` (CBV short names for bizStep and disposition)."""
    data: dict[str, Any] = {
        "type": type(event).__name__,
        "eventTime": _time(event.event_time),
        "eventTimeZoneOffset": event.event_time_zone_offset,
    }
    if event.event_id:
        data["eventID"] = event.event_id
    if isinstance(event, ObjectEvent):
        data["epcList"] = list(event.epc_list)
        if event.quantity_list:
            data["quantityList"] = [
                {"epcClass": q.epc_class, "quantity": q.quantity, **({"uom": q.uom} if q.uom else {})}
                for q in event.quantity_list
            ]
    else:
        if event.parent_id:
            data["parentID"] = event.parent_id
        data["childEPCs"] = list(event.child_epcs)
    data["action"] = event.action
    if event.biz_step:
        data["bizStep"] = event.biz_step
    if event.disposition:
        data["disposition"] = event.disposition
    if event.read_point:
        data["readPoint"] = {"id": event.read_point}
    if event.biz_location:
        data["bizLocation"] = {"id": event.biz_location}
    if event.biz_transactions:
        data["bizTransactionList"] = _typed_list(event.biz_transactions, "bizTransaction")
    if event.sources:
        data["sourceList"] = _typed_list(event.sources, "source")
    if event.destinations:
        data["destinationList"] = _typed_list(event.destinations, "destination")
    if isinstance(event, ObjectEvent) and event.ilmd:
        data["ilmd"] = {("cbvmda:" + k if ":" not in k else k): v for k, v in event.ilmd.items()}
    return data


def document(events: Iterable[dict[str, Any] | ObjectEvent | AggregationEvent], *,
             creation_date: datetime.datetime | None = None, sender: str | None = None) -> dict[str, Any]:
    """An EPCISDocument holding ``events`` (JSON-LD objects or event dataclasses)."""
    event_list = [e if isinstance(e, dict) else to_jsonld(e) for e in events]
    doc: dict[str, Any] = {
        "@context": [CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": _time(creation_date or datetime.datetime.now(datetime.timezone.utc)),
        "epcisBody": {"eventList": event_list},
    }
    if sender:
        doc["sender"] = sender
    return doc


def event_hash(event: ObjectEvent | AggregationEvent | dict[str, Any]) -> str:
    """The canonical EPCIS event hash of one event (GS1's reference algorithm, CBV 2.0)."""
    from epcis_event_hash_generator import hash_generator, json_to_py

    data = copy.deepcopy(event if isinstance(event, dict) else to_jsonld(event))
    data.pop("eventID", None)
    parsed = json_to_py.event_list_from_epcis_document_json(document([data]))
    return hash_generator.epcis_hashes_from_events(parsed)[0]


def with_event_id(event: ObjectEvent | AggregationEvent) -> ObjectEvent | AggregationEvent:
    """``event`` with its hash as eventID (when it has none)."""
    return event if event.event_id else replace(event, event_id=event_hash(event))
