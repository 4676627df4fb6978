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
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

from .errors import InvalidComponent, InvalidFormat
from .gs1 import to_gtin14, validate_gln, validate_lot, validate_serial, validate_sscc

CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
# CBV 2.0 standard vocabulary: the JSON-LD context maps these bare names to https://ref.gs1.org/cbv/...
BIZ_STEPS = frozenset(
    "accepting arriving assembling collecting commissioning consigning creating_class_instance "
    "cycle_counting decommissioning departing destroying disassembling dispensing encoding "
    "entering_exiting holding inspecting installing killing loading other packing picking receiving "
    "removing repackaging repairing replacing reserving retail_selling sampling sensor_reporting "
    "shipping staging_outbound stock_taking stocking storing transporting unloading unpacking "
    "void_shipping".split()
)
DISPOSITIONS = frozenset(
    "active available completeness_inferred completeness_verified conformant container_closed "
    "container_open damaged destroyed dispensed disposed encoded expired in_progress in_transit "
    "inactive mismatch_instance mismatch_class mismatch_quantity needs_replacement no_pedigree_match "
    "non_conformant non_sellable_other partially_dispensed recalled reserved retail_sold returned "
    "sellable_accessible sellable_not_accessible stolen unavailable unknown".split()
)
_CBV_PREFIXES = {
    "bizStep": ("https://ref.gs1.org/cbv/BizStep-", "urn:epcglobal:cbv:bizstep:"),
    "disposition": ("https://ref.gs1.org/cbv/Disp-", "urn:epcglobal:cbv:disp:"),
}
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


def cbv_short_name(value: str | None, kind: str) -> str | None:
    """The JSON-LD short form of a CBV bizStep or disposition (``kind`` ``"bizStep"`` or
    ``"disposition"``) given as a short name, a CBV 2.0 web URI or a CBV 1.x URN; any other
    absolute URI (a user vocabulary) is kept as is.

    >>> cbv_short_name("urn:epcglobal:cbv:bizstep:commissioning", "bizStep")
    'commissioning'
    >>> cbv_short_name("https://ref.gs1.org/cbv/Disp-in_progress", "disposition")
    'in_progress'
    """
    if value is None:
        return None
    vocabulary = BIZ_STEPS if kind == "bizStep" else DISPOSITIONS
    name = value
    for prefix in _CBV_PREFIXES[kind]:
        if value.startswith(prefix):
            name = value[len(prefix):]
            break
    if name in vocabulary:
        return name
    if name is value and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", value) and not value.startswith(
        _CBV_PREFIXES[kind]
    ):
        return value  # a user-defined vocabulary element, an absolute URI
    raise InvalidComponent(value, f"a CBV 2.0 {kind} (e.g. {sorted(vocabulary)[:3]}) or a URI", repr(value))


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
        if not isinstance(offset, str) or not re.fullmatch(r"[+-](0\d|1[0-4]):[0-5]\d", offset):
            raise InvalidFormat(offset, "a time zone offset like +08:00", repr(offset))
        object.__setattr__(self, "biz_step", cbv_short_name(self.biz_step, "bizStep"))
        object.__setattr__(self, "disposition", cbv_short_name(self.disposition, "disposition"))
        for name in ("biz_transactions", "sources", "destinations"):
            pairs = tuple(tuple(pair) for pair in getattr(self, name))
            if any(len(pair) != 2 or not all(isinstance(v, str) and v for v in pair) for pair in pairs):
                raise InvalidComponent(pairs, f"{name} as (type, id) pairs of text", repr(pairs))
            object.__setattr__(self, name, pairs)


@dataclass(frozen=True)
class ObjectEvent(_Event):
    epc_list: tuple[str, ...] = ()
    quantity_list: tuple[QuantityElement, ...] = ()
    ilmd: Mapping[str, Any] | None = field(default=None, hash=False)

    def __post_init__(self):
        super().__post_init__()
        object.__setattr__(self, "epc_list", tuple(self.epc_list))
        object.__setattr__(self, "quantity_list", tuple(self.quantity_list))
        if not self.epc_list and not self.quantity_list:
            raise InvalidComponent(self, "an ObjectEvent with an epcList or a quantityList", "neither")
        if self.ilmd is not None:
            if self.action != "ADD":
                raise InvalidComponent(self.action, "ilmd only on an ADD (commissioning) event", self.action)
            object.__setattr__(self, "ilmd", MappingProxyType(dict(self.ilmd)))


@dataclass(frozen=True)
class AggregationEvent(_Event):
    parent_id: str | None = None
    child_epcs: tuple[str, ...] = ()

    def __post_init__(self):
        super().__post_init__()
        object.__setattr__(self, "child_epcs", tuple(self.child_epcs))
        if self.action != "OBSERVE" and not self.parent_id:
            raise InvalidComponent(self.parent_id, "a parentID for ADD and DELETE", "none")
        if self.action == "ADD" and not self.child_epcs:
            raise InvalidComponent(self.child_epcs, "childEPCs to pack (ADD)", "none")


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
        data["ilmd"] = {
            ("cbvmda:" + key if ":" not in key else key): value.isoformat()
            if isinstance(value, datetime.date) else value
            for key, value in event.ilmd.items()
        }
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
    if not isinstance(data.get("type"), str) or "eventTime" not in data:
        raise InvalidComponent(event, "an EPCIS event with a type and an eventTime", repr(sorted(data)))
    data.pop("eventID", None)
    with warnings.catch_warnings():  # the generator's use of importlib.resources.open_text
        warnings.simplefilter("ignore", DeprecationWarning)
        parsed = json_to_py.event_list_from_epcis_document_json(document([data]))
        return hash_generator.epcis_hashes_from_events(parsed)[0]


def with_event_id(event: ObjectEvent | AggregationEvent) -> ObjectEvent | AggregationEvent:
    """``event`` with its hash as eventID (when it has none)."""
    return event if event.event_id else replace(event, event_id=event_hash(event))
