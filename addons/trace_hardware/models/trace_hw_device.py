import json

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from tracekit.proxy.allowlist import check_font_name

DRIVERS = [
    ("serial", "Serial scanner / fixed reader"),
    ("tcp_reader", "TCP reader / camera"),
    ("keyboard", "Keyboard-wedge scan gun"),
    ("zpl_tcp", "ZPL printer over TCP (port 9100)"),
    ("zpl_serial", "ZPL printer over serial"),
]


SERIAL_DRIVERS = ("serial", "zpl_serial")
TCP_DRIVERS = ("tcp_reader", "zpl_tcp")
PRINTER_DRIVERS = ("zpl_tcp", "zpl_serial")
FRAMED_DRIVERS = ("serial", "tcp_reader")  # readers whose reads end with a terminator
BAUDRATES = [(str(rate), str(rate)) for rate in (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400)]
TERMINATORS = [("\\r\\n", "CR LF"), ("\\r", "CR"), ("\\n", "LF"), ("\\t", "Tab"), ("0x03", "ETX (0x03)")]
# the typed fields of the device form: (field, setting key, how a setting is stored)
SETTING_FIELDS = {
    "serial_port": ("port", str), "baudrate": ("baudrate", int), "bytesize": ("bytesize", int),
    "parity": ("parity", str), "stopbits": ("stopbits", float), "rtscts": ("rtscts", bool),
    "terminator": ("terminator", str), "prefix": ("prefix", str), "suffix": ("suffix", str),
    "host": ("host", str), "tcp_port": ("port", int), "dpi": ("dpi", int), "cjk_font": ("cjk_font", str),
    "input_path": ("path", str), "device_name": ("device_name", str), "grab": ("grab", bool),
}


