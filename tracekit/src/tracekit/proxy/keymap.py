"""Keystrokes of a keyboard-wedge scan gun (Linux input events) back to the text it scanned.

A scan gun in keyboard mode is a USB keyboard: it "types" each character of the code as key
presses, with Shift for capitals and symbols, and ends the read with Enter (or Tab). The proxy
reads its ``/dev/input/event*`` node (through ``python-evdev``, grabbing it so the keystrokes do
not also reach whatever window has the focus) and turns the key codes back into characters with
:class:`KeyDecoder`, for the US layout scanners are set to by default.

GS1 codes carry the FNC1 separator as ASCII GS (0x1D), which has no key: scanners send it as
Ctrl+] or as Alt + keypad digits (Alt 0 2 9); both are understood, as is any Alt+keypad number.
"""

from __future__ import annotations

# ecodes names -> (unshifted, shifted); KEY_A..KEY_Z are added below
_US = {
    "KEY_1": ("1", "!"), "KEY_2": ("2", "@"), "KEY_3": ("3", "#"), "KEY_4": ("4", "$"), "KEY_5": ("5", "%"),
    "KEY_6": ("6", "^"), "KEY_7": ("7", "&"), "KEY_8": ("8", "*"), "KEY_9": ("9", "("), "KEY_0": ("0", ")"),
    "KEY_MINUS": ("-", "_"), "KEY_EQUAL": ("=", "+"), "KEY_LEFTBRACE": ("[", "{"), "KEY_RIGHTBRACE": ("]", "}"),
    "KEY_SEMICOLON": (";", ":"), "KEY_APOSTROPHE": ("'", '"'), "KEY_GRAVE": ("`", "~"),
    "KEY_BACKSLASH": ("\\", "|"), "KEY_COMMA": (",", "<"), "KEY_DOT": (".", ">"), "KEY_SLASH": ("/", "?"),
    "KEY_SPACE": (" ", " "), "KEY_TAB": ("\t", "\t"), "KEY_ENTER": ("\n", "\n"), "KEY_KPENTER": ("\n", "\n"),
    "KEY_KPMINUS": ("-", "-"), "KEY_KPPLUS": ("+", "+"), "KEY_KPASTERISK": ("*", "*"), "KEY_KPSLASH": ("/", "/"),
    "KEY_KPDOT": (".", "."),
}
_KEYPAD_DIGITS = {f"KEY_KP{d}": d for d in "0123456789"}
_SHIFTS = ("KEY_LEFTSHIFT", "KEY_RIGHTSHIFT")
_CTRLS = ("KEY_LEFTCTRL", "KEY_RIGHTCTRL")
_ALTS = ("KEY_LEFTALT", "KEY_RIGHTALT")
# Ctrl + key -> control character (the ones scanners use for GS1 separators and framing)
_CTRL_CHARS = {"KEY_RIGHTBRACE": "\x1d", "KEY_6": "\x1e", "KEY_MINUS": "\x1f", "KEY_LEFTBRACE": "\x1b",
               "KEY_BACKSLASH": "\x1c", "KEY_M": "\r", "KEY_J": "\n", "KEY_B": "\x02", "KEY_C": "\x03"}
EV_KEY = 0x01
KEY_DOWN, KEY_UP = 1, 0  # values of EV_KEY events (2 is an auto-repeat, ignored)


