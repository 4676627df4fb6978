"""The public page's rate limiter across two Odoo workers: a real ``odoo --workers=2`` (prefork,
two processes that share nothing but PostgreSQL) serving ``trace_public_portal`` on a fresh
database, and 60 concurrent requests for one code's Digital Link with a limit of 20 per code and
hour. The counter lives in PostgreSQL, so exactly 20 verify and 40 are told "too many requests",
whichever worker each lands on; nothing fails, and the code's statistics count 20 verifications.

Skipped like the other end-to-end tests when no Odoo 18 is found (``conftest.find_odoo``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ADDONS, _wait_http, find_odoo, free_port

PER_CODE, PER_CLIENT = 20, 1000  # the code's limit is the one reached; the client's stays far
REQUESTS, THREADS = 60, 12
UNITS = 3

# run with Odoo's Python: the company, a product and a batch of UNITS active unit codes, the
# limits; prints the codes as one JSON line
SETUP = r"""
import json
import sys

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

db, addons, spec = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
odoo.tools.config.parse_config(["-d", db, f"--addons-path={addons}", "--log-level=warn"])
with Registry(db).cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    env.company.write({"trace_resolver_url": "https://id.e2e.test", "trace_gs1_company_prefix": "6901234"})
    product = env["product.product"].create(
        {"name": "E2E Oolong 250 g", "barcode": "6901234567922", "is_storable": True, "tracking": "lot"})
    lot = env["stock.lot"].create({"name": "E2E2612P", "product_id": product.id})
    batch = env["trace.batch"].create(
        {"product_id": product.id, "lot_id": lot.id, "quantity": spec["units"], "production_date": "2026-11-25",
         "expiry_date": "2027-11-24", "activation_mode": "manual"})
    batch.issue_codes(spec["units"])
    batch.action_confirm()  # manual activation: every unit code is active
    params = env["ir.config_parameter"]
    params.set_param("trace_public_portal.limit_code_per_hour", spec["per_code"])
    params.set_param("trace_public_portal.limit_client_per_minute", spec["per_client"])
    codes = env["trace.code"].search([("batch_id", "=", batch.id), ("level", "=", "unit")], order="id")
    result = [{"id": c.id, "name": c.name, "link": c._digital_link(), "activation": c.activation} for c in codes]
    cr.commit()
