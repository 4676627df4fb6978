"""Benchmark of the product_trace code registry against a real Odoo 18 database.

Run with Odoo's own Python (``bench/run registry`` finds it), against a database that has
product_trace installed without demo data (the wrapper creates one). Prints a table and writes
``var/bench/registry.json``. Figures, never assertions: targets are shown beside each result.

Measured in the same run:
- issue 1,000,000 unit codes through the addon's method (committed) vs a raw PostgreSQL COPY of
  the same rows into an equivalent bare table (same columns, same indexes);
- Odoo's own serial numbers: a receipt of N serial-tracked units through stock's native path;
- packing 1,000,000 units into cases of 24 and the cases onto pallets of 24;
- the full trace answer of one unit (median of many), and a lot's counts by state.
"""

import argparse
import io
import json
import random
import statistics
import sys
import time
from pathlib import Path

import odoo
import psycopg2
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.sql_db import connection_info_for

ROOT = Path(__file__).resolve().parent.parent


def checkpoint(cr):
    """Start a write-heavy measure with no dirty pages left by the one before: a checkpoint that
    falls inside one measure and not the other would decide the ratio. Needs a superuser or
    pg_checkpoint; without it the measures run as they are."""
    try:
        with cr.savepoint(flush=False):
            cr.execute("CHECKPOINT")
    except Exception:
        return False
    return True


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def raw_connection(db):
    """A plain psycopg2 connection in autocommit (VACUUM cannot run in a transaction)."""
    _name, info = connection_info_for(db)
    connection = psycopg2.connect(**info)
    connection.autocommit = True
    return connection


def add_row(rows, name, value, unit, target, ok, fmt="{:,.2f}"):
    """One measure of a markdown table (:func:`print_markdown`)."""
    rows.append({"measure": name, "value": value, "unit": unit, "target": target, "ok": bool(ok),
                 "text": fmt.format(value) if isinstance(value, (int, float)) else str(value)})


def print_markdown(title, rows):
    """The benchmark's table as its closing note quotes it."""
    print()
    print(title)
    print()
    print("| measure | value | unit | target | result |")
    print("|---|---:|---|---|---|")
    for r in rows:
        print(f"| {r['measure']} | {r['text']} | {r['unit']} | {r['target']} | {'PASS' if r['ok'] else 'FAIL'} |")


def setup(env, suffix):
    company = env.company
    company.write({"trace_resolver_url": "https://bench.trace.test", "trace_gs1_company_prefix": "6901234"})
    product = env["product.product"].create(
        {"name": "Bench tea %s" % suffix, "barcode": "6901234567922" if suffix == "u" else False,
         "is_storable": True, "tracking": "lot"}
    )
    lot = env["stock.lot"].create({"name": "B%s%d" % (suffix, time.time_ns() % 10**12), "product_id": product.id})
    batch = env["trace.batch"].create({"product_id": product.id, "lot_id": lot.id, "production_date": "2026-11-25"})
    return product, lot, batch


def bench_issue(registry, units):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        # autovacuum would start on the million new rows while the raw COPY is measured, and
        # share this machine's CPUs with it: the run analyzes explicitly instead
        cr.execute("ALTER TABLE trace_code SET (autovacuum_enabled = off)")
        # one barcode per product: clear an earlier run's
        env["product.product"].search([("barcode", "=", "6901234567922")]).write({"barcode": False})
        product, lot, batch = setup(env, "u")
        issue = env["trace.code.issue"].create(
            {"batch_id": batch.id, "level": "unit", "quantity": units, "request_key": "bench-%s" % time.time_ns()}
        )
        cr.commit()
        checkpoint(cr)

        def run():
            issue._run()
            cr.commit()

        seconds, _ = timed(run)
        return seconds, batch.id, lot.id, product.id


