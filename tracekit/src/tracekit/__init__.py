"""Product traceability toolkit: everything that needs no ORM.

Sub-modules:
- ``tracekit.errors``: the one error base (a ``ValueError``) and its typed subclasses.
- ``tracekit.gs1``: GTIN / GLN / SSCC check digits, element strings, GS1 Digital Link.
- ``tracekit.codes``: unguessable unit serials with an optional keyed check segment.
- ``tracekit.labels``: QR, GS1 DataMatrix, GS1-128 and ZPL label rendering.
- ``tracekit.epcis``: EPCIS 2.0 JSON-LD events and their canonical hashes.
"""

__version__ = "0.1.0"