print(json.dumps({"codes": result}))
"""


@dataclass
class PublicOdoo:
    db: str
    port: int
    log: Path
    codes: list

    def sql(self, query: str, *params: str) -> list[list[str]]:
        command = ["psql", "-X", "-q", "-At", "-F", "\t", "-d", self.db, "-v", "ON_ERROR_STOP=1"]
        for index, value in enumerate(params):
            command += ["-v", f"p{index}={value}"]
        out = subprocess.run(command, input=query, check=True, capture_output=True, text=True).stdout
        return [line.split("\t") for line in out.splitlines() if line]

    def scalar(self, query: str, *params: str):
        rows = self.sql(query, *params)
        return rows[0][0] if rows else None


@pytest.fixture(scope="module")
def public_odoo(tmp_path_factory):
    found = find_odoo()
    if found is None:
        pytest.skip("no Odoo 18 found: set ODOO_BIN or put `odoo` on PATH to run the end-to-end tests")
    if shutil.which("psql") is None or shutil.which("dropdb") is None:
        pytest.skip("the PostgreSQL client tools (psql, dropdb) are needed for the end-to-end tests")
    odoo_bin, python = found
    workdir = tmp_path_factory.mktemp("e2e-public")
    db = f"trace_e2e_public_{int(time.time())}_{os.getpid()}"
    log = workdir / "odoo.log"
    process = None
    try:
        install = subprocess.run(
            [odoo_bin, f"--addons-path={ADDONS}", "-d", db, "-i", "trace_public_portal", "--without-demo=all",
             "--stop-after-init", "--http-port=0", "--max-cron-threads=0", "--log-level=warn", f"--logfile={log}"],
            capture_output=True, text=True, timeout=900)
        if install.returncode != 0:
            raise RuntimeError(f"installing trace_public_portal failed: {install.stderr[-2000:]}")
        spec = {"units": UNITS, "per_code": PER_CODE, "per_client": PER_CLIENT}
        setup = subprocess.run([python, "-", db, str(ADDONS), json.dumps(spec)], input=SETUP,
                               capture_output=True, text=True, timeout=300)
        if setup.returncode != 0:
            raise RuntimeError(f"fixture data: {setup.stderr[-2000:]}")
        codes = json.loads(setup.stdout.strip().splitlines()[-1])["codes"]
        port = free_port()
        # two prefork workers (and the gevent process); each request logged with its worker's pid
        process = subprocess.Popen(
            [odoo_bin, f"--addons-path={ADDONS}", "-d", db, f"--db-filter=^{db}$", f"--http-port={port}",
             f"--gevent-port={free_port()}", "--http-interface=127.0.0.1", "--workers=2", "--max-cron-threads=0",
             "--log-level=warn", "--log-handler=werkzeug:INFO", f"--logfile={log}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_http(port, process, 120)
        yield PublicOdoo(db=db, port=port, log=log, codes=codes)
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if os.environ.get("TRACE_E2E_KEEP_DB") != "1":
            subprocess.run(["dropdb", "--if-exists", db], capture_output=True)


def get(url: str) -> tuple[int, str, dict]:
    request = urllib.request.Request(url, headers={"Accept-Language": "en-US"})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, answer.read().decode(), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def concurrent_gets(url: str, per_thread: int) -> list[tuple[int, str, dict]]:
    """``url`` asked ``per_thread`` times by each of THREADS threads started together: every
    answer; any error of a thread fails the test."""
    barrier = threading.Barrier(THREADS)
    answers, errors = [], []
    lock = threading.Lock()

    def client():
        try:
            barrier.wait(timeout=30)
            for _ in range(per_thread):
                answer = get(url)
                with lock:
                    answers.append(answer)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=client) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    return answers


def served_by(log: Path, path: str) -> Counter:
    """How many requests for ``path`` each worker pid answered, from werkzeug's request lines
    (``<date> <time> <pid> INFO <db> werkzeug: ... "GET <path> HTTP/1.1" <status> ...``)."""
    pattern = re.compile(r"^\S+ \S+ (\d+) INFO \S+ werkzeug: .*\"GET " + re.escape(path) + r" HTTP/1\.[01]\" (\d{3})")
    pids = Counter()
    for line in log.read_text(errors="replace").splitlines():
        match = pattern.match(line)
        if match:
            pids[match.group(1)] += 1
    return pids


def test_two_workers_share_the_per_code_limit_in_postgresql(public_odoo):
    code = public_odoo.codes[0]
    assert code["activation"] == "active", code
    path = code["link"][code["link"].index("/01/"):]
    url = f"http://127.0.0.1:{public_odoo.port}{path}"
    # one hour's window for all 60: not across the turn of an hour, when the count starts again
    if time.time() % 3600 > 3600 - 60:
        time.sleep(3600 - time.time() % 3600 + 1)
    answers = concurrent_gets(url, REQUESTS // THREADS)
    statuses = Counter(status for status, _body, _headers in answers)
    assert statuses == {200: PER_CODE, 429: REQUESTS - PER_CODE}, statuses
    for status, body, headers in answers:
        if status == 200:
            assert 'id="tp-genuine"' in body
        else:
            assert 'id="tp-limited"' in body and int(headers["Retry-After"]) > 0
    # both workers answered: two processes, one counter
    assert len(served_by(public_odoo.log, path)) == 2, served_by(public_odoo.log, path)
    assert sum(served_by(public_odoo.log, path).values()) == REQUESTS
    # each request counted once (none retried into a second hit) and 20 verifications recorded
    hits = public_odoo.scalar("SELECT sum(hits) FROM trace_rate_limit WHERE key = :'p0'", "code:" + code["name"])
    assert int(hits) == REQUESTS
    stat = public_odoo.scalar("SELECT count FROM trace_verification_stat WHERE code_id = :'p0'", str(code["id"]))
    assert stat is not None and int(stat) == PER_CODE, stat
    recorded = public_odoo.scalar("SELECT count(*) FROM trace_verification WHERE code_id = :'p0' AND audience = 'consumer'",
                                  str(code["id"]))
    assert int(recorded) == PER_CODE
    # the other codes were never touched
    others = [str(other["id"]) for other in public_odoo.codes[1:]]
    assert public_odoo.scalar("SELECT count(*) FROM trace_verification WHERE code_id = ANY(string_to_array(:'p0', ',')::int[])",
                              ",".join(others)) == "0"


def test_two_workers_count_a_forged_code_once_per_request(public_odoo):
    """A copied code presented from two workers at once: every request gets the one answer for
    codes that are not ours, none fails, and the day's alert counts each presentation once (an
    upsert on the counter cursor, in autocommit: no conflict, no retry), with the product
    its GTIN names."""
    genuine = public_odoo.codes[1]
    serial = genuine["name"][:-1] + ("2" if genuine["name"][-1] != "2" else "3")  # the check segment fails
    link = genuine["link"].replace(genuine["name"], serial)
    url = f"http://127.0.0.1:{public_odoo.port}{link[link.index('/01/'):]}"
    if time.time() % 3600 > 3600 - 60:  # one hour's window of the per-code limit for all of them
        time.sleep(3600 - time.time() % 3600 + 1)
    answers = concurrent_gets(url, PER_CODE // THREADS + 1)
    expected = THREADS * (PER_CODE // THREADS + 1)
    statuses = Counter(status for status, _body, _headers in answers)
    assert statuses == {200: PER_CODE, 429: expected - PER_CODE}, statuses
    assert all('id="tp-not-found"' in body for status, body, _headers in answers if status == 200)
    alert = public_odoo.sql(
        "SELECT kind, count, (SELECT name->>'en_US' FROM product_template t JOIN product_product p"
        " ON p.product_tmpl_id = t.id WHERE p.id = a.product_id) FROM trace_verification_alert a WHERE name = :'p0'",
        serial)
    assert alert == [["forged", str(PER_CODE), "E2E Oolong 250 g"]], alert
