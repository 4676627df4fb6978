from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import check_lot_of_product


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

    @api.constrains("product_id", "lot_id")
    def _check_lot_product(self):
        check_lot_of_product(self)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_running_batch(self):
        for component in self:
            if component.batch_id.state != "draft":
                raise UserError(
                    _(
                        "The raw materials of %(batch)s cannot be removed: the batch is %(state)s, and its codes "
                        "name them.",
                        batch=component.batch_id.name,
                        state=dict(component.batch_id._fields["state"]._description_selection(self.env)).get(
                            component.batch_id.state
                        ),
                    )
                )

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
