"""Benchmark of the public verification page (trace_public_portal) against a real Odoo 18 database.

Run with Odoo's own Python (``bench/run public`` finds it and installs trace_public_portal into a
fresh database without demo data). Prints one markdown table and writes ``var/bench/public.json``.
Figures, never assertions: targets are shown beside each result.

Measured in the same run, on a database of ``--codes`` active unit codes (issued with the
registry's COPY-based issuance, activated with ``_activate_batch``, then VACUUM ANALYZE):
- the server-side answer, ``trace.verification._verify`` of random existing codes recorded as
  consumer verifications, in-process, against a bare PostgreSQL probe of the same code's row;
- HTTP throughput of the consumer page of random existing codes (their Digital Link paths) with
  Odoo in multi-worker mode (``--workers 2,4``), against Odoo's cheapest route ``/web/health``
  with the same workers and the same ``wrk`` load, limits raised so that the limiter counts every
  request but refuses none; Odoo's gevent process is checked before and after each run. Two
  server configurations, both served by Odoo as it ships: ``-d <db> --db-filter=^<db>$`` (Odoo
  lists the databases on a new PostgreSQL connection for every request without a session
  cookie, health included: every consumer's first scan) and a single database, ``-d <db>`` alone
  (no listing: what docker/ and scripts/serve run). For reference, Odoo's own cheapest QWeb page
  (``/odoo/offline``, public, no data) under the same load;
- 10,000 guessed codes (half of them minted with the company's key, so they pass the check
  segment; half random Crockford base32) answered in-process (none may be found), then over HTTP
  from one client with the default limits (the limiter must engage, nothing may fail).
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

import odoo
import psutil
import registry as bench_registry
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from stock import free_port

from tracekit import codes as tk_codes
from tracekit import gs1

ROOT = Path(__file__).resolve().parent.parent
PARAMS = ("trace_public_portal.limit_client_per_minute", "trace_public_portal.limit_code_per_hour")
DEFAULT_CLIENT_LIMIT = 60  # trace.rate.limit's default per client and minute
RAISED_LIMIT = "1000000000"  # counted, never reached
GUESS_THREADS = 8  # concurrent requests of the one guessing client
WARMUP_SECONDS = 3  # every worker loads the registry and its templates before the measured runs
BESIDE_SAMPLES = 1000  # genuine codes answered beside the guesses
CONFIGS = {True: "--db-filter", False: "single database"}  # the two server configurations measured

# wrk's script: every request a random line of the paths file (its first argument), the answers
# counted by status class in each thread, and at the end one JSON line with the latency percentiles
WRK_SCRIPT = r"""
local threads = {}

