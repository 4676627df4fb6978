"""Benchmark of a recall (trace_recall) against a real Odoo 18 database.

Run with Odoo's own Python (``bench/run recall`` finds it and installs trace_recall into a fresh
database without demo data). Prints one markdown table and writes ``var/bench/recall.json``.
Figures, never assertions: targets are shown beside each result.

The database: ``--codes`` unit codes in four batches of four finished lots (issued with the
registry's COPY-based issuance and activated), two of the batches made from the supplier lot that
is recalled; every code shipped (delivered to one of ``--dealers`` dealers, a projection of the
shipments written in SQL, as the validation of scanned deliveries writes it) and ``--verified``
of them verified by consumers (their per-code counts). Measured, each against a baseline in the
same run (a bare ``count(*)`` of the affected codes):
- a recall's full scope from the supplier lot: affected batches and lots, the holders by custody
  and level, the dealers to notify, the verified units (``trace.recall`` created, its scope read);
- confirming it: blocking its batches (every scan of their codes refused), committed; then the
  dealers told in the background (the cron run: one message each), a scan of an affected code
  refused, a consumer answer showing it recalled.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

import odoo
import registry as bench_registry
from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry

ROOT = Path(__file__).resolve().parent.parent
SUPPLIER_LOT = "LEAF-2611-07"


def build(registry, codes, dealers, verified):
    """Four batches of ``codes // 4`` units, the first two made from SUPPLIER_LOT; all shipped to
    ``dealers`` dealers; ``verified`` codes verified. Answers the ids the measures need."""
    per_batch = codes // 4
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cr.execute("ALTER TABLE trace_code SET (autovacuum_enabled = off)")
        env["product.product"].search([("barcode", "=", "6901234567922")]).write({"barcode": False})
        product, _lot, first = bench_registry.setup(env, "u")
        leaf = env["product.product"].create({"name": "Bench tea leaf", "tracking": "lot"})
        supplier = env["res.partner"].create({"name": "Bench leaf supplier", "is_company": True})
        batches = first
        for index in range(3):
            lot = env["stock.lot"].create({"name": "BR%d-%d" % (index, time.time_ns() % 10**9),
                                           "product_id": product.id})
            batches |= env["trace.batch"].create(
                {"product_id": product.id, "lot_id": lot.id, "production_date": "2026-11-26"})
        for index, batch in enumerate(batches):
            batch.write({"component_ids": [Command.create({
                "product_id": leaf.id, "supplier_id": supplier.id, "quantity": 1,
                "supplier_lot": SUPPLIER_LOT if index < 2 else "LEAF-OTHER-%d" % index})]})
            issue = env["trace.code.issue"].create(
                {"batch_id": batch.id, "level": "unit", "quantity": per_batch,
                 "request_key": "bench-recall-%d-%s" % (index, time.time_ns())})
            issue._run()
            batch.action_confirm()
            cr.commit()
        partners = env["res.partner"].create(
            [{"name": "Bench dealer %03d" % n, "is_company": True, "trace_is_dealer": True} for n in range(dealers)])
        customers = env.ref("stock.stock_location_customers")
        # every code delivered to a dealer, as the validation of scanned deliveries writes it
        cr.execute(
            """UPDATE trace_code SET custody = 'delivered', location_id = %s, shipped_date = now() AT TIME ZONE 'UTC',
                      holder_id = (%s::int[])[1 + id %% %s]
                WHERE batch_id = ANY(%s)""",
            [customers.id, partners.ids, dealers, batches.ids],
        )
        cr.execute(
            """INSERT INTO trace_verification_stat (code_id, company_id, first_date, last_date, count, early_count,
                                                    cities)
               SELECT id, company_id, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', 1, 0, '{}'
                 FROM trace_code WHERE batch_id = ANY(%s) ORDER BY random() LIMIT %s""",
            [batches.ids, verified],
        )
        cr.commit()
        cr.execute("SELECT count(*) FROM trace_code WHERE batch_id = ANY(%s) AND custody = 'delivered'",
                   [batches.ids])
        shipped = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM trace_verification_stat")
        stats = cr.fetchone()[0]
        result = {"batch_ids": batches.ids, "supplier_id": supplier.id, "shipped": shipped, "verified": stats,
                  "product_id": product.id, "affected_codes": 2 * per_batch}
    connection = bench_registry.raw_connection(registry.db_name)
    try:
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE trace_code")
            cur.execute("VACUUM ANALYZE trace_verification_stat")
    finally:
        connection.close()
    return result


def bench(registry, built, manager_login):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        manager = env["res.users"].search([("login", "=", manager_login)])
        Recall = env["trace.recall"].with_user(manager)
        baseline = []
        for _run in range(3):
            start = time.perf_counter()
            cr.execute("SELECT count(*) FROM trace_code WHERE batch_id = ANY(%s) AND activation = 'active'",
                       [built["batch_ids"][:2]])
            cr.fetchone()
            baseline.append(time.perf_counter() - start)
        # the scope: created as a manager does on the form, every figure of the screen read
        start = time.perf_counter()
        recall = Recall.create({"origin": "material", "supplier_lot": SUPPLIER_LOT, "supplier_id": built["supplier_id"],
                                "reason": "Bench: residue above the limit", "notice": "Do not drink."})
        figures = (recall.affected_lot_ids.ids, recall.unit_count, recall.market_count, recall.verified_count,
                   recall.dealer_ids.ids, len(recall.scope_html))
        scope_s = time.perf_counter() - start
        cr.commit()
        # confirming: the batches blocked, committed; then the dealers told (in the background)
        env.invalidate_all()
        start = time.perf_counter()
        recall.action_confirm()
        cr.commit()
        confirm_s = time.perf_counter() - start
        env.invalidate_all()
        start = time.perf_counter()
        env["trace.recall"]._cron_notify_dealers()
        cr.commit()
        notify_s = time.perf_counter() - start
        cr.execute("SELECT count(*) FROM trace_batch WHERE id = ANY(%s) AND trace_blocked", [built["batch_ids"]])
        blocked_batches = cr.fetchone()[0]
        cr.execute(
            """SELECT count(*) FROM trace_code c JOIN trace_batch b ON b.id = c.batch_id
                WHERE c.batch_id = ANY(%s) AND b.trace_blocked""", [built["batch_ids"]])
        blocked_codes = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM mail_message m JOIN mail_message_res_partner_rel r ON r.mail_message_id = m.id"
                   " WHERE m.model = 'trace.recall' AND m.res_id = %s", [recall.id])
        told = cr.fetchone()[0]
        # what blocking means: a scan refused, the consumer page recalled
        cr.execute("SELECT id, name FROM trace_code WHERE batch_id = %s ORDER BY id LIMIT 1", [built["batch_ids"][0]])
        code_id, name = cr.fetchone()
        warehouse = env["stock.warehouse"].search([], limit=1)
        picking = env["stock.picking"].create({
            "picking_type_id": warehouse.out_type_id.id, "location_id": warehouse.lot_stock_id.id,
            "location_dest_id": env.ref("stock.stock_location_customers").id,
            "move_ids": [Command.create({"name": "bench", "product_id": built["product_id"], "product_uom_qty": 1,
                                         "location_id": warehouse.lot_stock_id.id,
                                         "location_dest_id": env.ref("stock.stock_location_customers").id})]})
        picking.action_confirm()
        refused = picking.trace_scan(name).get("error")
        answer = env["trace.verification"].sudo()._verify(env["trace.code"]._parse_scan(name), record=False)
        cr.rollback()
        return {"baseline_s": min(baseline), "scope_s": scope_s, "confirm_s": confirm_s, "notify_s": notify_s,
                "figures": figures,
                "blocked_batches": blocked_batches, "blocked_codes": blocked_codes, "told": told,
                "refused": refused, "recalled": bool(answer.get("recalled")), "recall": answer.get("recall")}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--odoo-args", default="")
    parser.add_argument("--codes", type=int, default=1_000_000, help="shipped unit codes, in four batches")
    parser.add_argument("--dealers", type=int, default=200, help="dealers holding them")
    parser.add_argument("--verified", type=int, default=300_000, help="codes verified by consumers")
    args = parser.parse_args()
    if args.codes < 400 or args.dealers < 1 or not 0 <= args.verified <= args.codes:
        parser.error("--codes >= 400, --dealers >= 1, 0 <= --verified <= --codes")
    odoo.tools.config.parse_config(["-d", args.database] + args.odoo_args.split())
    registry = Registry(args.database)
    print(f"[build] {args.codes:,} codes in 4 batches, shipped to {args.dealers} dealers, {args.verified:,} verified",
          flush=True)
    start = time.perf_counter()
    built = build(registry, args.codes, args.dealers, args.verified)
    print(f"[build] {time.perf_counter() - start:.0f} s", flush=True)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        login = "bench_recall_manager"
        env["res.users"].create({"name": "Bench recall manager", "login": login, "groups_id": [
            Command.link(env.ref("product_trace.group_trace_manager").id),
            Command.link(env.ref("stock.group_stock_user").id)]})
        cr.commit()
    result = bench(registry, built, login)
    lots, units, market, verified, dealers, _html = result["figures"]
    affected = built["affected_codes"]
    rows = []

    def row(*measure, **fmt):
        bench_registry.add_row(rows, *measure, **fmt)

    row("shipped unit codes in the database", built["shipped"], "", f"= {args.codes // 4 * 4:,}",
        built["shipped"] == args.codes // 4 * 4, "{:,}")
    row("codes verified by consumers", built["verified"], "", f"= {args.verified:,}", built["verified"] == args.verified,
        "{:,}")
    row("recall's full scope from a supplier lot (create + every figure of the screen)", result["scope_s"] * 1000, "ms",
        "<= 1000 ms", result["scope_s"] <= 1.0, "{:,.0f}")
    row("  bare count(*) of the affected codes (baseline)", result["baseline_s"] * 1000, "ms", "baseline", True,
        "{:,.0f}")
    row("  affected lots / units / in the market", f"{len(lots)} / {units:,} / {market:,}", "",
        f"2 / {affected:,} / {affected:,}", len(lots) == 2 and units == affected and market == affected)
    row("  dealers to notify", len(dealers), "", f"= {args.dealers}", len(dealers) == args.dealers, "{:,}")
    row("  affected units verified by consumers", verified, "", f"<= {args.verified:,}", 0 < verified <= args.verified,
        "{:,}")
    row("confirming: blocking its codes, committed", result["confirm_s"] * 1000, "ms", "<= 5000 ms",
        result["confirm_s"] <= 5.0, "{:,.0f}")
    row("  codes blocked (through their batches) / batches", f"{result['blocked_codes']:,} / {result['blocked_batches']}",
        "", f"{affected:,} / 2", result["blocked_codes"] == affected and result["blocked_batches"] == 2)
    row("  then telling the dealers in the background (the cron run), one message each, committed",
        result["notify_s"] * 1000, "ms", "", True, "{:,.0f}")
    row("  dealers told, one message each", result["told"], "", f"= {args.dealers}", result["told"] == args.dealers,
        "{:,}")
    row("  a scan of an affected code", result["refused"], "", "blocked", result["refused"] == "blocked", "{}")
    row("  the consumer answer of an affected code shows the recall", "yes" if result["recall"] else "no", "", "yes",
        result["recalled"] and result["recall"])
    bench_registry.print_markdown(f"Recall benchmark: {args.codes:,} shipped codes, {args.dealers} dealers, "
                                  f"{args.verified:,} verified, {os.cpu_count()} CPUs", rows)
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "recall.json").write_text(json.dumps({"args": {k: v for k, v in vars(args).items() if k != "odoo_args"},
                                                 "rows": rows}, indent=1, default=str))
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
