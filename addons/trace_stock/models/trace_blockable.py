from odoo import _, models
from odoo.exceptions import AccessError


class TraceBlockable(models.AbstractModel):
    """What a recall blocks (a lot, a batch): its ``trace_blocked`` flag is set and lifted by a
    recall's own methods only, after their checks, as the superuser; no group writes it."""

    _name = "trace.blockable"
    _description = "Blocked by a Recall"

    def write(self, vals):
        if "trace_blocked" in vals and not self.env.su:
            raise AccessError(_("Only a recall blocks or releases %(records)s.", records=self._description))
        return super().write(vals)
