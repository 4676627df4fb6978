from odoo import fields, models


class StockLot(models.Model):
    _inherit = "stock.lot"

    trace_batch_ids = fields.One2many("trace.batch", "lot_id", string="Code Batches")
    trace_code_count = fields.Integer(compute="_compute_trace_code_count", string="Unit Codes")

    def _compute_trace_code_count(self):
        counts = self.env["trace.code.count"]._counts_by_lot(self.ids, level="unit")
        for lot in self:
            lot.trace_code_count = sum(counts.get(lot.id, {}).values())

    def action_view_trace_codes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("product_trace.trace_code_action")
        action["domain"] = [("lot_id", "=", self.id)]
        action["context"] = {"search_default_group_state": 1}
        return action
