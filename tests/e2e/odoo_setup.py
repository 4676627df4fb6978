"""Run with Odoo's own Python (not pytest's): builds the end-to-end fixture data in a database
that has ``trace_hardware`` installed, commits, and prints one JSON object on stdout.

    python odoo_setup.py <db> <addons path> <spec json>

spec: {"units": int, "cases": int, "pallets": int, "case_size": int, "pallet_size": int,
       "commissioning_port": <pty path>, "aggregation_port": <pty path>,
       "print_units": int, "printer_port": <TCP port>, "verifier_port": <pty path>,
       "hardening_units": int (optional)}

The last ``print_units`` units are left to a print-and-verify station (a ZPL printer over TCP, a
serial verifier) with one print job queued for them.
"""

import json
import sys

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry


def main():
    db, addons, spec = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    odoo.tools.config.parse_config(["-d", db, f"--addons-path={addons}", "--log-level=warn"])
    registry = Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env.company
        company.write({"trace_resolver_url": "https://id.e2e.test", "trace_gs1_company_prefix": "6901234"})
        product = env["product.product"].create(
            {"name": "E2E Green Tea 500 ml", "barcode": "6901234567922", "is_storable": True, "tracking": "lot"}
        )
        lot = env["stock.lot"].create({"name": "E2E2611A", "product_id": product.id})
        factory = env["trace.factory"].create({"name": "E2E Plant", "code": "E2E", "gln": "6901234000009"})
        workshop = env["trace.workshop"].create({"name": "Filling", "code": "F", "factory_id": factory.id})
        line = env["trace.production.line"].create({"name": "E2E Line", "code": "E2E-A", "workshop_id": workshop.id})
        batch = env["trace.batch"].create(
            {"product_id": product.id, "lot_id": lot.id, "quantity": spec["units"], "production_date": "2026-11-25",
             "expiry_date": "2027-11-24", "line_id": line.id, "activation_mode": "line"}
        )
        batch.issue_codes(spec["units"])
        batch.action_confirm()
        # no case packaging with a GTIN: cases and pallets are SSCCs (what the aggregation station
        # recognises as containers)
        batch.issue_codes(spec["cases"], level="case")
        batch.issue_codes(spec["pallets"], level="pallet")
        Code = env["trace.code"]
        result = {"batch_id": batch.id, "stations": {}}
        for level, plural in (("unit", "units"), ("case", "cases"), ("pallet", "pallets")):
            codes = Code.search([("batch_id", "=", batch.id), ("level", "=", level)], order="id")
            result[plural] = [{"name": c.name, "link": c._digital_link(), "state": c.state} for c in codes]
        for role, port_key in (("commissioning", "commissioning_port"), ("aggregation", "aggregation_port")):
            station = env["trace.hw.station"].create(
                {"name": f"E2E {role}", "code": f"E2E-{role[:3].upper()}", "line_id": line.id, "role": role,
                 "batch_id": batch.id, "dedup_window": 1.0, "case_size": spec["case_size"],
                 "pallet_size": spec["pallet_size"],
                 "device_ids": [(0, 0, {"name": "Camera", "code": "cam1", "driver": "serial", "role": "reader",
                                        "settings": {"port": spec[port_key], "baudrate": 115200}})]}
            )
            _record, key = env["trace.hw.api.key"]._generate(station)
            result["stations"][role] = {"id": station.id, "code": station.code, "key": key}
        station = env["trace.hw.station"].create(
            {"name": "E2E print and verify", "code": "E2E-PRN", "line_id": line.id, "role": "print_verify",
             "batch_id": batch.id, "dedup_window": 1.0,
             "device_ids": [(0, 0, {"name": "Printer", "code": "prn1", "driver": "zpl_tcp", "role": "printer",
                                    "settings": {"host": "127.0.0.1", "port": spec["printer_port"], "dpi": 300}}),
                            (0, 0, {"name": "Verifier", "code": "ver1", "driver": "serial", "role": "verifier",
                                    "settings": {"port": spec["verifier_port"], "baudrate": 115200}})]}
        )
        _record, key = env["trace.hw.api.key"]._generate(station)
        result["stations"]["print_verify"] = {"id": station.id, "code": station.code, "key": key}
        to_print = Code.search([("batch_id", "=", batch.id), ("level", "=", "unit")], order="id")[-spec["print_units"]:]
        job = env["trace.hw.print.job"].create(
            {"station_id": station.id, "device_id": station.device_ids.filtered(lambda d: d.role == "printer").id,
             "kind": "unit", "code_ids": [(6, 0, to_print.ids)]}
        )
        result["print_job"] = {"id": job.id, "codes": to_print.mapped("name")}
        if spec.get("hardening_units"):
            result["hardening"] = _hardening(env, product, line, spec["hardening_units"])
        # a station without devices for the proxy that connects over plain http to this machine
        station = env["trace.hw.station"].create(
            {"name": "E2E plain http", "code": "E2E-HTTP", "line_id": line.id, "role": "commissioning",
             "batch_id": batch.id}
        )
        _record, key = env["trace.hw.api.key"]._generate(station)
        result["plain_http"] = {"id": station.id, "code": station.code, "key": key}
        cr.commit()
    json.dump(result, sys.stdout)


def _hardening(env, product, line, units):
    """A batch and a commissioning station of their own for test_line_hardening.py (concurrent
    posts, fuzzing), so the other tests' codes keep their states: ``units`` unit codes, a printer
    with one print job for the last three of them."""
    lot = env["stock.lot"].create({"name": "E2E2611H", "product_id": product.id})
    batch = env["trace.batch"].create(
        {"product_id": product.id, "lot_id": lot.id, "quantity": units, "production_date": "2026-11-25",
         "expiry_date": "2027-11-24", "line_id": line.id, "activation_mode": "line"}
    )
    batch.issue_codes(units)
    batch.action_confirm()
    station = env["trace.hw.station"].create(
        {"name": "E2E hardening", "code": "E2E-HARD", "line_id": line.id, "role": "commissioning",
         "batch_id": batch.id, "dedup_window": 1.0,
         "device_ids": [(0, 0, {"name": "Camera", "code": "cam1", "driver": "tcp_reader", "role": "reader",
                                "settings": {"host": "127.0.0.1", "port": 9}}),
                        (0, 0, {"name": "Printer", "code": "prn1", "driver": "zpl_tcp", "role": "printer",
                                "settings": {"host": "127.0.0.1", "port": 9, "dpi": 300}})]}
    )
    _record, key = env["trace.hw.api.key"]._generate(station)
    codes = env["trace.code"].search([("batch_id", "=", batch.id), ("level", "=", "unit")], order="id")
    job = env["trace.hw.print.job"].create(
        {"station_id": station.id, "device_id": station.device_ids.filtered(lambda d: d.role == "printer").id,
         "kind": "unit", "code_ids": [(6, 0, codes[-3:].ids)]}
    )
    return {"batch_id": batch.id, "station": {"id": station.id, "code": station.code, "key": key},
            "units": [{"name": c.name, "link": c._digital_link()} for c in codes],
            "print_job": {"id": job.id, "codes": codes[-3:].mapped("name")}}


if __name__ == "__main__":
    main()
