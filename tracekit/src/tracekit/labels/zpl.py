"""ZPL II templates for unit, case and pallet labels, and a reader of what a label carries.

Text fields go through ``^FH`` hex escapes with ``^CI28`` (UTF-8), so Chinese product names and
the characters ZPL reserves (``^ ~ _``) print as given. Barcodes:

- unit: QR (``^BQN``, model 2) of the GS1 Digital Link;
- case: GS1 DataMatrix (``^BXN`` quality 200 with ``@`` as escape character, ``@1`` = FNC1) and
  GS1-128 (``^BC`` mode D, which adds FNC1 itself from the bracketed AIs);
- pallet: GS1-128 of the SSCC ``(00)``, GS1 logistic label layout.

>>> label = unit_label(digital_link="https://id.example.com/01/09506000134352/21/ABC", gtin="09506000134352", serial="ABC")
>>> [f.command for f in parse_zpl_fields(label)][:1], parse_zpl_fields(label)[0].data
(['BQ'], 'https://id.example.com/01/09506000134352/21/ABC')
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from ..errors import InvalidComponent
from ..gs1 import GS, build_element_string, parse_element_string

_DOTS_PER_MM = {203: 8, 300: 12, 600: 24}
FNC1 = "@1"  # our ^BX escape sequence for FNC1 ('@' is outside GS1 set 82, so never in the data)


def _dots(dpi: int) -> int:
    if dpi not in _DOTS_PER_MM:
        raise InvalidComponent(dpi, "a printer resolution of 203, 300 or 600 dpi", str(dpi))
    return _DOTS_PER_MM[dpi]


def _escape(text: str) -> str:
    """Field data for ``^FH_``: ``^``, ``~``, ``_`` and every non-ASCII byte as ``_xx``."""
    out = []
    for char in text:
        if char in "^~_" or ord(char) > 126 or ord(char) < 32:
            out.extend("_%02X" % byte for byte in char.encode("utf-8"))
        else:
            out.append(char)
    return "".join(out)


def _text(x: int, y: int, height: int, text: str) -> str:
    return f"^FO{x},{y}^A0N,{height},{height}^FH_^FD{_escape(text)}^FS"


def _date(value: datetime.date | str | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return value.strftime("%Y-%m-%d")


def unit_label(
    *,
    digital_link: str,
    gtin: str,
    serial: str,
    lot: str | None = None,
    expiry_date: datetime.date | str | None = None,
    product_name: str = "",
    dpi: int = 203,
) -> str:
    """A 50 x 30 mm unit label: the Digital Link QR and the human-readable GTIN, serial, lot, expiry."""
    mm = _dots(dpi)
    magnification = max(2, mm // 3)
    lines = [
        "^XA",
        "^CI28",
        f"^PW{50 * mm}^LL{30 * mm}",
        # QR model 2, error level M, automatic mode: "MA," prefixes the data
        f"^FO{2 * mm},{2 * mm}^BQN,2,{magnification}^FDMA,{digital_link}^FS",
        _text(27 * mm, 3 * mm, 3 * mm, product_name[:24]),
        _text(27 * mm, 8 * mm, 2 * mm, f"(01) {gtin}"),
        _text(27 * mm, 12 * mm, 2 * mm, f"(21) {serial}"),
    ]
    if lot:
        lines.append(_text(27 * mm, 16 * mm, 2 * mm, f"(10) {lot}"))
    if expiry_date:
        lines.append(_text(27 * mm, 20 * mm, 2 * mm, f"EXP {_date(expiry_date)}"))
    lines.append("^XZ")
    return "\n".join(lines) + "\n"


def _datamatrix_data(hri: str) -> str:
    raw = build_element_string(parse_element_string(hri), style="raw")
    return FNC1 + raw.replace(GS, FNC1)


def case_label(
    *,
    sscc: str | None = None,
    gtin: str | None = None,
    serial: str | None = None,
    lot: str | None = None,
    quantity: int | None = None,
    expiry_date: datetime.date | str | None = None,
    product_name: str = "",
    dpi: int = 203,
) -> str:
    """A 100 x 70 mm case label: GS1 DataMatrix and GS1-128 of the case's key (SSCC, or GTIN +
    serial), lot and expiry; human-readable text."""
    mm = _dots(dpi)
    if isinstance(expiry_date, str):
        expiry_date = datetime.date.fromisoformat(expiry_date)
    if sscc:
        hri = build_element_string(sscc=sscc)
    elif gtin and serial:
        hri = build_element_string(gtin=gtin, serial=serial, lot=lot, expiry_date=expiry_date)
    else:
        raise InvalidComponent(None, "an SSCC, or a GTIN with a serial", "neither")
    lines = [
        "^XA",
        "^CI28",
        f"^PW{100 * mm}^LL{70 * mm}",
        _text(4 * mm, 3 * mm, 4 * mm, product_name[:30]),
        f"^FO{4 * mm},{10 * mm}^BXN,{max(4, mm // 2)},200,,,,@^FD{_datamatrix_data(hri)}^FS",
        _text(30 * mm, 12 * mm, 2 * mm, hri),
    ]
    if quantity:
        lines.append(_text(40 * mm, 18 * mm, 3 * mm, f"QTY {quantity}"))
    if lot and sscc:
        lines.append(_text(40 * mm, 24 * mm, 3 * mm, f"(10) {lot}"))
    lines.append(f"^FO{4 * mm},{40 * mm}^BY2^BCN,{18 * mm},Y,N,N,D^FD{hri}^FS")
    lines.append("^XZ")
    return "\n".join(lines) + "\n"


def pallet_label(
    *,
    sscc: str,
    gtin: str | None = None,
    lot: str | None = None,
    quantity_cases: int | None = None,
    product_name: str = "",
    dpi: int = 203,
) -> str:
    """A 100 x 150 mm GS1 logistic label: GS1-128 of the SSCC, content lines in text."""
    mm = _dots(dpi)
    hri = build_element_string(sscc=sscc)
    lines = [
        "^XA",
        "^CI28",
        f"^PW{100 * mm}^LL{150 * mm}",
        _text(4 * mm, 4 * mm, 5 * mm, product_name[:28]),
        _text(4 * mm, 14 * mm, 4 * mm, f"SSCC {sscc}"),
    ]
    y = 22
    if gtin:
        lines.append(_text(4 * mm, y * mm, 3 * mm, f"(02) {gtin}"))
        y += 6
    if lot:
        lines.append(_text(4 * mm, y * mm, 3 * mm, f"(10) {lot}"))
        y += 6
    if quantity_cases:
        lines.append(_text(4 * mm, y * mm, 3 * mm, f"(37) {quantity_cases}"))
    lines.append(f"^FO{6 * mm},{100 * mm}^BY3^BCN,{30 * mm},Y,N,N,D^FD{hri}^FS")
    lines.append("^XZ")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class ZplField:
    """A field of a label: ``command`` is ``BQ``, ``BX``, ``BC`` or ``A`` (text); ``data`` is what
    it carries, GS1 barcodes in bracketed HRI form."""

    command: str
    data: str


_FIELD = re.compile(r"\^(BQ|BX|BC|A)[^\^]*(?:\^BY[^\^]*)?(\^FH_?)?\^FD(.*?)\^FS", re.S)


def _unescape(data: str) -> str:
    raw = bytearray()
    i = 0
    while i < len(data):
        if data[i] == "_" and i + 2 < len(data) + 1 and re.fullmatch(r"[0-9A-Fa-f]{2}", data[i + 1 : i + 3]):
            raw.append(int(data[i + 1 : i + 3], 16))
            i += 3
        else:
            raw.extend(data[i].encode("utf-8"))
            i += 1
    return raw.decode("utf-8")


def parse_zpl_fields(zpl: str) -> list[ZplField]:
    """The barcode and text fields of a label, in order (what a printed label carries)."""
    fields = []
    for command, hex_escape, data in _FIELD.findall(zpl):
        if hex_escape:
            data = _unescape(data)
        if command == "BQ":
            data = data.split(",", 1)[1] if "," in data[:4] else data
        elif command == "BX" and data.startswith(FNC1):
            data = build_element_string(parse_element_string(data[len(FNC1):].replace(FNC1, GS)), style="hri")
        fields.append(ZplField(command=command, data=data))
    return fields