def bench_raw_copy(registry, units):
    """The same rows, COPYed into a bare table with the same columns and indexes."""
    from tracekit import codes

    minter = codes.CodeMinter(b"bench-secret")
    names = sorted(minter.mint(units))
    with registry.cursor() as cr:
        cr.execute(
            """
            DROP TABLE IF EXISTS bench_bare_code;
            CREATE TABLE bench_bare_code (LIKE trace_code INCLUDING DEFAULTS);
            ALTER TABLE bench_bare_code ADD PRIMARY KEY (id);
            CREATE UNIQUE INDEX ON bench_bare_code (name);
            CREATE INDEX ON bench_bare_code USING brin (batch_id);
            CREATE INDEX ON bench_bare_code USING brin (lot_id);
            """
        )
        cr.commit()
        data = "".join(
            f"{n}\t06901234567922\tunit\tissued\t1\t1\t1\t1\t2026-11-25 00:00:00\t1\t2026-11-25 00:00:00\t1\n"
            for n in names
        )
        checkpoint(cr)

        def run():
            cr.copy_expert(
                "COPY bench_bare_code (name, gtin, level, activation, product_id, lot_id, batch_id, company_id, "
                "create_date, create_uid, write_date, write_uid) FROM STDIN",
                io.StringIO(data),
            )
            cr.commit()

        seconds, _ = timed(run)
        cr.execute("DROP TABLE bench_bare_code")
        cr.commit()
        return seconds


