"""tracekit.wire: every body the line API can be posted is either valid or refused with a
WireError naming the field, never another exception."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracekit import wire

GOOD_EVENT = {"id": "e1", "device": "cam1", "seq": 1, "time": "2026-12-02T08:15:02.123456Z", "type": "commission",
              "code": "ABCDEFGHJKMNPQRS"}


def good_batch(**changes):
    event = dict(GOOD_EVENT, **changes)
    return {"key": "k" * 32, "station": "L1", "events": [event]}


def refused(validate, body):
    with pytest.raises(wire.WireError) as info:
        validate(body)
    return info.value.fault


def test_a_valid_batch_passes():
    wire.validate_events(good_batch())
    wire.validate_events(good_batch(type="aggregate", children=["A", "B"]))
    wire.validate_events(good_batch(type="reject", reason="no read"))


@pytest.mark.parametrize(("changes", "field", "kind"), [
    ({"time": None}, "events[0].time", "required"),
    ({"time": "noon"}, "events[0].time", "format"),
    ({"time": "1970-01-01T00:00:00Z"}, "events[0].time", "range"),
    ({"seq": "1"}, "events[0].seq", "type"),
    ({"seq": True}, "events[0].seq", "type"),
    ({"seq": 2**70}, "events[0].seq", "range"),
    ({"seq": -1}, "events[0].seq", "range"),
    ({"code": ""}, "events[0].code", "length"),
    ({"code": "x" * 301}, "events[0].code", "length"),
    ({"code": "a\x00b"}, "events[0].code", "format"),
    ({"type": "boom"}, "events[0].type", "choice"),
    ({"type": "aggregate"}, "events[0].children", "required"),
    ({"type": "aggregate", "children": ["A"] * 1001}, "events[0].children", "count"),
    ({"type": "aggregate", "children": [None]}, "events[0].children[0]", "type"),
    ({"children": ["A"]}, "events[0].children", "format"),
    ({"reason": "r" * 501}, "events[0].reason", "length"),
])
def test_each_fault_names_its_field_and_kind(changes, field, kind):
    fault = refused(wire.validate_events, good_batch(**changes))
    assert (fault.field, fault.kind) == (field, kind)
    assert field in str(wire.WireError(fault))


def test_batch_level_faults():
    assert refused(wire.validate_events, []).field == "body"
    assert refused(wire.validate_events, {"key": "short", "events": [GOOD_EVENT]}).field == "key"
    assert refused(wire.validate_events, {"key": "k" * 10, "events": []}).kind == "count"
    assert refused(wire.validate_events, {"key": "k" * 10, "events": [GOOD_EVENT] * 5001}).kind == "count"
    assert refused(wire.validate_events, {"key": "k" * 10, "events": [7]}).field == "events[0]"


def test_heartbeat_and_print_report():
    wire.validate_heartbeat({"backlog": 0, "devices": [{"code": "cam1", "status": "ok", "reads": 3, "message": ""}],
                             "rates": {"reads_per_min": 0.5}})
    assert refused(wire.validate_heartbeat, {"rates": {"reads_per_min": float("nan")}}).kind == "range"
    assert refused(wire.validate_heartbeat, {"devices": [{"code": "c", "status": "on fire"}]}).kind == "choice"
    assert refused(wire.validate_heartbeat, {"devices": [{"code": "c"}] * 101}).kind == "count"
    wire.validate_print_report({"printed": ["A"], "rejected": [{"code": "B", "reason": "smudged"}]})
    assert refused(wire.validate_print_report, {"printed": [1]}).field == "printed[0]"
    assert refused(wire.validate_print_report, {"rejected": [{"reason": "x"}]}).field == "rejected[0].code"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**80), max_value=2**80) | st.floats(allow_nan=True)
    | st.text(max_size=50),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=30,
)
field_names = st.sampled_from(["id", "device", "seq", "time", "type", "code", "children", "reason"])


@settings(max_examples=500, deadline=None)
@given(body=json_values)
def test_any_json_is_valid_or_a_wire_error(body):
    for validate in (wire.validate_events, wire.validate_heartbeat, wire.validate_print_report):
        try:
            validate(body)
        except wire.WireError as error:
            assert error.fault.field
            json.dumps(error.fault.__dict__)  # the answer can carry it


@settings(max_examples=500, deadline=None)
@given(field=field_names, value=json_values)
def test_a_mutated_event_is_valid_or_a_wire_error(field, value):
    try:
        wire.validate_events(good_batch(**{field: value}))
    except wire.WireError as error:
        assert error.fault.field.startswith("events[0].")
