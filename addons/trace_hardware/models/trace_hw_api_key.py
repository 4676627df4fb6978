import hashlib
import hmac
import secrets

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import touch

PREFIX_LENGTH = 8


class TraceHwApiKey(models.Model):
    """A station's key for the proxy API. Only its hash is stored; the key is shown once.

    No group may write, create or delete keys (security/ir.model.access.csv): a key is made by
    ``_generate`` for a station the caller may change, and revoked by ``action_revoke``, both
    writing as the superuser after their own checks. So a revoked key can never be re-activated
    or moved to another station.
    """

    _name = "trace.hw.api.key"
    _description = "Station API Key"
    _order = "create_date desc"

    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, default=lambda self: _("Line proxy"))
    station_id = fields.Many2one("trace.hw.station", required=True, readonly=True, ondelete="cascade",
                                 check_company=True)
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
        """Create a key for ``station``; return ``(record, clear key)``. The clear key is not stored.

        Only a traceability administrator who may change ``station`` (its company among theirs)
        gets a key for it.
        """
        station.ensure_one()
        if not self.env.user.has_group("product_trace.group_trace_manager"):
            raise AccessError(_("Only traceability administrators can create station keys."))
        station.check_access("write")
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
                touch(record, "last_used")
                station = record.station_id
                return station if station.active else self.env["trace.hw.station"]
        return self.env["trace.hw.station"]

    def action_revoke(self):
        if not self.env.user.has_group("product_trace.group_trace_manager"):
            raise UserError(_("Only traceability administrators can revoke keys."))
        self.check_access("read")
        self.filtered("active").sudo().write({"active": False, "revoked_date": fields.Datetime.now()})

    def write(self, vals):
        # even the registry's own writes may only revoke: a revoked key stays revoked, and a key
        # stays with the station it was made for
        self.check_access("write")
        if vals.get("active") or {"station_id", "key_hash", "prefix"} & vals.keys():
            raise UserError(_("A station key cannot be re-activated or changed: create a new key instead."))
        return super().write(vals)
