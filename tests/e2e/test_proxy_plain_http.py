"""The real ``trace-proxy`` connecting to an Odoo on this machine over plain http (a user trying
the product against ``scripts/serve``): it starts with a warning, pulls its configuration and
its heartbeats reach Odoo; the same URL with another host is refused in one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import wait_for


def _cli():
    cli = Path(sys.executable).with_name("trace-proxy")
    return [str(cli)] if cli.exists() else [sys.executable, "-m", "tracekit.proxy.cli"]


def test_the_proxy_connects_to_a_local_odoo_over_plain_http_with_a_warning(odoo_line, tmp_path):
    station = odoo_line.data["plain_http"]
    config = tmp_path / "proxy.json"
    config.write_text(json.dumps({"url": f"http://127.0.0.1:{odoo_line.http_port}", "api_key": station["key"],
                                  "settings": {"heartbeat_s": 0.5, "config_poll_s": 600}}))
    config.chmod(0o600)
    log = tmp_path / "proxy.log"
    with open(log, "wb") as stderr:
        process = subprocess.Popen(_cli() + ["-v", "run", "--config", str(config), "--outbox", str(tmp_path / "o.db")],
                                   stdout=subprocess.DEVNULL, stderr=stderr)
    odoo_line.proxies.append(process)
    try:
        contact = f"SELECT last_contact IS NOT NULL FROM trace_hw_station WHERE id = {int(station['id'])}"
        assert wait_for(lambda: odoo_line.scalar(contact) == "t", timeout=60), log.read_text()
        assert process.poll() is None, log.read_text()
    finally:
        odoo_line.stop_proxy(process)
    text = log.read_text()
    assert "plain http to http://127.0.0.1" in text and "local trial only" in text
    assert "Traceback" not in text


def test_plain_http_to_another_host_is_refused_in_one_line(odoo_line, tmp_path):
    config = tmp_path / "proxy.json"
    config.write_text(json.dumps({"url": f"http://odoo.tea-factory.cn:{odoo_line.http_port}",
                                  "api_key": odoo_line.data["plain_http"]["key"]}))
    config.chmod(0o600)
    run = subprocess.run(_cli() + ["run", "--config", str(config), "--outbox", str(tmp_path / "o.db")],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and "plain http:// only to this machine" in run.stderr, run.stderr
