"""GS1 conformance of the parsers and builders: Digital Link URI syntax (GS1 Digital Link 1.4,
the GS1 Syntax Dictionary's key qualifiers ``01: 22,10,21 | 235``), the General Specifications'
rules for element strings, and the edge of every parser (typed errors only, bounded input,
linear work).

Vectors marked "peer" come from other implementations' test suites (biip, Solidsoft's
Gs1DigitalLinkLib, Gs1BarcodeParser); where this library decides differently, the test says why.
"""

from __future__ import annotations

import datetime
import doctest
import importlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracekit import gs1
from tracekit.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, TraceKitError

GTIN = "09506000134352"
BASE = "https://d.example"

# -- Digital Link: what must be read -----------------------------------------------------------

VALID_LINKS = [
    # peer (Solidsoft ExtractFromGs1DigitalLink): every subsequence of 22/10/21 in order
    ("https://id.gs1.org/00/998440410914660971", {"sscc": "998440410914660971"}),
    ("https://id.gs1.org/01/05412345000013/22/AJY3095721P49",
     {"gtin": "05412345000013", "extra": (("22", "AJY3095721P49"),)}),
    ("https://id.gs1.org/01/05412345000013/22/AJY3095721P49/10/ABC123/21/72292641703",
     {"lot": "ABC123", "serial": "72292641703", "extra": (("22", "AJY3095721P49"),)}),
    ("https://id.gs1.org/01/05412345000013/22/AJY3095721P49/21/72292641703",
     {"serial": "72292641703", "extra": (("22", "AJY3095721P49"),)}),
    ("https://id.gs1.org/01/05412345000013/10/ABC123", {"lot": "ABC123"}),
    # peer (Gs1BarcodeParser): (235) TPX, the alternative qualifier of a GTIN
    ("https://id.gs1.org/01/09501101530003/235/TPX456", {"extra": (("235", "TPX456"),)}),
    # peer (biip): custom domain and path prefix, unpadded GTIN-12; SSCC with data attributes
    ("https://example.com/foo/01/614141123452", {"gtin": "00614141123452"}),
    ("https://id.gs1.org/00/106141412345678908?02=00614141123452&37=25&10=ABC123",
     {"sscc": "106141412345678908", "lot": "ABC123", "extra": (("02", "00614141123452"), ("37", "25"))}),
    ("https://id.gs1.org/01/07032069804988/10/0329?15=210526", {"lot": "0329", "extra": (("15", "210526"),)}),
    # non-GS1 query keys are not data
    ("https://id.gs1.org/01/00614141123452?foo=bar&linkType=gs1:pip", {"gtin": "00614141123452"}),
    # the form earlier versions of this library printed: the lot in the query
    (f"{BASE}/01/{GTIN}/21/S1?10=L1&17=271231", {"serial": "S1", "lot": "L1",
                                                  "expiry_date": datetime.date(2027, 12, 31)}),
    # valid check digits inside other keys
    (f"{BASE}/01/{GTIN}/21/S1?8003=04012345111118988", {"extra": (("8003", "04012345111118988"),)}),
    (f"{BASE}/01/{GTIN}/21/S1?410=4012345000108", {"extra": (("410", "4012345000108"),)}),
    # '+' in a path segment is a plus (RFC 3986), and an encoded one anywhere
    (f"{BASE}/01/{GTIN}/21/A+B?10=C%2BD", {"serial": "A+B", "lot": "C+D"}),
]


@pytest.mark.parametrize(("url", "expected"), VALID_LINKS)
def test_conformant_links_are_read(url, expected):
    data = gs1.parse_digital_link(url)
    for name, value in expected.items():
        assert getattr(data, name) == value, name


# -- Digital Link: what must be refused --------------------------------------------------------

