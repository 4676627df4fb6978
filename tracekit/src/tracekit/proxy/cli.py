"""``trace-proxy``: the line proxy's console command.

``trace-proxy run --config <file or url> --outbox <path> [--status-port N]``
    ``--config`` is a JSON file ``{"url": "https://odoo...", "api_key": "..." | "api_key_file": "...",
    "ca_bundle": "/path/ca.pem" (optional; else the system CAs), "status_port": 8079, "settings":
    {ProxySettings fields}, "allow": {"devices": [globs], "hosts": [hosts, networks]}}``, or directly
    the Odoo base URL (then the key comes from ``$TRACE_PROXY_API_KEY`` and the CA bundle from
    ``--ca-bundle``). The station's configuration is pulled from Odoo; when Odoo cannot be reached the
    last configuration kept in the outbox is used, so the line starts offline.

    ``allow`` is what Odoo's device settings may make this PC open (:mod:`.allowlist`; left out: the
    local serial ports and pseudo-terminals and the loopback host only). The ``api_key_file`` must
    be readable by its owner only (``chmod 600``): the proxy refuses to start otherwise.
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
import shlex
import signal
import sys
import time

from .allowlist import Allowlist
from .drivers import default_registry
from .forwarder import OdooClient, ServerError
from .outbox import Outbox
from .protocol import ProxyConfig
from .runner import CONFIG_KEY, Proxy, ProxySettings
from .status import outbox_status, render_text

_logger = logging.getLogger("trace-proxy")


class StartError(Exception):
    """The proxy cannot start as configured; the message says what to do."""


def read_key_file(path: str) -> str:
    """The API key in ``path``, which only its owner may read: a key file readable by group or
    others is a :class:`StartError` that says the ``chmod`` to run. The mode is taken from the
    file opened (``fstat``), so it is the one read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise StartError(f"cannot read the API key file {path}: {error.strerror}") from error
    with os.fdopen(fd, encoding="utf-8") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if os.name == "posix" and mode & 0o077:
            raise StartError(f"the API key file {path} can be read or changed by group or others (mode {mode & 0o777:04o}); "
                             f"only its owner may read it. Run: chmod 600 {shlex.quote(path)}")
        return handle.read().strip()


def _load_local(source: str, args) -> dict:
    if source.lower().startswith("https://") or source.lower().startswith("http://"):
        return {"url": source, "api_key": os.environ.get("TRACE_PROXY_API_KEY", ""),
                "ca_bundle": args.ca_bundle, "status_port": args.status_port}
    try:
        with open(source, encoding="utf-8") as handle:
            local = json.load(handle)
            inline_key_readable = bool(local.get("api_key")) and os.fstat(handle.fileno()).st_mode & 0o077
    except (OSError, ValueError) as error:
        raise StartError(f"cannot read {source}: {error}") from error
    if not isinstance(local, dict):
        raise StartError(f"{source}: expected a JSON object, found {type(local).__name__}")
    if "api_key_file" in local and not local.get("api_key"):
        local["api_key"] = read_key_file(local["api_key_file"])
    elif inline_key_readable and os.name == "posix":
        _logger.warning("%s holds the API key and can be read by group or others: move the key to an "
                        "api_key_file (chmod 600), or run: chmod 600 %s", source, shlex.quote(source))
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
    try:
        local = _load_local(args.config, args)
        allowlist = Allowlist.from_json(local.get("allow"))
    except (StartError, ValueError) as error:
        print(f"trace-proxy: not started: {error}", file=sys.stderr)
        return 2
    if not local.get("api_key"):
        print("trace-proxy: no API key (config api_key / api_key_file, or $TRACE_PROXY_API_KEY)", file=sys.stderr)
        return 2
    try:
        timeout = local.get("timeout") or (5.0, 30.0)
        if (not isinstance(timeout, list | tuple) or len(timeout) != 2
                or not all(isinstance(t, int | float) and not isinstance(t, bool) and t > 0 for t in timeout)):
            raise ValueError(f"timeout must be [connect seconds, read seconds], not {timeout!r}")
        client = OdooClient(local.get("url") or "", local["api_key"], verify=local.get("ca_bundle") or True,
                            timeout=tuple(timeout))
        fields = {f.name for f in dataclasses.fields(ProxySettings)}
        settings = ProxySettings(outbox=args.outbox,
                                 **{k: v for k, v in (local.get("settings") or {}).items()
                                    if k in fields and k != "outbox"})
    except (TypeError, ValueError) as error:  # every refusal is one line: what is wrong, and where
        print(f"trace-proxy: not started: {args.config}: {error}", file=sys.stderr)
        return 2
    config = _pull_config(client, args.outbox)
    proxy = Proxy(config, settings, client=client, allowlist=allowlist)

    def stop(signum, frame):
        proxy.stop_event.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    _logger.info("station %s (%s), %d devices, outbox %s", config.station.code, config.station.role,
                 len(config.devices), args.outbox)
    _logger.info("allowed %s: %s", "by proxy.json" if "allow" in local else "by default (no allow in the config)",
                 allowlist.describe())
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
