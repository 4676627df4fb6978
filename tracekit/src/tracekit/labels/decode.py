"""Reading symbols back from an image with ``zxing-cpp``: the proof of what a label carries."""

from __future__ import annotations

import io
from dataclasses import dataclass

import zxingcpp
from PIL import Image, UnidentifiedImageError

from ..errors import InvalidFormat

__all__ = ["Decoded", "decode_image"]


@dataclass(frozen=True)
class Decoded:
    """A symbol found in an image.

    ``format`` is ``"QRCode"``, ``"DataMatrix"``, ``"GS1-128"`` (Code 128 with FNC1 first),
    ``"Code128"`` or zxing-cpp's name of another symbology; ``text`` is the HRI form
    ``(01)...(21)...`` for GS1 symbols, the text as encoded otherwise; ``symbology_identifier``
    is the AIM identifier (``]Q1``, ``]d2``, ``]C1``, ...).
    """

    format: str
    text: str
    is_gs1: bool
    symbology_identifier: str = ""


def _format_name(result: zxingcpp.Barcode, is_gs1: bool) -> str:
    fmt = result.format
    name = getattr(fmt, "name", None) or str(fmt).split(".")[-1].replace(" ", "")
    if name == "Code128" and is_gs1:
        return "GS1-128"
    return name


def decode_image(png_bytes: bytes) -> list[Decoded]:
    """Every barcode zxing-cpp finds in the image (PNG, or any format Pillow reads), in its order.

    >>> from tracekit.labels import gs1_128_png
    >>> decode_image(gs1_128_png("(00)106141411234567897"))
    [Decoded(format='GS1-128', text='(00)106141411234567897', is_gs1=True, symbology_identifier=']C1')]
    """
    try:
        image = Image.open(io.BytesIO(png_bytes))
        image.load()
    except (UnidentifiedImageError, OSError, TypeError) as error:
        raise InvalidFormat(png_bytes[:16] if isinstance(png_bytes, bytes) else png_bytes,
                            "an image Pillow can read", str(error)) from error
    found = []
    for result in zxingcpp.read_barcodes(image.convert("L")):
        is_gs1 = result.content_type == zxingcpp.ContentType.GS1
        found.append(Decoded(format=_format_name(result, is_gs1), text=result.text, is_gs1=is_gs1,
                             symbology_identifier=result.symbology_identifier))
    return found
