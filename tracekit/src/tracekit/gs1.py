"""GS1 identifiers: check digits, element strings and GS1 Digital Link URIs.

Element strings are parsed by ``biip`` (a well-kept GS1 parser); this module is the stable API
around it and turns every failure into a :mod:`tracekit.errors` error that says the value, what
was expected and what was found. biip's exceptions never leave this module.

>>> calc_check_digit("950600013435")
'2'
>>> to_gtin14("9506000134352")
'09506000134352'
>>> data = parse_scan("https://id.example.com/01/09506000134352/21/ABC123?10=L1")
>>> (data.gtin, data.serial, data.lot, data.host, data.source)
('09506000134352', 'ABC123', 'L1', 'id.example.com', 'digital_link')
>>> data.element_string()
'(01)09506000134352(10)L1(21)ABC123'
>>> build_element_string(data, style="raw")
'010950600013435210L1\\x1d21ABC123'
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from biip import ParseError
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_messages import GS1Message

from .errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, TraceKitError

__all__ = [
    "CSET82",
    "GS",
    "SOURCES",
    "Gs1Data",
    "build_digital_link",
    "build_element_string",
    "build_sscc_link",
    "calc_check_digit",
    "is_valid_gln",
    "is_valid_gtin",
    "is_valid_sscc",
    "make_sscc",
    "parse_digital_link",
    "parse_element_string",
    "parse_scan",
    "to_gtin14",
    "validate_gln",
    "validate_gtin",
    "validate_lot",
    "validate_serial",
    "validate_sscc",
]

GS = "\x1d"  # FNC1 as transmitted by a scanner: the separator after a variable-length field
# GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1)
CSET82 = frozenset("!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")
SOURCES = frozenset({"element_string", "digital_link", "gtin", "sscc", "serial"})
# AIs with a field of their own in Gs1Data; any other AI biip knows goes to Gs1Data.extra
_OWN_AIS = ("00", "01", "11", "17", "10", "21")
_SYMBOLOGY_ID = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
# symbology identifiers that announce GS1 element strings, or a leading FNC1
_EDGE_SPACE = re.compile(r"^[^\S\x1d]+|[^\S\x1d]+$")
_GS1_MARK = re.compile(r"^(\]C1|\]d2|\]Q3|\]e0|\x1d)")
_AI_PAIRS = {"01": 14, "00": 18}  # Digital Link primary keys and their value lengths
_PATH_QUALIFIERS = {"01": ("22", "10", "21"), "00": ()}
_FIELDS = ("gtin", "serial", "lot", "sscc", "production_date", "expiry_date")


# -- check digits and keys ------------------------------------------------------------------


def _digits(value: object, name: str) -> str:
    """``value`` without spaces and hyphens, all digits, else :class:`InvalidFormat`."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidFormat(value, f"{name} as text", type(value).__name__)
    if isinstance(value, int) and value < 0:
        raise InvalidFormat(value, f"{name} of digits only", "a negative number")
    compact = re.sub(r"[\s-]", "", str(value))
    if not compact.isascii() or not compact.isdigit():
        bad = next((ch for ch in compact if not ("0" <= ch <= "9")), None)
        raise InvalidFormat(value, f"{name} of digits only", repr(bad) if bad else "nothing")
    return compact


def calc_check_digit(digits: str) -> str:
    """The GS1 mod-10 check digit of ``digits`` (the value without its check digit).

    >>> calc_check_digit("10614141123456789")
    '7'
    """
    digits = _digits(digits, "a number")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str(-total % 10)


def _validate_check(value: str, name: str, lengths: tuple[int, ...]) -> str:
    compact = _digits(value, name)
    if len(compact) not in lengths:
        expected = " or ".join(str(n) for n in lengths)
        raise InvalidLength(value, f"{name} of {expected} digits", f"{len(compact)} digits")
    check = calc_check_digit(compact[:-1])
    if check != compact[-1]:
        raise InvalidChecksum(value, f"{name} with check digit {check}", f"check digit {compact[-1]}")
    return compact


