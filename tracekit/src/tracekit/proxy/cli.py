"""``trace-proxy``: the line proxy's console command.

``trace-proxy run --config <file or url> --outbox <path> [--status-port N]``
    ``--config`` is a JSON file ``{"url": "https://odoo...", "api_key": "..." | "api_key_file": "...",
    "ca_bundle": "/path/ca.pem" (optional; else the system CAs), "status_port": 8079, "settings":
    {ProxySettings fields}}``, or directly the Odoo base URL (then the key comes from
    ``$TRACE_PROXY_API_KEY`` and the CA bundle from ``--ca-bundle``). The station's configuration
    is pulled from Odoo; when Odoo cannot be reached the last configuration kept in the outbox is
    used, so the line starts offline.
``trace-proxy status --outbox <path> [--json]``
    Devices, rates, noise, rejects, held batches and the backlog, read from the outbox file.
``trace-proxy release --outbox <path>``
    Make held batches due again (after the cause was fixed in Odoo).
``trace-proxy devices``
    What each driver can see on this PC now (serial ports, scan guns' input devices), to fill in
    the devices' settings in Odoo.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import signal
import sys
import time

from .drivers import default_registry
from .forwarder import OdooClient, ServerError
from .outbox import Outbox
from .protocol import ProxyConfig
from .runner import CONFIG_KEY, Proxy, ProxySettings
from .status import outbox_status, render_text

_logger = logging.getLogger("trace-proxy")


def _load_local(source: str, args) -> dict:
    if source.lower().startswith("https://") or source.lower().startswith("http://"):
        return {"url": source, "api_key": os.environ.get("TRACE_PROXY_API_KEY", ""),
                "ca_bundle": args.ca_bundle, "status_port": args.status_port}
    with open(source, encoding="utf-8") as handle:
        local = json.load(handle)
    if "api_key_file" in local and not local.get("api_key"):
        with open(local["api_key_file"], encoding="utf-8") as handle:
            local["api_key"] = handle.read().strip()
    if args.status_port is not None:
        local["status_port"] = args.status_port
    return local


def _pull_config(client: OdooClient, outbox_path: str, retry_s: float = 5.0) -> ProxyConfig:
    while True:
        try:
            data = client.get_config()
            return ProxyConfig.from_json(data)
        except (ServerError, ValueError) as error:
            outbox = Outbox(outbox_path)
            try:
                cached = outbox.get(CONFIG_KEY)
            finally:
                outbox.close()
            if cached:
                _logger.warning("configuration from Odoo unavailable (%s); using the last one kept", error)
                return ProxyConfig.from_json(json.loads(cached))
            _logger.warning("configuration from Odoo unavailable (%s); retrying in %ss", error, retry_s)
            time.sleep(retry_s)


def cmd_run(args) -> int:
    local = _load_local(args.config, args)
    if not local.get("api_key"):
        print("trace-proxy: no API key (config api_key / api_key_file, or $TRACE_PROXY_API_KEY)", file=sys.stderr)
        return 2
    client = OdooClient(local["url"], local["api_key"], verify=local.get("ca_bundle") or True,
                        timeout=tuple(local.get("timeout") or (5.0, 30.0)))
    fields = {f.name for f in dataclasses.fields(ProxySettings)}
    settings = ProxySettings(outbox=args.outbox,
                             **{k: v for k, v in (local.get("settings") or {}).items() if k in fields and k != "outbox"})
    config = _pull_config(client, args.outbox)
    proxy = Proxy(config, settings, client=client)

    def stop(signum, frame):
        proxy.stop_event.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    _logger.info("station %s (%s), %d devices, outbox %s", config.station.code, config.station.role,
                 len(config.devices), args.outbox)
    proxy.run(status_port=local.get("status_port"))
    return 0


def cmd_status(args) -> int:
    status = outbox_status(args.outbox)
    print(json.dumps(status, indent=1) if args.json else render_text(status))
    return 0


def cmd_release(args) -> int:
    outbox = Outbox(args.outbox)
    try:
        print(f"{outbox.release_held()} held batches released")
    finally:
        outbox.close()
    return 0


def cmd_devices(args) -> int:
    registry = default_registry()
    for name in registry.names():
        driver = registry.driver(name)
        try:
            found = driver.find()
        except Exception as error:  # a probe that fails says why, the others still list
            found = [f"(cannot look: {error})"]
        if found:
            print(f"{name}:")
            for item in found:
                print(f"  {item}")
        else:
            print(f"{name}: {getattr(driver, 'find_hint', 'none found')}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="trace-proxy", description="The traceability line proxy.")
    parser.add_argument("-v", "--verbose", action="store_true")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="read the line's devices and forward to Odoo")
    run.add_argument("--config", required=True, help="a JSON config file, or the Odoo base URL")
    run.add_argument("--outbox", required=True, help="the SQLite outbox file")
    run.add_argument("--ca-bundle", default=None, help="CA bundle to verify Odoo with (URL form of --config)")
    run.add_argument("--status-port", type=int, default=None, help="serve the status page on 127.0.0.1:PORT")
    run.set_defaults(func=cmd_run)
    status = commands.add_parser("status", help="devices, rates, rejects and backlog")
    status.add_argument("--outbox", required=True)
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=cmd_status)
    release = commands.add_parser("release", help="retry held batches now")
    release.add_argument("--outbox", required=True)
    release.set_defaults(func=cmd_release)
    devices = commands.add_parser("devices", help="list the ports and input devices the drivers can see")
    devices.set_defaults(func=cmd_devices)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
