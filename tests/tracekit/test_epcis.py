import datetime
import hashlib

import pytest

from tracekit import epcis
from tracekit.errors import InvalidComponent, InvalidFormat

T = datetime.datetime(2026, 11, 25, 8, 30, tzinfo=datetime.timezone.utc)


def commissioning():
    return epcis.ObjectEvent(
        event_time=T, event_time_zone_offset="+08:00", action="ADD",
        epc_list=(epcis.sgtin_uri("6901234567892", "A1"), epcis.sgtin_uri("6901234567892", "A2")),
        biz_step="commissioning", disposition="active",
        read_point=epcis.sgln_uri("6901234000009", "L1"),
        ilmd={"lotNumber": "T2611", "itemExpirationDate": "2027-11-19"},
    )


def packing():
    return epcis.AggregationEvent(
        event_time=T, event_time_zone_offset="+08:00", action="ADD", parent_id=epcis.sscc_uri("106141411234567897"),
        child_epcs=(epcis.sgtin_uri("6901234567892", "A1"),), biz_step="packing", disposition="in_progress",
    )


def test_commissioning_object_event_as_jsonld():
    data = epcis.to_jsonld(commissioning())
    assert data["type"] == "ObjectEvent"
    assert data["eventTime"] == "2026-11-25T08:30:00.000Z"
    assert data["epcList"][0] == "https://id.gs1.org/01/06901234567892/21/A1"
    assert data["readPoint"] == {"id": "https://id.gs1.org/414/6901234000009/254/L1"}
    assert data["ilmd"] == {"cbvmda:lotNumber": "T2611", "cbvmda:itemExpirationDate": "2027-11-19"}
    doc = epcis.document([commissioning(), packing()], sender="Tea Co")
    assert doc["@context"] == [epcis.CONTEXT] and doc["schemaVersion"] == "2.0"
    assert [e["type"] for e in doc["epcisBody"]["eventList"]] == ["ObjectEvent", "AggregationEvent"]


def test_packing_aggregation_event_as_jsonld():
    data = epcis.to_jsonld(packing())
    assert data["parentID"] == "https://id.gs1.org/00/106141411234567897"
    assert data["childEPCs"] == ["https://id.gs1.org/01/06901234567892/21/A1"]
    assert (data["action"], data["bizStep"]) == ("ADD", "packing")


def test_event_hash_is_canonical():
    event = epcis.to_jsonld(commissioning())
    first = epcis.event_hash(event)
    assert first.startswith("ni:///sha-256;") and first.endswith("?ver=CBV2.0")
    reordered = dict(reversed(list(event.items())))
    reordered["epcList"] = list(reversed(event["epcList"]))
    assert epcis.event_hash(reordered) == first
    assert epcis.event_hash(commissioning()) == first
    changed = dict(event, disposition="inactive")
    assert epcis.event_hash(changed) != first
    assert epcis.with_event_id(packing()).event_id == epcis.event_hash(packing())


def test_pre_hash_of_gs1_reference_example():
    """The reference example 'epcisDocWithSingleEvent' of GS1's hash generator project. Its
    published pre-hash sorts the bizTransaction pair the way later releases do; release 1.9.3 (the
    one on PyPI) emits type first, which is the only difference."""
    from epcis_event_hash_generator import hash_generator, json_to_py

    event = {
        "type": "ObjectEvent", "action": "OBSERVE", "bizStep": "shipping", "disposition": "in_transit",
        "epcList": ["urn:epc:id:sgtin:0614141.107346.2017", "urn:epc:id:sgtin:0614141.107346.2018"],
        "eventTime": "2022-02-16T20:33:31.116000-06:00", "eventTimeZoneOffset": "-06:00",
        "readPoint": {"id": "urn:epc:id:sgln:0614141.07346.1234"},
        "bizTransactionList": [{"type": "po", "bizTransaction": "http://transaction.acme.com/po/12345678"}],
    }
    published = (
        "eventType=ObjectEventeventTime=2022-02-17T02:33:31.116ZeventTimeZoneOffset=-06:00epcListepc="
        "https://id.gs1.org/01/10614141073464/21/2017epc=https://id.gs1.org/01/10614141073464/21/2018"
        "action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-shippingdisposition=https://ref.gs1.org/cbv/"
        "Disp-in_transitreadPointid=https://id.gs1.org/414/0614141073467/254/1234bizTransactionList"
        "bizTransaction=http://transaction.acme.com/po/12345678type=https://ref.gs1.org/cbv/BTT-po"
    )
    parsed = json_to_py.event_list_from_epcis_document_json(epcis.document([event]))
    (pre_hash,) = hash_generator.derive_prehashes_from_events(parsed)
    swapped = "type=https://ref.gs1.org/cbv/BTT-pobizTransaction=http://transaction.acme.com/po/12345678"
    assert pre_hash == published.replace(
        "bizTransaction=http://transaction.acme.com/po/12345678type=https://ref.gs1.org/cbv/BTT-po", swapped)
    digest = hashlib.sha256(pre_hash.encode()).hexdigest()
    assert epcis.event_hash(event) == f"ni:///sha-256;{digest}?ver=CBV2.0"


def test_invalid_events_are_refused():
    with pytest.raises(InvalidComponent):
        epcis.ObjectEvent(event_time=T, event_time_zone_offset="+08:00", action="MOVE")
    with pytest.raises(InvalidFormat):
        epcis.ObjectEvent(event_time=T.replace(tzinfo=None), event_time_zone_offset="+08:00", action="ADD")
    with pytest.raises(InvalidFormat):
        epcis.ObjectEvent(event_time=T, event_time_zone_offset="8", action="ADD")
    with pytest.raises(InvalidComponent):
        epcis.AggregationEvent(event_time=T, event_time_zone_offset="+08:00", action="ADD")
