from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import changed_fields


class StockLot(models.Model):
    _inherit = "stock.lot"

    trace_batch_ids = fields.One2many("trace.batch", "lot_id", string="Code Batches")
    trace_code_count = fields.Integer(compute="_compute_trace_code_count", string="Unit Codes")

    def _compute_trace_code_count(self):
        counts = self.env["trace.code.count"]._counts_by_lot(self.ids, level="unit")
        for lot in self:
            lot.trace_code_count = sum(counts.get(lot.id, {}).values())

    def _with_trace_codes(self):
        if not self.ids:
            return self.browse()
        return self.browse(self.env["trace.code.count"].sudo()._with_codes("lot_id", self.ids))

    def write(self, vals):
        printed = ("name", "product_id", "company_id")
        for lot in self._with_trace_codes() if set(printed) & vals.keys() else ():
            if changed_fields(lot, vals, printed):
                raise UserError(
                    _("Lot %(lot)s has printed codes: its name, product and company cannot change.", lot=lot.name)
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_trace_codes(self):
        if lots := self._with_trace_codes():
            raise UserError(
                _("Lot %(lot)s has codes: it cannot be deleted, its codes must stay traceable.", lot=lots[0].name)
            )

    def action_view_trace_codes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("product_trace.trace_code_action")
        action["domain"] = [("lot_id", "=", self.id)]
        action["context"] = {"search_default_group_state": 1}
        return action
