from odoo import _, fields, models


class TraceHwKeyWizard(models.TransientModel):
    """Asks for the new station key's name; the key itself is shown by ``trace.hw.key.show``."""

    _name = "trace.hw.key.wizard"
    _description = "New Station API Key"

    station_id = fields.Many2one("trace.hw.station", required=True)
    name = fields.Char(required=True, default=lambda self: _("Line proxy"))

    def action_generate(self):
        self.ensure_one()
        _record, key = self.env["trace.hw.api.key"]._generate(self.station_id, self.name)
        return {
            "type": "ir.actions.act_window",
            "name": _("Station API Key"),
            "res_model": "trace.hw.key.show",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_key": key, "default_station_id": self.station_id.id},
        }


class TraceHwKeyShow(models.AbstractModel):
    """Shows a new key once. An abstract model has no table: the clear key lives only in the
    answer to the browser, never in the database (as Odoo's own API keys, res.users.apikeys.show)."""

    _name = "trace.hw.key.show"
    _description = "Show Station API Key"

    # the field 'id' is needed by the form's onchange that returns the key
    id = fields.Id()
    key = fields.Char(readonly=True)
    station_id = fields.Many2one("trace.hw.station", readonly=True)
