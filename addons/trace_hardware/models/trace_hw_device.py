from odoo import fields, models

DRIVERS = [
    ("serial", "Serial scanner / fixed reader"),
    ("tcp_reader", "TCP reader / camera"),
    ("keyboard", "Keyboard-wedge scan gun"),
    ("zpl_tcp", "ZPL printer over TCP (port 9100)"),
    ("zpl_serial", "ZPL printer over serial"),
]


class TraceHwDevice(models.Model):
    _name = "trace.hw.device"
    _description = "Line Device"
    _order = "station_id, code"

    name = fields.Char(required=True)
    code = fields.Char(required=True)
    active = fields.Boolean(default=True)
    station_id = fields.Many2one("trace.hw.station", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="station_id.company_id", store=True)
    driver = fields.Selection(DRIVERS, required=True, default="serial")
    role = fields.Selection(
        [("reader", "Reader"), ("verifier", "Verifier (reads back printed labels)"), ("printer", "Printer")],
        required=True,
        default="reader",
    )
    settings = fields.Json(
        help="Driver settings. Serial: port, baudrate, terminator, prefix, suffix. TCP: host, port. "
        "Keyboard-wedge gun: path (/dev/input/by-id/...-event-kbd, or a tty) or device_name, grab. "
        "ZPL printer: host and port (9100) or a serial port, dpi (203, 300, 600), cjk_font."
    )
    status = fields.Selection(
        [("unknown", "Unknown"), ("ok", "OK"), ("error", "Error"), ("offline", "Offline")],
        default="unknown",
        readonly=True,
    )
    status_message = fields.Char(readonly=True)
    last_heartbeat = fields.Datetime(readonly=True)
    reads = fields.Integer(readonly=True)
    rejects = fields.Integer(readonly=True)
    noise = fields.Integer(readonly=True, help="Reads that did not parse (partial reads, no-read markers, garbage), "
                           "counted by the proxy and never sent: a rising count points at a dirty lens or a bad angle.")

    _sql_constraints = [
        ("code_station_uniq", "unique(code, station_id)", "A device code must be unique per station."),
    ]

    def _config(self):
        self.ensure_one()
        return {"code": self.code, "driver": self.driver, "role": self.role, "settings": self.settings or {}}

    def _set_status(self, status):
        values = {"last_heartbeat": fields.Datetime.now(), "status_message": (status.get("message") or "")[:250]}
        if status.get("status") in ("ok", "error", "offline"):
            values["status"] = status["status"]
        for counter in ("reads", "rejects", "noise"):
            if isinstance(status.get(counter), int):
                values[counter] = status[counter]
        self.sudo().write(values)
