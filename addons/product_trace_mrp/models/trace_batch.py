from odoo import _, api, fields, models
from odoo.exceptions import UserError


class TraceBatch(models.Model):
    _inherit = "trace.batch"

    production_id = fields.Many2one(
        "mrp.production", string="Manufacturing Order", check_company=True, copy=False, index="btree_not_null"
    )

    @api.onchange("production_id")
    def _onchange_production_id(self):
        if self.production_id:
            self.update(self._prepare_vals_from_production(self.production_id))

    @api.model
    def _prepare_vals_from_production(self, production):
        """Batch values from a manufacturing order: product, produced lot, quantity, raw materials."""
        vals = {
            "product_id": production.product_id.id,
            "quantity": int(production.product_qty),
            "company_id": production.company_id.id,
        }
        if production.lot_producing_id:
            vals["lot_id"] = production.lot_producing_id.id
        vals["component_ids"] = [(5, 0, 0)] + [
            (0, 0, component) for component in self._prepare_components_from_production(production)
        ]
        return vals

    @api.model
    def _prepare_components_from_production(self, production):
        """One line per consumed (product, lot): quantity, and the supplier and supplier lot that
        delivered the lot (the partner of the receipt that brought it in from a supplier location;
        the lot's reference)."""
        lines = {}
        for move_line in production.move_raw_ids.move_line_ids.filtered(lambda ml: ml.quantity):
            key = (move_line.product_id, move_line.lot_id)
            lines[key] = lines.get(key, 0.0) + move_line.quantity
        if not lines:
            for move in production.move_raw_ids:
                lines[(move.product_id, self.env["stock.lot"])] = move.product_uom_qty
        components = []
        for (product, lot), quantity in lines.items():
            supplier = self.env["res.partner"]
            if lot:
                receipt_line = self.env["stock.move.line"].search(
                    [("lot_id", "=", lot.id), ("state", "=", "done"), ("location_id.usage", "=", "supplier")],
                    order="date",
                    limit=1,
                )
                picking = receipt_line.picking_id or receipt_line.move_id.picking_id
                supplier = picking.partner_id.commercial_partner_id
            components.append(
                {
                    "product_id": product.id,
                    "lot_id": lot.id,
                    "supplier_id": supplier.id,
                    "supplier_lot": lot.ref or False,
                    "quantity": quantity,
                }
            )
        return components

    def action_fill_from_production(self):
        for batch in self:
            if not batch.production_id:
                raise UserError(_("Choose the manufacturing order of batch %(batch)s first.", batch=batch.name))
            vals = self._prepare_vals_from_production(batch.production_id)
            if batch.state != "draft":
                # product and lot of a confirmed batch are fixed: refresh the raw materials only
                vals = {"component_ids": vals["component_ids"]}
            batch.write(vals)
        return True
