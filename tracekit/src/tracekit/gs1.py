"""GS1 identifiers: check digits, element strings and GS1 Digital Link URIs.

Parsing of element strings goes through ``biip`` (a well-kept GS1 parser); this module is the
stable API around it and turns every failure into a :mod:`tracekit.errors` error that says the
value, what was expected and what was found.

>>> calc_check_digit("950600013435")
'2'
>>> to_gtin14("9506000134352")
'09506000134352'
>>> data = parse_scan("https://id.example.com/01/09506000134352/21/ABC123?10=L1")
>>> (data.gtin, data.serial, data.lot, data.host)
('09506000134352', 'ABC123', 'L1', 'id.example.com')
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from biip import ParseError
from biip.gs1_messages import GS1Message

from .errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

GS = "\x1d"
# GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1)
CSET82 = frozenset("!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")
_SYMBOLOGY_ID = re.compile(r"^\][A-Za-z][0-9]")
_URL_SAFE = "!\"'()*,-.:;=_"  # kept as is in a Digital Link; the rest of set 82 is percent-encoded


def _digits(value: str, name: str) -> str:
    compact = re.sub(r"[\s-]", "", str(value))
    if not compact.isdigit():
        bad = next(ch for ch in compact if not ch.isdigit()) if compact else "nothing"
        raise InvalidFormat(value, f"{name} of digits only", repr(bad))
    return compact


def calc_check_digit(digits: str) -> str:
    """The GS1 mod-10 check digit of ``digits`` (the value without its check digit)."""
    digits = _digits(digits, "a number")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def _validate_check(value: str, name: str, lengths: tuple[int, ...]) -> str:
    compact = _digits(value, name)
    if len(compact) not in lengths:
        expected = " or ".join(str(n) for n in lengths)
        raise InvalidLength(value, f"{name} of {expected} digits", f"{len(compact)} digits")
    if calc_check_digit(compact[:-1]) != compact[-1]:
        raise InvalidChecksum(
            value, f"{name} check digit {calc_check_digit(compact[:-1])}", f"check digit {compact[-1]}"
        )
    return compact


def validate_gtin(value: str) -> str:
    """A GTIN-8, -12, -13 or -14, compacted; raises on a wrong length or check digit."""
    return _validate_check(value, "a GTIN", (8, 12, 13, 14))


def to_gtin14(value: str) -> str:
    """A valid GTIN padded to 14 digits."""
    return validate_gtin(value).zfill(14)


def validate_gln(value: str) -> str:
    return _validate_check(value, "a GLN", (13,))


def validate_sscc(value: str) -> str:
    return _validate_check(value, "an SSCC", (18,))


def _is_valid(validator, value) -> bool:
    try:
        validator(value)
    except ValueError:
        return False
    return True


def is_valid_gtin(value: str) -> bool:
    return _is_valid(validate_gtin, value)


def is_valid_gln(value: str) -> bool:
    return _is_valid(validate_gln, value)


def is_valid_sscc(value: str) -> bool:
    return _is_valid(validate_sscc, value)


def make_sscc(extension: int | str, company_prefix: str, serial_reference: int | str) -> str:
    """The SSCC of ``extension`` digit, GS1 company prefix and serial reference, check digit added."""
    extension = str(extension)
    if len(extension) != 1 or not extension.isdigit():
        raise InvalidFormat(extension, "an extension digit 0-9", repr(extension))
    prefix = _digits(company_prefix, "a GS1 company prefix")
    if not 6 <= len(prefix) <= 12:
        raise InvalidLength(company_prefix, "a company prefix of 6 to 12 digits", f"{len(prefix)} digits")
    room = 16 - len(prefix)
    reference = _digits(str(serial_reference), "a serial reference")
    if len(reference) > room:
        raise InvalidLength(serial_reference, f"a serial reference of at most {room} digits", f"{len(reference)}")
    body = extension + prefix + reference.zfill(room)
    return body + calc_check_digit(body)


def _validate_cset82(value: str, name: str) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= 20:
        found = f"{len(value)} characters" if isinstance(value, str) else type(value).__name__
        raise InvalidLength(value, f"{name} of 1 to 20 characters", found)
    for position, char in enumerate(value, start=1):
        if char not in CSET82:
            raise InvalidFormat(value, f"{name} of GS1 character set 82", f"{char!r} at position {position}")
    return value


def validate_serial(value: str) -> str:
    """An AI (21) serial: 1 to 20 characters of set 82."""
    return _validate_cset82(value, "a serial")


def validate_lot(value: str) -> str:
    """An AI (10) batch/lot: 1 to 20 characters of set 82."""
    return _validate_cset82(value, "a lot")


@dataclass(frozen=True)
class Gs1Data:
    """What a GS1 symbol or Digital Link carries. ``gtin`` is always 14 digits when set."""

    source: str
    gtin: str | None = None
    serial: str | None = None
    lot: str | None = None
    sscc: str | None = None
    production_date: datetime.date | None = None
    expiry_date: datetime.date | None = None
    host: str | None = None

    def element_string(self, style: str = "hri") -> str:
        return build_element_string(self, style=style)


def _date(value: str, ai: str, text: str) -> datetime.date:
    """A GS1 YYMMDD date (DD 00 = last day of the month, GS1 century rule)."""
    if not re.fullmatch(r"\d{6}", value or ""):
        raise InvalidComponent(text, f"AI ({ai}) as YYMMDD", repr(value))
    try:
        message = GS1Message.parse_hri(f"({ai}){value}")
    except ParseError as error:
        raise InvalidComponent(text, f"AI ({ai}) a valid date YYMMDD", repr(value)) from error
    date = message.element_strings[0].date
    if date is None:
        raise InvalidComponent(text, f"AI ({ai}) a valid date YYMMDD", repr(value))
    return date


def _yymmdd(date: datetime.date) -> str:
    return date.strftime("%y%m%d")


def _from_message(message: GS1Message, text: str, source: str) -> Gs1Data:
    values: dict[str, object] = {}
    for element in message.element_strings:
        ai, value = element.ai.ai, element.value
        if ai == "01":
            values["gtin"] = _validate_check(value, "a GTIN", (14,))
        elif ai == "00":
            values["sscc"] = validate_sscc(value)
        elif ai == "10":
            values["lot"] = validate_lot(value)
        elif ai == "21":
            values["serial"] = validate_serial(value)
        elif ai == "11":
            values["production_date"] = _date(value, "11", text)
        elif ai == "17":
            values["expiry_date"] = _date(value, "17", text)
    if not values.get("gtin") and not values.get("sscc"):
        raise InvalidComponent(text, "an element string with AI (01) or (00)", "neither")
    return Gs1Data(source=source, **values)


def parse_element_string(text: str) -> Gs1Data:
    """Parse ``(01)...(21)...`` (HRI) or the raw form with GS separators and an optional
    symbology identifier (``]d2``, ``]C1``, ``]Q3``, ``]e0``)."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidFormat(text, "a GS1 element string", "nothing")
    value = text.strip()
    try:
        if value.startswith("("):
            message = GS1Message.parse_hri(value)
        else:
            value = _SYMBOLOGY_ID.sub("", value).lstrip(GS)
            message = GS1Message.parse(value)
    except ParseError as error:
        # biip does not tell a check digit apart; say so precisely where we can
        match = re.match(r"^\(?0?1\)?(\d{14})", value)
        if match and not is_valid_gtin(match.group(1)):
            validate_gtin(match.group(1))
        match = re.match(r"^\(?00\)?(\d{18})", value)
        if match:
            validate_sscc(match.group(1))
        raise InvalidComponent(text, "a GS1 element string", str(error)) from error
    return _from_message(message, text, "element_string")


