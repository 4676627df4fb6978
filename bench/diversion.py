"""Benchmark of the diversion rules (trace_diversion) against a real Odoo 18 database.

Run with Odoo's own Python (``bench/run diversion`` installs trace_diversion into a fresh database
without demo data). Prints one markdown table and writes ``var/bench/diversion.json``. Figures,
never assertions: targets are shown beside each result.

The database (built as ``bench/recall.py`` builds it): ``--codes`` unit codes shipped to
``--dealers`` dealers, each dealer in a city of its own (the shipment's territory), and
``--verified`` consumer verifications of them in the city they were shipped for, already
evaluated (the state of a running system). Then ``--scans`` new sightings written as the
registry's methods write them: consumer verifications (most in their territory; those of
``--diverted`` dealers' goods piling up in one foreign city each; single travellers' scans in
other cities), inspectors' scans (a tenth outside the territory) and refused scan-ins of other
dealers' goods. Measured, beside a bare PostgreSQL join of the same sightings to their codes:
- the company's rules over them (the cron run: every source, every sighting of the windows, the
  places of the IP database resolved, evidence written, alerts raised), committed;
- the same run again with nothing new (what the cron costs every ten minutes);
- one inspector's scan on the page's method (recorded, its rules run at once), the median.
Exactness: evidence and alerts equal what was generated outside the territories, no traveller's
single scan raises anything.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import odoo
import recall as bench_recall
import registry as bench_registry
from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry

ROOT = Path(__file__).resolve().parent.parent


def place_dealers(registry, built):
    """Each dealer in a prefecture of its own (its address), its codes bound to it there; the old
    verifications at home, spread over the last three weeks. Answers ``{dealer: prefecture}``."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cr.execute("SELECT DISTINCT holder_id FROM trace_code WHERE batch_id = ANY(%s) ORDER BY 1",
                   [built["batch_ids"]])
        dealers = [row[0] for row in cr.fetchall()]
        prefectures = env["trace.prefecture"].search([("country_id.code", "=", "CN")], order="id")
        homes = {dealer: prefectures[index % len(prefectures)] for index, dealer in enumerate(dealers)}
        cr.execute("CREATE UNLOGGED TABLE bench_home (dealer_id int, state_id int, prefecture_id int, province varchar,"
                   " city varchar)")
        cr.execute(
            "INSERT INTO bench_home SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], %s::varchar[], %s::varchar[])",
            [dealers, [homes[d].state_id.id for d in dealers], [homes[d].id for d in dealers],
             [homes[d].state_id.name for d in dealers], [homes[d].name for d in dealers]])
        cr.execute("""UPDATE res_partner p SET state_id = h.state_id FROM bench_home h WHERE h.dealer_id = p.id""")
        cr.execute(
            """UPDATE trace_code c SET dealer_id = h.dealer_id, territory_state_id = h.state_id,
                      territory_prefecture_id = h.prefecture_id
                 FROM bench_home h WHERE h.dealer_id = c.holder_id AND c.batch_id = ANY(%s)""", [built["batch_ids"]])
        cr.execute(
            """INSERT INTO trace_verification (code_id, company_id, verify_date, audience, country_code, province, city,
                                               before_shipment)
               SELECT s.code_id, s.company_id, (now() AT TIME ZONE 'UTC') - make_interval(hours => (s.code_id % 500)),
                      'consumer', 'CN', h.province, h.city, false
                 FROM trace_verification_stat s JOIN trace_code c ON c.id = s.code_id
                 JOIN bench_home h ON h.dealer_id = c.dealer_id""")
        cr.commit()
        return {dealer: (homes[dealer].state_id.id, homes[dealer].id, homes[dealer].state_id.name, homes[dealer].name)
                for dealer in dealers}


