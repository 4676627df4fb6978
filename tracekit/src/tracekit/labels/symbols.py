"""Drawing the symbols of a label as PNG or SVG.

- QR (the unit's GS1 Digital Link): encoded by ``segno``, written by its own PNG/SVG writers.
- GS1 DataMatrix and GS1-128: encoded by ``zxing-cpp`` (its Zint-based creator, asked for GS1
  mode: FNC1 in first position, FNC1 after every variable-length field that is not last). The
  module matrix zxing-cpp draws at one pixel per module is then written here, so that PNG and SVG
  come from the same matrix and SVG has the same shape (no XML declaration) as segno's.

Element strings are validated by :mod:`tracekit.gs1` first, so a wrong check digit or a character
outside GS1 set 82 is a :class:`~tracekit.errors.TraceKitError`, never a silently drawn symbol.
"""

from __future__ import annotations

import io

import segno
import zxingcpp
from PIL import Image

from ..errors import InvalidComponent, InvalidFormat
from ..gs1 import build_element_string, parse_element_string

__all__ = [
    "datamatrix_png",
    "datamatrix_svg",
    "gs1_128_png",
    "gs1_128_svg",
    "qr_png",
    "qr_svg",
]

_QR_ERRORS = ("l", "m", "q", "h")
Matrix = list[list[bool]]


def _positive(value: int, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidComponent(value, f"{name} as a whole number of 1 or more", repr(value))
    return value


def _qr(data: str, error: str) -> segno.QRCode:
    if not isinstance(data, str) or not data:
        raise InvalidFormat(data, "text to encode", "nothing")
    if error.lower() not in _QR_ERRORS:
        raise InvalidComponent(error, "an error correction level l, m, q or h", repr(error))
    # micro=False: phone cameras and ^BQ printers know only full-size QR codes
    return segno.make_qr(data, error=error, boost_error=False)


def qr_svg(data: str, *, scale: int = 4, border: int = 4, error: str = "m") -> str:
    """A QR code of ``data`` (the unit's GS1 Digital Link) as an ``<svg>`` document, no XML declaration.

    >>> qr_svg("https://id.example.com/01/09506000134352/21/ABC").startswith("<svg")
    True
    """
    buffer = io.BytesIO()
    _qr(data, error).save(buffer, kind="svg", scale=_positive(scale, "scale"), border=border,
                          xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def qr_png(data: str, *, scale: int = 4, border: int = 4, error: str = "m") -> bytes:
    """A QR code of ``data`` as PNG bytes."""
    buffer = io.BytesIO()
    _qr(data, error).save(buffer, kind="png", scale=_positive(scale, "scale"), border=border)
    return buffer.getvalue()


def _hri(element_string: str) -> str:
    """The bracketed form of an element string given in either form (validated by tracekit.gs1)."""
    return build_element_string(parse_element_string(element_string), style="hri")


def _gs1_matrix(element_string: str, symbology: zxingcpp.BarcodeFormat) -> Matrix:
    """The modules (True = dark) of the GS1 symbol, quiet zones included, one row per module row."""
    barcode = zxingcpp.create_barcode(_hri(element_string), symbology, gs1=True)
    image = memoryview(zxingcpp.write_barcode_to_image(barcode, scale=1))
    height, width = image.shape[0], image.shape[1]
    pixels = image.tobytes()
    return [[pixels[row * width + col] < 128 for col in range(width)] for row in range(height)]


def _png(matrix: Matrix, scale: int) -> bytes:
    height, width = len(matrix), len(matrix[0])
    image = Image.frombytes("L", (width, height), bytes(0 if dark else 255 for row in matrix for dark in row))
    if scale > 1:
        image = image.resize((width * scale, height * scale), Image.NEAREST)
    buffer = io.BytesIO()
    image.convert("1").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _svg(matrix: Matrix, scale: int) -> str:
    """An SVG document of the matrix: one path of runs of dark modules on white, identical
    consecutive rows (the bars of a linear symbol) merged into one run of their height."""
    height, width = len(matrix), len(matrix[0])
    runs = []
    y = 0
    while y < height:
        row, rows = matrix[y], 1
        while y + rows < height and matrix[y + rows] == row:
            rows += 1
        x = 0
        while x < width:
            if row[x]:
                start = x
                while x < width and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v{rows}h-{x - start}z")
            else:
                x += 1
        y += rows
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width * scale}" height="{height * scale}" '
        f'viewBox="0 0 {width} {height}" shape-rendering="crispEdges">'
        f'<rect width="{width}" height="{height}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>\n'
    )


def _linear(element_string: str, height: int) -> Matrix:
    """GS1-128 modules: one module row (zxing-cpp draws identical rows) repeated ``height`` times."""
    row = _gs1_matrix(element_string, zxingcpp.BarcodeFormat.Code128)[0]
    return [row] * _positive(height, "height")


def datamatrix_png(element_string: str, *, scale: int = 4) -> bytes:
    """GS1 DataMatrix (FNC1 first, read back as ``]d2``) of an element string, HRI or raw form."""
    return _png(_gs1_matrix(element_string, zxingcpp.BarcodeFormat.DataMatrix), _positive(scale, "scale"))


def datamatrix_svg(element_string: str, *, scale: int = 4) -> str:
    """GS1 DataMatrix as an ``<svg>`` document (``scale`` pixels per module)."""
    return _svg(_gs1_matrix(element_string, zxingcpp.BarcodeFormat.DataMatrix), _positive(scale, "scale"))


def gs1_128_png(element_string: str, *, scale: int = 2, height: int = 50) -> bytes:
    """GS1-128 (Code 128 with FNC1, read back as ``]C1``) of an element string, e.g. ``(00)<SSCC>``.

    ``scale`` is the pixels per module (X-dimension); ``height`` the bar height in modules, quiet
    zones of 10 modules each side included in the width.
    """
    return _png(_linear(element_string, height), _positive(scale, "scale"))


def gs1_128_svg(element_string: str, *, scale: int = 2, height: int = 50) -> str:
    """GS1-128 as an ``<svg>`` document (see :func:`gs1_128_png`)."""
    return _svg(_linear(element_string, height), _positive(scale, "scale"))
