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
        "https://d.example/01/09506000134352/10/L1/21/A%2F1%25")
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


def test_errors_carry_value_expected_and_found():
    with pytest.raises(InvalidComponent) as info:
        gs1.parse_element_string("(01)09506000134352(17)251331")
    assert info.value.value == "(01)09506000134352(17)251331"
    assert "17" in info.value.expected and "251331" in info.value.found
    with pytest.raises(InvalidFormat) as info:
        gs1.validate_lot("L\u00e91")
    assert (info.value.value, info.value.found) == ("L\u00e91", "'\u00e9' at position 2")


def test_spaces_and_characters_outside_set_82_inside_element_string_values_are_rejected():
    with pytest.raises(InvalidFormat):
        gs1.parse_element_string("(01)09506000134352(21)A B")
    with pytest.raises(TraceKitError):
        gs1.parse_element_string("010950600013435221A#B")
    # spaces between bracketed AIs (as printed under a barcode) are fine
    assert gs1.parse_element_string("(01) 09506000134352 (21) AB").serial == "AB"


def test_raw_element_string_with_a_bad_gtin_check_digit_raises_invalid_checksum():
    with pytest.raises(InvalidChecksum):
        gs1.parse_element_string("]C1010950600013435321A")
    with pytest.raises(InvalidChecksum):
        gs1.parse_scan("\x1d010950600013435321A")


def test_conflicting_repeated_ais_are_rejected_and_identical_ones_accepted():
    with pytest.raises(InvalidComponent):
        gs1.parse_element_string("(01)09506000134352(21)A(21)B")
    assert gs1.parse_element_string("(01)09506000134352(21)A(21)A").serial == "A"


def test_other_ais_are_kept_in_extra_and_written_back():
    data = gs1.parse_element_string("]d201095060001343523103000189" "10L1\x1d" "99INT")
    assert data.extra == (("3103", "000189"), ("99", "INT"))
    assert data.element_string("raw") == "0109506000134352" "3103000189" "10L1\x1d" "99INT"
    assert gs1.parse_element_string(data.element_string("raw")) == data
    assert data.ai == {"01": "09506000134352", "3103": "000189", "10": "L1", "99": "INT"}


def test_raw_style_puts_fixed_length_ais_first_and_gs_only_between_variable_fields():
    raw = gs1.build_element_string(
        gtin="09506000134352", serial="S1", lot="L1", expiry_date=datetime.date(2025, 12, 31),
        production_date=datetime.date(2025, 1, 2), style="raw",
    )
    assert raw == "0109506000134352" "11250102" "17251231" "10L1\x1d" "21S1"
    sscc = gs1.build_element_string(sscc="106141411234567897", style="raw")
    assert sscc == "00106141411234567897"


def test_build_element_string_validates_every_part():
    with pytest.raises(InvalidChecksum):
        gs1.build_element_string(gtin="09506000134353")
    with pytest.raises(InvalidLength):
        gs1.build_element_string(gtin="09506000134352", lot="L" * 21)
    with pytest.raises(InvalidFormat):
        gs1.build_element_string(gtin="09506000134352", serial="A B")
    with pytest.raises(InvalidComponent):
        gs1.build_element_string(serial="ONLY")
    with pytest.raises(InvalidComponent):
        gs1.build_element_string(gtin="09506000134352", style="pretty")
    with pytest.raises(InvalidComponent):  # would be read back a century off
        gs1.build_element_string(gtin="09506000134352", expiry_date=datetime.date(2150, 1, 1))


def test_keywords_override_the_data_given():
    data = gs1.Gs1Data(gtin="9506000134352", serial="S1", lot="L1")
    assert data.gtin == "09506000134352"  # padded on construction
    assert gs1.build_element_string(data, serial="S2") == "(01)09506000134352(10)L1(21)S2"
    with pytest.raises(InvalidComponent):
        gs1.Gs1Data(gtin="09506000134352", source="camera")


def test_make_sscc_refuses_what_does_not_fit():
    assert gs1.validate_sscc(gs1.make_sscc("0", "0614141", "000000001")).startswith("00614141000000001")
    with pytest.raises(InvalidFormat):
        gs1.make_sscc(1, "0614141", -5)
    with pytest.raises(InvalidLength):
        gs1.make_sscc(12, "0614141", 1)
    with pytest.raises(InvalidLength):
        gs1.make_sscc(1, "123", 1)