INVALID_LINKS = [
    # qualifiers out of order (peers: biip, Gs1BarcodeParser)
    (f"{BASE}/01/{GTIN}/21/S1/10/L1", InvalidComponent),
    ("https://id.gs1.org/01/09501101530003/10/BATCH1/22/CPV123", InvalidComponent),
    ("https://id.gs1.org/01/614141123452/10/ABC123/22/123456789", InvalidComponent),
    # two qualifier sequences mixed (peer: Gs1BarcodeParser); the same qualifier twice
    ("https://id.gs1.org/01/09501101530003/22/CPV123/235/TPX456", InvalidComponent),
    (f"{BASE}/01/{GTIN}/21/S1/21/S1", InvalidComponent),
    (f"{BASE}/01/{GTIN}/235/T1?21=S1", InvalidComponent),
    # no qualifier for an SSCC, no data attribute in the path (peers: biip, Gs1BarcodeParser)
    ("https://id.gs1.org/00/123456789012345675/10/EXTRA", InvalidComponent),
    ("https://id.gs1.org/01/614141123452/15/20250324", InvalidComponent),
    # a second key, or the same AI twice, in the query
    (f"{BASE}/01/{GTIN}/21/S1?01=09501101530003", InvalidComponent),
    (f"{BASE}/01/{GTIN}/21/S1?01={GTIN}", InvalidComponent),
    (f"{BASE}/01/{GTIN}/21/S1?17=271231&17=271231", InvalidComponent),
    (f"{BASE}/01/{GTIN}/10/L1/21/S1?10=L1", InvalidComponent),
    # '+' in a query value: a space to some decoders, a plus to others
    (f"{BASE}/01/{GTIN}/21/S1?10=A+B", InvalidFormat),
    # empty values
    (f"{BASE}/01/{GTIN}/21/S1?10=", InvalidComponent),
    (f"{BASE}/01/{GTIN}/10//21/S1", InvalidComponent),
    # bad check digits inside other keys
    (f"{BASE}/01/{GTIN}/21/S1?410=1234567890123", InvalidChecksum),
    (f"{BASE}/01/{GTIN}/21/S1?8003=04012345111128988", InvalidChecksum),
    (f"{BASE}/01/{GTIN}/21/S1?02=09506000134353", InvalidChecksum),
    # malformed URLs and percent-encoding
    ("https://[", InvalidFormat),
    ("https://[::1/01/09506000134352", InvalidFormat),
    (f"{BASE}/01/{GTIN}/21/A%ZZ", InvalidFormat),
    (f"{BASE}/01/{GTIN}/21/A%FF", InvalidFormat),
    # non-ASCII digits, in the path, in a value, in a query key
    (f"{BASE}/01/０９５０６０００１３４３５２", InvalidComponent),
    (f"{BASE}/01/{GTIN}/21/S1?3103=٠٠٠١٢٣", InvalidFormat),
    (f"{BASE}/01/{GTIN}/21/S1?17=２７１２３１", InvalidFormat),
    (f"{BASE}/01/{GTIN}/21/S1?١٠=L1", InvalidFormat),
    (f"{BASE}/01/{GTIN}/21/%EF%BC%91", InvalidFormat),
]


@pytest.mark.parametrize(("url", "error"), INVALID_LINKS)
def test_non_conformant_links_are_refused(url, error):
    with pytest.raises(error) as info:
        gs1.parse_digital_link(url)
    assert info.value.expected and info.value.found


def test_peer_disagreement_on_qualifiers_in_the_query_is_decided_for_printed_codes():
    # Gs1BarcodeParser refuses "?10=BATCH1&22=CPV1" (query in the wrong order); GS1's syntax
    # engine refuses key qualifiers in the query at all. This library printed "?10=<lot>" before,
    # so it reads qualifiers from the query (a query has no order in RFC 3986) and never writes them.
    data = gs1.parse_digital_link("https://id.gs1.org/01/09501101530003?10=BATCH1&22=CPV1")
    assert (data.lot, data.extra) == ("BATCH1", (("22", "CPV1"),))
    assert "?" not in gs1.build_digital_link(BASE, data.gtin, lot=data.lot, extra=data.extra)


# -- Digital Link: what is built ---------------------------------------------------------------


def test_builder_puts_key_qualifiers_in_the_path_in_order_and_the_rest_in_the_query():
    url = gs1.build_digital_link(BASE, GTIN, "S/1", "L1", expiry_date=datetime.date(2027, 12, 31),
                                 extra=(("3103", "000250"), ("22", "CPV1"), ("15", "271130")))
    assert url == f"{BASE}/01/{GTIN}/22/CPV1/10/L1/21/S%2F1?17=271231&3103=000250&15=271130"
    data = gs1.parse_digital_link(url)
    assert (data.serial, data.lot, data.expiry_date) == ("S/1", "L1", datetime.date(2027, 12, 31))
    assert dict(data.extra) == {"22": "CPV1", "3103": "000250", "15": "271130"}
    assert gs1.build_digital_link(BASE, GTIN, extra=(("235", "TPX1"),)) == f"{BASE}/01/{GTIN}/235/TPX1"
    assert gs1.build_sscc_link(BASE, "106141411234567897", extra=(("02", GTIN), ("37", "24"))) == (
        f"{BASE}/00/106141411234567897?02={GTIN}&37=24")


@pytest.mark.parametrize("extra", [
    (("235", "T1"),),  # with a serial: two qualifier sequences
    (("3103", "000250"), ("3103", "000250")),
    (("410", "1234567890123"),),
    (("10", "L1"),),  # an AI with its own keyword
    (("3103", "٠٠٠١٢٣"),),
    "3103=000250",
])
def test_builder_refuses_what_a_conformant_link_cannot_hold(extra):
    with pytest.raises(TraceKitError):
        gs1.build_digital_link(BASE, GTIN, "S1", extra=extra)


ai82 = st.text(alphabet=sorted(gs1.CSET82), min_size=1, max_size=20)


@settings(max_examples=150, deadline=None)
@given(ai82, st.one_of(st.none(), ai82), st.one_of(st.none(), ai82),
       st.one_of(st.none(), st.dates(datetime.date(2000, 1, 1), datetime.date(2060, 12, 31))))
