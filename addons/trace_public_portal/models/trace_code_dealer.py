# trace.code is split into one file per job (conventions): this one indexes dealers' stock.
# pylint: disable=consider-merging-classes-inherited
from odoo import models
from odoo.tools.sql import create_index


class TraceCode(models.Model):
    _inherit = "trace.code"

    def init(self):
        result = super().init()
        # a dealer's stock page counts the codes held in stock at its location: only codes that a
        # dealer holds (in stock with a holder) are in this index, never the company's own stock
        # nor what is delivered, so the million-row writes of the registry rarely touch it
        create_index(
            self.env.cr, "trace_code_dealer_stock_index", "trace_code",
            ["location_id", "product_id", "lot_id", "level"],
            where="custody = 'in_stock' AND holder_id IS NOT NULL",
        )
        return result
