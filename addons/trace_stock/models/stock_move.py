from odoo import fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    trace_lot_id = fields.Many2one(
        "stock.lot",
        string="Lot Required",
        check_company=True,
        domain="[('product_id', '=', product_id)]",
        help="The order fixes this lot: scans of another lot of the product are refused.",
    )
