from odoo import fields, models
from odoo.tools import SQL


class StockLot(models.Model):
    _name = "stock.lot"
    _inherit = ["stock.lot", "trace.blockable"]

    trace_blocked = fields.Boolean(
        string="Blocked",
        readonly=True,
        copy=False,
        help="A blocked lot's codes are refused by every scan (set by a recall).",
    )

    def _trace_holders(self):
        """Who holds this lot's active codes right now, the base of a recall:
        ``[{"custody", "location", "holder", "unit", "case", "pallet"}]`` (one grouped query;
        codes that never moved are at the factory, without a location)."""
        self.ensure_one()
        Code = self.env["trace.code"]
        return Code._trace_holder_rows(Code._trace_holder_groups(SQL("lot_id = %s", self.id)))
