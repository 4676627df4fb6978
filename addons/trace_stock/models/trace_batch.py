from odoo import fields, models


class TraceBatch(models.Model):
    _name = "trace.batch"
    _inherit = ["trace.batch", "trace.blockable"]

    trace_blocked = fields.Boolean(
        string="Blocked",
        readonly=True,
        copy=False,
        help="A blocked batch's codes are refused by every scan but a return from the market (set by a recall).",
    )