def _is_valid(validator, value) -> bool:
    try:
        validator(value)
    except ValueError:
        return False
    return True


def validate_gtin(value: str) -> str:
    """A GTIN-8, -12, -13 or -14 without spaces or hyphens (not padded); raises on a wrong
    length, a non-digit or a wrong check digit.

    >>> validate_gtin("4006381 333931")
    '4006381333931'
    """
    return _validate_check(value, "a GTIN", (8, 12, 13, 14))


def is_valid_gtin(value: str) -> bool:
    return _is_valid(validate_gtin, value)


def to_gtin14(value: str) -> str:
    """A valid GTIN zero-padded to 14 digits."""
    return validate_gtin(value).zfill(14)


def validate_gln(value: str) -> str:
    """A GLN (13 digits, check digit verified)."""
    return _validate_check(value, "a GLN", (13,))


def is_valid_gln(value: str) -> bool:
    return _is_valid(validate_gln, value)


def validate_sscc(value: str) -> str:
    """An SSCC (18 digits, check digit verified)."""
    return _validate_check(value, "an SSCC", (18,))


def is_valid_sscc(value: str) -> bool:
    return _is_valid(validate_sscc, value)


def make_sscc(extension: int | str, company_prefix: str, serial_reference: int | str) -> str:
    """The SSCC of an extension digit, a GS1 company prefix and a serial reference, the serial
    reference zero-padded to make 17 digits, check digit added.

    >>> make_sscc(1, "0614141", 123456789)
    '106141411234567897'
    """
    ext = _digits(extension, "an extension digit")
    if len(ext) != 1:
        raise InvalidLength(extension, "an extension of 1 digit", f"{len(ext)} digits")
    prefix = _digits(company_prefix, "a GS1 company prefix")
    if not 4 <= len(prefix) <= 12:
        raise InvalidLength(company_prefix, "a GS1 company prefix of 4 to 12 digits", f"{len(prefix)} digits")
    room = 16 - len(prefix)
    reference = _digits(serial_reference, "a serial reference")
    if len(reference) > room:
        reference = reference.lstrip("0") or "0"
    if len(reference) > room:
        raise InvalidLength(
            serial_reference,
            f"a serial reference of at most {room} digits after a {len(prefix)}-digit company prefix",
            f"{len(reference)} digits",
        )
    body = ext + prefix + reference.zfill(room)
    return body + calc_check_digit(body)


def _validate_cset82(value: str, name: str) -> str:
    if not isinstance(value, str):
        raise InvalidFormat(value, f"{name} as text", type(value).__name__)
    if not 1 <= len(value) <= 20:
        raise InvalidLength(value, f"{name} of 1 to 20 characters", f"{len(value)} characters")
    if not CSET82.issuperset(value):
        position, char = next((i, ch) for i, ch in enumerate(value, start=1) if ch not in CSET82)
        raise InvalidFormat(value, f"{name} of GS1 AI encodable character set 82", f"{char!r} at position {position}")
    return value


def validate_serial(value: str) -> str:
    """An AI (21) serial: 1 to 20 characters of GS1 character set 82, returned as given.

    >>> validate_serial("AB CD")
    Traceback (most recent call last):
    ...
    tracekit.errors.InvalidFormat: 'AB CD': expected a serial of GS1 AI encodable character set 82, found ' ' at position 3
    """
    return _validate_cset82(value, "a serial")


def validate_lot(value: str) -> str:
    """An AI (10) batch/lot: 1 to 20 characters of GS1 character set 82, returned as given."""
    return _validate_cset82(value, "a lot")


