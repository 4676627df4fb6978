from odoo import models

from .trace_code import hidden_pin


class TraceBatch(models.Model):
    _inherit = "trace.batch"

    def _code_file_header(self):
        header = super()._code_file_header()
        return header + ["hidden_code"] if self.product_id.trace_hidden_code else header

    def _code_file_rows(self, level=None):
        """With a hidden code, the print house prints each unit's PIN under the scratch-off coating."""
        rows = super()._code_file_rows(level)
        if not self.product_id.trace_hidden_code:
            yield from rows
            return
        key = self.company_id._trace_pin_key()
        for row in rows:
            yield (*row, hidden_pin(key, row[0]) if row[1] == "unit" else "")