@pytest.mark.parametrize("value", ["A/B", "50%", "R&D", "a=b?c", "x+y", "\"quoted\"", "(1)", "#".replace("#", "!*'")])
def test_set_82_punctuation_survives_a_digital_link(value):
    url = gs1.build_digital_link("https://d.example", "09506000134352", serial=value, lot=value)
    data = gs1.parse_digital_link(url)
    assert (data.serial, data.lot) == (value, value)
    assert " " not in url and '"' not in url


def test_digital_link_exact_form():
    url = gs1.build_digital_link(
        "https://trace.example.com/dl", "96385074", "S1", "L1",
        expiry_date=datetime.date(2026, 6, 30), production_date=datetime.date(2025, 6, 1),
    )
    assert url == "https://trace.example.com/dl/01/00000096385074/10/L1/21/S1?17=260630&11=250601"
    assert gs1.build_digital_link("https://d.example/", "09506000134352") == "https://d.example/01/09506000134352"
    assert gs1.build_sscc_link("https://d.example/", "106141411234567897") == (
        "https://d.example/00/106141411234567897")
    with pytest.raises(InvalidFormat):
        gs1.build_digital_link("d.example", "09506000134352")


def test_digital_link_variants_are_read():
    data = gs1.parse_digital_link("HTTP://ID.Example.COM/a/b/01/4006381333931/10/L1/21/S1/?17=251200&linkType=all")
    assert (data.gtin, data.lot, data.serial, data.expiry_date, data.host) == (
        "04006381333931", "L1", "S1", datetime.date(2025, 12, 31), "id.example.com")
    same = gs1.parse_digital_link("https://d.example/01/09506000134352/21/S1?11=250101")
    assert (same.serial, same.production_date) == ("S1", datetime.date(2025, 1, 1))
    with pytest.raises(InvalidComponent):  # the same AI twice, even with the same value
        gs1.parse_digital_link("https://d.example/01/09506000134352/21/S1?21=S1")
    with pytest.raises(InvalidComponent):
        gs1.parse_digital_link("https://d.example/01/09506000134352/10/L1?10=L2")
    with pytest.raises(InvalidComponent):
        gs1.parse_digital_link("https://d.example/01/09506000134352/17/251231")
    with pytest.raises(InvalidComponent):
        gs1.parse_digital_link("https://d.example/01/09506000134352?17=251331")


def test_the_host_is_reported_not_judged():
    data = gs1.parse_digital_link("https://evil.example.net/01/09506000134352/21/S1")
    assert data.host == "evil.example.net" and data.serial == "S1"


@settings(max_examples=40)
@given(st.text(alphabet="0123456789", min_size=12, max_size=12), ai82, ai82, dates, dates)
def test_parse_scan_reads_back_every_form_built(body, serial, lot, expiry, produced):
    gtin = gtin_from(body).zfill(14)
    raw = gs1.build_element_string(gtin=gtin, serial=serial, lot=lot, expiry_date=expiry,
                                   production_date=produced, style="raw")
    link = gs1.build_digital_link("https://d.example", gtin, serial, lot, expiry_date=expiry,
                                  production_date=produced)
    from_raw, from_link = gs1.parse_scan("]d2" + raw + "\r\n"), gs1.parse_scan(link)
    assert (from_raw.source, from_link.source) == ("element_string", "digital_link")
    fields = ("gtin", "serial", "lot", "expiry_date", "production_date")
    assert [getattr(from_raw, f) for f in fields] == [getattr(from_link, f) for f in fields] == [
        gtin, serial, lot, expiry, produced]


@pytest.mark.parametrize(
    "text, source, key",
    [
        ("]Q1https://d.example/01/09506000134352/21/S1", "digital_link", "S1"),
        ("0109506000134352", "element_string", "09506000134352"),
        ("00106141411234567897", "element_string", "106141411234567897"),
        ("96385074", "gtin", "00000096385074"),
        ("036000291452", "gtin", "00036000291452"),
        ("\t106141411234567897\n", "sscc", "106141411234567897"),
        ("106141411234567898", "serial", "106141411234567898"),  # 18 digits, not an SSCC: a serial
        ("abc-def", "serial", "abc-def"),  # kept as scanned, not upper-cased
    ],
)
def test_parse_scan_classifications(text, source, key):
    data = gs1.parse_scan(text)
    assert data.source == source
    assert key in (data.serial, data.gtin, data.sscc)


def test_parse_scan_rejects_text_that_is_no_code():
    for text in ("", "\r\n", "]d2"):
        with pytest.raises(InvalidFormat):
            gs1.parse_scan(text)
    with pytest.raises(InvalidFormat) as info:
        gs1.parse_scan("ABC\u00a3")
    assert "position 4" in info.value.found
    with pytest.raises(InvalidLength):
        gs1.parse_scan("X" * 21)