# -- the parsed data --------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Gs1Data:
    """What a GS1 symbol, a Digital Link or a scan carries.

    ``gtin`` is always 14 digits when set (a shorter valid GTIN given here is padded). ``source``
    says what was read: ``"element_string"``, ``"digital_link"``, ``"gtin"``, ``"sscc"`` or
    ``"serial"`` (a bare code). ``host`` is the Digital Link's host, lower case (``None`` for
    anything else): deciding whether it is a trusted resolver is the application's business.
    ``extra`` keeps the other AIs found, as ``(ai, value)`` pairs in the order read (e.g. a
    (3103) net weight, a Digital Link's (22) CPV); :func:`build_element_string` writes them back.
    """

    gtin: str | None = None
    serial: str | None = None
    lot: str | None = None
    sscc: str | None = None
    production_date: datetime.date | None = None
    expiry_date: datetime.date | None = None
    source: str = "element_string"
    host: str | None = None
    extra: tuple[tuple[str, str], ...] = field(default=())

    def __post_init__(self):
        if self.source not in SOURCES:
            raise InvalidComponent(self.source, f"a source among {sorted(SOURCES)}", repr(self.source))
        if self.gtin is not None and (len(self.gtin) != 14 or not self.gtin.isdigit()):
            object.__setattr__(self, "gtin", to_gtin14(self.gtin))

    @property
    def ai(self) -> dict[str, str]:
        """The AIs and their values, in element string order (dates as YYMMDD)."""
        return dict(_ordered_ais(self, require_key=False))

    def element_string(self, style: str = "hri") -> str:
        """:func:`build_element_string` of this data."""
        return build_element_string(self, style=style)


# -- element strings --------------------------------------------------------------------------


def _date(value: str, ai: str, text: object) -> datetime.date:
    """A GS1 YYMMDD date (DD 00 = last day of the month, GS1 century rule, both from biip)."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{6}", value):
        raise InvalidComponent(text, f"AI ({ai}) as a date YYMMDD", repr(value))
    try:
        date = GS1Message.parse_hri(f"({ai}){value}").element_strings[0].date
    except ParseError as error:
        raise InvalidComponent(text, f"AI ({ai}) as a valid date YYMMDD", repr(value)) from error
    if date is None:  # pragma: no cover - biip gives a date for every date AI
        raise InvalidComponent(text, f"AI ({ai}) as a valid date YYMMDD", repr(value))
    return date


def _yymmdd(date: datetime.date, ai: str) -> str:
    if not isinstance(date, datetime.date):
        raise InvalidComponent(date, f"AI ({ai}) as a datetime.date", type(date).__name__)
    if isinstance(date, datetime.datetime):
        date = date.date()
    text = date.strftime("%y%m%d")
    if _date(text, ai, date) != date:  # YY is read back within -49..+50 years of today
        raise InvalidComponent(
            date, f"AI ({ai}) a date within GS1's century window (49 years back, 50 ahead)", date.isoformat()
        )
    return text


def _check_extra(ai: str, value: str, text: object) -> tuple[str, str]:
    """One other AI, checked by biip's table of AIs (format and pattern)."""
    if not isinstance(ai, str) or not isinstance(value, str) or ai in _OWN_AIS:
        raise InvalidComponent(text, "extra AIs other than (00) (01) (10) (11) (17) (21)", repr((ai, value)))
    try:
        elements = GS1Message.parse_hri(f"({ai}){value}").element_strings
    except ParseError as error:
        raise InvalidComponent(text, f"AI ({ai}) with a value GS1 allows", repr(value)) from error
    if len(elements) != 1 or (elements[0].ai.ai, elements[0].value) != (ai, value):
        raise InvalidComponent(text, f"AI ({ai}) with a value GS1 allows", repr(value))
    return ai, value


def _separator_required(ai: str) -> bool:
    try:
        return GS1ApplicationIdentifier.extract(ai).separator_required
    except ParseError:  # pragma: no cover - extras were checked against biip's table already
        return True


def _from_elements(pairs: list[tuple[str, str]], text: object, source: str, host: str | None = None) -> Gs1Data:
    values: dict[str, object] = {}
    seen: dict[str, str] = {}
    extra: list[tuple[str, str]] = []
    for ai, value in pairs:
        if ai in seen:
            if seen[ai] != value:
                raise InvalidComponent(text, f"AI ({ai}) once", f"{seen[ai]!r} and {value!r}")
            continue
        seen[ai] = value
        if ai == "01":
            values["gtin"] = to_gtin14(value)
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
        else:
            extra.append(_check_extra(ai, value, text))
    if "gtin" not in values and "sscc" not in values:
        raise InvalidComponent(text, "AI (01) GTIN or AI (00) SSCC", f"AIs {', '.join(seen) or 'none'}")
    return Gs1Data(source=source, host=host, extra=tuple(extra), **values)


