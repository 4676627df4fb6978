from odoo import fields, models


class TraceHwKeyWizard(models.TransientModel):
    """Creates a station API key and shows it once."""

    _name = "trace.hw.key.wizard"
    _description = "New Station API Key"

    station_id = fields.Many2one("trace.hw.station", required=True)
    name = fields.Char(required=True, default="Line proxy")
    key = fields.Char(readonly=True)

    def action_generate(self):
        self.ensure_one()
        _record, key = self.env["trace.hw.api.key"]._generate(self.station_id, self.name)
        self.key = key
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "context": {"key_shown": True},
        }