def new_sightings(registry, built, homes, scans, diverted):
    """``scans`` new sightings: 80% consumer verifications, 15% inspectors' scans, 5% refused
    scan-ins. Answers what the rules must find."""
    dealers = sorted(homes)
    foreign = {dealer: homes[dealers[(index + len(dealers) // 2) % len(dealers)]]
               for index, dealer in enumerate(dealers)}
    consumers, inspections = scans * 80 // 100, scans * 15 // 100
    refused = scans - consumers - inspections
    diverted_dealers = dealers[:diverted]
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        inspector = env["res.users"].create({"name": "Bench inspector", "login": "bench_inspector", "groups_id": [
            Command.link(env.ref("trace_diversion.group_trace_inspector").id)]})
        cr.execute("CREATE TEMP TABLE bench_foreign (dealer_id int, state_id int, prefecture_id int, province varchar,"
                   " city varchar, diverted bool)")
        cr.execute(
            "INSERT INTO bench_foreign SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], %s::varchar[],"
            " %s::varchar[], %s::bool[])",
            [dealers, [foreign[d][0] for d in dealers], [foreign[d][1] for d in dealers],
             [foreign[d][2] for d in dealers], [foreign[d][3] for d in dealers],
             [d in diverted_dealers for d in dealers]])
        # the codes seen, chosen once: random shipped codes
        cr.execute(
            """CREATE TEMP TABLE bench_seen AS
               SELECT row_number() OVER () AS n, id AS code_id, dealer_id FROM (
                   SELECT id, dealer_id FROM trace_code WHERE batch_id = ANY(%s) ORDER BY random() LIMIT %s) x""",
            [built["batch_ids"], scans])
        # consumers: a fifth of the diverted dealers' goods in their foreign city; every 50th of the
        # others' a traveller in some other city; the rest at home
        cr.execute(
            """CREATE TEMP TABLE bench_consumer AS
               SELECT s.n, s.code_id, s.dealer_id,
                      CASE WHEN f.diverted AND s.n %% 50 < 10 THEN 'diverted'
                           WHEN NOT f.diverted AND s.n %% 50 = 17 THEN 'traveller' ELSE 'home' END AS kind
                 FROM bench_seen s JOIN bench_foreign f ON f.dealer_id = s.dealer_id WHERE s.n <= %s""",
            [consumers])
        cr.execute(
            """INSERT INTO trace_verification (code_id, company_id, verify_date, audience, country_code, province, city,
                                               before_shipment)
               SELECT b.code_id, %s, now() AT TIME ZONE 'UTC', 'consumer', 'CN',
                      CASE WHEN b.kind = 'home' THEN h.province
                           WHEN b.kind = 'diverted' THEN f.province ELSE t.province END,
                      CASE WHEN b.kind = 'home' THEN h.city
                           WHEN b.kind = 'diverted' THEN f.city ELSE t.city END, false
                 FROM bench_consumer b JOIN bench_home h ON h.dealer_id = b.dealer_id
                 JOIN bench_foreign f ON f.dealer_id = b.dealer_id
                 JOIN LATERAL (SELECT province, city FROM bench_home WHERE dealer_id <> b.dealer_id
                                ORDER BY md5(dealer_id || '-' || b.n) LIMIT 1) t ON true""",
            [env.company.id])
        # inspectors: every tenth outside, in the dealer's foreign city
        cr.execute(
            """INSERT INTO trace_market_scan (kind, code_id, company_id, scan_date, user_id, shipped_dealer_id, shop,
                                              state_id, prefecture_id, detail, create_uid, create_date, write_uid,
                                              write_date)
               SELECT 'inspection', s.code_id, %(company)s, now() AT TIME ZONE 'UTC', %(inspector)s, s.dealer_id,
                      'Bench shop', CASE WHEN s.n %% 10 = 0 THEN f.state_id ELSE h.state_id END,
                      CASE WHEN s.n %% 10 = 0 THEN f.prefecture_id ELSE h.prefecture_id END, 'bench', 1,
                      now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
                 FROM bench_seen s JOIN bench_home h ON h.dealer_id = s.dealer_id
                 JOIN bench_foreign f ON f.dealer_id = s.dealer_id
                WHERE s.n > %(consumers)s AND s.n <= %(upto)s""",
            {"company": env.company.id, "inspector": inspector.id, "consumers": consumers,
             "upto": consumers + inspections})
        # refused scan-ins: another dealer (the foreign one) tried to receive them
        cr.execute(
            """INSERT INTO trace_market_scan (kind, code_id, company_id, scan_date, user_id, dealer_id,
                                              shipped_dealer_id, state_id, prefecture_id, detail, create_uid,
                                              create_date, write_uid, write_date)
               SELECT 'dealer_scan', s.code_id, %(company)s, now() AT TIME ZONE 'UTC', 1, f2.dealer_id, s.dealer_id,
                      f.state_id, f.prefecture_id, 'bench', 1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
                 FROM bench_seen s JOIN bench_foreign f ON f.dealer_id = s.dealer_id
                 JOIN bench_home f2 ON f2.prefecture_id = f.prefecture_id
                WHERE s.n > %(upto)s""",
            {"company": env.company.id, "upto": consumers + inspections})
        cr.execute("SELECT kind, count(*), count(DISTINCT dealer_id) FROM bench_consumer GROUP BY kind")
        kinds = {kind: (count, dealers_) for kind, count, dealers_ in cr.fetchall()}
        cr.execute("""SELECT count(*) FROM bench_seen s WHERE s.n > %s AND s.n <= %s AND s.n %% 10 = 0""",
                   [consumers, consumers + inspections])
        inspected_outside = cr.fetchone()[0]
        cr.commit()
    connection = bench_registry.raw_connection(registry.db_name)
    try:
        with connection.cursor() as cur:
            # as autovacuum would after the dealers were bound: the planner sees the codes' dealers
            cur.execute("VACUUM ANALYZE trace_code")
            cur.execute("VACUUM ANALYZE trace_verification")
            cur.execute("VACUUM ANALYZE trace_market_scan")
    finally:
        connection.close()
    return {"consumers": consumers, "inspections": inspections, "refused": refused,
            "diverted_verifications": kinds.get("diverted", (0, 0))[0],
            "diverted_dealers": kinds.get("diverted", (0, 0))[1], "travellers": kinds.get("traveller", (0, 0))[0],
            "inspected_outside": inspected_outside, "inspector": "bench_inspector"}


def evaluate(registry):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        start = time.perf_counter()
        alerts = env["trace.diversion.rule"]._trace_evaluate(env.company)
        cr.commit()
        return time.perf_counter() - start, len(alerts)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--odoo-args", default="")
    parser.add_argument("--codes", type=int, default=1_000_000, help="shipped unit codes, in four batches")
    parser.add_argument("--dealers", type=int, default=200)
    parser.add_argument("--verified", type=int, default=300_000, help="old consumer verifications, at home")
    parser.add_argument("--scans", type=int, default=100_000, help="new sightings to evaluate")
    parser.add_argument("--diverted", type=int, default=20, help="dealers whose goods pile up in a foreign city")
    parser.add_argument("--samples", type=int, default=30, help="inspectors' scans on the page's method")
    args = parser.parse_args()
    if args.codes < 400 or not 0 < args.verified <= args.codes or not 0 < args.scans <= args.codes \
            or not 0 < args.diverted <= args.dealers:
        parser.error("--codes >= 400, 0 < --verified <= --codes, 0 < --scans <= --codes, 0 < --diverted <= --dealers")
    odoo.tools.config.parse_config(["-d", args.database] + args.odoo_args.split())
    registry = Registry(args.database)
    print(f"[build] {args.codes:,} shipped codes, {args.verified:,} old verifications", flush=True)
    built = bench_recall.build(registry, args.codes, args.dealers, args.verified)
    homes = place_dealers(registry, built)
    first_s, _alerts = evaluate(registry)  # the old verifications, evaluated once: a running system
    print(f"[build] {args.scans:,} new sightings", flush=True)
    seen = new_sightings(registry, built, homes, args.scans, args.diverted)
    with registry.cursor() as cr:
        start = time.perf_counter()
        cr.execute(
            """SELECT count(*) FROM (
                   SELECT v.code_id FROM trace_verification v WHERE v.verify_date >= now() - interval '30 days'
                   UNION ALL SELECT m.code_id FROM trace_market_scan m) s JOIN trace_code c ON c.id = s.code_id
                WHERE c.dealer_id IS NOT NULL""")
        joined = cr.fetchone()[0]
        baseline_s = time.perf_counter() - start
    run_s, raised = evaluate(registry)
    idle_s, idle_raised = evaluate(registry)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cr.execute("SELECT r.source, count(e.id), count(DISTINCT e.alert_id) FROM trace_diversion_rule r"
                   " LEFT JOIN trace_diversion_evidence e ON e.rule_id = r.id GROUP BY r.source")
        found = {source: (evidence, alerts) for source, evidence, alerts in cr.fetchall()}
        # one inspector's scan on the page's method, recorded and its rules run at once
        inspector = env["res.users"].search([("login", "=", seen["inspector"])])
        cr.execute("SELECT id FROM trace_prefecture ORDER BY id LIMIT 1")
        city = cr.fetchone()[0]
        cr.execute("SELECT name FROM trace_code WHERE batch_id = ANY(%s) ORDER BY random() LIMIT %s",
                   [built["batch_ids"], args.samples])
        names = [row[0] for row in cr.fetchall()]
        Scan = env["trace.market.scan"].with_user(inspector)
        times = []
        for name in names:
            env.invalidate_all()
            start = time.perf_counter()
            Scan._trace_inspect(name, city, shop="Bench shop")
            cr.commit()
            times.append(time.perf_counter() - start)
    rows = []

    def row(name, value, unit, target, ok, fmt="{:,.0f}"):
        bench_registry.add_row(rows, name, value, unit, target, ok, fmt=fmt)

    total = args.codes // 4 * 4
    row(f"the rules over {args.scans:,} new sightings (the cron run: all sources, windows, evidence, alerts),"
        " committed", run_s * 1000, "ms", "<= 10000 ms", run_s <= 10.0)
    row("  the same sightings joined to their codes in bare PostgreSQL (baseline)", baseline_s * 1000, "ms",
        "baseline", True)
    row("  sightings in the windows (old and new)", joined, "", f"= {args.verified + args.scans:,}",
        joined == args.verified + args.scans, "{:,}")
    consumer = found.get("consumer", (0, 0))
    row("  consumers: evidence / alerts (weak)", f"{consumer[0]:,} / {consumer[1]:,}", "",
        f"{seen['diverted_verifications']:,} / {seen['diverted_dealers']:,}",
        consumer == (seen["diverted_verifications"], seen["diverted_dealers"]))
    row("  travellers' single scans abroad: none is evidence", seen["travellers"], "scans", "no alert",
        consumer[0] == seen["diverted_verifications"], "{:,}")
    inspection = found.get("inspection", (0, 0))
    row("  inspectors' scans outside: evidence", inspection[0], "", f"= {seen['inspected_outside']:,}",
        inspection[0] == seen["inspected_outside"], "{:,}")
    refused = found.get("dealer_scan", (0, 0))
    row("  refused scan-ins: evidence", refused[0], "", f"= {seen['refused']:,}", refused[0] == seen["refused"], "{:,}")
    row("the same run again, nothing new (every ten minutes)", idle_s * 1000, "ms", "", idle_raised == 0)
    row("the first run over the old verifications (all at home)", first_s * 1000, "ms", "", True)
    row("one inspector's scan: recorded, its rules run at once (median)", statistics.median(times) * 1000, "ms", "",
        True, fmt="{:,.1f}")
    bench_registry.print_markdown(
        f"Diversion benchmark: {total:,} shipped codes, {args.dealers} dealers, {args.verified:,} old verifications, "
        f"{args.scans:,} new sightings, {os.cpu_count()} CPUs", rows)
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "diversion.json").write_text(json.dumps(
        {"args": {k: v for k, v in vars(args).items() if k != "odoo_args"}, "raised": raised, "rows": rows},
        indent=1, default=str))
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