class KeyDecoder:
    """Feeds ``(type, code, value)`` input events; returns the characters typed.

    ``codes`` maps key code numbers to ecodes names (``evdev.ecodes.KEY`` flattened); passed in so
    that this class needs no ``evdev`` import and no device.
    """

    def __init__(self, codes: dict[int, str]):
        known = set(_US) | set(_KEYPAD_DIGITS) | set(_SHIFTS + _CTRLS + _ALTS) | set(_CTRL_CHARS) | {
            f"KEY_{letter}" for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"} | {"KEY_CAPSLOCK"}
        names = {}
        for number, name in codes.items():
            aliases = name if isinstance(name, (list, tuple)) else (name,)
            wanted = [one for one in aliases if one in known]
            if wanted:  # a code with several names (evdev lists aliases): the one this decoder knows
                names[number] = wanted[0]
        self._names = names
        self._shift = 0
        self._ctrl = 0
        self._alt = 0
        self._caps = False
        self._alt_digits = ""

    def feed(self, events) -> str:
        out = []
        for kind, code, value in events:
            if kind != EV_KEY:
                continue
            name = self._names.get(code)
            if name is None:
                continue
            if name in _SHIFTS:
                self._shift = _held(self._shift, value)
                continue
            if name in _CTRLS:
                self._ctrl = _held(self._ctrl, value)
                continue
            if name in _ALTS:
                self._alt = _held(self._alt, value)
                if value == KEY_UP and not self._alt and self._alt_digits:  # Alt released: the number is a character
                    number, self._alt_digits = int(self._alt_digits), ""
                    if 0 < number < 0x110000:
                        out.append(chr(number if number > 255 else _cp1252(number)))
                continue
            if value != KEY_DOWN:  # releases; auto-repeat is not something a scanner does on purpose
                continue
            if name == "KEY_CAPSLOCK":
                self._caps = not self._caps
                continue
            if self._alt and name in _KEYPAD_DIGITS:
                self._alt_digits += _KEYPAD_DIGITS[name]
                continue
            if self._ctrl:
                char = _CTRL_CHARS.get(name)
                if char:
                    out.append(char)
                continue
            if name in _KEYPAD_DIGITS:
                out.append(_KEYPAD_DIGITS[name])
                continue
            if len(name) == 5 and name[4].isalpha():  # KEY_A .. KEY_Z
                upper = bool(self._shift) != self._caps
                out.append(name[4] if upper else name[4].lower())
                continue
            pair = _US.get(name)
            if pair:
                out.append(pair[1] if self._shift else pair[0])
        return "".join(out)


def _held(count: int, value: int) -> int:
    """How many keys of a modifier pair (left and right) are down after this event."""
    return max(count + (value == KEY_DOWN) - (value == KEY_UP), 0)


def _cp1252(number: int) -> int:
    """Alt + a keypad number below 256 types that byte of the Windows code page (GS = 29 either way)."""
    if number < 128 or number > 159:
        return number
    try:
        return ord(bytes([number]).decode("cp1252"))
    except UnicodeDecodeError:
        return number


def keystrokes(text: str, codes_by_name: dict[str, int]) -> list[tuple[int, int, int]]:
    """The input events a US-layout scan gun sends for ``text`` (tests and line simulators):
    Shift around capitals and symbols, Ctrl+] for GS, Enter for a newline."""
    events = []

    def tap(name, *, shift=False, ctrl=False):
        mods = (["KEY_LEFTSHIFT"] if shift else []) + (["KEY_LEFTCTRL"] if ctrl else [])
        for mod in mods:
            events.append((EV_KEY, codes_by_name[mod], KEY_DOWN))
        events.append((EV_KEY, codes_by_name[name], KEY_DOWN))
        events.append((EV_KEY, codes_by_name[name], KEY_UP))
        for mod in reversed(mods):
            events.append((EV_KEY, codes_by_name[mod], KEY_UP))

    reverse = {}
    for name, (plain, shifted) in _US.items():
        reverse.setdefault(plain, (name, False))
        reverse.setdefault(shifted, (name, True))
    for char in text:
        if char.isascii() and char.isalpha():
            tap(f"KEY_{char.upper()}", shift=char.isupper())
        elif char == "\x1d":
            tap("KEY_RIGHTBRACE", ctrl=True)
        elif char in reverse:
            name, shift = reverse[char]
            tap(name, shift=shift)
        else:
            raise ValueError(f"no US key types {char!r}")
    return events
