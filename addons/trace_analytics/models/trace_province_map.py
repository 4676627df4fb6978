import json
import logging
import os
import re
import threading

from odoo import api, models

_logger = logging.getLogger(__name__)

# China's extent for the projection (longitude, latitude); one unit is a tenth of a degree
WEST, NORTH = 73.0, 54.0
SCALE = 10.0
MAX_POINTS = 400  # per ring: a dashboard map, not a survey
_SUFFIXES = re.compile(r"(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|省|市)$")
_cache = {}  # (path, mtime) -> shapes
_lock = threading.Lock()


def _ring_path(ring):
    step = max(1, len(ring) // MAX_POINTS)
    points = []
    for lon, lat, *_rest in ring[::step]:
        point = (round((lon - WEST) * SCALE, 1), round((NORTH - lat) * SCALE, 1))
        if not points or points[-1] != point:
            points.append(point)
    if len(points) < 3:
        return ""
    return "M" + "L".join("%g %g" % point for point in points) + "Z"


def _feature_path(geometry):
    kind = (geometry or {}).get("type")
    coordinates = (geometry or {}).get("coordinates") or []
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    return "".join(_ring_path(ring) for polygon in polygons for ring in polygon[:1])


class TraceProvinceMap(models.AbstractModel):
    """The outlines of China's provinces for the sales dashboard, from a GeoJSON file the company
    installs (e.g. Natural Earth's admin-1 states and provinces, public domain): nothing is
    shipped. A feature is a province by its ISO 3166-2 code (``CN-JL``) or its Chinese name;
    outlines are projected to SVG paths once per file version. Without a file the dashboard
    draws its tile map."""

    _name = "trace.province.map"
    _description = "Province Outlines for the Dashboard"

    @api.model
    def _state_codes(self):
        """``{state id: code}`` of China's provinces by their xmlid (base.state_cn_JL -> JL): the
        names the map's tiles and ISO 3166-2 codes (CN-JL) use."""
        return {record.res_id: record.name.rsplit("_", 1)[-1] for record in self.env["ir.model.data"].sudo().search(
            [("module", "=", "base"), ("model", "=", "res.country.state"), ("name", "=like", "state_cn_%")])}

    @api.model
    def _shapes(self):
        """``{"viewBox", "shapes": [{"code", "path"}]}`` of the configured file, or ``None``."""
        path = self.env["ir.config_parameter"].sudo().get_param("trace_analytics.province_geojson")
        if not path:
            return None
        try:
            key = (path, os.stat(path).st_mtime_ns)
        except OSError:
            return None
        with _lock:
            if key not in _cache:
                _cache.clear()
                _cache[key] = self._read(path)
        return _cache[key]

    @api.model
    def _read(self, path):
        try:
            with open(path, "rb") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as error:
            _logger.warning("trace_analytics: cannot read the province map %s: %s", path, error)
            return None
        codes = self._state_codes()
        states = self.env["res.country.state"].sudo().browse(list(codes))
        by_name = {_SUFFIXES.sub("", state.name): codes[state.id] for state in states}
        known = set(codes.values())
        shapes = {}
        for feature in (data.get("features") or []) if isinstance(data, dict) else []:
            properties = feature.get("properties") or {}
            iso = str(properties.get("iso_3166_2") or "")
            code = iso[3:] if iso.startswith("CN-") and iso[3:] in known else None
            if not code:
                name = properties.get("name_zh") or properties.get("name")
                code = by_name.get(_SUFFIXES.sub("", str(name or "")))
            path_data = _feature_path(feature.get("geometry")) if code else ""
            if path_data:
                shapes[code] = shapes.get(code, "") + path_data
        if not shapes:
            return None
        return {"viewBox": "0 0 %g %g" % ((136 - WEST) * SCALE, (NORTH - 17) * SCALE),
                "shapes": [{"code": code, "path": path_data} for code, path_data in sorted(shapes.items())]}
