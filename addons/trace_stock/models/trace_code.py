from odoo import fields, models

CUSTODY = [
    ("in_stock", "In stock"),
    ("in_transit", "In transit"),
    ("delivered", "Delivered"),
    ("returned", "Returned"),
]


class TraceCode(models.Model):
    """Where a code is: its stock location, custody state and holder, written with set-based SQL
    when a scanned transfer is validated (a projection of its shipping and receiving events)."""

    _inherit = "trace.code"

    location_id = fields.Many2one("stock.location", readonly=True)
    custody = fields.Selection(CUSTODY, readonly=True)
    holder_id = fields.Many2one("res.partner", readonly=True)
    blocked = fields.Boolean(readonly=True, help="A blocked code is refused by every scan (set by a recall).")
