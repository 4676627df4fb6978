import datetime

import pytest

from tracekit import gs1, labels
from tracekit.errors import InvalidComponent
from tracekit.labels import zpl

LINK = "https://trace.example.com/01/06901234567892/21/7QA81NGXMRJCYX4VNAP5?10=T2611"


def redraw_and_decode(field):
    """ZPL is proven the way a printer would prove it: the field's data is drawn again with the
    same symbology by our writers and decoded (no ZPL renderer runs offline here)."""
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
