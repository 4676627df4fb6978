"""The proxy's status: devices, rates, rejects, noise and the backlog.

:func:`outbox_status` reads it from the outbox file (``trace-proxy status``, works while the proxy
runs or after it stopped); :func:`serve_status` is the local page, bound to 127.0.0.1 only,
read-only: ``/status.json`` and a small HTML page at ``/``.
"""

from __future__ import annotations

import html
import json
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from .outbox import Outbox


def outbox_status(path: str) -> dict[str, Any]:
    outbox = Outbox(path)
    try:
        stats = outbox.stats()
        last = json.loads(outbox.get("status") or "{}")
        counters = stats.counters
        devices = {}
        for name, value in counters.items():
            if name.startswith("device."):
                code, counter = name[len("device."):].rsplit(".", 1)
                devices.setdefault(code, {"code": code})[counter] = value
        for device in last.get("devices") or ():
            devices.setdefault(device["code"], {"code": device["code"]}).update(
                status=device.get("status"), message=device.get("message"))
        return {
            "station": last.get("station"),
            "backlog": stats.backlog,
            "batches_pending": stats.batches_pending,
            "batches_held": list(stats.held),
            "server": {k[len("server."):]: v for k, v in counters.items() if k.startswith("server.")},
            "rejected_by_server": outbox.rejections(20),
            "rejected_by_server_total": stats.rejections,
            "devices": sorted(devices.values(), key=lambda d: d["code"]),
            "rates": last.get("rates") or {},
            "last_error": last.get("last_error") or "",
            "as_of": last.get("time"),
        }
    finally:
        outbox.close()


def render_text(status: dict[str, Any]) -> str:
    lines = [f"station {status.get('station') or '?'}  backlog {status['backlog']}  "
             f"reads/min {status['rates'].get('reads_per_min', 0)}"]
    lines.append(f"{'device':<16}{'status':<10}{'reads':>10}{'noise':>8}{'dups':>8}{'rejects':>9}  message")
    for d in status["devices"]:
        lines.append(f"{d['code']:<16}{d.get('status') or '-':<10}{d.get('reads', 0):>10}{d.get('noise', 0):>8}"
                     f"{d.get('duplicates', 0):>8}{d.get('rejects', 0):>9}  {d.get('message') or ''}")
    lines.append(f"server: {status['server']}")
    for held in status["batches_held"]:
        lines.append(f"HELD batch {held['key']} ({held['size']} reads): {held['http_status']} {held['error']}")
    lines.append(f"rejected by server: {status['rejected_by_server_total']}")
    for r in status["rejected_by_server"][:10]:
        lines.append(f"  {r['code']}: {r['error']} {r['message']}")
    if status.get("last_error"):
        lines.append(f"last error: {status['last_error']}")
    return "\n".join(lines)


def serve_status(proxy_or_path, port: int = 8079) -> HTTPServer:
    """An HTTP server on 127.0.0.1:``port`` (0: any free port); the caller runs ``serve_forever``."""
    path = proxy_or_path if isinstance(proxy_or_path, str) else proxy_or_path.settings.outbox

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            status = outbox_status(path)
            if self.path.startswith("/status.json"):
                body, kind = json.dumps(status, indent=1).encode(), "application/json"
            elif self.path == "/":
                body = ("<!doctype html><meta charset=utf-8><meta http-equiv=refresh content=5>"
                        "<title>trace-proxy</title><pre>" + html.escape(render_text(status)) + "</pre>").encode()
                kind = "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return HTTPServer(("127.0.0.1", port), Handler)
