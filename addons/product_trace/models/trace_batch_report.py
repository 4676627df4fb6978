from odoo import fields, models


class TraceBatchReport(models.Model):
    """A test report of a batch (quality certificate, lab analysis)."""

    _name = "trace.batch.report"
    _description = "Batch Test Report"
    _check_company_auto = True

    name = fields.Char(required=True)
    batch_id = fields.Many2one("trace.batch", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="batch_id.company_id", store=True)
    report_date = fields.Date(default=fields.Date.context_today)
    attachment = fields.Binary(required=True, attachment=True)
    attachment_name = fields.Char()
    public = fields.Boolean(
        string="Consumers May See It",
        help="Shown on the public verification page of the batch's codes.",
    )

    def _trace_data(self):
        return [
            {"id": report.id, "name": report.name, "date": str(report.report_date or ""), "public": report.public}
            for report in self
        ]