def _settings_for(driver, values, current=None):
    """The proxy's settings for ``driver`` from the typed fields' ``values``; keys no field edits
    (e.g. encoding, timeouts set by an integrator) are kept from ``current``."""
    names = []
    if driver in SERIAL_DRIVERS:
        names += ["serial_port", "baudrate", "bytesize", "parity", "stopbits", "rtscts"]
    if driver in TCP_DRIVERS:
        names += ["host", "tcp_port"]
    if driver in FRAMED_DRIVERS:
        names += ["terminator", "prefix", "suffix"]
    if driver in PRINTER_DRIVERS:
        names += ["dpi", "cjk_font"]
    if driver == "keyboard":
        names += ["input_path", "device_name", "grab"]
    managed = {key for key, _kind in SETTING_FIELDS.values()}
    kept = current if isinstance(current, dict) else {}
    settings = {key: value for key, value in kept.items() if key not in managed}
    for name in names:
        key, kind = SETTING_FIELDS[name]
        value = values.get(name)
        if value is None or (value in (False, "") and kind is not bool):
            continue
        settings[key] = kind(value)
    return settings


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
        readonly=True,
        help="What the line proxy receives for this device, made from the fields above.",
    )
    settings_text = fields.Text(string="Sent to the Proxy", compute="_compute_settings_text")
    # Typed editors of ``settings``, shown per driver kind; the JSON stays what the proxy gets.
    serial_port = fields.Char(compute="_compute_setting_fields", inverse="_inverse_setting_fields",
                              help="e.g. /dev/ttyUSB0, /dev/ttyACM0 or /dev/ttyS1 on the line PC.")
    baudrate = fields.Selection(BAUDRATES, string="Baud Rate", compute="_compute_setting_fields",
                                inverse="_inverse_setting_fields")
    bytesize = fields.Selection([("7", "7"), ("8", "8")], string="Data Bits", compute="_compute_setting_fields",
                                inverse="_inverse_setting_fields")
    parity = fields.Selection([("N", "None"), ("E", "Even"), ("O", "Odd")], compute="_compute_setting_fields",
                              inverse="_inverse_setting_fields")
    stopbits = fields.Selection([("1", "1"), ("2", "2")], string="Stop Bits", compute="_compute_setting_fields",
                                inverse="_inverse_setting_fields")
    rtscts = fields.Boolean(string="RTS/CTS Flow Control", compute="_compute_setting_fields",
                            inverse="_inverse_setting_fields")
    terminator = fields.Selection(TERMINATORS, string="Read Ends With", compute="_compute_setting_fields",
                                  inverse="_inverse_setting_fields")
    prefix = fields.Char(compute="_compute_setting_fields", inverse="_inverse_setting_fields",
                         help="Characters the reader puts before each code, removed by the proxy.")
    suffix = fields.Char(compute="_compute_setting_fields", inverse="_inverse_setting_fields",
                         help="Characters the reader puts after each code (before the terminator), removed.")
    host = fields.Char(compute="_compute_setting_fields", inverse="_inverse_setting_fields",
                       help="The device's address on the line network, e.g. 192.168.10.21.")
    tcp_port = fields.Integer(string="TCP Port", compute="_compute_setting_fields", inverse="_inverse_setting_fields")
    dpi = fields.Selection([("203", "203 dpi"), ("300", "300 dpi"), ("600", "600 dpi")], string="Resolution",
                           compute="_compute_setting_fields", inverse="_inverse_setting_fields")
    cjk_font = fields.Char(string="Chinese Font", compute="_compute_setting_fields", inverse="_inverse_setting_fields",
                           help="The printer's CJK font for product names, e.g. E:ANMDS.TTF.")
    input_path = fields.Char(string="Input Device", compute="_compute_setting_fields",
                             inverse="_inverse_setting_fields",
                             help="/dev/input/by-id/usb-...-event-kbd (stable across replugging), or a tty.")
    device_name = fields.Char(string="Input Device Name", compute="_compute_setting_fields",
                              inverse="_inverse_setting_fields", help="Part of the gun's name, instead of its path.")
    grab = fields.Boolean(string="Keep Its Keystrokes", compute="_compute_setting_fields",
                          inverse="_inverse_setting_fields",
                          help="The gun's keystrokes reach only the proxy, not the PC's desktop.")
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

    @api.depends("settings")
    def _compute_settings_text(self):
        for device in self:
            device.settings_text = json.dumps(device.settings or {}, ensure_ascii=False, indent=1, sort_keys=True)

    @api.depends("settings")
    def _compute_setting_fields(self):
        for device in self:
            settings = device.settings if isinstance(device.settings, dict) else {}
            for name, (key, _kind) in SETTING_FIELDS.items():
                value = settings.get(key)
                if name == "serial_port" and device.driver not in SERIAL_DRIVERS:
                    value = None
                if name == "tcp_port" and device.driver not in TCP_DRIVERS:
                    value = None
                field = device._fields[name]
                if field.type == "selection":
                    value = str(int(value)) if isinstance(value, int | float) and not isinstance(value, bool) else value
                    value = value if value in dict(field._description_selection(self.env)) else False
                elif field.type == "boolean":
                    value = bool(value) if value is not None else name == "grab"
                elif field.type == "integer":
                    value = value if isinstance(value, int) and not isinstance(value, bool) else 0
                else:
                    value = value if isinstance(value, str) else False
                device[name] = value

    def _inverse_setting_fields(self):
        """Nothing to do here: create and write fold the typed fields into ``settings`` first,
        so that the settings are checked whole, with the driver they are for."""

    @api.onchange("driver", *SETTING_FIELDS)
    def _onchange_setting_fields(self):
        # the form shows at once what the proxy will get
        self.settings = _settings_for(self.driver, {name: self[name] for name in SETTING_FIELDS}, self.settings)

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self.browse()._vals_with_settings(vals) for vals in vals_list])

    def write(self, vals):
        if not any(name in vals for name in SETTING_FIELDS):
            return super().write(vals)
        for device in self:
            super(TraceHwDevice, device).write(device._vals_with_settings(vals))
        return True

    def _vals_with_settings(self, vals):
        """``vals`` with its typed fields folded into ``settings``, over this device's values."""
        if not any(name in vals for name in SETTING_FIELDS):
            return vals
        rest = {key: value for key, value in vals.items() if key not in SETTING_FIELDS}
        values = {name: self[name] for name in SETTING_FIELDS} if self else {}
        values.update({name: vals[name] for name in SETTING_FIELDS if name in vals})
        current = rest["settings"] if "settings" in rest else (self.settings if self else None)
        driver = rest.get("driver") or (self.driver if self else None) or "serial"
        rest["settings"] = _settings_for(driver, values, current)
        return rest

    @api.constrains("driver", "settings")
    def _check_settings(self):
        for device in self:
            settings = device.settings if isinstance(device.settings, dict) else {}
            driver, label = device.driver, device.display_name
            if driver in SERIAL_DRIVERS and not settings.get("port"):
                raise ValidationError(_("%(device)s: give the serial port of the line PC it is on.", device=label))
            if driver in TCP_DRIVERS:
                port = settings.get("port", 9100 if driver == "zpl_tcp" else None)
                if not settings.get("host"):
                    raise ValidationError(_("%(device)s: give its address on the line network.", device=label))
                if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
                    raise ValidationError(_("%(device)s: the TCP port must be between 1 and 65535.", device=label))
            if driver == "keyboard" and not (settings.get("path") or settings.get("device_name")):
                raise ValidationError(
                    _("%(device)s: give the gun's input device (its path or part of its name).", device=label))
            if settings.get("cjk_font"):
                try:
                    check_font_name(settings["cjk_font"])
                except ValueError as error:
                    raise ValidationError(
                        _("%(device)s: %(font)s is not a printer font name (letters, digits, . _ - and a drive "
                          "such as E:).", device=label, font=settings["cjk_font"])) from error

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
