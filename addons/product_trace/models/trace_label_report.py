from odoo import _, api, models
from odoo.exceptions import UserError

from .trace_label_run import DIRECT_LIMIT


class ReportTraceBatchUnitLabels(models.AbstractModel):
    """The unit label sheet of a batch, printed at once: up to DIRECT_LIMIT labels, and only
    with a configured resolver (every QR code names it for good)."""

    _name = "report.product_trace.report_trace_batch_unit_labels"
    _description = "Unit Label Sheet"

    @api.model
    def _get_report_values(self, docids, data=None):
        batches = self.env["trace.batch"].browse(docids)
        batches.company_id._trace_check_resolver()
        for batch in batches:
            count = self.env["trace.code"].search_count([("batch_id", "=", batch.id), ("level", "=", "unit")])
            if count > DIRECT_LIMIT:
                raise UserError(
                    _(
                        "%(batch)s has %(count)s unit codes: more than %(limit)s labels print in the background. "
                        "Use Print Labels on the batch, which prints them in files of %(limit)s labels.",
                        batch=batch.name,
                        count=count,
                        limit=DIRECT_LIMIT,
                    )
                )
        return {"doc_ids": docids, "doc_model": "trace.batch", "docs": batches}


class ReportTraceCodeLabels(models.AbstractModel):
    _name = "report.product_trace.report_trace_code_labels"
    _description = "Code Label Sheet"

    @api.model
    def _get_report_values(self, docids, data=None):
        codes = self.env["trace.code"].browse(docids)
        if len(codes) > DIRECT_LIMIT:
            raise UserError(
                _(
                    "%(count)s labels are selected: at most %(limit)s print at once. Print a batch's labels "
                    "with Print Labels on the batch, which prints them in the background.",
                    count=len(codes),
                    limit=DIRECT_LIMIT,
                )
            )
        codes.company_id._trace_check_resolver()
        return {"doc_ids": docids, "doc_model": "trace.code", "docs": codes}
