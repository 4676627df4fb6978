"""GS1 identifiers: check digits, element strings and GS1 Digital Link URIs.

Element strings are parsed by ``biip`` (a well-kept GS1 parser); this module is the stable API
around it and turns every failure into a :mod:`tracekit.errors` error that says the value, what
was expected and what was found. biip's exceptions never leave this module.

>>> calc_check_digit("950600013435")
'2'
>>> to_gtin14("9506000134352")
'09506000134352'
>>> data = parse_scan("https://id.example.com/01/09506000134352/10/L1/21/ABC123")
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
    "MAX_TEXT_LENGTH",
    "SOURCES",
    "Gs1Data",
    "build_digital_link",
    "build_element_string",
    "build_sscc_link",
    "calc_check_digit",
    "decode_component",
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
# The longest text any parser here reads: far more than any GS1 symbol on a label carries (a GS1
# DataMatrix holds at most 2,335 characters), so that a pasted file or a stuck scanner is refused
# at the edge instead of being worked through.
MAX_TEXT_LENGTH = 4096
_SYMBOLOGY_ID = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
# Whitespace stripped from the ends of a scan: every Unicode space but GS, which is data (str.strip
# with this set, not a regular expression: a long run of spaces inside a scan costs linear time).
_EDGE_SPACE = "".join(ch for ch in map(chr, range(0x3000 + 1)) if ch.isspace() and ch != "\x1d")
# symbology identifiers that announce GS1 element strings, or a leading FNC1
_GS1_MARK = re.compile(r"^(\]C1|\]d2|\]Q3|\]e0|\x1d)")
_AI_PAIRS = {"01": 14, "00": 18}  # Digital Link primary keys and their value lengths
# The key qualifiers of each primary key, as GS1 Digital Link URI syntax 1.4 lists them: one of the
# sequences, its AIs in this order, any of them left out (e.g. /01/<gtin>/21/<serial>).
_QUALIFIER_PATHS = {"01": (("22", "10", "21"), ("235",)), "00": ()}
_QUALIFIERS = {key: frozenset(ai for path in paths for ai in path) for key, paths in _QUALIFIER_PATHS.items()}
# Check digits inside other AIs: (start, length) of the digits the GS1 mod-10 check digit closes,
# for the keys that biip does not check itself (it checks GLNs and the GTIN of (02)).
_CHECKED_EXTRAS = {
    "02": (0, 14),  # GTIN of the contained trade items
    "253": (0, 13),  # GDTI
    "255": (0, 13),  # GCN
    "402": (0, 17),  # GSIN
    "8003": (1, 13),  # GRAI: a zero, then the 13 digits closed by the check digit, then the serial
    "8006": (0, 14),  # ITIP: a GTIN, then piece and total
    "8017": (0, 18),  # GSRN of a provider
    "8018": (0, 18),  # GSRN of a recipient
}
_MALFORMED_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
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
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{6}", value):
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
    _check_value(ai, value, text)
    try:
        # the raw form: a value holding "(" cannot be mistaken for the next bracketed AI
        elements = GS1Message.parse(ai + value).element_strings
    except ParseError as error:
        raise InvalidComponent(text, f"AI ({ai}) with a value GS1 allows", repr(value)) from error
    if len(elements) != 1 or (elements[0].ai.ai, elements[0].value) != (ai, value):
        raise InvalidComponent(text, f"AI ({ai}) with a value GS1 allows", repr(value))
    wrong = elements[0].gln_error or elements[0].gtin_error or elements[0].sscc_error
    if ai in _CHECKED_EXTRAS:
        start, length = _CHECKED_EXTRAS[ai]
        digits = value[start : start + length]
        if len(digits) == length and digits.isdigit() and calc_check_digit(digits[:-1]) != digits[-1]:
            wrong = f"check digit {digits[-1]}, expected {calc_check_digit(digits[:-1])}"
    if wrong:
        raise InvalidChecksum(text, f"AI ({ai}) with a valid check digit", wrong)
    return ai, value


def _check_value(ai: str, value: object, text: object) -> str:
    """Any AI's value: text, not empty, ASCII only (GS1's character sets are ASCII; a full-width
    or Arabic-Indic digit is refused here, not read as a digit by a pattern further on)."""
    if not isinstance(value, str):
        raise InvalidComponent(text, f"AI ({ai}) as text", type(value).__name__)
    if not value:
        raise InvalidComponent(text, f"AI ({ai}) with a value", "nothing")
    if not value.isascii():
        position, char = next((i, ch) for i, ch in enumerate(value, start=1) if not ch.isascii())
        raise InvalidFormat(text, f"AI ({ai}) of ASCII characters", f"{char!r} at position {position}")
    return value


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
        _check_value(ai, value, text)
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


def _check_text(text: object, expected: str) -> str:
    """``text`` as a str of at most :data:`MAX_TEXT_LENGTH` characters, else a typed error."""
    if not isinstance(text, str):
        raise InvalidFormat(text, expected, type(text).__name__)
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidLength(text[:64] + "...", f"{expected} of at most {MAX_TEXT_LENGTH} characters",
                            f"{len(text)} characters")
    return text


def _tidy_brackets(value: str, text: str) -> str:
    """The bracketed form without the spaces tolerated around its brackets; a space anywhere
    else (inside a value) is refused. One pass over the text: no pattern can backtrack here."""
    out = []
    index = 0
    while index < len(value):
        if not value[index].isspace():
            out.append(value[index])
            index += 1
            continue
        end = index
        while end < len(value) and value[end].isspace():
            end += 1
        before = value[index - 1] if index else "("
        after = value[end] if end < len(value) else ")"
        if before not in "()" and after not in "()":
            raise InvalidFormat(text, "an element string without spaces inside values", f"a space at {index + 1}")
        index = end
    return "".join(out)


# an AI in brackets followed by the next AI in brackets, or by the end: an AI without a value
_EMPTY_BRACKETED = re.compile(r"\(([0-9]{2,4})\)(?=\([0-9]{2,4}\)|$)")


def parse_element_string(text: str) -> Gs1Data:
    """Parse a GS1 element string: the bracketed HRI form ``(01)...(17)...(10)...(21)...`` or
    the raw form with GS (FNC1) after variable-length fields, with or without a symbology
    identifier or a leading FNC1. GTIN and SSCC check digits, the check digits inside other keys
    ((02), (410)...(417), (8003), ...) and dates are verified; values are ASCII, never empty.

    >>> data = parse_element_string("]d2010950600013435217251200" "10ABC" "\\x1d" "21X1")
    >>> data.gtin, data.expiry_date, data.lot, data.serial
    ('09506000134352', datetime.date(2025, 12, 31), 'ABC', 'X1')
    """
    _check_text(text, "a GS1 element string")
    if not text.strip():
        raise InvalidFormat(text, "a GS1 element string", "nothing")
    value = _strip_prefix(text.strip())
    if not value.isascii():
        position, char = next((i, ch) for i, ch in enumerate(value, start=1) if not ch.isascii())
        raise InvalidFormat(text, "a GS1 element string of ASCII characters", f"{char!r} at position {position}")
    try:
        if value.startswith("("):
            # spaces between bracketed AIs are tolerated, never inside a value (biip drops them)
            value = _tidy_brackets(value, text)
            empty = _EMPTY_BRACKETED.search(value)
            if empty:  # biip drops an AI without a value: "(01)...(21)" is no serial, but an error
                raise InvalidComponent(text, f"AI ({empty.group(1)}) with a value", "nothing")
            message = GS1Message.parse_hri(value)
        else:
            message = GS1Message.parse(value)
    except ParseError as error:
        # biip reports the first AI it could not read: say more precisely what was wrong where we can
        match = re.match(r"^\(?(01|00)\)?([0-9]+)", value)
        if match:
            key = match.group(2)[: _AI_PAIRS[match.group(1)]]
            (validate_gtin if match.group(1) == "01" else validate_sscc)(key)
        failed = re.search(r"Failed to match '([^']*)' with GS1 AI \(([0-9]+)\)", str(error))
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
    try:
        parts = urlsplit(base_url if isinstance(base_url, str) else "")
        host = parts.hostname
    except ValueError as error:  # e.g. "https://[" (an unclosed IPv6 literal)
        raise InvalidFormat(base_url, "a base URL http(s)://host[/path]", str(error)) from error
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise InvalidFormat(base_url, "a base URL http(s)://host[/path]", repr(base_url))
    if parts.query or parts.fragment:
        raise InvalidFormat(base_url, "a base URL without query or fragment", repr(parts.query or parts.fragment))
    return base_url.rstrip("/")


def _link(base_url: str, path: list[tuple[str, str]], query: list[tuple[str, str]]) -> str:
    url = _base(base_url) + "".join(f"/{ai}/{_quote(value)}" for ai, value in path)
    return url + ("?" + "&".join(f"{ai}={_quote(value)}" for ai, value in query) if query else "")


def _link_extras(extra, key: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The (qualifier, value) pairs of ``extra`` that belong in the path of primary key ``key``,
    and the rest, which are data attributes for the query; each checked, none twice."""
    if isinstance(extra, (str, bytes)) or not all(isinstance(pair, (tuple, list)) and len(pair) == 2 for pair in extra):
        raise InvalidComponent(extra, "extra AIs as (ai, value) pairs", repr(extra)[:80])
    qualifiers, attributes, seen = {}, [], set()
    for ai, value in extra:
        _check_extra(ai, value, extra)
        if ai in seen:
            raise InvalidComponent(extra, f"AI ({ai}) once", "twice")
        seen.add(ai)
        if ai in _QUALIFIERS[key]:
            qualifiers[ai] = value
        else:
            attributes.append((ai, value))
    return list(qualifiers.items()), attributes


