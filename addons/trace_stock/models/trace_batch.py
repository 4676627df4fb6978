from odoo import _, fields, models
from odoo.exceptions import AccessError


class TraceBatch(models.Model):
    _inherit = "trace.batch"

    trace_blocked = fields.Boolean(
        string="Blocked",
        readonly=True,
        copy=False,
        help="A blocked batch's codes are refused by every scan but a return from the market (set by a recall).",
    )

    def write(self, vals):
        if "trace_blocked" in vals and not self.env.su:
            # set and lifted by a recall's own methods only (after their checks, as the superuser)
            raise AccessError(_("Only a recall blocks or releases %(records)s.", records=self._description))
        return super().write(vals)
