import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracekit import codes, gs1, labels
from tracekit.errors import InvalidComponent, InvalidLength

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


def test_gs1_128_size_and_svg_shape():
    small = labels.gs1_128_png("(00)106141411234567897", scale=1, height=20)
    tall = labels.gs1_128_png("(00)106141411234567897", scale=3, height=60)
    import io

    from PIL import Image

    (w1, h1), (w3, h3) = Image.open(io.BytesIO(small)).size, Image.open(io.BytesIO(tall)).size
    assert (w3, h1, h3) == (3 * w1, 20, 180)
    assert labels.decode_image(small)[0].text == "(00)106141411234567897"
    svg = labels.gs1_128_svg("(00)106141411234567897", scale=2, height=30)
    assert svg.startswith("<svg") and 'height="60"' in svg and "<?xml" not in svg
    assert labels.datamatrix_svg("(00)106141411234567897", scale=3).startswith("<svg")


def test_raw_element_string_with_symbology_identifier_is_drawn_as_gs1():
    raw = gs1.build_element_string(gtin=GTIN, lot="L1", serial="S1", style="raw")
    (found,) = labels.decode_image(labels.datamatrix_png("]d2" + raw))
    assert found.text == "(01)06901234567892(10)L1(21)S1"


def test_invalid_symbol_input_is_refused():
    import pytest

    from tracekit.errors import InvalidChecksum, InvalidComponent, InvalidFormat

    with pytest.raises(InvalidChecksum):
        labels.gs1_128_png("(00)106141411234567898")
    with pytest.raises(InvalidFormat):
        labels.qr_png("")
    with pytest.raises(InvalidComponent):
        labels.qr_svg("x", error="z")
    with pytest.raises(InvalidComponent):
        labels.datamatrix_png("(01)06901234567892", scale=0)
    with pytest.raises(InvalidFormat):
        labels.decode_image(b"not an image")


@settings(max_examples=10, deadline=None)
@given(st.text(alphabet=sorted(gs1.CSET82), min_size=1, max_size=20),
       st.text(alphabet=sorted(gs1.CSET82), min_size=1, max_size=20))
def test_any_set82_serial_and_lot_round_trip_through_gs1_128(serial, lot):
    element = gs1.build_element_string(gtin=GTIN, serial=serial, lot=lot)
    (found,) = labels.decode_image(labels.gs1_128_png(element, scale=2, height=10))
    assert found.is_gs1 and gs1.parse_element_string(found.text) == gs1.parse_element_string(element)


# -- symbol shapes and SVG on any page ---------------------------------------------------------

UNIT_PAYLOAD = "(01)06901234567892(17)271231(10)L2611A(21)7QA81NGXMRJCYX4VNAP5"


def _size(png: bytes) -> tuple[int, int]:
    import io

    from PIL import Image

    return Image.open(io.BytesIO(png)).size


@pytest.mark.parametrize("serial_length", range(1, 21))
def test_datamatrix_is_a_square_ecc200_symbol_unless_asked(serial_length):
    # a realistic unit payload (GTIN + expiry + lot + serial of 1 to 20 characters): today's
    # encoder picked DMRE rectangles (read as ]d8) for many of these
    payload = f"(01)06901234567892(17)271231(10)L2611A(21){'7QA81NGXMRJCYX4VNAP5'[:serial_length]}"
    png = labels.datamatrix_png(payload, scale=3)
    width, height = _size(png)
    (found,) = labels.decode_image(png)
    assert width == height
    assert (found.format, found.symbology_identifier, found.text) == ("DataMatrix", "]d2", payload)


def test_datamatrix_rectangle_and_dmre_only_on_request():
    short = "(01)06901234567892(21)S1"
    rectangle = labels.datamatrix_png(short, scale=2, shape="rectangle")
    width, height = _size(rectangle)
    assert width > height
    assert labels.decode_image(rectangle)[0].symbology_identifier == "]d2"  # ISO/IEC 16022, not DMRE
    long_and_flat = "(01)06901234567892(17)271231(10)L2611A(21)7QA"  # an 8x64 DMRE is its smallest symbol
    dmre = labels.decode_image(labels.datamatrix_png(long_and_flat, scale=2, shape="dmre"))[0]
    assert (dmre.text, dmre.symbology_identifier) == (long_and_flat, "]d8")  # ISO/IEC 21471
    assert labels.decode_image(labels.datamatrix_png(long_and_flat, scale=2))[0].symbology_identifier == "]d2"
    with pytest.raises(InvalidLength):  # more than the largest ISO/IEC 16022 rectangle holds
        labels.datamatrix_png(UNIT_PAYLOAD + "(240)ADDITIONAL-PRODUCT-ID-ABCDEFG", shape="rectangle")
    with pytest.raises(InvalidComponent):
        labels.datamatrix_png(short, shape="round")


def test_qr_of_a_digital_link_reads_as_plain_qr():
    link = gs1.build_digital_link("https://trace.example.com", GTIN, serial="S1", lot="L1")
    (found,) = labels.decode_image(labels.qr_png(link))
    assert (found.text, found.symbology_identifier) == (link, "]Q1")  # a URL, not GS1 element strings


@pytest.mark.parametrize("background", ["#000000", "#1d3557"])
@pytest.mark.parametrize(("draw", "data", "expected"), [
    (labels.qr_svg, "https://trace.example.com/01/06901234567892/10/L1/21/S1", ("QRCode", "]Q1")),
    (labels.datamatrix_svg, UNIT_PAYLOAD, ("DataMatrix", "]d2")),
    (labels.gs1_128_svg, "(00)106141411234567897", ("GS1-128", "]C1")),
])
def test_svg_symbols_scan_on_a_dark_page(draw, data, expected, background):
    cairosvg = pytest.importorskip("cairosvg")  # rasterises with the machine's cairo
    png = cairosvg.svg2png(bytestring=draw(data).encode(), background_color=background, output_width=600)
    (found,) = labels.decode_image(png)
    assert (found.format, found.symbology_identifier) == expected
    assert found.text == data