def build_digital_link(
    base_url: str,
    gtin: str,
    serial: str | None = None,
    lot: str | None = None,
    *,
    expiry_date: datetime.date | None = None,
    production_date: datetime.date | None = None,
    extra: tuple[tuple[str, str], ...] = (),
) -> str:
    """The GS1 Digital Link URI of a trade item, as GS1's URI syntax (1.4) wants it: the key
    qualifiers in the path in their order, ``<base>/01/<gtin14>[/22/<cpv>][/10/<lot>][/21/<serial>]``
    (or ``/235/<tpx>``), then the other AIs as query attributes: ``17``, ``11`` and the ``extra``
    pairs in the order given (e.g. ``("15", "261231")``, ``("3103", "000250")``); every value
    percent-encoded, each AI at most once.

    >>> build_digital_link("https://trace.example.com/dl/", "9506000134352", "A/1", "L&2")
    'https://trace.example.com/dl/01/09506000134352/10/L%262/21/A%2F1'
    >>> build_digital_link("https://d.example", "9506000134352", "S1", expiry_date=datetime.date(2027, 1, 31),
    ...                    extra=(("3103", "000250"),))
    'https://d.example/01/09506000134352/21/S1?17=270131&3103=000250'
    """
    qualifiers, attributes = _link_extras(extra, "01")
    given = dict(qualifiers)
    if lot is not None:
        given["10"] = validate_lot(lot)
    if serial is not None:
        given["21"] = validate_serial(serial)
    sequence = next((seq for seq in _QUALIFIER_PATHS["01"] if set(given) <= set(seq)), None)
    if sequence is None:
        raise InvalidComponent(extra, "the qualifiers (22) (10) (21), or (235) alone",
                               f"AIs {', '.join(sorted(given))}")
    path = [("01", to_gtin14(gtin))] + [(ai, given[ai]) for ai in sequence if ai in given]
    dates = []
    if expiry_date is not None:
        dates.append(("17", _yymmdd(expiry_date, "17")))
    if production_date is not None:
        dates.append(("11", _yymmdd(production_date, "11")))
    return _link(base_url, path, dates + attributes)


