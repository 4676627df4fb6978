from odoo import _, fields, models


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    trace_batch_ids = fields.One2many("trace.batch", "production_id", string="Code Batches")
    trace_batch_count = fields.Integer(compute="_compute_trace_batch_count")

    def _compute_trace_batch_count(self):
        for production in self:
            production.trace_batch_count = len(production.trace_batch_ids)

    def action_create_trace_batch(self):
        """Create (or open) the production batch of this order, filled from it."""
        self.ensure_one()
        batch = self.trace_batch_ids[:1]
        if not batch:
            vals = self.env["trace.batch"]._prepare_vals_from_production(self)
            vals["production_id"] = self.id
            batch = self.env["trace.batch"].create(vals)
        return {
            "type": "ir.actions.act_window",
            "name": _("Production Batch"),
            "res_model": "trace.batch",
            "res_id": batch.id,
            "view_mode": "form",
        }

    def _post_inventory(self, cancel_backorder=False):
        result = super()._post_inventory(cancel_backorder=cancel_backorder)
        # the lots really consumed are known once the order is posted
        batches = self.trace_batch_ids
        if batches:
            batches.action_fill_from_production()
        return result
