"""Unguessable unit serials.

A code is ``random_chars`` characters of Crockford base32 drawn from a cryptographic source (at
least 80 bits: each character takes the low 5 bits of one random byte), followed, when a secret
is given, by ``check_chars`` characters of a keyed BLAKE2s MAC of the random part: a forged or
mistyped code is rejected without a database look-up. Every character
is inside GS1 AI 82, and the whole fits AI (21)'s 20 characters. Never sequential.

>>> import random
>>> minter = CodeMinter(b"secret", randbytes=random.Random(1).randbytes)
>>> code = minter.mint(1)[0]
>>> len(code), minter.verify(code), minter.verify(code[:-1] + ("0" if code[-1] != "0" else "1"))
(20, True, False)
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
from collections.abc import Callable

from .errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# byte -> the alphabet character of its low 5 bits: uniform bytes give uniform characters
_FIVE_BITS = bytes(ALPHABET.encode()[b & 31] for b in range(256))
_TYPED = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})
_ALPHABET_SET = frozenset(ALPHABET)
MAX_LENGTH = 20


def normalize(code: str) -> str:
    """Upper-case, strip spaces and hyphens, read O as 0 and I/L as 1 (Crockford's rules)."""
    value = str(code).upper().translate(_TYPED)
    for position, char in enumerate(value, start=1):
        if char not in _ALPHABET_SET:
            raise InvalidFormat(code, "Crockford base32 characters", f"{char!r} at position {position}")
    return value


def guess_probability(issued: int, random_bits: int, check_bits: int = 0, guesses: int = 1) -> float:
    """Probability that ``guesses`` random attempts hit at least one of ``issued`` valid codes."""
    p = issued / 2 ** (random_bits + check_bits)
    if p >= 1:
        return 1.0
    return -math.expm1(guesses * math.log1p(-p))


class CodeMinter:
    def __init__(
        self,
        secret: bytes | None = None,
        *,
        random_chars: int = 16,
        check_chars: int = 4,
        randbytes: Callable[[int], bytes] = os.urandom,
    ):
        if random_chars * 5 < 80:
            raise InvalidComponent(random_chars, "at least 16 random characters (80 bits)", f"{random_chars * 5} bits")
        self.secret = (secret or None) and hashlib.sha256(secret).digest()  # a BLAKE2s key is 32 bytes at most
        self.random_chars = random_chars
        self.check_chars = check_chars if self.secret else 0
        if self.random_chars + self.check_chars > MAX_LENGTH:
            raise InvalidLength(
                self.random_chars + self.check_chars, f"at most {MAX_LENGTH} characters", "a longer code"
            )
        self._randbytes = randbytes

    @property
    def length(self) -> int:
        return self.random_chars + self.check_chars

    @property
    def random_bits(self) -> int:
        return self.random_chars * 5

    @property
    def check_bits(self) -> int:
        return self.check_chars * 5

    def _checks(self, random_parts: list[str]) -> list[str]:
        """The check segments of ``random_parts``, MACs computed one by one, encoded in bulk."""
        key, size, blake = self.secret, self.check_chars, hashlib.blake2s
        blob = b"".join([blake(part.encode(), key=key, digest_size=size).digest() for part in random_parts])
        text = blob.translate(_FIVE_BITS).decode()
        return [text[i : i + size] for i in range(0, size * len(random_parts), size)]

    def _random_parts(self, n: int) -> list[str]:
        step = self.random_chars
        text = self._randbytes(step * n).translate(_FIVE_BITS).decode()
        return [text[i : i + step] for i in range(0, step * n, step)]

    def mint(self, n: int) -> list[str]:
        """``n`` distinct new codes."""
        if not isinstance(n, int) or n <= 0:
            raise InvalidComponent(n, "a positive number of codes", repr(n))
        parts = list(dict.fromkeys(self._random_parts(n)))
        while len(parts) < n:  # a collision inside the call: draw again
            parts = list(dict.fromkeys(parts + self._random_parts(n - len(parts))))
        if not self.check_chars:
            return parts
        return [part + check for part, check in zip(parts, self._checks(parts))]

    def validate(self, code: str) -> str:
        """The normalised code, or a typed error (``kind="forged"`` when the check fails)."""
        value = normalize(code)
        if len(value) != self.length:
            raise InvalidLength(code, f"{self.length} characters", f"{len(value)} characters")
        if self.check_chars:
            random_part, check = value[: self.random_chars], value[self.random_chars :]
            expected = self._checks([random_part])[0]
            if not hmac.compare_digest(expected, check):
                raise InvalidChecksum(code, "a check segment made with our key", "another one", kind="forged")
        return value

    def verify(self, code: str) -> bool:
        try:
            self.validate(code)
        except ValueError:
            return False
        return True

    def guess_probability(self, issued: int, guesses: int = 1) -> float:
        return guess_probability(issued, self.random_bits, self.check_bits, guesses)