def build_element_string(
    data: Gs1Data | None = None,
    *,
    gtin: str | None = None,
    serial: str | None = None,
    lot: str | None = None,
    sscc: str | None = None,
    production_date: datetime.date | None = None,
    expiry_date: datetime.date | None = None,
    style: str = "hri",
) -> str:
    """The element string of the values given: ``style="hri"`` bracketed, ``"raw"`` with a GS
    after every variable-length field that is not last (fixed-length AIs first)."""
    if data is not None:
        gtin, serial, lot, sscc = data.gtin, data.serial, data.lot, data.sscc
        production_date, expiry_date = data.production_date, data.expiry_date
    fixed: list[tuple[str, str]] = []
    variable: list[tuple[str, str]] = []
    if sscc:
        fixed.append(("00", validate_sscc(sscc)))
    if gtin:
        fixed.append(("01", to_gtin14(gtin)))
    if production_date:
        fixed.append(("11", _yymmdd(production_date)))
    if expiry_date:
        fixed.append(("17", _yymmdd(expiry_date)))
    if lot:
        variable.append(("10", validate_lot(lot)))
    if serial:
        variable.append(("21", validate_serial(serial)))
    if not fixed:
        raise InvalidComponent(data or serial or lot, "a GTIN or an SSCC", "neither")
    if style == "hri":
        return "".join(f"({ai}){value}" for ai, value in fixed + variable)
    if style != "raw":
        raise InvalidComponent(style, "style 'hri' or 'raw'", repr(style))
    parts = [ai + value for ai, value in fixed]
    parts += [ai + value + (GS if index < len(variable) - 1 else "") for index, (ai, value) in enumerate(variable)]
    return "".join(parts)


