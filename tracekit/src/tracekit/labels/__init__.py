"""Label symbols: the GS1 Digital Link QR of a unit, GS1 DataMatrix and GS1-128 of cases and
pallets, drawn as PNG or SVG (:mod:`.symbols`), decoded back to prove what was drawn
(:mod:`.decode`), and ZPL II label templates for thermal printers (:mod:`.zpl`).

QR codes are encoded by ``segno``; GS1 DataMatrix and GS1-128 by ``zxing-cpp``, which also decodes.
"""

from __future__ import annotations

from .decode import Decoded, decode_image
from .symbols import DATAMATRIX_SHAPES, datamatrix_png, datamatrix_svg, gs1_128_png, gs1_128_svg, qr_png, qr_svg

__all__ = [
    "DATAMATRIX_SHAPES",
    "Decoded",
    "datamatrix_png",
    "datamatrix_svg",
    "decode_image",
    "gs1_128_png",
    "gs1_128_svg",
    "qr_png",
    "qr_svg",
]
