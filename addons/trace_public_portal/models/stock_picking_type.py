from odoo import fields, models

DEALER_KINDS = [("receipt", "Dealer Receipt"), ("shipment", "Dealer Shipment")]


class StockPickingType(models.Model):
    _inherit = "stock.picking.type"

    trace_dealer_kind = fields.Selection(
        DEALER_KINDS, string="Dealer Operation", readonly=True,
        help="The operation type of dealers' receipts (scan in on the portal) or of their shipments to "
        "sub-dealers and shops (scan out), one of each per company.")

    _sql_constraints = [
        ("trace_dealer_kind_company_uniq", "unique(company_id, trace_dealer_kind)",
         "A company has one operation type for dealer receipts and one for dealer shipments."),
    ]
