import hashlib
import hmac
import secrets

from odoo import _, api, fields, models
from odoo.exceptions import UserError

PREFIX_LENGTH = 8


class TraceHwApiKey(models.Model):
    """A station's key for the proxy API. Only its hash is stored; the key is shown once."""

    _name = "trace.hw.api.key"
    _description = "Station API Key"
    _order = "create_date desc"

    name = fields.Char(required=True, default=lambda self: _("Line proxy"))
    station_id = fields.Many2one("trace.hw.station", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="station_id.company_id", store=True)
    prefix = fields.Char(readonly=True, index=True, help="The first characters of the key, to recognise it.")
    key_hash = fields.Char(readonly=True, groups="base.group_system")
    active = fields.Boolean(default=True, readonly=True)
    revoked_date = fields.Datetime(readonly=True)
    last_used = fields.Datetime(readonly=True)

    @api.model
    def _hash(self, key):
        return hashlib.sha256(key.encode()).hexdigest()

    @api.model
    def _generate(self, station, name=None):
        """Create a key for ``station``; return ``(record, clear key)``. The clear key is not stored."""
        key = "thw_" + secrets.token_urlsafe(32)
        record = self.sudo().create(
            {
                "name": name or _("Line proxy"),
                "station_id": station.id,
                "prefix": key[:PREFIX_LENGTH + 4],
                "key_hash": self._hash(key),
            }
        )
        return record.sudo(False), key

    @api.model
    def _station_for(self, key):
        """The active station the key belongs to, or an empty recordset (constant-time compare)."""
        if not key or not key.startswith("thw_"):
            return self.env["trace.hw.station"]
        digest = self._hash(key)
        for record in self.sudo().search([("prefix", "=", key[:PREFIX_LENGTH + 4]), ("active", "=", True)]):
            if hmac.compare_digest(record.key_hash, digest):
                record.sudo()._touch()
                station = record.station_id
                return station if station.active else self.env["trace.hw.station"]
        return self.env["trace.hw.station"]

    def _touch(self):
        self.env.cr.execute(
            "UPDATE trace_hw_api_key SET last_used = now() AT TIME ZONE 'UTC' WHERE id = ANY(%s)", [self.ids]
        )

    def action_revoke(self):
        if not self.env.user.has_group("product_trace.group_trace_manager"):
            raise UserError(_("Only traceability administrators can revoke keys."))
        self.sudo().write({"active": False, "revoked_date": fields.Datetime.now()})
