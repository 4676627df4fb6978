"""Benchmark of warehouse scanning (trace_stock) against a real Odoo 18 database.

Run with Odoo's own Python (``bench/run stock`` finds it and installs trace_stock into a fresh
database). Prints a table and writes ``var/bench/stock.json``. Figures, never assertions.

Measured in the same run:
- a delivery of 10 pallets (10 x 60 cases x 24 units = 14,400 units) of two lots: the 10 pallet
  codes scanned and the delivery validated through the addon's methods (committed), with the
  peak of Python memory (tracemalloc) and the process's peak RSS growth during it;
- the same 14,400 units shipped with Odoo's native serial tracking: reservation of 14,400 serial
  numbers and validation (the serials received beforehand, not timed);
- one scan round-trip through the HTTP route the scan screen calls (JSON-RPC call_kw of
  ``stock.picking.trace_scan``, a real ``odoo`` server), median over single units scanned into a
  transfer that holds 10,080 scanned units already;
- the forward trace of a lot (who holds it, ``stock.lot._trace_holders``) over 1,000,000 codes.
"""

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
import tracemalloc
import urllib.request
from pathlib import Path

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

ROOT = Path(__file__).resolve().parent.parent
PALLETS, CASES_PER_PALLET, UNITS_PER_CASE = 10, 60, 24


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def make_batch(env, product, lot_name, units, cases, pallets):
    lot = env["stock.lot"].create({"name": lot_name, "product_id": product.id})
    batch = env["trace.batch"].create({"product_id": product.id, "lot_id": lot.id, "quantity": units,
                                       "production_date": "2026-11-25", "expiry_date": "2027-11-24"})
    batch.issue_codes(units)
    batch.action_confirm()
    if cases:
        batch.issue_codes(cases, level="case")
    if pallets:
        batch.issue_codes(pallets, level="pallet")
    Code = env["trace.code"]

    def names(level):
        return Code.search([("batch_id", "=", batch.id), ("level", "=", level)], order="id").mapped("name")

    return lot, batch, names("unit"), names("case"), names("pallet")


def pack(env, units, cases, pallets):
    Code = env["trace.code"]
    Code._pack({case: units[i * UNITS_PER_CASE:(i + 1) * UNITS_PER_CASE] for i, case in enumerate(cases)})
    Code._pack({pallet: cases[i * CASES_PER_PALLET:(i + 1) * CASES_PER_PALLET] for i, pallet in enumerate(pallets)})


def delivery(env, warehouse, product, quantity, partner):
    customers = env.ref("stock.stock_location_customers")
    picking = env["stock.picking"].create(
        {"picking_type_id": warehouse.out_type_id.id, "location_id": warehouse.lot_stock_id.id,
         "location_dest_id": customers.id, "partner_id": partner.id,
         "move_ids": [(0, 0, {"name": product.name, "product_id": product.id, "product_uom_qty": quantity,
                              "product_uom": product.uom_id.id, "location_id": warehouse.lot_stock_id.id,
                              "location_dest_id": customers.id})]})
    picking.action_confirm()
    return picking


def setup(registry):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env.company.write({"trace_resolver_url": "https://bench.trace.test", "trace_gs1_company_prefix": "6901234"})
        product = env["product.product"].create({"name": "Bench tea", "barcode": "6901234567922",
                                                 "is_storable": True, "tracking": "lot"})
        env["product.packaging"].create({"name": "Case of 24", "product_id": product.id, "qty": 24,
                                         "barcode": "16901234567929", "trace_level": "case"})
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        per_lot = PALLETS // 2 * CASES_PER_PALLET * UNITS_PER_CASE
        dealer = env["res.partner"].create({"name": "Bench dealer"})
        runs = []
        # two identical deliveries: one timed, one run again under tracemalloc (which slows Python)
        for run in ("timed", "memory"):
            pallets = []
            for name in ("A", "B"):
                lot, _batch, units, cases, lot_pallets = make_batch(
                    env, product, f"BENCH-{run}-{name}", per_lot, PALLETS // 2 * CASES_PER_PALLET, PALLETS // 2)
                pack(env, units, cases, lot_pallets)
                env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, per_lot, lot_id=lot)
                pallets += lot_pallets
            runs.append({"picking": delivery(env, warehouse, product, per_lot * 2, dealer).id, "pallets": pallets})
        cr.commit()
        return {"product": product.id, "warehouse": warehouse.id, "runs": runs, "dealer": dealer.id}


