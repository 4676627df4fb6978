from datetime import timedelta

from odoo import _, api, fields, models

from tracekit import wire

from ..tools import touch

ROLES = [
    ("commissioning", "Commissioning (each read activates a unit)"),
    ("aggregation", "Aggregation (unit reads, then the case label, pack the case)"),
    ("print_verify", "Print and verify"),
    ("manual", "Manual scanning (a scan gun activates each unit; a case label packs the last units scanned)"),
]


class TraceHwStation(models.Model):
    """A place on a production line where a line proxy collects reads."""

    _name = "trace.hw.station"
    _description = "Line Station"
    _order = "line_id, code"
    _check_company_auto = True

    name = fields.Char(required=True)
    code = fields.Char(required=True, help="The station's name in the proxy's configuration and messages.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    line_id = fields.Many2one("trace.production.line", required=True, check_company=True)
    role = fields.Selection(ROLES, required=True, default="commissioning")
    batch_id = fields.Many2one(
        "trace.batch", string="Running Batch", check_company=True, domain="[('state', '=', 'confirmed')]"
    )
    dedup_window = fields.Float(string="Duplicate Window (s)", default=2.0,
                                help="Reads of the same code within this window count once.")
    case_size = fields.Integer(default=24, help="Units per case. At a manual station, 0 means no packing by hand: "
                               "units are only activated.")
    pallet_size = fields.Integer(default=24, help="Cases per pallet; 0: cases are not palletised here.")
    pack_mixed = fields.Boolean(
        string="Packs Mixed Logistic Units",
        help="The cases and pallets packed here may hold several products or lots (a mixed pallet); "
        "otherwise every one holds its own product and lot, and a read of anything else is refused.",
    )
    device_ids = fields.One2many("trace.hw.device", "station_id", string="Devices")
    key_ids = fields.One2many("trace.hw.api.key", "station_id", string="API Keys")
    last_contact = fields.Datetime(readonly=True, copy=False)
    backlog = fields.Integer(string="Proxy Backlog", readonly=True, copy=False,
                             help="Reads waiting in the proxy's outbox.")
    reads_per_minute = fields.Float(readonly=True, string="Reads / min (proxy)", copy=False)
    online = fields.Boolean(compute="_compute_online")
    units_activated = fields.Integer(compute="_compute_stats")
    cases_packed = fields.Integer(compute="_compute_stats")
    pallets_packed = fields.Integer(compute="_compute_stats")
    rejects = fields.Integer(compute="_compute_stats")
    exceptions = fields.Integer(compute="_compute_stats")
    rate_per_minute = fields.Float(compute="_compute_stats", string="Rate / min (last 5 min)")

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "A station code must be unique per company."),
    ]

    def _compute_online(self):
        limit = fields.Datetime.now() - timedelta(minutes=2)
        for station in self:
            station.online = bool(station.last_contact and station.last_contact >= limit)

    def _compute_stats(self):
        """From the line monitor (one row per station and batch): the running batch's figures, or
        all of the station's when no batch runs."""
        fields_ = ["units_commissioned", "cases_packed", "pallets_packed", "rejects", "exceptions",
                   "rate_per_minute"]
        rows = self.env["trace.hw.line.stats"].search_read([("station_id", "in", self.ids)],
                                                           ["station_id", "batch_id", *fields_])
        for station in self:
            mine = [row for row in rows if row["station_id"][0] == station.id
                    and (not station.batch_id or (row["batch_id"] and row["batch_id"][0] == station.batch_id.id))]
            totals = {name: sum(row[name] for row in mine) for name in fields_}
            station.units_activated = totals["units_commissioned"]
            station.cases_packed = totals["cases_packed"]
            station.pallets_packed = totals["pallets_packed"]
            station.rejects = totals["rejects"]
            station.exceptions = totals["exceptions"]
            station.rate_per_minute = totals["rate_per_minute"]

    def _config(self):
        """The configuration the proxy pulls (protocol: tracekit.proxy.protocol)."""
        self.ensure_one()
        batch = self.batch_id
        return {
            "station": {
                "code": self.code,
                "name": self.name,
                "role": self.role,
                "dedup_window_s": self.dedup_window,
                "case_size": self.case_size or None,
                "pallet_size": self.pallet_size or None,
            },
            "batch": {
                "id": batch.id,
                "name": batch.name,
                "gtin": batch._unit_gtin(),
                "lot": batch.lot_id.name or None,
                "product": batch.product_id.display_name,
                "expiry_date": fields.Date.to_string(batch.expiry_date) if batch.expiry_date else None,
            }
            if batch
            else None,
            "devices": [device._config() for device in self.device_ids.filtered("active")],
            "resolver": self.company_id._trace_resolver_base(),
        }

    def _heartbeat(self, payload):
        """Record a heartbeat (validated by tracekit.wire.validate_heartbeat): the proxy's backlog
        and rate, and each device's status. The station's own bookkeeping, written as the
        superuser: no group writes these figures."""
        self.ensure_one()
        if refused := self.env["trace.hw.ingest"]._check_wire(wire.validate_heartbeat, payload):
            return refused
        self.sudo().write(
            {
                "last_contact": fields.Datetime.now(),
                "backlog": payload.get("backlog") or 0,
                "reads_per_minute": float((payload.get("rates") or {}).get("reads_per_min") or 0.0),
            }
        )
        # the station's row first: another heartbeat of the station waits there, not on a device
        self.sudo().flush_recordset()
        by_code = {device.code: device for device in self.device_ids}
        for status in payload.get("devices") or []:
            device = by_code.get(status["code"])
            if device:
                device._set_status(status)
        return 200, {"ok": True}

    def _touch(self):
        touch(self, "last_contact")

    @api.model_create_multi
    def create(self, vals_list):
        stations = super().create(vals_list)
        stations._ensure_line_users()
        return stations

    def _ensure_line_users(self):
        """Create the line user of these stations' companies where it is missing: when a station
        is made (and, for stations made before line users existed, by the module's migration),
        never by a station's first post, where two posts at once would both create it."""
        for company in self.company_id:
            company.sudo()._trace_line_user()

    def _line_env(self):
        """The environment the station's proxy works in: the line proxy user of the station's
        company (a technical user of the Traceability User group), restricted to that company,
        so record rules apply and the ledger names a real actor."""
        self.ensure_one()
        user = self.company_id.sudo()._trace_line_user()
        return self.env(user=user.id, su=False, context=dict(self.env.context, allowed_company_ids=[self.company_id.id]))

    def action_new_key(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("New API Key"),
            "res_model": "trace.hw.key.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_station_id": self.id},
        }

    def action_view_monitor(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("trace_hardware.trace_hw_line_stats_action")
        action["domain"] = [("line_id", "=", self.line_id.id)]
        return action

    def action_view_reads(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("trace_hardware.trace_hw_read_action")
        action["domain"] = [("station_id", "=", self.id)]
        return action

    @api.model
    def _ingest_as(self, station, payload):
        return self.env["trace.hw.ingest"]._ingest(station, payload)