def _strip_prefix(value: str) -> str:
    """Without a symbology identifier (``]d2``, ``]C1``, ``]Q3``, ``]e0``...) and leading FNC1s."""
    return _SYMBOLOGY_ID.sub("", value, count=1).lstrip(GS)


def parse_element_string(text: str) -> Gs1Data:
    """Parse a GS1 element string: the bracketed HRI form ``(01)...(17)...(10)...(21)...`` or
    the raw form with GS (FNC1) after variable-length fields, with or without a symbology
    identifier or a leading FNC1. GTIN and SSCC check digits and dates are verified.

    >>> data = parse_element_string("]d2010950600013435217251200" "10ABC" "\\x1d" "21X1")
    >>> data.gtin, data.expiry_date, data.lot, data.serial
    ('09506000134352', datetime.date(2025, 12, 31), 'ABC', 'X1')
    """
    if not isinstance(text, str) or not text.strip():
        raise InvalidFormat(text, "a GS1 element string", "nothing" if isinstance(text, str) else type(text).__name__)
    value = _strip_prefix(text.strip())
    try:
        if value.startswith("("):
            # spaces between bracketed AIs are tolerated, never inside a value (biip drops them)
            value = re.sub(r"\s*\)\s*", ")", re.sub(r"\s*\(\s*", "(", value))
            if any(ch.isspace() for ch in value):
                bad = next(i for i, ch in enumerate(value, start=1) if ch.isspace())
                raise InvalidFormat(text, "an element string without spaces inside values", f"a space at {bad}")
            message = GS1Message.parse_hri(value)
        else:
            message = GS1Message.parse(value)
    except ParseError as error:
        # biip reports the first AI it could not read: say more precisely what was wrong where we can
        match = re.match(r"^\(?(01|00)\)?(\d+)", value)
        if match:
            key = match.group(2)[: _AI_PAIRS[match.group(1)]]
            (validate_gtin if match.group(1) == "01" else validate_sscc)(key)
        failed = re.search(r"Failed to match '([^']*)' with GS1 AI \((\d+)\)", str(error))
        if failed:
            ai = failed.group(2)
            what = "a valid date YYMMDD" if ai in ("11", "17") else "a value in GS1's format"
            raise InvalidComponent(text, f"AI ({ai}) as {what}", repr(failed.group(1)[len(ai) :])) from error
        raise InvalidComponent(text, "a GS1 element string", str(error)) from error
    pairs = [(element.ai.ai, element.value) for element in message.element_strings]
    return _from_elements(pairs, text, "element_string")


