"""The errors of tracekit.

Every failure is a :class:`TraceKitError`, a ``ValueError`` whose message says the value, what
was expected and what was found. The parts are kept as attributes too (``value``, ``expected``,
``found``), so that an application can render its own translated message from them without
parsing English text.
"""

from __future__ import annotations


class TraceKitError(ValueError):
    """Base of every tracekit error.

    ``kind`` is a stable machine-readable name of the failure (the class's ``kind`` unless given),
    which applications map to their own (translated) messages.
    """

    kind = "invalid"

    def __init__(self, value: object, expected: str, found: str, *, kind: str | None = None):
        self.value = value
        self.expected = expected
        self.found = found
        if kind:
            self.kind = kind
        super().__init__(f"{value!r}: expected {expected}, found {found}")


class InvalidFormat(TraceKitError):
    """The value has characters or a structure that the format does not allow."""

    kind = "format"


class InvalidLength(TraceKitError):
    """The value is too short or too long."""

    kind = "length"


class InvalidChecksum(TraceKitError):
    """A check digit or a check segment does not match the rest of the value."""

    kind = "checksum"


class InvalidComponent(TraceKitError):
    """A part of a compound value (an AI of an element string, a Digital Link segment) is wrong."""

    kind = "component"
