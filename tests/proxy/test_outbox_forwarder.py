from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
import requests

from tracekit.proxy.forwarder import Forwarder, OdooClient
from tracekit.proxy.outbox import NewEvent, Outbox

from .conftest import API_KEY, unit_link


class FakeClock:
    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now


def _events(n, start=0, device="cam"):
    return [NewEvent(device=device, type="commission", code=unit_link(f"S{i}"), time="2025-01-01T00:00:00.000000Z")
            for i in range(start, start + n)]


def _client(odoo, ca_bundle, key=API_KEY, timeout=(2.0, 5.0)):
    return OdooClient(odoo.url, key, verify=ca_bundle, timeout=timeout)


def test_group_commit_numbers_reads_per_device_and_survives_reopening(tmp_path):
    path = str(tmp_path / "o.db")
    outbox = Outbox(path)
    first = outbox.append(_events(3) + _events(2, 10, device="cam2"), {"device.cam.reads": 3})
    assert [(e.device, e.seq) for e in first] == [("cam", 1), ("cam", 2), ("cam", 3), ("cam2", 1), ("cam2", 2)]
    outbox.close()
    outbox = Outbox(path)
    assert outbox.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert outbox.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert [e.id for e in outbox.pending_events()] == [e.id for e in first]
    assert [e.seq for e in outbox.append(_events(1, 5))] == [4]
    assert outbox.counters() == {"device.cam.reads": 3}


