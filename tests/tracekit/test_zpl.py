import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracekit import gs1, labels
from tracekit.errors import InvalidComponent
from tracekit.labels import zpl

LINK = "https://trace.example.com/01/06901234567892/21/7QA81NGXMRJCYX4VNAP5?10=T2611"


def redraw_and_decode(field):
    """ZPL is proven by drawing the field's parsed data again with the same symbology through our own
    writers and decoding that. No offline ZPL renderer can do it: zpl-core 0.1.0's render is a layout
    preview that draws ^BX as an empty box and ^BC through python-barcode without ^FH, mode D or >8
    (and its render extra needs Pillow>=10, against Odoo 18's 9.4.0 pin); zpl-toolchain has no
    distribution installable here."""
    drawer = {"BQ": labels.qr_png, "BX": labels.datamatrix_png, "BC": labels.gs1_128_png}[field.command]
    return labels.decode_image(drawer(field.data))[0].text


def test_unit_label_carries_the_digital_link():
    label = zpl.unit_label(digital_link=LINK, gtin="06901234567892", serial="7QA81NGXMRJCYX4VNAP5",
                           lot="T2611", expiry_date=datetime.date(2027, 11, 19), product_name="茉莉花茶 500ml")
    assert label.startswith("^XA") and label.rstrip().endswith("^XZ") and "^CI28" in label
    fields = zpl.parse_zpl_fields(label)
    qr = [f for f in fields if f.command == "BQ"]
    assert [f.data for f in qr] == [LINK]
    assert redraw_and_decode(qr[0]) == LINK
    texts = [f.data for f in fields if f.command == "A"]
    assert "茉莉花茶 500ml" in texts and "EXP 2027-11-19" in texts


def test_case_label_datamatrix_and_gs1_128_carry_the_case():
    label = zpl.case_label(gtin="16901234567899", serial="C1_X", lot="L1", expiry_date="2027-01-31",
                           product_name="Tea ^~_", quantity=24)
    fields = {f.command: f for f in zpl.parse_zpl_fields(label) if f.command != "A"}
    expected = gs1.build_element_string(gtin="16901234567899", serial="C1_X", lot="L1",
                                        expiry_date=datetime.date(2027, 1, 31))
    assert fields["BX"].data == expected == fields["BC"].data
    assert gs1.parse_element_string(redraw_and_decode(fields["BX"])).serial == "C1_X"
    assert gs1.parse_element_string(redraw_and_decode(fields["BC"])).serial == "C1_X"
    assert any(f.data == "Tea ^~_" for f in zpl.parse_zpl_fields(label))


def test_pallet_label_carries_the_sscc():
    label = zpl.pallet_label(sscc="106141411234567897", gtin="06901234567892", lot="L1", quantity_cases=24)
    (barcode,) = [f for f in zpl.parse_zpl_fields(label) if f.command == "BC"]
    assert barcode.data == "(00)106141411234567897"
    assert gs1.parse_element_string(redraw_and_decode(barcode)).sscc == "106141411234567897"


def test_bad_label_input_is_refused():
    with pytest.raises(InvalidComponent):
        zpl.case_label(lot="L1")
    with pytest.raises(ValueError):
        zpl.pallet_label(sscc="106141411234567898")
    with pytest.raises(InvalidComponent):
        zpl.unit_label(digital_link=LINK, gtin="1", serial="A", dpi=150)


def test_text_fields_escape_zpl_characters_and_use_a_cjk_font():
    label = zpl.unit_label(digital_link=LINK, gtin="06901234567892", serial="A_1", product_name="茉莉^花~茶",
                           cjk_font="E:SIMSUN.TTF")
    name_line = next(line for line in label.splitlines() if "_E8_8C_89" in line)
    assert name_line.startswith("^FO") and "^A@N" in name_line and "E:SIMSUN.TTF" in name_line
    assert "_5E" in name_line and "_7E" in name_line and "花" not in label
    assert "(21) A_5F1" in label  # '_' escaped, so never read as a hex escape
    assert zpl.parse_zpl_fields(label)[1].data == "茉莉^花~茶"


def test_other_ways_of_writing_fnc1_are_read_back():
    label = (
        "^XA^FO10,10^BY2^BCN,100,N,N,N^FD>;>80106901234567892>810L1>821S1^FS"
        "^FO10,200^BXN,5,200,,,,_^FD_10106901234567892_110L1_121S1^FS"
        "^FO10,300^BQN,2,4^FH^FDQM,B0012_41BCDEFGHIJK^FS^XZ"
    )
    fields = zpl.parse_zpl_fields(label)
    assert [f.data for f in fields[:2]] == ["(01)06901234567892(10)L1(21)S1"] * 2
    assert fields[2] == zpl.ZplField("BQ", "ABCDEFGHIJK")


def test_pallet_label_with_content_lines():
    label = zpl.pallet_label(sscc="106141411234567897", gtin="6901234567892", lot="L1", quantity_cases=40,
                             expiry_date=datetime.date(2027, 1, 31), product_name="茉莉花茶", dpi=300)
    texts = [f.data for f in zpl.parse_zpl_fields(label) if f.command == "A"]
    assert texts == ["茉莉花茶", "SSCC 106141411234567897", "CONTENT (02) 06901234567892", "COUNT (37) 40",
                     "BATCH (10) L1", "USE BY (17) 2027-01-31"]
    assert "^PW1200^LL1800" in label
    assert "(15)" not in label  # an expiry date is no best-before date


def test_pallet_label_prints_best_before_only_when_the_batch_holds_one():
    label = zpl.pallet_label(sscc="106141411234567897", best_before_date=datetime.date(2027, 3, 1))
    texts = [f.data for f in zpl.parse_zpl_fields(label) if f.command == "A"]
    assert "BEST BEFORE (15) 2027-03-01" in texts
    assert not any("(17)" in text for text in texts)


@settings(max_examples=10, deadline=None)
@given(st.text(alphabet=sorted(gs1.CSET82), min_size=1, max_size=20),
       st.text(alphabet=sorted(gs1.CSET82), min_size=1, max_size=20))
def test_case_label_barcodes_round_trip_any_serial_and_lot(serial, lot):
    label = zpl.case_label(gtin="16901234567899", serial=serial, lot=lot, expiry_date="2027-01-31")
    expected = gs1.parse_element_string(
        gs1.build_element_string(gtin="16901234567899", serial=serial, lot=lot,
                                 expiry_date=datetime.date(2027, 1, 31)))
    barcodes = [f for f in zpl.parse_zpl_fields(label) if f.command in ("BX", "BC")]
    assert [f.command for f in barcodes] == ["BX", "BC"]
    for field in barcodes:
        assert gs1.parse_element_string(redraw_and_decode(field)) == expected