def bench_odoo_serials(registry, count):
    """Odoo's native path: a receipt of ``count`` serial-tracked units, one lot per unit, validated."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        product = env["product.product"].create({"name": "Serial bench", "is_storable": True, "tracking": "serial"})
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        supplier_location = env.ref("stock.stock_location_suppliers")
        picking = env["stock.picking"].create(
            {
                "picking_type_id": warehouse.in_type_id.id,
                "location_id": supplier_location.id,
                "location_dest_id": warehouse.lot_stock_id.id,
                "move_ids": [(0, 0, {"name": product.name, "product_id": product.id, "product_uom_qty": count,
                                     "product_uom": product.uom_id.id, "location_id": supplier_location.id,
                                     "location_dest_id": warehouse.lot_stock_id.id})],
            }
        )
        picking.action_confirm()
        cr.commit()
        prefix = "SN%s-" % time.time_ns()

        def run():
            move = picking.move_ids
            move.move_line_ids.unlink()
            env["stock.move.line"].create(
                [
                    {"move_id": move.id, "picking_id": picking.id, "product_id": product.id,
                     "lot_name": "%s%06d" % (prefix, i), "quantity": 1, "product_uom_id": product.uom_id.id,
                     "location_id": supplier_location.id, "location_dest_id": warehouse.lot_stock_id.id}
                    for i in range(count)
                ]
            )
            move.picked = True
            picking.button_validate()
            cr.commit()

        seconds, _ = timed(run)
        return seconds


def bench_pack(registry, batch_id, case_size, pallet_size):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        batch = env["trace.batch"].browse(batch_id)
        Code = env["trace.code"]
        batch.action_confirm()  # manual mode: activates every unit
        cr.commit()
        cr.execute("SELECT name FROM trace_code WHERE batch_id = %s AND level = 'unit' ORDER BY id", [batch_id])
        units = [row[0] for row in cr.fetchall()]
        n_cases = -(-len(units) // case_size)
        n_pallets = -(-n_cases // pallet_size)
        for level, quantity in (("case", n_cases), ("pallet", n_pallets)):
            issue = env["trace.code.issue"].create(
                {"batch_id": batch_id, "level": level, "quantity": quantity, "request_key": "bench-%s-%s" % (level, time.time_ns())}
            )
            issue._run()
        cr.commit()
        cr.execute("SELECT name FROM trace_code WHERE batch_id = %s AND level = 'case' ORDER BY id", [batch_id])
        cases = [row[0] for row in cr.fetchall()]
        cr.execute("SELECT name FROM trace_code WHERE batch_id = %s AND level = 'pallet' ORDER BY id", [batch_id])
        pallets = [row[0] for row in cr.fetchall()]
        case_map = {case: units[i * case_size:(i + 1) * case_size] for i, case in enumerate(cases)}
        pallet_map = {pallet: cases[i * pallet_size:(i + 1) * pallet_size] for i, pallet in enumerate(pallets)}

        def run_cases():
            Code._pack(case_map)
            cr.commit()

        def run_pallets():
            Code._pack(pallet_map)
            cr.commit()

        t_cases, _ = timed(run_cases)
        t_pallets, _ = timed(run_pallets)
        return t_cases, t_pallets, len(cases), len(pallets)


def bench_queries(registry, batch_id, lot_id, samples):
    with registry.cursor() as cr:
        cr.execute("ANALYZE trace_code; ANALYZE trace_event;")
        env = api.Environment(cr, SUPERUSER_ID, {})
        Code = env["trace.code"]
        cr.execute("SELECT name FROM trace_code WHERE batch_id = %s AND level = 'unit'", [batch_id])
        names = [row[0] for row in cr.fetchall()]
        rng = random.Random(7)
        picks = rng.sample(names, samples)
        durations = []
        for name in picks:
            env.invalidate_all()
            start = time.perf_counter()
            Code.trace(name)
            durations.append(time.perf_counter() - start)
        counts = []
        Count = env["trace.code.count"]
        for _ in range(20):
            env.invalidate_all()
            start = time.perf_counter()
            result = Count._counts_by_lot([lot_id])
            counts.append(time.perf_counter() - start)
        raw = []
        for _ in range(5):
            start = time.perf_counter()
            cr.execute(
                """SELECT CASE WHEN t.code_id IS NULL THEN c.activation ELSE 'packed' END, count(*)
                     FROM trace_code c LEFT JOIN trace_code_tree t ON t.code_id = c.id
                    WHERE c.lot_id = %s GROUP BY 1""",
                [lot_id],
            )
            cr.fetchall()
            raw.append(time.perf_counter() - start)
        return statistics.median(durations), max(durations), statistics.median(counts), statistics.median(raw), result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--serials", type=int, default=5_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--odoo-args", default="", help="extra Odoo options, e.g. '--db_host=...'")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-d", args.database] + args.odoo_args.split())
    registry = Registry(args.database)
    rows = []

    def step(name, fn, *fn_args):
        result = fn(*fn_args)
        print(f"[{name}] {result if not isinstance(result, tuple) else result[:5]}", flush=True)
        return result

    issue_s, batch_id, lot_id, _product_id = step("issue", bench_issue, registry, args.units)
    copy_s = step("raw copy", bench_raw_copy, registry, args.units)
    serial_s = step("odoo serials", bench_odoo_serials, registry, args.serials)
    cases_s, pallets_s, n_cases, n_pallets = step("pack", bench_pack, registry, batch_id, 24, 24)
    trace_median, trace_max, count_median, raw_count, counts = step(
        "queries", bench_queries, registry, batch_id, lot_id, args.samples
    )

    def row(name, value, unit, target, ok):
        rows.append({"measure": name, "value": value, "unit": unit, "target": target, "ok": ok})

    row(f"issue {args.units:,} unit codes (addon, committed)", issue_s, "s", "<= 20 s", issue_s <= 20)
    row(f"raw COPY of the same {args.units:,} rows (bare table, same columns and indexes)", copy_s, "s",
        "baseline", True)
    row("issue / raw COPY", issue_s / copy_s, "x", "<= 1.5x", issue_s / copy_s <= 1.5)
    row("addon: time per unit code", issue_s / args.units * 1e6, "us", "", True)
    row(f"Odoo native serials: receipt of {args.serials:,} units validated", serial_s, "s", "comparison", True)
    row("Odoo native serials: time per unit", serial_s / args.serials * 1e6, "us", "", True)
    row(f"pack {args.units:,} units into {n_cases:,} cases", cases_s, "s", "", True)
    row(f"pack {n_cases:,} cases onto {n_pallets:,} pallets", pallets_s, "s", "", True)
    row("packing total", cases_s + pallets_s, "s", "<= 30 s", cases_s + pallets_s <= 30)
    row(f"trace query of one unit, median of {args.samples}", trace_median * 1000, "ms", "<= 5 ms", trace_median <= 0.005)
    row("trace query of one unit, slowest", trace_max * 1000, "ms", "", True)
    row(f"lot counts by state over {args.units:,} codes (addon)", count_median * 1000, "ms", "<= 100 ms",
        count_median <= 0.100)
    row("lot counts by state, plain GROUP BY over the code table", raw_count * 1000, "ms", "comparison", True)

    width = max(len(r["measure"]) for r in rows)
    print(f"\n{'measure':<{width}}  {'value':>12}  unit  target     ok")
    for r in rows:
        print(f"{r['measure']:<{width}}  {r['value']:>12.2f}  {r['unit']:<4}  {r['target']:<9}  {'yes' if r['ok'] else 'NO'}")
    print("lot counts:", json.dumps(counts, default=str))
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "registry.json").write_text(json.dumps(rows, indent=1))
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