def test_committed_reads_survive_sigkill_of_the_writer(tmp_path):
    path = str(tmp_path / "o.db")
    script = (
        "import os, signal, sys\n"
        "from tracekit.proxy.outbox import Outbox, NewEvent\n"
        "o = Outbox(sys.argv[1])\n"
        "for i in range(20):\n"
        "    o.append([NewEvent('cam', 'commission', f'C{i}-{j}', 't') for j in range(50)])\n"
        "    print(i, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, path], capture_output=True, text=True)
    assert proc.returncode == -signal.SIGKILL
    assert proc.stdout.split()[-1] == "19"
    outbox = Outbox(path)
    assert outbox.backlog() == 1000
    assert [e.seq for e in outbox.pending_events()] == list(range(1, 1001))


def test_a_batch_is_stored_before_sending_and_resent_with_the_same_key_and_bytes(tmp_path):
    path = str(tmp_path / "o.db")
    outbox = Outbox(path)
    outbox.append(_events(5))
    batch = outbox.next_batch("LINE1", limit=3)
    outbox.close()
    outbox = Outbox(path)  # a crash between storing and sending
    again = outbox.next_batch("LINE1", limit=3)
    assert (again.key, again.payload) == (batch.key, batch.payload)
    assert [e["seq"] for e in json.loads(again.payload)["events"]] == [1, 2, 3]


def test_forwarding_over_verified_https_delivers_each_read_once_and_keeps_server_errors(odoo, ca_bundle, tmp_path):
    outbox = Outbox(str(tmp_path / "o.db"))
    outbox.append(_events(12))
    odoo.error_codes.add(unit_link("S3"))
    odoo.park_codes.add(unit_link("S4"))
    forwarder = Forwarder(outbox, _client(odoo, ca_bundle), "LINE1", batch_size=5)
    assert forwarder.drain() == 12
    assert outbox.backlog() == 0
    assert sorted(odoo.deliveries.values()) == [1] * 12
    [rejected] = outbox.rejections()
    assert (rejected["code"], rejected["error"]) == (unit_link("S3"), "unknown_code")
    counters = outbox.counters()
    assert (counters["server.ok"], counters["server.error"], counters["server.parked"]) == (10, 1, 1)


def test_verification_stays_on_an_unknown_ca_is_refused(odoo, tmp_path):
    outbox = Outbox(str(tmp_path / "o.db"))
    outbox.append(_events(2))
    forwarder = Forwarder(outbox, OdooClient(odoo.url, API_KEY, verify=True), "LINE1")
    result = forwarder.send_once()
    assert result.outcome == "retry" and "SSL" in result.message
    assert outbox.backlog() == 2 and odoo.posts == 0
    with pytest.raises(ValueError):
        OdooClient(odoo.url, API_KEY, verify=False)
    with pytest.raises(ValueError, match="plain http:// only to this machine"):
        OdooClient("http://odoo.tea-factory.cn", API_KEY)
    with pytest.raises(ValueError, match="plain http:// only to this machine"):
        OdooClient("http://192.168.1.20:8069", API_KEY)


@pytest.mark.parametrize("url", ["http://localhost:8069", "http://127.0.0.1:8069", "http://127.0.0.2", "http://[::1]:8069"])
def test_plain_http_is_allowed_to_this_machine_only_with_a_warning(url, caplog):
    with caplog.at_level("WARNING"):
        client = OdooClient(url, API_KEY)
    assert client.base_url == url
    assert "plain http" in caplog.text


@pytest.mark.parametrize("config, message", [
    ({"url": "http://odoo.tea-factory.cn", "api_key": "k"}, "plain http:// only to this machine"),
    ({"url": "ftp://127.0.0.1", "api_key": "k"}, "an https:// URL"),
    ({"url": "https://odoo.tea-factory.cn", "api_key": "k", "settings": {"batch_size": "many"}}, ""),
    ({"url": "https://odoo.tea-factory.cn", "api_key": "k", "timeout": "soon"}, ""),
])
def test_a_proxy_refused_at_start_says_why_in_one_line(config, message, tmp_path):
    path = tmp_path / "proxy.json"
    path.write_text(json.dumps(config))
    path.chmod(0o600)
    run = subprocess.run([sys.executable, "-m", "tracekit.proxy.cli", "run", "--config", str(path), "--outbox",
                          str(tmp_path / "o.db")], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("trace-proxy: not started:"), run.stderr
    assert "Traceback" not in run.stderr and message in lines[0]


def test_5xx_and_a_cut_connection_are_retried_with_backoff_and_the_same_key(odoo, ca_bundle, tmp_path):
    clock = FakeClock()
    outbox = Outbox(str(tmp_path / "o.db"), clock=clock)
    outbox.append(_events(4))
    forwarder = Forwarder(outbox, _client(odoo, ca_bundle), "LINE1", clock=clock, rng=lambda: 1.0,
                          backoff_base=1.0)
    odoo.fail = [503, 500]
    first = forwarder.send_once()
    assert first.outcome == "retry"
    assert forwarder.send_once().outcome == "paused"  # no tight loop
    clock.now += 1.0
    assert forwarder.send_once().outcome == "retry"
    assert forwarder.not_before == clock.now + 2.0  # exponential
    odoo.cut()
    clock.now += 2.0
    assert forwarder.send_once().outcome == "retry"
    odoo.restore()
    clock.now += 4.0
    result = forwarder.send_once()
    assert (result.outcome, result.key) == ("sent", first.key)
    assert odoo.posts == 3 and sorted(odoo.deliveries.values()) == [1] * 4


def test_a_slow_answer_times_out_and_the_retry_gets_the_stored_results(odoo, ca_bundle, tmp_path):
    clock = FakeClock()
    outbox = Outbox(str(tmp_path / "o.db"), clock=clock)
    outbox.append(_events(3))
    forwarder = Forwarder(outbox, _client(odoo, ca_bundle, timeout=(2.0, 0.3)), "LINE1", clock=clock)
    odoo.delay_s = 0.6
    assert forwarder.send_once().outcome == "retry"  # the server recorded it, the answer was lost
    odoo.delay_s = 0.0
    clock.now += 100
    assert forwarder.send_once().outcome == "sent"
    assert odoo.posts == 2 and len(odoo.batches) == 1
    assert sorted(odoo.deliveries.values()) == [1] * 3 and outbox.backlog() == 0


def test_401_and_409_hold_the_batch_and_report_it(odoo, ca_bundle, tmp_path):
    clock = FakeClock()
    outbox = Outbox(str(tmp_path / "o.db"), clock=clock)
    outbox.append(_events(2))
    bad = Forwarder(outbox, _client(odoo, ca_bundle, key="wrong-key"), "LINE1", clock=clock, hold_s=600)
    assert bad.send_once().outcome == "held"
    assert bad.send_once().outcome == "paused"
    assert outbox.stats().held[0]["http_status"] == 401
    # the same key with another payload: 409, held, later batches go on
    outbox.release_held()
    batch = outbox.next_batch("LINE1")
    odoo.batches[batch.key] = ("another payload", [])
    good = Forwarder(outbox, _client(odoo, ca_bundle), "LINE1", clock=clock, hold_s=600)
    assert good.send_once().outcome == "held"
    outbox.append(_events(1, 50))
    assert good.send_once().outcome == "sent"
    stats = outbox.stats()
    assert (stats.backlog, stats.batches_held, stats.held[0]["http_status"]) == (2, 1, 409)


def test_requests_pins_stay_those_of_odoo_18():
    import urllib3

    assert requests.__version__ == "2.31.0" and urllib3.__version__ == "1.26.5"
    assert os.path.exists(requests.certs.where())