function setup(thread)
    thread:set("id", #threads + 1)
    table.insert(threads, thread)
end

function init(args)
    paths = {}
    for line in io.lines(args[1]) do
        if #line > 0 then paths[#paths + 1] = line end
    end
    math.randomseed(os.time() * 1000 + id)
    s2xx, s3xx, s429, s4xx, s5xx = 0, 0, 0, 0, 0
end

function request()
    return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
    if status >= 200 and status < 300 then s2xx = s2xx + 1
    elseif status < 400 then s3xx = s3xx + 1
    elseif status == 429 then s429 = s429 + 1
    elseif status < 500 then s4xx = s4xx + 1
    else s5xx = s5xx + 1 end
end

function done(summary, latency, requests)
    local c = {s2xx = 0, s3xx = 0, s429 = 0, s4xx = 0, s5xx = 0}
    for _, thread in ipairs(threads) do
        for name, _ in pairs(c) do c[name] = c[name] + thread:get(name) end
    end
    local e = summary.errors
    io.write(string.format(
        'WRK {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, '
        .. '"s2xx": %d, "s3xx": %d, "s429": %d, "s4xx": %d, "s5xx": %d, "socket_errors": %d}\n',
        summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
        latency:percentile(99), latency.max, c.s2xx, c.s3xx, c.s429, c.s4xx, c.s5xx,
        e.connect + e.read + e.write + e.timeout))
end
"""


def set_limits(registry, value):
    """Both public-route limits set to ``value`` (``None``: the addon's defaults)."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        for param in PARAMS:
            env["ir.config_parameter"].set_param(param, value or False)  # False deletes it
        # a new minute for the limiter: the counts of the previous phase are not this phase's
        cr.execute("DELETE FROM trace_rate_limit")
    registry.signal_changes()


# -- the database ---------------------------------------------------------------------------------


def build(registry, db, count):
    """``count`` unit codes issued (one COPY-based issuance, committed) and activated (the batch
    confirmed in manual mode: ``trace.code._activate_batch``), then VACUUM ANALYZE."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["product.product"].search([("barcode", "=", "6901234567922")]).write({"barcode": False})
        _product, _lot, batch = bench_registry.setup(env, "u")
        issue = env["trace.code.issue"].create(
            {"batch_id": batch.id, "level": "unit", "quantity": count, "request_key": "bench-public-%s" % time.time_ns()}
        )
        cr.commit()
        bench_registry.checkpoint(cr)

        def run_issue():
            issue._run()
            cr.commit()

        def run_activate():
            batch.action_confirm()  # manual activation mode: trace.code._activate_batch(batch)
            cr.commit()

        issue_s, _ = bench_registry.timed(run_issue)
        activate_s, _ = bench_registry.timed(run_activate)
        cr.execute("SELECT count(*) FROM trace_code WHERE batch_id = %s AND activation = 'active'", [batch.id])
        active = cr.fetchone()[0]
        batch_id = batch.id
    connection = bench_registry.raw_connection(db)
    try:
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE trace_code")
            cur.execute("VACUUM ANALYZE trace_verification")
            cur.execute("VACUUM ANALYZE trace_verification_stat")
    finally:
        connection.close()
    with registry.cursor() as cr:
        bench_registry.checkpoint(cr)
    return {"issue_s": issue_s, "activate_s": activate_s, "active": active, "batch_id": batch_id}


def sample_links(registry, batch_id, count, seed=7):
    """``count`` random existing codes with their Digital Links (the registry's own link of the
    first is checked against the one built here)."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        batch = env["trace.batch"].browse(batch_id)
        cr.execute("SELECT setseed(%s)", [1 / seed])
        cr.execute(
            "SELECT name FROM trace_code WHERE batch_id = %s AND level = 'unit' ORDER BY random() LIMIT %s",
            [batch_id, count],
        )
        names = [row[0] for row in cr.fetchall()]
        base = batch.company_id._trace_resolver_base()
        gtin, lot, expiry = batch._unit_gtin(), batch.lot_id.name, batch.expiry_date or None
        links = [gs1.build_digital_link(base, gtin, serial=name, lot=lot, expiry_date=expiry) for name in names]
        first = env["trace.code"].search([("name", "=", names[0])])
        assert first._digital_link() == links[0], (first._digital_link(), links[0])
        return names, links, {"base": base, "gtin": gtin, "lot": lot, "expiry": expiry,
                              "company_id": batch.company_id.id}


def path_of(link):
    return link[link.index("/01/"):]


def counts(cr):
    cr.execute("SELECT (SELECT count(*) FROM trace_verification), (SELECT coalesce(sum(count), 0) FROM trace_verification_stat)")
    return cr.fetchone()


def settled_counts(registry, timeout=60):
    """The verification counts once they stopped changing for a second."""
    deadline, last = time.monotonic() + timeout, None
    while True:
        with registry.cursor() as cr:
            now = counts(cr)
        if now == last or time.monotonic() > deadline:
            return now
        last = now
        time.sleep(1)


# -- the server-side answer -----------------------------------------------------------------------


def bench_answer(registry, names, links, warmup=20):
    """``_verify`` of each link (parsed by ``trace.code._parse_scan``), recorded as a consumer
    verification; baseline: one bare index probe of the same code's row."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Verification = env["trace.verification"].sudo()
        Code = env["trace.code"]
        client = {"address": "203.0.113.7"}
        before = counts(cr)
        for link in links[:warmup]:
            try:
                Verification._verify(Code._parse_scan(link), client=client, lang="en_US")
            except Exception:  # counted with the measured ones below
                cr.rollback()
        cr.commit()
        durations, parse, probes, found, errors = [], [], [], 0, []
        for index, (name, link) in enumerate(zip(names[warmup:], links[warmup:])):
            env.invalidate_all()
            start = time.perf_counter()
            data = Code._parse_scan(link)
            parsed = time.perf_counter()
            try:
                answer = Verification._verify(data, client=client, lang="en_US")
            except Exception as error:  # reported in the table, the run goes on
                errors.append(repr(error))
                cr.rollback()
                continue
            durations.append(time.perf_counter() - parsed)
            parse.append(parsed - start)
            found += bool(answer.get("found") and answer.get("serial") == name and answer.get("token"))
            start = time.perf_counter()
            cr.execute("SELECT id, activation, company_id FROM trace_code WHERE name = %s", [name])
            cr.fetchone()
            probes.append(time.perf_counter() - start)
            if index % 100 == 99:
                cr.commit()  # outside the measure, as every request commits its own
        cr.commit()
        after = counts(cr)
        return {
            "samples": len(names) - warmup, "found": found, "errors": errors,
            "median": median(durations), "p95": quantile(durations, 0.95), "max": max(durations, default=NAN),
            "parse_median": median(parse), "probe_median": median(probes),
            "recorded": after[0] - before[0], "counted": after[1] - before[1], "expected": len(names),
        }


NAN = float("nan")  # the figure of a measure that has no sample: compares false with every target


def median(values):
    return statistics.median(values) if values else NAN


def quantile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else NAN


# -- guessing -------------------------------------------------------------------------------------


def guesses(registry, info, count, seed=11):
    """``count`` guessed Digital Links of the benchmark's product and lot: half minted with the
    company's key (they pass the check segment), half random Crockford base32 of the same length."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        minter = env["res.company"].browse(info["company_id"])._trace_minter()
    rng = random.Random(seed)
    keyed = minter.mint(count // 2)
    made_up = ["".join(rng.choice(tk_codes.ALPHABET) for _ in range(minter.length)) for _ in range(count - len(keyed))]
    serials = keyed + made_up
    rng.shuffle(serials)
    links = [gs1.build_digital_link(info["base"], info["gtin"], serial=serial, lot=info["lot"],
                                    expiry_date=info["expiry"]) for serial in serials]
    return serials, links, sum(minter.verify(serial) for serial in serials)


def bench_guess_inprocess(registry, serials, links):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Verification = env["trace.verification"].sudo()
        Code = env["trace.code"]
        cr.execute("SELECT count(*) FROM trace_code WHERE name = ANY(%s)", [serials])
        existing = cr.fetchone()[0]
        cr.execute("SELECT kind, coalesce(sum(count), 0) FROM trace_verification_alert GROUP BY kind")
        alerts_before = dict(cr.fetchall())
        durations, found, errors = [], 0, []
        for index, link in enumerate(links):
            data = Code._parse_scan(link)
            start = time.perf_counter()
            try:
                answer = Verification._verify(data, client={"address": "203.0.113.9"}, lang="en_US")
            except Exception as error:  # reported in the table, the run goes on
                errors.append(repr(error))
                cr.rollback()
                continue
            durations.append(time.perf_counter() - start)
            found += answer != {"found": False}  # the one answer of every code that is not genuine
            if index % 100 == 99:
                cr.commit()
        cr.commit()
        cr.execute("SELECT kind, coalesce(sum(count), 0) FROM trace_verification_alert GROUP BY kind")
        alerts = {kind: total - alerts_before.get(kind, 0) for kind, total in cr.fetchall()}
        return {"existing": existing, "found": found, "median": median(durations), "alerts": alerts, "errors": errors}


def bench_guess_http(port, paths, threads):
    """Every guessed path requested once from this one client, ``threads`` at a time."""
    import requests  # Odoo's own requirements

    statuses = Counter()
    lock = threading.Lock()
    queue = list(paths)
    failures = []

    def worker():
        session = requests.Session()
        while True:
            with lock:
                if not queue:
                    return
                path = queue.pop()
            try:
                status = session.get(f"http://127.0.0.1:{port}{path}", timeout=60, allow_redirects=False).status_code
            except requests.RequestException as error:
                with lock:
                    failures.append(repr(error))
                status = "error"
            with lock:
                statuses[status] += 1

    start = time.time()
    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    end = time.time()
    windows = int(end // 60) - int(start // 60) + 1  # the limiter's minute windows the run touched
    return {"statuses": dict(statuses), "seconds": end - start, "windows": windows, "failures": failures[:5]}


# -- Odoo as a real multi-worker server ---------------------------------------------------------


class Server:
    """``odoo --workers=N`` on free ports, with its gevent process found among the children."""

    def __init__(self, db, odoo_args, workers, phase, db_filter=True):
        self.port, self.gevent_port = free_port(), free_port()
        self.log = ROOT / "var" / "log" / f"bench-public-odoo-{phase}-{workers}w.log"
        self.log.unlink(missing_ok=True)
        odoo_bin = os.environ.get("ODOO_BIN") or "odoo"
        self.process = subprocess.Popen(
            [odoo_bin, *odoo_args, "-d", db, *([f"--db-filter=^{db}$"] if db_filter else []), f"--http-port={self.port}",
             f"--gevent-port={self.gevent_port}", "--http-interface=127.0.0.1", f"--workers={workers}",
             "--max-cron-threads=0", f"--logfile={self.log}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.gevent_pid = None
        try:
            self._wait()
        except BaseException:
            self.stop()
            raise

    def _wait(self):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"odoo exited with {self.process.returncode} (log: {self.log})")
            if self.gevent_pid is None:
                self.gevent_pid = self.gevent()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/web/health", timeout=2):
                    if self.gevent_pid is not None:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"odoo did not start with its gevent process (log: {self.log})")

    def gevent(self):
        """The pid of the gevent process the prefork server spawned (``odoo gevent ...``), or None."""
        try:
            children = psutil.Process(self.process.pid).children()
        except psutil.NoSuchProcess:
            return None
        for child in children:
            try:
                if "gevent" in child.cmdline()[1:3] and child.status() != psutil.STATUS_ZOMBIE:
                    return child.pid
            except psutil.NoSuchProcess:
                continue
        return None

    def gevent_alive(self):
        """Whether the gevent process seen at start is still the one running (not respawned)."""
        return self.gevent_pid is not None and self.gevent() == self.gevent_pid

    def stop(self):
        gevent_pid = self.gevent_pid
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if gevent_pid:  # the master ends it; make sure of it
            try:
                child = psutil.Process(gevent_pid)
                if "gevent" in child.cmdline()[1:3]:
                    child.terminate()
            except psutil.NoSuchProcess:
                pass


def wrk(port, paths_file, script, duration, connections, threads):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(script),
               f"http://127.0.0.1:{port}", "--", str(paths_file)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=duration + 120)
    line = next((line for line in run.stdout.splitlines() if line.startswith("WRK ")), None)
    if run.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({run.returncode}): {run.stdout[-2000:]} {run.stderr[-2000:]}")
    result = json.loads(line[4:])
    result["rps"] = result["s2xx"] / (result["duration_us"] / 1e6)  # answers that succeeded, per second
    return result


def bench_http(registry, db, odoo_args, workers, files, script, args, db_filter):
    """``files``: the wrk path files of the health route, the consumer page and Odoo's page."""
    health_file, paths_file, odoo_page_file = files
    server = Server(db, odoo_args, workers, "load-filter" if db_filter else "load-single", db_filter=db_filter)
    try:
        for warm in files:
            wrk(server.port, warm, script, WARMUP_SECONDS, args.connections, args.wrk_threads)
        alive_before = server.gevent_alive()
        health = wrk(server.port, health_file, script, args.duration, args.connections, args.wrk_threads)
        with registry.cursor() as cr:
            before = counts(cr)
        page = wrk(server.port, paths_file, script, args.duration, args.connections, args.wrk_threads)
        after = settled_counts(registry)  # the requests in flight when wrk stopped end their transactions
        odoo_page = wrk(server.port, odoo_page_file, script, args.duration, args.connections, args.wrk_threads)
        alive_after = server.gevent_alive()
    finally:
        server.stop()
    return {"health": health, "page": page, "odoo_page": odoo_page, "gevent_before": alive_before,
            "gevent_after": alive_after, "gevent_pid": server.gevent_pid, "recorded": after[0] - before[0],
            "counted": after[1] - before[1], "db_filter": db_filter}


# -- the report -----------------------------------------------------------------------------------


def workers_list(text):
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--workers takes numbers separated by commas, not {text!r}")
    if not values or any(value < 1 for value in values):
        raise argparse.ArgumentTypeError(f"--workers takes positive numbers, not {text!r}")
    return values


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--odoo-args", default="", help="extra Odoo options, e.g. '--db_host=...'")
    parser.add_argument("--codes", type=int, default=1_000_000, help="active unit codes in the database")
    parser.add_argument("--samples", type=int, default=2000, help="in-process answers measured")
    parser.add_argument("--paths", type=int, default=20_000, help="random existing codes wrk picks from")
    parser.add_argument("--workers", type=workers_list, default=[2, 4], help="Odoo worker counts, e.g. 2,4")
    parser.add_argument("--duration", type=int, default=20, help="seconds of each wrk run")
    parser.add_argument("--connections", type=int, default=16, help="wrk's open connections")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--guesses", type=int, default=10_000, help="guessed codes, in-process and over HTTP")
    args = parser.parse_args()
    if args.codes < args.samples + args.paths // 2 or min(args.codes, args.samples, args.guesses) < 100:
        parser.error("--codes must hold the samples and paths, and --codes, --samples, --guesses be >= 100")
    odoo_args = args.odoo_args.split()
    odoo.tools.config.parse_config(["-d", args.database] + odoo_args)
    registry = Registry(args.database)
    workdir = Path(tempfile.mkdtemp(prefix="bench-public-", dir=ROOT / "var"))

    print(f"[build] issuing and activating {args.codes:,} unit codes", flush=True)
    built = build(registry, args.database, args.codes)
    print(f"[build] issue {built['issue_s']:.1f} s, activate {built['activate_s']:.1f} s, "
          f"{built['active']:,} active", flush=True)
    beside = min(BESIDE_SAMPLES, args.samples) + 20  # genuine codes answered beside the guesses, never verified before
    names, links, info = sample_links(registry, built["batch_id"],
                                      min(args.codes, args.samples + 20 + args.paths + beside))
    names, links, beside_names, beside_links = names[:-beside], links[:-beside], names[-beside:], links[-beside:]
    answer = bench_answer(registry, names[:args.samples + 20], links[:args.samples + 20])
    print(f"[answer] median {answer['median'] * 1000:.2f} ms, p95 {answer['p95'] * 1000:.2f} ms", flush=True)

    paths_file, health_file, script = workdir / "paths.txt", workdir / "health.txt", workdir / "bench.lua"
    odoo_page_file = workdir / "odoo-page.txt"
    page_links = links[args.samples + 20:] or links
    paths_file.write_text("".join(path_of(link) + "\n" for link in page_links))
    health_file.write_text("/web/health\n")
    odoo_page_file.write_text("/odoo/offline\n")
    script.write_text(WRK_SCRIPT)
    set_limits(registry, RAISED_LIMIT)
    http = {}
    for db_filter in (True, False):
        for workers in args.workers:
            config = CONFIGS[db_filter]
            print(f"[http] {workers} workers, {config}: /web/health, the consumer page, Odoo's page, "
                  f"{args.duration} s each, {args.connections} connections", flush=True)
            run = http[(db_filter, workers)] = bench_http(
                registry, args.database, odoo_args, workers, (health_file, paths_file, odoo_page_file), script, args,
                db_filter)
            print(f"[http] {workers} workers, {config}: health {run['health']['rps']:.0f} req/s, page "
                  f"{run['page']['rps']:.0f} req/s, p95 {run['page']['p95_us'] / 1000:.0f} ms, Odoo's page "
                  f"{run['odoo_page']['rps']:.0f} req/s, gevent {run['gevent_pid']} up before {run['gevent_before']} "
                  f"and after {run['gevent_after']}", flush=True)

    serials, guess_links, keyed = guesses(registry, info, args.guesses)
    guessed = bench_guess_inprocess(registry, serials, guess_links)
    # genuine codes answered again right after the guesses, in the same state of the database
    # (the HTTP runs added verifications and dead rows since the first measure): the comparison
    genuine_beside = bench_answer(registry, beside_names, beside_links)
    print(f"[guess] in-process: {guessed['found']} found of {len(serials):,}, alerts {guessed['alerts']}", flush=True)
    set_limits(registry, None)
    server = Server(args.database, odoo_args, args.workers[0], "guess", db_filter=False)
    try:
        guess_http = bench_guess_http(server.port, [path_of(link) for link in guess_links], GUESS_THREADS)
        guess_gevent = server.gevent_alive()
    finally:
        server.stop()
    statuses = guess_http["statuses"]
    print(f"[guess] HTTP: {statuses} in {guess_http['seconds']:.1f} s over {guess_http['windows']} minute window(s)",
          flush=True)

    rows = []

    def row(name, value, unit, target, ok, fmt="{:,.2f}"):
        # a figure without samples (nan) fails even without a target
        bench_registry.add_row(rows, name, value, unit, target, bool(ok) and value == value, fmt)

    row(f"issue {args.codes:,} unit codes (COPY-based issuance, committed)", built["issue_s"], "s", "", True)
    row("activate them (_activate_batch, committed)", built["activate_s"], "s", "", True)
    row("active unit codes in the database", built["active"], "", f"= {args.codes:,}",
        built["active"] == args.codes, "{:,}")
    n = answer["samples"]
    row(f"server-side answer: _verify of a random existing code, recorded, median of {n:,}",
        answer["median"] * 1000, "ms", "<= 5 ms", answer["median"] <= 0.005)
    row("  p95", answer["p95"] * 1000, "ms", "", True)
    row("  slowest", answer["max"] * 1000, "ms", "", True)
    row("  parsing the Digital Link first (_parse_scan), median", answer["parse_median"] * 1000, "ms", "", True)
    row("  bare PostgreSQL probe of the code's row, median (baseline)", answer["probe_median"] * 1000, "ms",
        "baseline", True)
    row("  answers found genuine, with a verification token", answer["found"], "", f"= {n:,}", answer["found"] == n,
        "{:,}")
    row("  errors raised by _verify", len(answer["errors"]), "", "0", not answer["errors"], "{:,}")
    row("  verifications recorded / counted", f"{answer['recorded']:,} / {answer['counted']:,}", "",
        f"= {answer['expected']:,}", answer["recorded"] == answer["counted"] == answer["expected"])
    for (db_filter, workers), run in http.items():
        health, page, odoo_page = run["health"], run["page"], run["odoo_page"]
        ratio = page["rps"] / health["rps"] if health["rps"] else 0.0
        tag = f"{workers} workers, {CONFIGS[db_filter]}:"
        row(f"{tag} /web/health throughput, 2xx answers (baseline)", health["rps"], "req/s", "baseline",
            health["s2xx"] == health["requests"], "{:,.0f}")
        row(f"{tag} consumer page of a random existing code, throughput, 2xx answers", page["rps"], "req/s", "",
            True, "{:,.0f}")
        row(f"{tag} page / health", ratio, "x", ">= 0.5", ratio >= 0.5)
        row(f"{tag} Odoo's own cheapest QWeb page (/odoo/offline, public, no data), for reference", odoo_page["rps"],
            "req/s", "", odoo_page["s2xx"] == odoo_page["requests"], "{:,.0f}")
        row(f"{tag} page / Odoo's page", page["rps"] / odoo_page["rps"] if odoo_page["rps"] else 0.0, "x", "", True)
        row(f"{tag} page latency p50", page["p50_us"] / 1000, "ms", "", True, "{:,.1f}")
        row(f"{tag} page latency p95", page["p95_us"] / 1000, "ms", "<= 300 ms", page["p95_us"] <= 300_000, "{:,.1f}")
        row(f"{tag} page latency p99", page["p99_us"] / 1000, "ms", "", True, "{:,.1f}")
        bad = page["requests"] - page["s2xx"] + page["socket_errors"]
        bad_health = health["requests"] - health["s2xx"] + health["socket_errors"]
        row(f"{tag} non-2xx answers and socket errors, page / health ({page['requests']:,} / {health['requests']:,})",
            f"{bad:,} / {bad_health:,}", "", "0 / 0", bad == 0 and bad_health == 0)
        extra = run["recorded"] - page["s2xx"]
        row(f"{tag} verifications recorded during the page run (2xx answers + those in flight)",
            f"{run['recorded']:,}", "", f"{page['s2xx']:,} + <= {args.connections}",
            0 <= extra <= args.connections and run["counted"] == run["recorded"])
        row(f"{tag} gevent process {run['gevent_pid']} up before and after the runs",
            f"{'yes' if run['gevent_before'] else 'no'} / {'yes' if run['gevent_after'] else 'no'}", "", "yes / yes",
            run["gevent_before"] and run["gevent_after"])
    total = len(serials)
    row(f"guessed codes answered in-process ({keyed:,} of {total:,} pass the check segment): found",
        guessed["found"], "", "0", guessed["found"] == 0 and guessed["existing"] == 0 and not guessed["errors"], "{:,}")
    row("  errors raised by _verify", len(guessed["errors"]), "", "0", not guessed["errors"], "{:,}")
    row("  answer of a guessed code, median (same work as a genuine one)", guessed["median"] * 1000, "ms", "", True)
    row(f"  answer of a genuine code measured right after them, median of {genuine_beside['samples']:,}",
        genuine_beside["median"] * 1000, "ms", "", not genuine_beside["errors"]
        and genuine_beside["found"] == genuine_beside["samples"])
    same = guessed["median"] / genuine_beside["median"] if genuine_beside["median"] else NAN
    row("  guessed / genuine answer time (medians: the same time)", same, "x", "0.8 - 1.25", 0.8 <= same <= 1.25)
    row("  alerts raised: forged (check segment fails) / unknown",
        f"{guessed['alerts'].get('forged', 0):,} / {guessed['alerts'].get('unknown', 0):,}", "",
        f"{total - keyed:,} / {keyed:,}",
        guessed["alerts"].get("forged", 0) == total - keyed and guessed["alerts"].get("unknown", 0) == keyed)
    allowed = DEFAULT_CLIENT_LIMIT * guess_http["windows"]
    passed, limited = statuses.get(200, 0), statuses.get(429, 0)
    others = sum(count for status, count in statuses.items() if status not in (200, 429))
    row(f"guessed codes over HTTP from one client, {args.workers[0]} workers, default limits: answered 429",
        limited, "", f">= {total - allowed:,}", limited >= total - allowed and limited > 0, "{:,}")
    row(f"  answered 200 (not found), {guess_http['windows']} minute window(s) of {DEFAULT_CLIENT_LIMIT}", passed, "",
        f"<= {allowed:,}", passed <= allowed, "{:,}")
    row("  answered 500 or anything else", others, "", "0", others == 0, "{:,}")
    row(f"  answers per second ({GUESS_THREADS} concurrent requests)", sum(statuses.values()) / guess_http["seconds"],
        "req/s", "", True, "{:,.0f}")
    row("  gevent process up after the run", "yes" if guess_gevent else "no", "", "yes", guess_gevent)

    bench_registry.print_markdown(
        f"Public verification benchmark: {args.codes:,} active codes, {args.samples:,} samples, wrk {args.duration} s "
        f"x {args.connections} connections x {args.wrk_threads} threads, {args.guesses:,} guesses, "
        f"{os.cpu_count()} CPUs", rows)
    for what, errors in (("server-side answer", answer["errors"]), ("guessed codes", guessed["errors"])):
        if errors:
            print(f"\n{what}: {len(errors):,} errors, the first: {errors[0]}")
    if any(run["page"]["s5xx"] for run in http.values()) or statuses.get(500):
        print("\nserver errors: see var/log/bench-public-odoo-*.log")
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "public.json").write_text(json.dumps(
        {"args": {k: v for k, v in vars(args).items() if k != "odoo_args"}, "rows": rows,
         "http": {f"{workers} workers, {CONFIGS[db_filter]}": v for (db_filter, workers), v in http.items()},
         "guess_http": guess_http}, indent=1, default=str))
    for file in (paths_file, health_file, odoo_page_file, script):
        file.unlink()
    workdir.rmdir()
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
