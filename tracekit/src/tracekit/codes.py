"""Unguessable unit serials.

A code is ``random_chars`` characters of Crockford base32 (5 bits each) from a cryptographic
random source, at least 80 bits, followed, when a secret is given, by ``check_chars`` characters
holding the first ``check_chars * 5`` bits of ``HMAC-SHA256(secret, random part)``: a forged or
mistyped code is rejected without a database look-up. Every character is inside GS1 AI encodable
character set 82 and the whole fits AI (21)'s 20 characters. Codes are never sequential; the
module keeps no state.

>>> import random
>>> minter = CodeMinter(b"secret", randbytes=random.Random(1).randbytes)
>>> code = minter.mint(1)[0]
>>> len(code), minter.length, minter.random_bits, minter.check_bits
(20, 20, 80, 20)
>>> minter.verify(code), minter.verify(code[:-1] + ("0" if code[-1] != "0" else "1"))
(True, False)
>>> minter.validate(code.lower().replace("0", "o")) == code
True
>>> normalize("7qa8-1ngx-mrjc")
'7QA81NGXMRJC'
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import os
from collections.abc import Callable

from .errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

try:  # CPython's built-in SHA-256: copying its state is much cheaper than copying OpenSSL's
    from _sha256 import sha256 as _sha256  # Python 3.10, 3.11
except ImportError:  # pragma: no cover - depends on the interpreter
    try:
        from _sha2 import sha256 as _sha256  # Python 3.12+
    except ImportError:
        _sha256 = hashlib.sha256

__all__ = ["ALPHABET", "MAX_LENGTH", "MIN_RANDOM_BITS", "CodeMinter", "guess_probability", "normalize"]

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
MAX_LENGTH = 20  # GS1 AI (21)
MIN_RANDOM_BITS = 80
# RFC 4648 base32 -> Crockford base32: same 5-bit values, Crockford's characters
_FROM_B32 = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", ALPHABET.encode())
_TYPED = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})
_ALPHABET_SET = frozenset(ALPHABET)
_BLOCK = 64  # SHA-256 block size, for HMAC's key pads
_MAC_SIZE = 32
# byte -> the alphabet character of its low 5 bits; 5-bit value -> its character
_LOW5 = bytes(ALPHABET.encode()[b & 31] for b in range(256))
_VALUE = _LOW5


def _bits_table(offset: int, width: int, shift: int, to_alphabet: bool) -> bytes:
    """A ``bytes.translate`` table: byte -> its ``width`` bits from bit ``offset`` (0 = most
    significant), shifted left by ``shift``, as a number or as its alphabet character."""
    values = (((b >> (8 - offset - width)) & ((1 << width) - 1)) << shift for b in range(256))
    return bytes(_VALUE[v] for v in values) if to_alphabet else bytes(values)


def normalize(code: str) -> str:
    """Upper-case, strip spaces and hyphens, read O as 0 and I/L as 1 (Crockford's decoding).

    >>> normalize(" ab-cd ol ")
    'ABCD01'
    >>> normalize("ABU")
    Traceback (most recent call last):
    ...
    tracekit.errors.InvalidFormat: 'ABU': expected Crockford base32 characters (0-9, A-Z without I L O U), found 'U' at position 3
    """
    if not isinstance(code, str):
        raise InvalidFormat(code, "a code as text", type(code).__name__)
    value = code.upper().translate(_TYPED)
    if not _ALPHABET_SET.issuperset(value):
        position, char = next((i, ch) for i, ch in enumerate(value, start=1) if ch not in _ALPHABET_SET)
        raise InvalidFormat(
            code, "Crockford base32 characters (0-9, A-Z without I L O U)", f"{char!r} at position {position}"
        )
    return value


def guess_probability(issued: int, random_bits: int, check_bits: int = 0, guesses: int = 1) -> float:
    """Probability that ``guesses`` random attempts hit at least one of ``issued`` valid codes.

    Each attempt succeeds with ``p = issued / 2 ** (random_bits + check_bits)``: without the
    secret an attacker must guess the check segment as well as an issued random part.

    >>> guess_probability(10**9, 80, 20) < 1e-21
    True
    >>> guess_probability(0, 80)
    0.0
    """
    if issued < 0 or guesses < 0 or random_bits < 0 or check_bits < 0:
        raise InvalidComponent(
            (issued, random_bits, check_bits, guesses), "non-negative counts and bit sizes", "a negative one"
        )
    p = issued / 2 ** (random_bits + check_bits)
    if p >= 1:
        return 1.0
    return -math.expm1(guesses * math.log1p(-p))


class CodeMinter:
    """Mints and checks unit codes of one format and one secret.

    ``randbytes`` is the random source (``os.urandom`` unless a test injects a deterministic one).
    Without a secret there is no check segment (``check_chars`` is then 0).
    """

    def __init__(
        self,
        secret: bytes | None = None,
        *,
        random_chars: int = 16,
        check_chars: int = 4,
        randbytes: Callable[[int], bytes] = os.urandom,
    ):
        if secret is not None and not isinstance(secret, (bytes, bytearray)):
            raise InvalidFormat(type(secret).__name__, "a secret as bytes", type(secret).__name__)
        if secret is not None and not secret:  # an empty key would be a silent misconfiguration
            raise InvalidLength("", "a non-empty secret, or None for codes without a check segment", "0 bytes")
        if not isinstance(random_chars, int) or random_chars * 5 < MIN_RANDOM_BITS:
            raise InvalidComponent(
                random_chars,
                f"at least {MIN_RANDOM_BITS // 5} random characters ({MIN_RANDOM_BITS} bits)",
                f"{random_chars} characters",
            )
        if not isinstance(check_chars, int) or check_chars < 0:
            raise InvalidComponent(check_chars, "a number of check characters >= 0", repr(check_chars))
        self._secret = bytes(secret) if secret is not None else None
        self.random_chars = random_chars
        self.check_chars = check_chars if self._secret else 0
        if self.length > MAX_LENGTH:
            raise InvalidLength(
                f"{self.random_chars}+{self.check_chars}",
                f"codes of at most {MAX_LENGTH} characters (GS1 AI 21)",
                f"{self.length} characters",
            )
        self._randbytes = randbytes
        if self._secret:
            # HMAC-SHA256 with the key pads hashed once: per code only the two short final blocks
            key = self._secret
            if len(key) > _BLOCK:
                key = hashlib.sha256(key).digest()
            key = key.ljust(_BLOCK, b"\0")
            self._inner = _sha256(bytes(b ^ 0x36 for b in key))
            self._outer = _sha256(bytes(b ^ 0x5C for b in key))

    def __repr__(self) -> str:  # never shows the secret
        keyed = "keyed" if self._secret else "unkeyed"
        return f"<CodeMinter {keyed} random_chars={self.random_chars} check_chars={self.check_chars}>"

    @property
    def length(self) -> int:
        return self.random_chars + self.check_chars

    @property
    def random_bits(self) -> int:
        return self.random_chars * 5

    @property
    def check_bits(self) -> int:
        return self.check_chars * 5

    # -- minting ----------------------------------------------------------------------------

    def _random_text(self, n: int) -> bytes:
        """``n`` random parts back to back (ASCII), from one call of the random source.

        Each character is the low 5 bits of one random byte (uniform, as 256 is a multiple of 32),
        mapped with one ``bytes.translate``: ``base64.b32encode`` would pack the bits tighter but
        is a Python loop in CPython <= 3.12 (about 3 s for a million codes).
        """
        return self._randbytes(n * self.random_chars).translate(_LOW5)

    def _macs(self, parts: list[bytes]) -> bytes:
        """HMAC-SHA256(secret, part) of every part, back to back (same as ``hmac.digest``, faster)."""
        macs: list[bytes] = []
        append, inner, outer = macs.append, self._inner.copy, self._outer.copy
        for part in parts:
            i = inner()
            i.update(part)
            o = outer()
            o.update(i.digest())
            append(o.digest())
        return b"".join(macs)

    def _check_columns(self, parts: list[bytes]) -> list[bytes]:
        """Column ``k`` holds character ``k`` of every part's check segment: bits ``5k..5k+4``
        of its MAC, as base32 numbers them. Whole columns at a time, no per-code work."""
        n, blob, columns = len(parts), self._macs(parts), []
        for k in range(self.check_chars):
            byte, offset = divmod(5 * k, 8)
            if offset <= 3:  # the 5 bits lie in one byte
                columns.append(blob[byte::_MAC_SIZE].translate(_bits_table(offset, 5, 0, True)))
                continue
            high = blob[byte::_MAC_SIZE].translate(_bits_table(offset, 8 - offset, offset - 3, False))
            low = blob[byte + 1 :: _MAC_SIZE].translate(_bits_table(0, offset - 3, 0, False))
            # the two parts of each value have disjoint bits: one big-integer OR joins every column
            joined = (int.from_bytes(high, "big") | int.from_bytes(low, "big")).to_bytes(n, "big")
            columns.append(joined.translate(_VALUE))
        return columns

    def mint(self, n: int) -> list[str]:
        """``n`` distinct new codes, in random order.

        >>> import random
        >>> CodeMinter(randbytes=random.Random(2).randbytes).mint(2)
        ['K9YMSVMWVJ4J8FVS', 'Z6TEKSJQXBTNQ3EW']
        """
        if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
            raise InvalidComponent(n, "a positive number of codes to mint", repr(n))
        rc, cc = self.random_chars, self.check_chars
        text = self._random_text(n)
        parts = [text[i : i + rc] for i in range(0, n * rc, rc)]
        if len(set(parts)) < n:  # a collision inside this call (about 1 in 2**60 for a million)
            unique = dict.fromkeys(parts)
            while len(unique) < n:
                extra = self._random_text(n - len(unique))
                unique.update(dict.fromkeys(extra[i : i + rc] for i in range(0, len(extra), rc)))
            parts = list(unique)
            text = b"".join(parts)
        if not cc:
            codes = text.decode("ascii")
            return [codes[i : i + rc] for i in range(0, n * rc, rc)]
        length = rc + cc
        out = bytearray(n * length)
        for k in range(rc):  # interleave random parts and check segments without per-code work
            out[k::length] = text[k::rc]
        for k, column in enumerate(self._check_columns(parts)):
            out[rc + k :: length] = column
        codes = out.decode("ascii")
        return [codes[i : i + length] for i in range(0, n * length, length)]

    # -- checking ---------------------------------------------------------------------------

    def _check_segment(self, random_part: str) -> str:
        """The reference computation (``hmac.digest`` and ``base64``), which :meth:`mint`'s column
        arithmetic must match."""
        mac = hmac.digest(self._secret, random_part.encode("ascii"), "sha256")
        size = -(-self.check_chars // 8) * 5
        return base64.b32encode(mac[:size]).translate(_FROM_B32)[: self.check_chars].decode("ascii")

    def validate(self, code: str) -> str:
        """The normalised code, or a typed error: :class:`InvalidFormat` (a character outside the
        alphabet), :class:`InvalidLength`, :class:`InvalidChecksum` with ``kind="forged"`` (a check
        segment that our secret did not make)."""
        value = normalize(code)
        if len(value) != self.length:
            raise InvalidLength(code, f"a code of {self.length} characters", f"{len(value)} characters")
        if self.check_chars:
            random_part, check = value[: self.random_chars], value[self.random_chars :]
            if not hmac.compare_digest(self._check_segment(random_part), check):
                raise InvalidChecksum(
                    code,
                    "a check segment made with this minter's secret",
                    "a check segment that does not match",
                    kind="forged",
                )
        return value

    def verify(self, code: str) -> bool:
        """Whether :meth:`validate` accepts ``code`` (so typed forms such as lower case pass too).
        Without a secret only the length and the alphabet are checked."""
        try:
            self.validate(code)
        except ValueError:
            return False
        return True

    def guess_probability(self, issued: int, guesses: int = 1) -> float:
        """Probability that ``guesses`` random attempts hit one of ``issued`` codes of this format."""
        return guess_probability(issued, self.random_bits, self.check_bits, guesses)
