import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracekit import gs1
from tracekit.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, TraceKitError

CSET82 = sorted(gs1.CSET82)
ai82 = st.text(alphabet=CSET82, min_size=1, max_size=20)
digits = st.text(alphabet="0123456789", min_size=13, max_size=13)
dates = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2049, 12, 31))


def gtin_from(body12):
    return body12 + gs1.calc_check_digit(body12)


@pytest.mark.parametrize(
    "value, validator",
    [
        ("09506000134352", gs1.validate_gtin),
        ("4006381333931", gs1.validate_gtin),
        ("96385074", gs1.validate_gtin),
        ("106141411234567897", gs1.validate_sscc),
        ("5901234123457", gs1.validate_gln),
    ],
)
def test_published_check_digits_are_accepted(value, validator):
    assert validator(value) == value


def test_wrong_check_digit_says_what_was_expected_and_found():
    with pytest.raises(InvalidChecksum) as info:
        gs1.validate_gtin("09506000134353")
    error = info.value
    assert (error.value, error.kind) == ("09506000134353", "checksum")
    assert "check digit 2" in error.expected and "check digit 3" in error.found
    assert isinstance(error, ValueError)


def test_lengths_and_characters_are_checked():
    with pytest.raises(InvalidLength):
        gs1.validate_gtin("123456")
    with pytest.raises(InvalidFormat):
        gs1.validate_gtin("95060001343A2")
    with pytest.raises(InvalidFormat, match="position 3"):
        gs1.validate_serial("AB CD")
    with pytest.raises(InvalidLength):
        gs1.validate_lot("X" * 21)


@settings(max_examples=60)
@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(0, 12), st.integers(1, 9))
def test_every_single_digit_substitution_is_rejected(body, position, delta):
    gtin = gtin_from(body)
    wrong = gtin[:position] + str((int(gtin[position]) + delta) % 10) + gtin[position + 1 :]
    assert gs1.is_valid_gtin(gtin)
    assert not gs1.is_valid_gtin(wrong)


def test_make_sscc_pads_and_checks():
    sscc = gs1.make_sscc(1, "0614141", 123456789)
    assert sscc == "106141411234567897"
    with pytest.raises(InvalidLength):
        gs1.make_sscc(0, "0614141", 10**10)


@settings(max_examples=80)
@given(st.text(alphabet="0123456789", min_size=12, max_size=12), ai82, ai82,
       st.one_of(st.none(), dates), st.one_of(st.none(), dates), st.sampled_from(["hri", "raw"]))
def test_element_strings_round_trip(body, serial, lot, expiry, produced, style):
    """Both forms round-trip; the bracketed form only for values without brackets (GS1's HRI is
    meant for people and is ambiguous there, the raw form never is)."""
    if style == "hri" and any(ch in serial + lot for ch in "()"):
        style = "raw"
    gtin = gtin_from(body).zfill(14)
    text = gs1.build_element_string(gtin=gtin, serial=serial, lot=lot, expiry_date=expiry,
                                    production_date=produced, style=style)
    data = gs1.parse_element_string(text)
    assert (data.gtin, data.serial, data.lot) == (gtin, serial, lot)
    assert (data.expiry_date, data.production_date) == (expiry, produced)


def test_raw_element_string_with_symbology_identifier_and_gs():
    data = gs1.parse_scan("]d2010950600013435217251231" "10ABC\x1d21X1")
    assert (data.gtin, data.expiry_date, data.lot, data.serial) == (
        "09506000134352", datetime.date(2025, 12, 31), "ABC", "X1")
    assert gs1.parse_element_string("(17)251200(01)09506000134352").expiry_date == datetime.date(2025, 12, 31)


@pytest.mark.parametrize(
    "text, error",
    [
        ("(01)09506000134353(21)A", InvalidChecksum),
        ("(01)09506000134352(17)251331", InvalidComponent),
        ("(01)09506000134352(10)" + "L" * 21, TraceKitError),
        ("(21)ONLYSERIAL", InvalidComponent),
        ("", InvalidFormat),
    ],
)
def test_bad_element_strings_raise_typed_errors(text, error):
    with pytest.raises(error) as info:
        gs1.parse_element_string(text)
    assert info.value.expected and info.value.found


@settings(max_examples=80)
@given(st.text(alphabet="0123456789", min_size=12, max_size=12), ai82, st.one_of(st.none(), ai82),
       st.one_of(st.none(), dates))
def test_digital_links_round_trip(body, serial, lot, expiry):
    gtin = gtin_from(body)
    url = gs1.build_digital_link("https://trace.example.com/dl/", gtin, serial=serial, lot=lot, expiry_date=expiry)
    assert url.startswith("https://trace.example.com/dl/01/")
    data = gs1.parse_digital_link(url)
    assert (data.gtin, data.serial, data.lot, data.expiry_date) == (gtin.zfill(14), serial, lot, expiry)
    assert data.host == "trace.example.com" and data.source == "digital_link"


def test_digital_link_forms():
    assert gs1.build_digital_link("https://d.example", "9506000134352", serial="A/1 %"[:3] + "%", lot="L1") == (
        "https://d.example/01/09506000134352/21/A%2F1%25?10=L1")
    canonical = gs1.parse_digital_link("https://D.example/01/9506000134352/10/L%2F2/21/S1")
    assert (canonical.gtin, canonical.lot, canonical.serial, canonical.host) == (
        "09506000134352", "L/2", "S1", "d.example")
    assert gs1.parse_digital_link("https://d.example/00/106141411234567897").sscc == "106141411234567897"
    with pytest.raises(InvalidComponent):
        gs1.parse_digital_link("https://d.example/01/09506000134352/21/A?21=B")
    with pytest.raises(InvalidComponent):
        gs1.parse_digital_link("https://d.example/products/42")
    with pytest.raises(InvalidFormat):
        gs1.parse_digital_link("ftp://d.example/01/09506000134352")
    with pytest.raises(InvalidChecksum):
        gs1.parse_digital_link("https://d.example/01/09506000134353/21/A")


def test_parse_scan_classifies_what_was_scanned():
    assert gs1.parse_scan("106141411234567897\r\n").source == "sscc"
    assert gs1.parse_scan("9506000134352").source == "gtin"
    assert gs1.parse_scan("(01)09506000134352(21)A").source == "element_string"
    assert gs1.parse_scan("0109506000134352" + "21ABCDEFG").serial == "ABCDEFG"
    serial = gs1.parse_scan(" 7QA81NGXMRJCYX4VNAP5 ")
    assert (serial.source, serial.serial) == ("serial", "7QA81NGXMRJCYX4VNAP5")
    with pytest.raises(InvalidFormat):
        gs1.parse_scan("   ")
    with pytest.raises(InvalidFormat):
        gs1.parse_scan("bad\x01code")