def build_sscc_link(base_url: str, sscc: str, *, extra: tuple[tuple[str, str], ...] = ()) -> str:
    """``<base>/00/<sscc>``, the ``extra`` AIs (e.g. ``("02", gtin)``, ``("37", "24")``) as query
    attributes.

    >>> build_sscc_link("https://d.example", "106141411234567897", extra=(("37", "24"),))
    'https://d.example/00/106141411234567897?37=24'
    """
    _qualifiers, attributes = _link_extras(extra, "00")
    return _link(base_url, [("00", validate_sscc(sscc))], attributes)


def decode_component(raw: str, *, url: str | None = None, where: str = "a Digital Link value") -> str:
    """A percent-encoded Digital Link path segment or query value, decoded strictly: a ``%`` that
    does not start ``%XX``, or bytes that are no UTF-8 text, are an :class:`InvalidFormat`
    (``urllib``'s ``unquote`` would pass them on as they are, or as U+FFFD).

    >>> decode_component("A%2F1%25")
    'A/1%'
    """
    if _MALFORMED_PERCENT.search(raw):
        raise InvalidFormat(url or raw, f"{where} percent-encoded as %XX", repr(raw))
    try:
        return unquote(raw, errors="strict")
    except UnicodeDecodeError as error:  # %FF...: bytes that are no UTF-8 text
        raise InvalidFormat(url or raw, f"{where} percent-encoding UTF-8 text", repr(raw)) from error