def _quote(value: str) -> str:
    return quote(value, safe=_URL_SAFE)


def build_digital_link(
    base_url: str,
    gtin: str,
    serial: str | None = None,
    lot: str | None = None,
    *,
    expiry_date: datetime.date | None = None,
    production_date: datetime.date | None = None,
) -> str:
    """``<base>/01/<gtin14>/21/<serial>?10=<lot>&17=<yymmdd>&11=<yymmdd>`` (parts given only)."""
    base = _base(base_url)
    url = f"{base}/01/{to_gtin14(gtin)}"
    if serial is not None:
        url += "/21/" + _quote(validate_serial(serial))
    query = []
    if lot is not None:
        query.append("10=" + _quote(validate_lot(lot)))
    if expiry_date:
        query.append("17=" + _yymmdd(expiry_date))
    if production_date:
        query.append("11=" + _yymmdd(production_date))
    return url + ("?" + "&".join(query) if query else "")


def build_sscc_link(base_url: str, sscc: str) -> str:
    return f"{_base(base_url)}/00/{validate_sscc(sscc)}"


def _base(base_url: str) -> str:
    parts = urlsplit(base_url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidFormat(base_url, "a base URL http(s)://host[/path]", repr(base_url))
    return base_url.rstrip("/")


_KEYS = {"01": 14, "00": 18}


def parse_digital_link(url: str) -> Gs1Data:
    """Parse a GS1 Digital Link URI (lot in the query or in the path, optional path prefix)."""
    parts = urlsplit(url.strip() if isinstance(url, str) else "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidFormat(url, "a Digital Link http(s)://host/01/<gtin>...", repr(parts.scheme or url))
    segments = parts.path.split("/")
    start = next((i for i, seg in enumerate(segments) if seg in _KEYS and i + 1 < len(segments)), None)
    if start is None:
        raise InvalidComponent(url, "a path with /01/<gtin> or /00/<sscc>", repr(parts.path))
    pairs = segments[start:]
    if len(pairs) % 2:
        raise InvalidComponent(url, "AI/value pairs in the path", repr(parts.path))
    path_values = {pairs[i]: unquote(pairs[i + 1]) for i in range(0, len(pairs), 2)}
    # '+' is not a space here: Digital Link values are percent-encoded (RFC 3986), not form-encoded
    query_values = {
        unquote(key): unquote(value)
        for key, _sep, value in (item.partition("=") for item in parts.query.split("&") if item)
    }
    for ai in set(path_values) & set(query_values):
        if path_values[ai] != query_values[ai]:
            raise InvalidComponent(url, f"AI ({ai}) once", f"{path_values[ai]!r} and {query_values[ai]!r}")
    values = {**query_values, **path_values}
    known = {"01", "00", "10", "21", "11", "17", "22", "235"}
    for ai in path_values:
        if ai not in known:
            raise InvalidComponent(url, "a GS1 key qualifier in the path", f"AI ({ai})")
    data: dict[str, object] = {}
    if "01" in values:
        data["gtin"] = to_gtin14(values["01"])
    if "00" in values:
        data["sscc"] = validate_sscc(values["00"])
    if "21" in values:
        data["serial"] = validate_serial(values["21"])
    if "10" in values:
        data["lot"] = validate_lot(values["10"])
    if "17" in values:
        data["expiry_date"] = _date(values["17"], "17", url)
    if "11" in values:
        data["production_date"] = _date(values["11"], "11", url)
    return Gs1Data(source="digital_link", host=parts.hostname.lower(), **data)


def parse_scan(text: str) -> Gs1Data:
    """What a scan gun, a camera or a person typed: a Digital Link, an element string, an SSCC,
    a GTIN or a bare serial (kept as scanned)."""
    if not isinstance(text, str):
        raise InvalidFormat(text, "scanned text", type(text).__name__)
    value = text.strip().strip("\r\n")
    value = _SYMBOLOGY_ID.sub("", value) if not value.lower().startswith("http") else value
    if not value:
        raise InvalidFormat(text, "a code", "nothing")
    if re.match(r"^https?://", value, re.I):
        return parse_digital_link(value)
    if value.startswith(("(", GS)) or GS in value:
        return parse_element_string(value)
    if value.isdigit():
        if len(value) == 18 and is_valid_sscc(value):
            return Gs1Data(source="sscc", sscc=value)
        if len(value) in (8, 12, 13, 14) and is_valid_gtin(value):
            return Gs1Data(source="gtin", gtin=to_gtin14(value))
        if len(value) > 20 and value[:2] in ("00", "01"):
            return parse_element_string(value)
    if len(value) > 20 and re.match(r"^01\d{14}", value):
        return parse_element_string(value)
    return Gs1Data(source="serial", serial=validate_serial(value))
