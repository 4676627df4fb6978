"""Drawing the symbols of a label as PNG or SVG.

- QR (the unit's GS1 Digital Link): encoded by ``segno``, written by its own PNG/SVG writers.
- GS1 DataMatrix and GS1-128: encoded by ``zxing-cpp`` (its Zint-based creator, asked for GS1
  mode: FNC1 in first position, FNC1 after every variable-length field that is not last). The
  module matrix zxing-cpp draws at one pixel per module is then written here, so that PNG and SVG
  come from the same matrix and SVG has the same shape (no XML declaration) as segno's.
- DataMatrix symbols are square ISO/IEC 16022 ECC 200 by default, which every installed line
  scanner and phone reads. ``shape="rectangle"`` asks for the smallest of ISO/IEC 16022's six
  rectangles that holds the data (8x18 to 16x48), ``shape="dmre"`` lets the encoder use the
  rectangular extension of ISO/IEC 21471 (DMRE), which older readers cannot read: only on request.
- Every SVG draws its light background, quiet zone included, so it scans on any page.

Element strings are validated by :mod:`tracekit.gs1` first, so a wrong check digit or a character
outside GS1 set 82 is a :class:`~tracekit.errors.TraceKitError`, never a silently drawn symbol.
"""

from __future__ import annotations

import io

import segno
import zxingcpp
from PIL import Image

from ..errors import InvalidComponent, InvalidFormat, InvalidLength
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
DATAMATRIX_SHAPES = ("square", "rectangle", "dmre")
# Zint's numbers of the six ISO/IEC 16022 rectangles, smallest first (8x18, 8x32, 12x26, 12x36,
# 16x36, 16x48); 31 and above are DMRE sizes, 1 to 24 the squares.
_DM_RECTANGLES = (25, 26, 27, 28, 29, 30)
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
    # light="#fff": the light modules and the quiet zone are drawn, not left transparent
    _qr(data, error).save(buffer, kind="svg", scale=_positive(scale, "scale"), border=border,
                          dark="#000", light="#fff", xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def qr_png(data: str, *, scale: int = 4, border: int = 4, error: str = "m") -> bytes:
    """A QR code of ``data`` as PNG bytes."""
    buffer = io.BytesIO()
    _qr(data, error).save(buffer, kind="png", scale=_positive(scale, "scale"), border=border)
    return buffer.getvalue()


def _hri(element_string: str) -> str:
    """The bracketed form of an element string given in either form (validated by tracekit.gs1)."""
    return build_element_string(parse_element_string(element_string), style="hri")


def _create(hri: str, symbology: zxingcpp.BarcodeFormat, shape: str) -> zxingcpp.Barcode:
    if symbology != zxingcpp.BarcodeFormat.DataMatrix:
        return zxingcpp.create_barcode(hri, symbology, gs1=True)
    if shape not in DATAMATRIX_SHAPES:
        raise InvalidComponent(shape, f"a DataMatrix shape among {', '.join(DATAMATRIX_SHAPES)}", repr(shape))
    if shape == "square":
        return zxingcpp.create_barcode(hri, symbology, gs1=True, forceSquare=True)
    if shape == "dmre":
        return zxingcpp.create_barcode(hri, symbology, gs1=True)
    for version in _DM_RECTANGLES:
        try:
            return zxingcpp.create_barcode(hri, symbology, gs1=True, version=version)
        except ValueError:  # "Input too long for Version ...": try the next size
            continue
    raise InvalidLength(hri, "data that fits a 16x48 DataMatrix rectangle (at most 49 codewords)",
                        "more: use shape='square'")


def _gs1_matrix(element_string: str, symbology: zxingcpp.BarcodeFormat, shape: str = "square") -> Matrix:
    """The modules (True = dark) of the GS1 symbol, quiet zones included, one row per module row."""
    barcode = _create(_hri(element_string), symbology, shape)
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


def datamatrix_png(element_string: str, *, scale: int = 4, shape: str = "square") -> bytes:
    """GS1 DataMatrix (ECC 200, FNC1 first, read back as ``]d2``) of an element string, HRI or
    raw form; ``shape`` is ``"square"`` (the default), ``"rectangle"`` or ``"dmre"`` (see above)."""
    matrix = _gs1_matrix(element_string, zxingcpp.BarcodeFormat.DataMatrix, shape)
    return _png(matrix, _positive(scale, "scale"))


def datamatrix_svg(element_string: str, *, scale: int = 4, shape: str = "square") -> str:
    """GS1 DataMatrix as an ``<svg>`` document (``scale`` pixels per module; ``shape`` as for PNG)."""
    matrix = _gs1_matrix(element_string, zxingcpp.BarcodeFormat.DataMatrix, shape)
    return _svg(matrix, _positive(scale, "scale"))


def gs1_128_png(element_string: str, *, scale: int = 2, height: int = 50) -> bytes:
    """GS1-128 (Code 128 with FNC1, read back as ``]C1``) of an element string, e.g. ``(00)<SSCC>``.

    ``scale`` is the pixels per module (X-dimension); ``height`` the bar height in modules, quiet
    zones of 10 modules each side included in the width.
    """
    return _png(_linear(element_string, height), _positive(scale, "scale"))


def gs1_128_svg(element_string: str, *, scale: int = 2, height: int = 50) -> str:
    """GS1-128 as an ``<svg>`` document (see :func:`gs1_128_png`)."""
    return _svg(_linear(element_string, height), _positive(scale, "scale"))
