"""ZPL II templates for unit, case and pallet labels, and a reader of what a label carries.

Every field goes through ``^FH_`` hex escapes with ``^CI28`` (UTF-8): ``^``, ``~``, ``_``, control
characters and every non-ASCII byte are written ``_xx``, so Chinese product names and the
characters ZPL reserves print as given and can never be taken for commands. Text that is plain
ASCII uses the printer's font 0; other text uses the scalable font ``cjk_font`` (``^A@``), by
default Zebra's downloadable Simplified Chinese font, which must be on the printer.

Barcodes:

- unit: QR (``^BQN``, model 2, error level M) of the GS1 Digital Link;
- case: GS1 DataMatrix (``^BXN`` quality 200, aspect ratio 1 = square ECC 200, with ``@`` as its
  escape character, so ``@1`` is FNC1:
  first, and after every variable-length field that is not last; ``@`` is outside GS1 set 82, so
  never in the data) and GS1-128 (``^BC`` mode D: the printer adds FNC1 from the bracketed AIs and
  prints the bracketed human-readable line);
- pallet: GS1-128 of the SSCC ``(00)``, GS1 logistic label layout.

:func:`parse_zpl_fields` reads any such label back (and the other usual ways of writing FNC1:
``>8`` in ``^BC`` modes N/A, ``~1``/``_1`` style escapes in ``^BX``), GS1 data in HRI form.

>>> label = unit_label(digital_link="https://id.example.com/01/09506000134352/21/ABC",
...                    gtin="09506000134352", serial="ABC")
>>> parse_zpl_fields(label)[0]
ZplField(command='BQ', data='https://id.example.com/01/09506000134352/21/ABC')
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from ..errors import InvalidComponent, InvalidFormat
from ..gs1 import GS, build_element_string, parse_element_string, to_gtin14, validate_sscc

__all__ = ["CJK_FONT", "ZplField", "case_label", "pallet_label", "parse_zpl_fields", "unit_label"]

_DOTS_PER_MM = {203: 8, 300: 12, 600: 24}
CJK_FONT = "E:ANMDS.TTF"  # Zebra's Andale Mono Simplified Chinese; pass the font your printer holds
_BX_ESCAPE = "@"


def _dots(dpi: int) -> int:
    if dpi not in _DOTS_PER_MM:
        raise InvalidComponent(dpi, "a printer resolution of 203, 300 or 600 dpi", repr(dpi))
    return _DOTS_PER_MM[dpi]


def _escape(text: str) -> str:
    """Field data for ``^FH_``: ``^``, ``~``, ``_``, control and non-ASCII characters as ``_xx``."""
    out = []
    for char in text:
        if char in "^~_" or not 32 <= ord(char) <= 126:
            out.extend(f"_{byte:02X}" for byte in char.encode("utf-8"))
        else:
            out.append(char)
    return "".join(out)


def _field(x: int, y: int, command: str, data: str) -> str:
    return f"^FO{x},{y}{command}^FH_^FD{_escape(data)}^FS"


def _text(x: int, y: int, height: int, text: str, font: str) -> str:
    font_command = f"^A0N,{height},{height}" if text.isascii() else f"^A@N,{height},{height},{font}"
    return _field(x, y, font_command, text)


def _date(value: datetime.date | str | None) -> datetime.date | None:
    if not value:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError) as error:
        raise InvalidFormat(value, "a date YYYY-MM-DD", repr(value)) from error


def _start(mm: int, width_mm: int, length_mm: int) -> list[str]:
    return ["^XA", "^CI28", f"^PW{width_mm * mm}^LL{length_mm * mm}"]


def unit_label(
    *,
    digital_link: str,
    gtin: str,
    serial: str,
    lot: str | None = None,
    expiry_date: datetime.date | str | None = None,
    product_name: str = "",
    dpi: int = 203,
    cjk_font: str = CJK_FONT,
) -> str:
    """A 50 x 30 mm unit label: the Digital Link QR and the human-readable GTIN, serial, lot, expiry."""
    mm = _dots(dpi)
    if not digital_link.lower().startswith(("http://", "https://")):
        raise InvalidFormat(digital_link, "a GS1 Digital Link http(s)://...", repr(digital_link[:20]))
    expiry = _date(expiry_date)
    lines = [
        *_start(mm, 50, 30),
        # QR model 2, magnification ~0.4 mm per module; "MA," = error level M, automatic input mode
        _field(2 * mm, 2 * mm, f"^BQN,2,{max(2, mm // 3)}", f"MA,{digital_link}"),
        _text(27 * mm, 3 * mm, 3 * mm, product_name[:24], cjk_font),
        _text(27 * mm, 8 * mm, 2 * mm, f"(01) {to_gtin14(gtin)}", cjk_font),
        _text(27 * mm, 12 * mm, 2 * mm, f"(21) {serial}", cjk_font),
    ]
    if lot:
        lines.append(_text(27 * mm, 16 * mm, 2 * mm, f"(10) {lot}", cjk_font))
    if expiry:
        lines.append(_text(27 * mm, 20 * mm, 2 * mm, f"EXP {expiry:%Y-%m-%d}", cjk_font))
    lines.append("^XZ")
    return "\n".join(lines) + "\n"


def _datamatrix_data(hri: str) -> str:
    """``^BX`` data: FNC1 first, FNC1 in place of every GS separator of the raw element string."""
    fnc1 = _BX_ESCAPE + "1"
    return fnc1 + build_element_string(parse_element_string(hri), style="raw").replace(GS, fnc1)


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
    cjk_font: str = CJK_FONT,
) -> str:
    """A 100 x 70 mm case label: GS1 DataMatrix and GS1-128 of the case's key (its SSCC, or its
    GTIN + serial with lot and expiry), human-readable text."""
    mm = _dots(dpi)
    expiry = _date(expiry_date)
    if sscc:
        hri = build_element_string(sscc=sscc)
    elif gtin and serial:
        hri = build_element_string(gtin=gtin, serial=serial, lot=lot, expiry_date=expiry)
    else:
        raise InvalidComponent(None, "an SSCC, or a GTIN with a serial", "neither")
    if quantity is not None and (not isinstance(quantity, int) or quantity < 1):
        raise InvalidComponent(quantity, "a quantity of 1 or more", repr(quantity))
    lines = [
        *_start(mm, 100, 70),
        _text(4 * mm, 3 * mm, 4 * mm, product_name[:30], cjk_font),
        _field(4 * mm, 10 * mm, f"^BXN,{max(4, mm // 2)},200,,,,{_BX_ESCAPE},1", _datamatrix_data(hri)),
        _text(34 * mm, 12 * mm, 2 * mm, hri, cjk_font),
    ]
    if quantity:
        lines.append(_text(34 * mm, 18 * mm, 3 * mm, f"QTY {quantity}", cjk_font))
    if lot and sscc:
        lines.append(_text(34 * mm, 24 * mm, 3 * mm, f"(10) {lot}", cjk_font))
    if expiry and sscc:
        lines.append(_text(34 * mm, 30 * mm, 3 * mm, f"EXP {expiry:%Y-%m-%d}", cjk_font))
    lines.append(_field(4 * mm, 40 * mm, f"^BY2^BCN,{18 * mm},Y,N,N,D", hri))
    lines.append("^XZ")
    return "\n".join(lines) + "\n"


def pallet_label(
    *,
    sscc: str,
    gtin: str | None = None,
    lot: str | None = None,
    quantity_cases: int | None = None,
    expiry_date: datetime.date | str | None = None,
    best_before_date: datetime.date | str | None = None,
    product_name: str = "",
    dpi: int = 203,
    cjk_font: str = CJK_FONT,
) -> str:
    """A 100 x 150 mm GS1 logistic label: content lines in text, GS1-128 of the SSCC ``(00)`` below.

    The dates say what the batch holds: an expiry date as ``USE BY (17)``, a best-before date as
    ``BEST BEFORE (15)``; (15) is never printed for an expiry date.
    """
    mm = _dots(dpi)
    sscc = validate_sscc(sscc)
    expiry = _date(expiry_date)
    best_before = _date(best_before_date)
    hri = build_element_string(sscc=sscc)
    lines = [
        *_start(mm, 100, 150),
        _text(4 * mm, 4 * mm, 5 * mm, product_name[:28], cjk_font),
        _text(4 * mm, 14 * mm, 4 * mm, f"SSCC {sscc}", cjk_font),
    ]
    content = []
    if gtin:
        content.append(f"CONTENT (02) {to_gtin14(gtin)}")
    if quantity_cases:
        content.append(f"COUNT (37) {quantity_cases}")
    if lot:
        content.append(f"BATCH (10) {lot}")
    if best_before:
        content.append(f"BEST BEFORE (15) {best_before:%Y-%m-%d}")
    if expiry:
        content.append(f"USE BY (17) {expiry:%Y-%m-%d}")
    for row, line in enumerate(content):
        lines.append(_text(4 * mm, (24 + 7 * row) * mm, 3 * mm, line, cjk_font))
    lines.append(_field(6 * mm, 100 * mm, f"^BY3^BCN,{30 * mm},Y,N,N,D", hri))
    lines.append("^XZ")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class ZplField:
    """A field of a label: ``command`` is ``BQ``, ``BX``, ``BC`` (or another ``B?`` barcode) or
    ``A`` (text); ``data`` is what it carries: hex escapes decoded, the QR's mode prefix removed,
    GS1 barcodes in bracketed HRI form ``(01)...(21)...``."""

    command: str
    data: str


_COMMAND = re.compile(r"\^([A-Z@][A-Z0-9@]?)([^\^~]*)", re.I)
_FIELD_DATA = re.compile(r"\^F[DV]", re.I)


def _unhex(data: str, indicator: str) -> str:
    raw = bytearray()
    i = 0
    while i < len(data):
        pair = data[i + 1 : i + 3]
        if data[i] == indicator and len(pair) == 2 and all(c in "0123456789abcdefABCDEF" for c in pair):
            raw.append(int(pair, 16))
            i += 3
        else:
            raw.extend(data[i].encode("utf-8"))
            i += 1
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _gs1_hri(raw: str) -> str:
    return build_element_string(parse_element_string(raw), style="hri")


def _qr_data(data: str) -> str:
    match = re.match(r"^[HQML]([AM]),", data, re.I)
    if not match:
        return data
    rest = data[match.end():]
    if match.group(1).upper() == "M":  # manual input: N/A + data, or B + 4-digit count + bytes
        if rest[:1].upper() == "B":
            return rest[5:]
        return rest[1:]
    return rest


def _datamatrix_hri(data: str, params: list[str]) -> str:
    quality = params[2] if len(params) > 2 else ""
    escape = params[6] if len(params) > 6 and params[6] else "~"
    fnc1 = escape + "1"
    if quality.strip() == "200" and data.startswith(fnc1):
        return _gs1_hri(data[len(fnc1):].replace(fnc1, GS))
    return data


_CODE128_INVOCATIONS = {">;": "", ">:": "", ">9": "", ">5": "", ">6": "", ">7": "", ">8": GS,
                        "><": "<", ">0": ">", ">=": "~"}


def _code128_hri(data: str, params: list[str]) -> str:
    mode = (params[5] if len(params) > 5 else "").strip().upper() or "N"
    if mode == "D":  # UCC/EAN mode: bracketed AIs, the printer adds FNC1 (spaces are ignored)
        return _gs1_hri(data.replace(" ", ""))
    if mode in ("N", "A") and ">8" in data:
        decoded = re.sub(r">.", lambda m: _CODE128_INVOCATIONS.get(m.group(0), m.group(0)), data)
        if decoded.startswith(GS):
            return _gs1_hri(decoded.lstrip(GS).rstrip(GS))
    return data


def parse_zpl_fields(zpl: str) -> list[ZplField]:
    """The barcode and text fields of a label, in order (what a printed label carries).

    A GS1 barcode whose data is not a valid element string raises a tracekit error.
    """
    fields = []
    for chunk in re.split(r"\^FS", zpl, flags=re.I):
        data_match = _FIELD_DATA.search(chunk)
        if not data_match:
            continue
        head, data = chunk[: data_match.start()], chunk[data_match.end():].rstrip("\r\n")
        command: str | None = None
        params: list[str] = []
        indicator: str | None = None
        for match in _COMMAND.finditer(head):
            name, args = match.group(1).upper(), match.group(2)
            if name == "FH":
                indicator = args[:1] or "_"
            elif name.startswith("B") and name != "BY":
                # ^BXo,h,s,c,r,f,g,a / ^BCo,h,f,g,e,m: params[0] is the orientation
                command, params = name[:2], args.split(",")
            elif name.startswith("A"):  # ^A<font>o,h,w and ^A@o,h,w,<font file>
                command, params = "A", [args]
        if command is None:
            continue
        if indicator:
            data = _unhex(data, indicator)
        if command == "BQ":
            data = _qr_data(data)
        elif command == "BX":
            data = _datamatrix_hri(data, params)
        elif command == "BC":
            data = _code128_hri(data, params)
        fields.append(ZplField(command=command, data=data))
    return fields