def bench_trace_delivery(registry, data):
    result = {}
    for run_data, traced in zip(data["runs"], (False, True)):
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            picking = env["stock.picking"].browse(run_data["picking"])
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            if traced:
                tracemalloc.start()

            def run(picking=picking, pallets=run_data["pallets"], cr=cr):
                for pallet in pallets:
                    answer = picking.trace_scan(pallet)
                    assert answer["ok"], answer
                picking.button_validate()
                cr.commit()

            seconds, _ = timed(run)
            assert picking.state == "done", picking.state
            if traced:
                _current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                result.update(python_peak_mb=peak / 2**20,
                              rss_growth_mb=(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024)
            else:
                result.update(seconds=seconds, move_lines=len(picking.move_ids.move_line_ids),
                              units_delivered=env["trace.code"].search_count(
                                  [("custody", "=", "delivered"), ("level", "=", "unit")]))
    return result


def bench_native_serials(registry, count):
    """Odoo's own serial tracking: reserve ``count`` serial numbers in stock and validate the delivery."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        product = env["product.product"].create({"name": "Serial bench", "is_storable": True, "tracking": "serial"})
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        prefix = "SN%s-" % time.time_ns()
        lots = env["stock.lot"].create([{"name": "%s%06d" % (prefix, i), "product_id": product.id} for i in range(count)])
        Quant = env["stock.quant"]
        for lot in lots:
            Quant._update_available_quantity(product, warehouse.lot_stock_id, 1, lot_id=lot)
        picking = delivery(env, warehouse, product, count, env["res.partner"].create({"name": "Serial dealer"}))
        cr.commit()

        def run():
            picking.action_assign()
            picking.move_ids.picked = True
            picking.button_validate()
            cr.commit()

        seconds, _ = timed(run)
        assert picking.state == "done", picking.state
        return seconds


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_odoo(db, odoo_args):
    port = free_port()
    odoo_bin = os.environ.get("ODOO_BIN") or "odoo"
    log = ROOT / "var" / "log" / "bench-stock-odoo.log"
    process = subprocess.Popen(
        [odoo_bin, *odoo_args, "-d", db, f"--db-filter=^{db}$", f"--http-port={port}", "--http-interface=127.0.0.1",
         "--workers=0", "--max-cron-threads=0", f"--logfile={log}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/web/health", timeout=2):
                return process, port
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("odoo did not start")


def bench_scan_round_trip(registry, db, odoo_args, samples):
    """A transfer holding 10,080 scanned units (7 pallets), then single units scanned over HTTP."""
    import requests  # Odoo's own requirements

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        product = env["product.product"].browse(json.loads(os.environ["BENCH_STOCK_DATA"])["product"])
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        held = 7 * CASES_PER_PALLET * UNITS_PER_CASE
        lot, _batch, units, cases, pallets = make_batch(env, product, "BENCH-RT", held + samples,
                                                        7 * CASES_PER_PALLET, 7)
        pack(env, units[:held], cases, pallets)
        env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, held + samples, lot_id=lot)
        picking = delivery(env, warehouse, product, held + samples, env["res.partner"].create({"name": "RT dealer"}))
        for pallet in pallets:
            assert picking.trace_scan(pallet)["ok"]
        env.ref("base.user_admin").password = "bench-admin"
        cr.commit()
        loose = units[held:]
        picking_id = picking.id
    process, port = start_odoo(db, odoo_args)
    try:
        session = requests.Session()
        base = f"http://127.0.0.1:{port}"
        auth = session.post(base + "/web/session/authenticate", json={
            "jsonrpc": "2.0", "params": {"db": db, "login": "admin", "password": "bench-admin"}}, timeout=30).json()
        assert auth.get("result"), auth
        durations = []
        for code in loose:
            body = {"jsonrpc": "2.0", "method": "call", "params": {
                "model": "stock.picking", "method": "trace_scan", "args": [[picking_id], code], "kwargs": {}}}
            start = time.perf_counter()
            answer = session.post(base + "/web/dataset/call_kw/stock.picking/trace_scan", json=body, timeout=30).json()
            durations.append(time.perf_counter() - start)
            assert answer.get("result", {}).get("ok"), answer
        health = []
        for _ in range(20):
            start = time.perf_counter()
            session.get(base + "/web/health", timeout=10)
            health.append(time.perf_counter() - start)
        return statistics.median(durations), max(durations), statistics.median(health)
    finally:
        process.terminate()
        process.wait(timeout=30)


def bench_lot_holders(registry, units):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        product = env["product.product"].create({"name": "Holders bench", "is_storable": True, "tracking": "lot"})
        lot = env["stock.lot"].create({"name": "BENCH-1M", "product_id": product.id})
        batch = env["trace.batch"].create({"product_id": product.id, "lot_id": lot.id, "quantity": units,
                                           "production_date": "2026-11-25"})
        env["product.product"].search([("barcode", "=", "6901234567939")]).write({"barcode": False})
        product.barcode = "6901234567939"
        issue = env["trace.code.issue"].create({"batch_id": batch.id, "level": "unit", "quantity": units,
                                                "request_key": "bench-holders-%s" % time.time_ns()})
        issue._run()
        batch.action_confirm()
        cr.commit()
        cr.execute("ANALYZE trace_code")
        durations = []
        for _ in range(5):
            env.invalidate_all()
            start = time.perf_counter()
            holders = lot._trace_holders()
            durations.append(time.perf_counter() - start)
        return statistics.median(durations), holders


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--odoo-args", default="")
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--holders-units", type=int, default=1_000_000)
    args = parser.parse_args()
    odoo_args = args.odoo_args.split()
    odoo.tools.config.parse_config(["-d", args.database] + odoo_args)
    registry = Registry(args.database)
    units = PALLETS * CASES_PER_PALLET * UNITS_PER_CASE

    print(f"[setup] {units:,} units of two lots on {PALLETS} pallets", flush=True)
    data = setup(registry)
    os.environ["BENCH_STOCK_DATA"] = json.dumps(data)
    trace = bench_trace_delivery(registry, data)
    print(f"[trace delivery] {trace}", flush=True)
    native = bench_native_serials(registry, units)
    print(f"[native serials] {native:.2f} s", flush=True)
    scan_median, scan_max, health = bench_scan_round_trip(registry, args.database, odoo_args, args.samples)
    print(f"[scan round-trip] median {scan_median * 1000:.1f} ms", flush=True)
    holders_s, holders = bench_lot_holders(registry, args.holders_units)
    print(f"[lot holders] {holders_s * 1000:.0f} ms {holders}", flush=True)

    rows = [
        (f"scan {PALLETS} pallets ({units:,} units, 2 lots) + validate (trace_stock)", trace["seconds"], "s",
         "<= 3 s", trace["seconds"] <= 3),
        ("  move lines written (one per lot)", trace["move_lines"], "", "2", trace["move_lines"] == 2),
        ("  peak Python memory of the same delivery, run again (tracemalloc)", trace["python_peak_mb"], "MB", "", True),
        ("  growth of the process's peak RSS during that run", trace["rss_growth_mb"], "MB", "", True),
        (f"Odoo native serials: reserve + validate {units:,} serial numbers", native, "s", "comparison", True),
        ("native / trace_stock", native / trace["seconds"], "x", ">= 50x", native / trace["seconds"] >= 50),
        (f"scan round-trip over HTTP (call_kw), transfer holding 10,080 units, median of {args.samples}",
         scan_median * 1000, "ms", "<= 50 ms", scan_median <= 0.050),
        ("  slowest", scan_max * 1000, "ms", "", True),
        ("  /web/health round-trip, same server (baseline)", health * 1000, "ms", "baseline", True),
        (f"lot forward trace (holders) over {args.holders_units:,} codes, median of 5", holders_s * 1000, "ms",
         "<= 1000 ms", holders_s <= 1.0),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure':<{width}}  {'value':>10}  unit  target      ok")
    for name, value, unit, target, ok in rows:
        print(f"{name:<{width}}  {value:>10.2f}  {unit:<4}  {target:<10}  {'yes' if ok else 'NO'}")
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "stock.json").write_text(json.dumps(
        [{"measure": r[0], "value": r[1], "unit": r[2], "target": r[3], "ok": r[4]} for r in rows], indent=1))
    return 0 if all(r[4] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
