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


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
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


# GS1's hash generator project, tag v1.9.3 (the release on PyPI), tests/examples/epcisDocWithSingleEvent.jsonld
# and its expected hash from epcisDocWithSingleEvent.hashes, used literally.
REFERENCE_EVENT = """
      {
        "type": "ObjectEvent",
        "action": "OBSERVE",
        "bizStep": "shipping",
        "disposition": "in_transit",
        "epcList": [
          "urn:epc:id:sgtin:0614141.107346.2017",
          "urn:epc:id:sgtin:0614141.107346.2018"
        ],
        "eventTime": "2022-02-16T20:33:31.116000-06:00",
        "eventTimeZoneOffset": "-06:00",
        "readPoint": {
          "id": "urn:epc:id:sgln:0614141.07346.1234"
        },
        "bizTransactionList": [
          {
            "type": "po",
            "bizTransaction": "http://transaction.acme.com/po/12345678"
          }
        ]
      }
"""
REFERENCE_HASH = "ni:///sha-256;ffa491b16867e34a7791a8d5389d826afc24e63a121026b6a4004ace38631b4b?ver=CBV2.0"


def test_event_hash_matches_the_reference_vector_of_gs1_hash_generator():
    import json

    event = json.loads(REFERENCE_EVENT)
    assert epcis.event_hash(event) == REFERENCE_HASH
    # other key order and whitespace, an eventID of its own: same hash
    compact = json.loads(json.dumps(dict(reversed(list(event.items()))), separators=(",", ":")))
    assert epcis.event_hash({**compact, "eventID": "urn:uuid:1"}) == REFERENCE_HASH


def test_cbv_names_are_emitted_in_short_form():
    event = epcis.ObjectEvent(
        event_time=T, event_time_zone_offset="+08:00", action="OBSERVE", epc_list=("https://id.gs1.org/00/106141411234567897",),
        biz_step="urn:epcglobal:cbv:bizstep:shipping", disposition="https://ref.gs1.org/cbv/Disp-in_transit",
        biz_transactions=(("po", "urn:epcglobal:cbv:bt:0614141000005:PO-1"),),
        sources=(("owning_party", epcis.sgln_uri("6901234000009")),),
        destinations=(("owning_party", epcis.sgln_uri("6901234000016")),),
    )
    data = epcis.to_jsonld(event)
    assert (data["bizStep"], data["disposition"]) == ("shipping", "in_transit")
    assert data["sourceList"] == [{"type": "owning_party", "source": "https://id.gs1.org/414/6901234000009"}]
    assert data["destinationList"][0]["destination"] == "https://id.gs1.org/414/6901234000016"
    assert data["bizTransactionList"] == [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:0614141000005:PO-1"}]
    assert epcis.cbv_short_name("https://example.com/steps/blending", "bizStep") == "https://example.com/steps/blending"
    with pytest.raises(InvalidComponent):
        epcis.cbv_short_name("blending", "bizStep")


def test_identifiers_are_digital_link_uris_percent_encoded():
    assert epcis.sgtin_uri("6901234567892", "A/1%") == "https://id.gs1.org/01/06901234567892/21/A%2F1%25"
    assert epcis.lgtin_uri("06901234567892", "T2611") == "https://id.gs1.org/01/06901234567892/10/T2611"
    assert epcis.sscc_uri("106141411234567897") == "https://id.gs1.org/00/106141411234567897"
    with pytest.raises(ValueError):
        epcis.sscc_uri("106141411234567898")


def test_event_dataclasses_are_frozen_and_hashable():
    event = commissioning()
    with pytest.raises(TypeError):
        event.ilmd["lotNumber"] = "X"  # the ILMD mapping is read-only too
    assert hash(event) == hash(commissioning())
    ided = epcis.with_event_id(event)
    assert ided.event_id == epcis.event_hash(event) and epcis.to_jsonld(ided)["eventID"] == ided.event_id
    assert epcis.with_event_id(ided) is ided


def test_more_invalid_events_are_refused():
    with pytest.raises(InvalidComponent):  # an ObjectEvent about nothing
        epcis.ObjectEvent(event_time=T, event_time_zone_offset="+08:00", action="ADD")
    with pytest.raises(InvalidComponent):  # packing nothing
        epcis.AggregationEvent(event_time=T, event_time_zone_offset="+08:00", action="ADD",
                               parent_id=epcis.sscc_uri("106141411234567897"))
    with pytest.raises(InvalidComponent):  # unknown CBV step
        epcis.ObjectEvent(event_time=T, event_time_zone_offset="+08:00", action="ADD", epc_list=("x:y",),
                          biz_step="brewing")
    with pytest.raises(InvalidComponent):  # ILMD only when commissioning
        epcis.ObjectEvent(event_time=T, event_time_zone_offset="+08:00", action="OBSERVE", epc_list=("x:y",),
                          ilmd={"lotNumber": "L1"})
    with pytest.raises(InvalidFormat):
        epcis.ObjectEvent(event_time=T, event_time_zone_offset="+25:00", action="ADD", epc_list=("x:y",))
    with pytest.raises(InvalidComponent):
        epcis.event_hash({"epcList": []})
    unpack_all = epcis.AggregationEvent(event_time=T, event_time_zone_offset="+08:00", action="DELETE",
                                        parent_id=epcis.sscc_uri("106141411234567897"), biz_step="unpacking")
    assert epcis.to_jsonld(unpack_all)["childEPCs"] == []