def _ordered_ais(data: Gs1Data, require_key: bool = True) -> list[tuple[str, str]]:
    """Validated ``(ai, value)`` pairs: fixed-length AIs first, then variable-length ones."""
    fixed: list[tuple[str, str]] = []
    variable: list[tuple[str, str]] = []
    if data.sscc is not None:
        fixed.append(("00", validate_sscc(data.sscc)))
    if data.gtin is not None:
        fixed.append(("01", to_gtin14(data.gtin)))
    if data.production_date is not None:
        fixed.append(("11", _yymmdd(data.production_date, "11")))
    if data.expiry_date is not None:
        fixed.append(("17", _yymmdd(data.expiry_date, "17")))
    if data.lot is not None:
        variable.append(("10", validate_lot(data.lot)))
    if data.serial is not None:
        variable.append(("21", validate_serial(data.serial)))
    for ai, value in data.extra:
        _check_extra(ai, value, data)
        (variable if _separator_required(ai) else fixed).append((ai, value))
    if require_key and data.sscc is None and data.gtin is None:
        raise InvalidComponent(data, "a GTIN or an SSCC", "neither")
    return fixed + variable


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
    """The element string of ``data`` and/or the values given (a keyword given wins over ``data``).

    ``style="hri"`` gives the bracketed form, ``style="raw"`` the form encoded in a GS1
    DataMatrix / GS1-128: fixed-length AIs first ((00), (01), (11), (17)), then (10), (21) and
    any extras, a GS after every variable-length field that is not last. Every part is validated.

    >>> build_element_string(gtin="9506000134352", lot="L1", serial="S1", style="raw")
    '010950600013435210L1\\x1d21S1'
    """
    if style not in ("hri", "raw"):
        raise InvalidComponent(style, "style 'hri' or 'raw'", repr(style))
    if data is not None and not isinstance(data, Gs1Data):
        raise InvalidComponent(data, "a Gs1Data", type(data).__name__)
    values = {key: getattr(data, key) for key in _FIELDS} if data is not None else {}
    given = {
        "gtin": gtin,
        "serial": serial,
        "lot": lot,
        "sscc": sscc,
        "production_date": production_date,
        "expiry_date": expiry_date,
    }
    values.update((key, value) for key, value in given.items() if value is not None)
    merged = Gs1Data(extra=data.extra if data is not None else (), **values)
    pairs = _ordered_ais(merged)
    if style == "hri":
        return "".join(f"({ai}){value}" for ai, value in pairs)
    out = []
    for index, (ai, value) in enumerate(pairs):
        out.append(ai + value)
        if index < len(pairs) - 1 and _separator_required(ai):
            out.append(GS)
    return "".join(out)


# -- GS1 Digital Link -------------------------------------------------------------------------


def _quote(value: str) -> str:
    """Percent-encoding of an AI value: everything but RFC 3986's unreserved characters, so
    ``/``, ``%``, ``&``, ``=``, ``?``, ``+``, ``#`` and the rest of set 82 survive any URL handling."""
    return quote(value, safe="")


def _base(base_url: str) -> str:
    parts = urlsplit(base_url if isinstance(base_url, str) else "")
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidFormat(base_url, "a base URL http(s)://host[/path]", repr(base_url))
    if parts.query or parts.fragment:
        raise InvalidFormat(base_url, "a base URL without query or fragment", repr(parts.query or parts.fragment))
    return base_url.rstrip("/")


def build_digital_link(
    base_url: str,
    gtin: str,
    serial: str | None = None,
    lot: str | None = None,
    *,
    expiry_date: datetime.date | None = None,
    production_date: datetime.date | None = None,
) -> str:
    """``<base>/01/<gtin14>/21/<serial>?10=<lot>&17=<yymmdd>&11=<yymmdd>``, the parts given only.

    >>> build_digital_link("https://trace.example.com/dl/", "9506000134352", "A/1", "L&2")
    'https://trace.example.com/dl/01/09506000134352/21/A%2F1?10=L%262'
    """
    url = f"{_base(base_url)}/01/{to_gtin14(gtin)}"
    if serial is not None:
        url += "/21/" + _quote(validate_serial(serial))
    query = []
    if lot is not None:
        query.append("10=" + _quote(validate_lot(lot)))
    if expiry_date is not None:
        query.append("17=" + _yymmdd(expiry_date, "17"))
    if production_date is not None:
        query.append("11=" + _yymmdd(production_date, "11"))
    return url + ("?" + "&".join(query) if query else "")


def build_sscc_link(base_url: str, sscc: str) -> str:
    """``<base>/00/<sscc>``."""
    return f"{_base(base_url)}/00/{validate_sscc(sscc)}"


