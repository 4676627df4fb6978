import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from tracekit import codes, gs1, labels

GTIN = "06901234567892"


def test_unit_qr_decodes_to_the_digital_link():
    link = gs1.build_digital_link("https://trace.example.com", GTIN, serial="7QA81NGXMRJCYX4VNAP5", lot="T2611")
    (found,) = labels.decode_image(labels.qr_png(link))
    assert (found.format, found.text) == ("QRCode", link)
    assert gs1.parse_digital_link(found.text).serial == "7QA81NGXMRJCYX4VNAP5"
    assert labels.qr_svg(link).startswith("<svg")


def test_case_datamatrix_is_gs1_and_parses_back():
    text = gs1.build_element_string(gtin="16901234567899", serial="C1", lot="L1",
                                    expiry_date=datetime.date(2027, 1, 31))
    (found,) = labels.decode_image(labels.datamatrix_png(text))
    assert (found.format, found.is_gs1, found.symbology_identifier) == ("DataMatrix", True, "]d2")
    assert gs1.parse_element_string(found.text) == gs1.parse_element_string(text)
    assert "<svg" in labels.datamatrix_svg(text)


def test_pallet_gs1_128_carries_the_sscc():
    (found,) = labels.decode_image(labels.gs1_128_png("(00)106141411234567897"))
    assert (found.format, found.symbology_identifier) == ("GS1-128", "]C1")
    assert gs1.parse_element_string(found.text).sscc == "106141411234567897"
    assert "<svg" in labels.gs1_128_svg("(00)106141411234567897")


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10**6), st.text(alphabet="ABCDEFGHJKMNPQRSTVWXYZ0123456789-", min_size=1, max_size=12))
def test_drawn_symbols_round_trip(seed, lot):
    import random

    serial = codes.CodeMinter(b"k", randbytes=random.Random(seed).randbytes).mint(1)[0]
    link = gs1.build_digital_link("https://t.example", GTIN, serial=serial, lot=lot)
    assert gs1.parse_digital_link(labels.decode_image(labels.qr_png(link, scale=3))[0].text).serial == serial
    element = gs1.build_element_string(gtin=GTIN, serial=serial, lot=lot)
    decoded = labels.decode_image(labels.datamatrix_png(element, scale=3))[0].text
    assert (gs1.parse_element_string(decoded).serial, gs1.parse_element_string(decoded).lot) == (serial, lot)