def test_every_built_link_is_conformant_and_reads_back(serial, lot, cpv, expiry):
    extra = (("22", cpv),) if cpv else ()
    url = gs1.build_digital_link(BASE, GTIN, serial, lot, expiry_date=expiry, extra=extra)
    path, _sep, query = url.partition("?")
    keys = path[len(BASE):].split("/")[1::2]
    assert keys == [ai for ai in ("01", "22", "10", "21") if ai == "01" or {"22": cpv, "10": lot, "21": serial}[ai]]
    assert not any(item.split("=")[0] in ("10", "21", "22") for item in query.split("&") if query)
    assert "+" not in query
    data = gs1.parse_digital_link(url)
    assert (data.serial, data.lot, data.expiry_date, dict(data.extra).get("22")) == (serial, lot, expiry, cpv)


# -- element strings ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "error"), [
    (f"(01){GTIN}(21)", InvalidComponent),  # an empty value is no serial
    (f"(01){GTIN}(10)(21)S1", InvalidComponent),
    (f"(01){GTIN}(21)S1(410)1234567890123", InvalidChecksum),
    (f"(01){GTIN}(21)S1(8003)04012345111128988", InvalidChecksum),
    (f"(01){GTIN}(21)S1(414)4012345000109", InvalidChecksum),
    (f"(01){GTIN}(3103)٠٠٠١٢٣", InvalidFormat),  # Arabic-Indic digits
    (f"(01){GTIN}(17)２７１２３１", InvalidFormat),  # full-width digits
    ("(01)０９５０６０００１３４３５２", InvalidFormat),
    (f"01{GTIN}3103٠٠٠١٢٣", InvalidFormat),
    (f"(01){GTIN}(21)S1(21)S2", InvalidComponent),
])
def test_element_strings_refuse_what_gs1_refuses(text, error):
    with pytest.raises(error):
        gs1.parse_element_string(text)


def test_element_strings_accept_235_and_keys_with_valid_check_digits():
    data = gs1.parse_element_string(f"(01){GTIN}(235)TPX-1(8003)04012345111118988(410)4012345000108")
    assert dict(data.extra) == {"235": "TPX-1", "8003": "04012345111118988", "410": "4012345000108"}
    again = gs1.parse_element_string(data.element_string())  # fixed-length (410) is written first
    assert (again.gtin, dict(again.extra)) == (data.gtin, dict(data.extra))


# -- the edge of every parser --------------------------------------------------------------------

PARSERS = (gs1.parse_scan, gs1.parse_digital_link, gs1.parse_element_string)


@pytest.mark.parametrize("parse", PARSERS)
def test_input_longer_than_any_symbol_is_refused_at_the_edge(parse):
    with pytest.raises(InvalidLength):
        parse("1" * (gs1.MAX_TEXT_LENGTH + 1))


@pytest.mark.parametrize("text", [
    "A" + " " * (gs1.MAX_TEXT_LENGTH - 2) + "B",  # a long run of spaces inside a scan
    "(" + " " * (gs1.MAX_TEXT_LENGTH - 2) + "x",
    "(01)" + " " * (gs1.MAX_TEXT_LENGTH - 8) + "(21",
    "https://d.example/" + "01/" * ((gs1.MAX_TEXT_LENGTH - 20) // 3),
    "https://d.example/01/" + "1" * (gs1.MAX_TEXT_LENGTH - 30) + "?",
    " \t" * (gs1.MAX_TEXT_LENGTH // 2),
    "\x1d" * gs1.MAX_TEXT_LENGTH,
    "%" * gs1.MAX_TEXT_LENGTH,
])
@pytest.mark.parametrize("parse", PARSERS)
def test_worst_case_input_at_the_limit_gives_a_typed_error(parse, text):
    # The patterns these inputs used to drive into quadratic backtracking are gone (bench/parsers.py
    # measures how the time grows with the length, against an ordinary scan of the same length).
    try:
        parse(text)
    except TraceKitError:
        pass


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text_gives_data_or_a_typed_error(text):
    for parse in PARSERS:
        try:
            parse(text)
        except TraceKitError:
            pass


LINK = f"{BASE}/01/{GTIN}/10/L1/21/S1?17=271231"
ELEMENT = f"]d201{GTIN}17271231" "10L1\x1d21S1"


@settings(max_examples=400, deadline=None)
@given(st.sampled_from([LINK, ELEMENT, f"(01){GTIN}(17)271231(10)L1(21)S1"]), st.data())
def test_mutated_codes_give_data_or_a_typed_error(seed, data):
    text = list(seed)
    for _ in range(data.draw(st.integers(1, 6))):
        position = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        char = data.draw(st.characters())
        if action == "insert":
            text.insert(position, char)
        elif text and position < len(text):
            if action == "delete":
                del text[position]
            else:
                text[position] = char
    for parse in PARSERS:
        try:
            result = parse("".join(text))
        except TraceKitError:
            continue
        for value in (result.gtin, result.sscc, result.lot, result.serial, *[v for _ai, v in result.extra]):
            assert value is None or (value and value.isascii())


@pytest.mark.parametrize("module", ["tracekit.gs1", "tracekit.errors", "tracekit.codes",
                                    "tracekit.labels.symbols", "tracekit.labels.decode"])
def test_the_examples_in_the_docstrings_hold(module):
    failures, _tried = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert failures == 0
