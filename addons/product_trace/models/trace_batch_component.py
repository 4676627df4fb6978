from odoo import fields, models


class TraceBatchComponent(models.Model):
    """A raw-material lot used by a batch, with its supplier and the supplier's own lot."""

    _name = "trace.batch.component"
    _description = "Raw Material of a Batch"
    _check_company_auto = True

    batch_id = fields.Many2one("trace.batch", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="batch_id.company_id", store=True)
    product_id = fields.Many2one("product.product", string="Component", required=True, check_company=True)
    lot_id = fields.Many2one(
        "stock.lot", check_company=True, domain="[('product_id', '=', product_id)]"
    )
    supplier_id = fields.Many2one("res.partner", check_company=True)
    supplier_lot = fields.Char()
    quantity = fields.Float(digits="Product Unit of Measure")
    uom_id = fields.Many2one("uom.uom", related="product_id.uom_id", string="Unit")

    def _trace_data(self):
        return [
            {
                "product": component.product_id.display_name,
                "lot": component.lot_id.name or None,
                "supplier": component.supplier_id.display_name or None,
                "supplier_lot": component.supplier_lot or None,
                "quantity": component.quantity,
                "uom": component.uom_id.name,
            }
            for component in self
        ]
