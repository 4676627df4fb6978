from odoo import fields, models


class StockLocation(models.Model):
    """A dealer's own stock: one location per dealer and company, under *Partners/Dealers*.

    Its usage is ``customer``: what a dealer holds it has bought, so it is not the company's
    stock. Odoo 18 values the stock of internal locations (and of transit locations of a
    company) only (``stock.location._should_be_valued``), counts on-hand quantities and
    replenishes over internal locations only, and never reserves from customer locations; a
    dealer's receipts and shipments therefore move no value in the company's books, and its
    stock never shows as the company's available quantity. Odoo still keeps quants there per
    product and lot, as in any location."""

    _inherit = "stock.location"

    trace_dealer_id = fields.Many2one(
        "res.partner", string="Dealer", readonly=True, index="btree_not_null", ondelete="restrict",
        help="The dealer whose stock this location is (created when the dealer first receives or ships).")

    _sql_constraints = [
        ("trace_dealer_company_uniq", "unique(trace_dealer_id, company_id)",
         "A dealer has one stock location per company."),
    ]
