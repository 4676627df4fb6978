from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _trace_code_binding(self):
        """A shipment (to a customer or into transit) dates its codes: the public page shows when
        the unit left for the territory it was shipped for."""
        binding = super()._trace_code_binding()
        if self.location_dest_id.usage in ("customer", "transit") and self.location_id.usage != "customer":
            binding["shipped_date"] = fields.Datetime.now()
        return binding