def parse_digital_link(url: str) -> Gs1Data:
    """Parse a GS1 Digital Link URI: ``/01/<gtin>`` (GTIN-8/12/13/14) with the path qualifiers
    ``/22/``, ``/10/``, ``/21/``, or ``/00/<sscc>``, after an optional path prefix; query keys
    ``10``, ``11``, ``17``, ``21`` and other numeric AIs (kept in ``extra``); other query keys
    (``linkType``, tracking parameters) are ignored. A value in both path and query must agree.

    >>> data = parse_digital_link("HTTPS://D.Example/dl/01/9506000134352/10/L%2F2/21/S1?17=251200")
    >>> data.gtin, data.lot, data.serial, data.expiry_date, data.host
    ('09506000134352', 'L/2', 'S1', datetime.date(2025, 12, 31), 'd.example')
    """
    if not isinstance(url, str):
        raise InvalidFormat(url, "a Digital Link URI", type(url).__name__)
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidFormat(url, "a Digital Link starting http:// or https://", repr(parts.scheme or url))
    if not parts.hostname:
        raise InvalidFormat(url, "a Digital Link with a host", "no host")
    segments = parts.path.split("/")
    if len(segments) > 1 and segments[-1] == "":  # one trailing slash
        segments.pop()
    start = next(
        (
            i
            for i, segment in enumerate(segments[:-1])
            if segment in _AI_PAIRS and re.fullmatch(r"\d{8,18}", unquote(segments[i + 1]))
        ),
        None,
    )
    if start is None:
        raise InvalidComponent(url, "a path with /01/<gtin> or /00/<sscc>", repr(parts.path))
    pairs = segments[start:]
    if len(pairs) % 2:
        raise InvalidComponent(url, "AI/value pairs in the path", repr("/".join(pairs)))
    path = [(pairs[i], unquote(pairs[i + 1])) for i in range(0, len(pairs), 2)]
    allowed = _PATH_QUALIFIERS[path[0][0]]
    for ai, _value in path[1:]:
        if ai not in allowed:
            raise InvalidComponent(
                url, f"path qualifiers of AI ({path[0][0]}): {', '.join(allowed) or 'none'}", f"AI ({ai})"
            )
    # '+' is not a space here: Digital Link values are percent-encoded (RFC 3986), not form-encoded
    query = []
    for item in parts.query.split("&"):
        key, _sep, value = item.partition("=")
        key = unquote(key)
        if key.isdigit() and key not in ("00", "01"):
            query.append((key, unquote(value)))
    # a value given in both path and query must agree (checked by _from_elements)
    return _from_elements(path + query, url, "digital_link", host=parts.hostname.lower())


# -- scans --------------------------------------------------------------------------------------


def parse_scan(text: str) -> Gs1Data:
    """Classify and parse what a scan gun, a camera or a person gave.

    Whitespace, CR/LF, a symbology identifier and leading FNC1s are stripped; then an
    ``http(s)://`` URL is a Digital Link; bracketed text, text with a GS or announced as GS1 data
    (``]C1``, ``]d2``, ``]Q3``, ``]e0``, a leading FNC1), or ``01`` + 14 digits /
    ``00`` + 18 digits that parses, is an element string; 18 digits with a valid check digit are an
    SSCC; 8/12/13/14 digits with a valid check digit a GTIN; anything else a serial, kept exactly
    as scanned (1 to 20 characters of set 82).

    >>> [parse_scan(text).source for text in ("106141411234567897", "96385074", "7QA81NGX\\r\\n")]
    ['sscc', 'gtin', 'serial']
    """
    if not isinstance(text, str):
        raise InvalidFormat(text, "scanned text", type(text).__name__)
    stripped = _EDGE_SPACE.sub("", text)  # not str.strip(): GS counts as whitespace there
    value = _EDGE_SPACE.sub("", _strip_prefix(stripped))
    if not value:
        raise InvalidFormat(text, "a code", "nothing")
    if re.match(r"^https?://", value, re.IGNORECASE):
        return parse_digital_link(value)
    if value.startswith("(") or GS in value or _GS1_MARK.match(stripped):
        return parse_element_string(value)
    if re.match(r"^(01\d{14}|00\d{18})", value):
        try:
            return parse_element_string(value)
        except TraceKitError:
            if not _is_valid(validate_serial, value):
                raise
    if value.isdigit():
        if len(value) == 18 and is_valid_sscc(value):
            return Gs1Data(source="sscc", sscc=value)
        if len(value) in (8, 12, 13, 14) and is_valid_gtin(value):
            return Gs1Data(source="gtin", gtin=to_gtin14(value))
    return Gs1Data(source="serial", serial=validate_serial(value))
