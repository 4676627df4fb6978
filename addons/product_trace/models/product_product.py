from odoo import _, api, models
from odoo.exceptions import UserError


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _with_trace_codes(self):
        """Those of these products that codes name (through their batches: a batch with codes
        keeps its product)."""
        batches = self.env["trace.batch"].sudo().search([("product_id", "in", self.ids)])
        with_codes = self.env["trace.code.count"].sudo()._with_codes("batch_id", batches.ids)
        return batches.filtered(lambda b: b.id in with_codes).product_id.with_env(self.env)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_trace_codes(self):
        if products := self._with_trace_codes():
            raise UserError(
                _("%(product)s has traceable codes: it cannot be deleted (archive it instead).",
                  product=products[0].display_name)
            )


class ProductTemplate(models.Model):
    _inherit = "product.template"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_trace_codes(self):
        # a template's variants go with it through a database cascade, which runs no Python
        variants = self.with_context(active_test=False).product_variant_ids
        if products := variants._with_trace_codes():
            raise UserError(
                _("%(product)s has traceable codes: it cannot be deleted (archive it instead).",
                  product=products[0].display_name)
            )
