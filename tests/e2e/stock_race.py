"""Run with Odoo's own Python: two cursors (two devices) scan the same pallet into two open
deliveries at the same moment and commit; prints one JSON line with both answers and what the
database holds afterwards.

    python stock_race.py <db> <addons path>
"""

import json
import sys
import threading

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.service.model import retrying


def main():
    db, addons = sys.argv[1], sys.argv[2]
    odoo.tools.config.parse_config(["-d", db, f"--addons-path={addons}", "--log-level=warn"])
    registry = Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env.company
        product = env["product.product"].create({"name": "Race tea", "is_storable": True, "tracking": "lot",
                                                 "barcode": "6901234567946"})
        lot = env["stock.lot"].create({"name": "RACE1", "product_id": product.id})
        batch = env["trace.batch"].create({"product_id": product.id, "lot_id": lot.id, "quantity": 24,
                                           "production_date": "2026-11-25"})
        batch.issue_codes(24)
        batch.action_confirm()
        batch.issue_codes(1, level="pallet")
        Code = env["trace.code"]
        units = Code.search([("batch_id", "=", batch.id), ("level", "=", "unit")])
        pallet = Code.search([("batch_id", "=", batch.id), ("level", "=", "pallet")])
        Code._pack({pallet.name: units.mapped("name")})
        warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        customers = env.ref("stock.stock_location_customers")
        env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 24, lot_id=lot)
        pickings = []
        for _ in range(2):
            picking = env["stock.picking"].create(
                {"picking_type_id": warehouse.out_type_id.id, "location_id": warehouse.lot_stock_id.id,
                 "location_dest_id": customers.id,
                 "move_ids": [(0, 0, {"name": "tea", "product_id": product.id, "product_uom_qty": 24,
                                      "product_uom": product.uom_id.id, "location_id": warehouse.lot_stock_id.id,
                                      "location_dest_id": customers.id})]})
            picking.action_confirm()
            pickings.append(picking.id)
        cr.commit()
        pallet_name = pallet.name

    barrier = threading.Barrier(2)
    answers = [None, None]

    def device(index):
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                picking = env["stock.picking"].browse(pickings[index])
                picking.name  # noqa: B018 - the snapshot starts here, before the other commits
                barrier.wait()
                # as an HTTP request runs it: a serialization failure re-runs the call
                answer = retrying(lambda: picking.trace_scan(pallet_name, device=f"gun-{index}"), env)
                cr.commit()
                answers[index] = {"ok": answer["ok"], "error": answer.get("error")}
        except Exception as error:
            answers[index] = {"exception": f"{type(error).__name__}: {error}"}

    threads = [threading.Thread(target=device, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with registry.cursor() as cr:
        cr.execute("SELECT picking_id, count(*) FROM trace_scan_unit WHERE picking_id = ANY(%s) GROUP BY 1", [pickings])
        held = dict(cr.fetchall())
        cr.execute("SELECT picking_id, count(*) FROM trace_scan WHERE picking_id = ANY(%s) GROUP BY 1", [pickings])
        scans = dict(cr.fetchall())
    print(json.dumps({"answers": answers, "held": {str(k): v for k, v in held.items()},
                      "scans": {str(k): v for k, v in scans.items()}}))


if __name__ == "__main__":
    main()
