"""Label symbols: the GS1 Digital Link QR of a unit, GS1 DataMatrix and GS1-128 of cases and
pallets, drawn as PNG or SVG, and decoded back (to prove what was drawn).

QR codes are encoded by ``segno`` (encoding separate from its writers); GS1 DataMatrix and
GS1-128 (FNC1 in first position, FNC1 separators) by ``zxing-cpp``, which also decodes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
import zxingcpp
from PIL import Image

from ..errors import InvalidComponent
from ..gs1 import build_element_string, parse_element_string

__all__ = [
    "Decoded",
    "datamatrix_png",
    "datamatrix_svg",
    "decode_image",
    "gs1_128_png",
    "gs1_128_svg",
    "qr_png",
    "qr_svg",
]


def _qr(data: str, error: str):
    if not data:
        raise InvalidComponent(data, "data to encode", "nothing")
    return segno.make_qr(data, error=error, boost_error=False)


def qr_svg(data: str, *, scale: int = 4, border: int = 4, error: str = "m") -> str:
    """A QR code of ``data`` (the unit's Digital Link) as an SVG document string."""
    buffer = io.BytesIO()
    _qr(data, error).save(buffer, kind="svg", scale=scale, border=border, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def qr_png(data: str, *, scale: int = 4, border: int = 4, error: str = "m") -> bytes:
    buffer = io.BytesIO()
    _qr(data, error).save(buffer, kind="png", scale=scale, border=border)
    return buffer.getvalue()


def _hri(element_string: str) -> str:
    """The bracketed form of an element string given in either form (validated)."""
    return build_element_string(parse_element_string(element_string), style="hri")


def _gs1_symbol(element_string: str, symbology):
    return zxingcpp.create_barcode(_hri(element_string), symbology, gs1=True)


def _png(barcode, scale: int) -> bytes:
    image = memoryview(zxingcpp.write_barcode_to_image(barcode, scale=scale))
    height, width = image.shape[0], image.shape[1]
    buffer = io.BytesIO()
    Image.frombytes("L", (width, height), image.tobytes()).save(buffer, format="PNG")
    return buffer.getvalue()


def datamatrix_png(element_string: str, *, scale: int = 4) -> bytes:
    """GS1 DataMatrix (FNC1 first, ``]d2``) of an element string (HRI or raw form)."""
    return _png(_gs1_symbol(element_string, zxingcpp.BarcodeFormat.DataMatrix), scale)


def datamatrix_svg(element_string: str) -> str:
    return zxingcpp.write_barcode_to_svg(_gs1_symbol(element_string, zxingcpp.BarcodeFormat.DataMatrix))


def gs1_128_png(element_string: str, *, scale: int = 2) -> bytes:
    """GS1-128 (Code 128 with FNC1, ``]C1``) of an element string, e.g. ``(00)<SSCC>``."""
    return _png(_gs1_symbol(element_string, zxingcpp.BarcodeFormat.Code128), scale)


def gs1_128_svg(element_string: str) -> str:
    return zxingcpp.write_barcode_to_svg(_gs1_symbol(element_string, zxingcpp.BarcodeFormat.Code128))


@dataclass(frozen=True)
class Decoded:
    """A symbol found in an image: ``text`` is the HRI form ``(01)...`` for GS1 symbols."""

    format: str
    text: str
    is_gs1: bool
    symbology_identifier: str


_FORMATS = {"QRCode": "QRCode", "DataMatrix": "DataMatrix", "Code128": "Code128"}


def decode_image(png: bytes) -> list[Decoded]:
    """Every barcode zxing-cpp finds in the PNG (or any image Pillow reads)."""
    image = Image.open(io.BytesIO(png)).convert("L")
    found = []
    for result in zxingcpp.read_barcodes(image):
        name = result.format.name if hasattr(result.format, "name") else str(result.format).split(".")[-1]
        is_gs1 = result.content_type == zxingcpp.ContentType.GS1
        if name == "Code128" and is_gs1:
            name = "GS1-128"
        found.append(Decoded(format=name, text=result.text, is_gs1=is_gs1,
                             symbology_identifier=result.symbology_identifier))
    return found