def parse_digital_link(url: str) -> Gs1Data:
    """Parse a GS1 Digital Link URI: ``/01/<gtin>`` (GTIN-8/12/13/14) with its key qualifiers
    in the path, in the order ``/22/``, ``/10/``, ``/21/`` (any left out) or ``/235/`` alone, or
    ``/00/<sscc>`` alone, after an optional path prefix; numeric query keys are the other AIs
    (kept in ``extra`` where Gs1Data has no field for them); other query keys (``linkType``,
    tracking parameters) are ignored.

    Refused, with GS1's Digital Link URI syntax and General Specifications as the reference:
    qualifiers out of order or of two sequences, an AI given twice (path or query), a primary key
    in the query, an empty value, ``+`` in a query value (a space to form decoders, a plus to
    others: it must be percent-encoded), malformed percent-encoding, non-ASCII values, bad check
    digits of any key. A key qualifier in the query (``.../21/<serial>?10=<lot>``, the form earlier
    versions printed) is read, so printed codes keep resolving; the builders never write it.

    >>> data = parse_digital_link("HTTPS://D.Example/dl/01/9506000134352/10/L%2F2/21/S1?17=251200")
    >>> data.gtin, data.lot, data.serial, data.expiry_date, data.host
    ('09506000134352', 'L/2', 'S1', datetime.date(2025, 12, 31), 'd.example')
    """
    _check_text(url, "a Digital Link URI")
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError as error:  # e.g. "https://[" (an unclosed IPv6 literal)
        raise InvalidFormat(url, "a Digital Link URI", str(error)) from error
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidFormat(url, "a Digital Link starting http:// or https://", repr(parts.scheme or url))
    if not host:
        raise InvalidFormat(url, "a Digital Link with a host", "no host")
    segments = parts.path.split("/")
    if len(segments) > 1 and segments[-1] == "":  # one trailing slash
        segments.pop()
    start = next(
        (
            i
            for i, segment in enumerate(segments[:-1])
            if segment in _AI_PAIRS and re.fullmatch(r"[0-9]{8,18}", segments[i + 1])
        ),
        None,
    )
    if start is None:
        raise InvalidComponent(url, "a path with /01/<gtin> or /00/<sscc>", repr(parts.path))
    pairs = segments[start:]
    if len(pairs) % 2:
        raise InvalidComponent(url, "AI/value pairs in the path", repr("/".join(pairs)))
    path = [(pairs[i], decode_component(pairs[i + 1], url=url, where="path values")) for i in range(0, len(pairs), 2)]
    key = path[0][0]
    qualifiers = [ai for ai, _value in path[1:]]
    if qualifiers and not any(
        all(ai in sequence for ai in qualifiers)
        and [sequence.index(ai) for ai in qualifiers] == sorted({sequence.index(ai) for ai in qualifiers})
        for sequence in _QUALIFIER_PATHS[key]
    ):
        allowed = " or ".join("/".join(sequence) for sequence in _QUALIFIER_PATHS[key]) or "none"
        raise InvalidComponent(url, f"the path qualifiers of AI ({key}) in the order {allowed}",
                               "/".join(qualifiers))
    query = []
    for item in parts.query.split("&") if parts.query else ():
        raw_key, _sep, raw_value = item.partition("=")
        name = decode_component(raw_key, url=url, where="query keys")
        if not name.isdigit():
            continue  # linkType, context, tracking parameters: not GS1 data
        if not name.isascii():
            raise InvalidFormat(url, "AIs of ASCII digits", repr(name))
        if name in _AI_PAIRS:
            raise InvalidComponent(url, f"AI ({name}) in the path only", f"?{name}= in the query")
        if "+" in raw_value:
            raise InvalidFormat(url, f"AI ({name}) percent-encoded ('+' as %2B)", repr(raw_value))
        query.append((name, decode_component(raw_value, url=url, where="query values")))
    seen = [ai for ai, _value in path + query]
    twice = next((ai for ai in seen if seen.count(ai) > 1), None)
    if twice:
        raise InvalidComponent(url, f"AI ({twice}) once", "twice")
    legacy = [ai for ai, _value in query if ai in _QUALIFIERS[key]]
    if legacy and not any(set(qualifiers + legacy) <= set(sequence) for sequence in _QUALIFIER_PATHS[key]):
        raise InvalidComponent(url, f"the qualifiers of AI ({key}) from one sequence",
                               ", ".join(qualifiers + legacy))
    return _from_elements(path + query, url, "digital_link", host=host.lower())


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
    _check_text(text, "scanned text")
    stripped = text.strip(_EDGE_SPACE)  # not str.strip(): GS counts as whitespace there
    value = _strip_prefix(stripped).strip(_EDGE_SPACE)
    if not value:
        raise InvalidFormat(text, "a code", "nothing")
    if re.match(r"^https?://", value, re.IGNORECASE):
        return parse_digital_link(value)
    if value.startswith("(") or GS in value or _GS1_MARK.match(stripped):
        return parse_element_string(value)
    if re.match(r"^(01[0-9]{14}|00[0-9]{18})", value):
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
