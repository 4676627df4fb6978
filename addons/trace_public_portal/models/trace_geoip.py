import ipaddress
import logging
import os
import threading

from odoo import api, models

_logger = logging.getLogger(__name__)

try:
    import maxminddb
except ImportError:  # pragma: no cover - an external dependency of the manifest
    maxminddb = None

_readers = {}  # (path, mtime) -> maxminddb.Reader, one per process and file version
_lock = threading.Lock()


def _reader(path):
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        return None
    key = (path, mtime)
    reader = _readers.get(key)
    if reader is None:
        with _lock:
            reader = _readers.get(key)
            if reader is None:
                try:
                    reader = maxminddb.open_database(path)
                except (OSError, ValueError, maxminddb.InvalidDatabaseError) as error:
                    _logger.warning("trace_public_portal: cannot read the IP database %s: %s", path, error)
                    return None
                for old in [k for k in _readers if k[0] == path]:
                    _readers.pop(old).close()
                _readers[key] = reader
    return reader


def _name(names, lang):
    if not isinstance(names, dict):
        return None
    # a Chinese reader gets Chinese names where the database has them
    order = ("zh-CN", "en") if lang.startswith("zh") else ("en", "zh-CN")
    return next((names[key] for key in order if names.get(key)), None)


class TraceGeoip(models.AbstractModel):
    """City-level place of a client address from an offline IP database (MaxMind DB format: DB-IP
    "IP to City Lite" (CC BY 4.0) or MaxMind GeoLite2 City). Nothing leaves the server; without a
    configured database no place is recorded."""

    _name = "trace.geoip"
    _description = "IP Address to City"

    @api.model
    def _locate(self, address, lang="en_US"):
        """``{"country": ISO code, "province": name, "city": name}`` of ``address`` (a client IP),
        or ``{}`` when no database is configured or the address is unknown or private."""
        path = self.env["ir.config_parameter"].sudo().get_param("trace_public_portal.geoip_database")
        if not path or maxminddb is None or not address:
            return {}
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return {}
        if not ip.is_global:
            return {}
        reader = _reader(path)
        if reader is None:
            return {}
        try:
            record = reader.get(ip)
        except (ValueError, maxminddb.InvalidDatabaseError):
            return {}
        if not isinstance(record, dict):
            return {}
        subdivisions = record.get("subdivisions") or [{}]
        place = {
            "country": (record.get("country") or {}).get("iso_code"),
            "province": _name(subdivisions[0].get("names"), lang),
            "city": _name((record.get("city") or {}).get("names"), lang),
        }
        return {key: value[:64] for key, value in place.items() if isinstance(value, str) and value}
