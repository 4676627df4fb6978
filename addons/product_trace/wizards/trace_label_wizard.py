from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..const import LEVELS
from ..models.trace_label_run import DIRECT_LIMIT, LABELS_PER_PART


class TraceLabelWizard(models.TransientModel):
    """Print a batch's unit, case or pallet labels: at once up to DIRECT_LIMIT, else in the
    background in PDF files of LABELS_PER_PART labels; or the code file for a print house."""

    _name = "trace.label.wizard"
    _description = "Print Labels"

    batch_id = fields.Many2one("trace.batch", required=True)
    level = fields.Selection(LEVELS, required=True, default="unit")
    output = fields.Selection(
        [("pdf", "Label sheets (PDF)"), ("file", "Code file for a print house (CSV)")],
        required=True,
        default="pdf",
    )
    label_count = fields.Integer(string="Labels", compute="_compute_label_count")
    in_background = fields.Boolean(compute="_compute_label_count")
    summary = fields.Char(compute="_compute_label_count")

    @api.depends("batch_id", "level", "output")
    def _compute_label_count(self):
        for wizard in self:
            count = wizard.batch_id and self.env["trace.code"].search_count(
                [("batch_id", "=", wizard.batch_id.id), ("level", "=", wizard.level)]
            ) or 0
            wizard.label_count = count
            wizard.in_background = wizard.output == "pdf" and count > DIRECT_LIMIT
            if not count:
                wizard.summary = _("This batch has no codes of this level yet: issue them first.")
            elif wizard.output == "file":
                wizard.summary = _("The code file lists all %(count)s codes with their Digital Links.", count=count)
            elif wizard.in_background:
                wizard.summary = _(
                    "%(count)s labels print in the background, in %(files)s PDF files of %(size)s labels; "
                    "the label run shows the progress and each file as it is ready.",
                    count=count,
                    files=-(-count // LABELS_PER_PART),
                    size=LABELS_PER_PART,
                )
            else:
                wizard.summary = _("%(count)s labels print now, in one PDF file.", count=count)

    def action_print(self):
        self.ensure_one()
        batch = self.batch_id
        batch.check_access("read")
        batch.company_id._trace_check_resolver()
        if not self.label_count:
            raise UserError(_("Batch %(batch)s has no codes of this level yet: issue them first.", batch=batch.name))
        if self.output == "file":
            return batch.action_export_codes(self.level)
        if self.in_background:
            return self.env["trace.label.run"]._start(batch, self.level).action_open()
        codes = batch._label_codes(self.level)
        # config=False: labels use no company document layout, so no layout wizard comes first
        action = self.env.ref("product_trace.action_report_trace_code_labels").report_action(codes, config=False)
        action["close_on_report_download"] = True
        return action
