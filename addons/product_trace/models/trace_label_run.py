import logging

import psycopg2.errors
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..const import LEVELS

_logger = logging.getLogger(__name__)

# Up to this many labels print at once, in the request; more print in the background, in PDF
# files of LABELS_PER_PART labels each (wkhtmltopdf takes ~12 s and ~16 MB per 1,000 labels).
DIRECT_LIMIT = 1000
LABELS_PER_PART = 1000
CODE_LABELS_REPORT = "product_trace.action_report_trace_code_labels"


class TraceLabelRun(models.Model):
    """A label run of a batch printed in the background: the batch's codes of one level, one PDF
    file per part of ``part_size`` labels, made by a cron one part per call (progress on the
    run, the files downloadable as they come). Written by its own methods only."""

    _name = "trace.label.run"
    _description = "Label Run"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    batch_id = fields.Many2one("trace.batch", required=True, readonly=True, ondelete="cascade", check_company=True)
    company_id = fields.Many2one(related="batch_id.company_id", store=True)
    level = fields.Selection(LEVELS, required=True, readonly=True)
    label_count = fields.Integer(string="Labels", required=True, readonly=True)
    done_count = fields.Integer(string="Printed", readonly=True)
    # the last code printed: the next part starts after it (a key, not an offset, over a million codes)
    last_code_id = fields.Integer(readonly=True)
    part_size = fields.Integer(string="Labels per File", required=True, readonly=True, default=LABELS_PER_PART)
    progress = fields.Float(compute="_compute_progress")
    state = fields.Selection(
        [("queued", "Printing"), ("done", "Done"), ("failed", "Failed")],
        default="queued",
        required=True,
        readonly=True,
    )
    message = fields.Text(readonly=True)
    user_id = fields.Many2one("res.users", string="Requested By", readonly=True, default=lambda self: self.env.user)
    part_ids = fields.Many2many("ir.attachment", string="Files", readonly=True)

    @api.depends("level", "label_count", "batch_id.name")
    def _compute_name(self):
        names = {
            "unit": _("Unit labels of %(batch)s"),
            "case": _("Case labels of %(batch)s"),
            "pallet": _("Pallet labels of %(batch)s"),
        }
        for run in self:
            run.name = names[run.level] % {"batch": run.batch_id.name} if run.level else False

    @api.depends("label_count", "done_count")
    def _compute_progress(self):
        for run in self:
            run.progress = 100.0 * run.done_count / run.label_count if run.label_count else 0.0

    @api.model
    def _start(self, batch, level):
        """Queue the run of ``batch``'s ``level`` labels (the caller checked the batch)."""
        count = self.env["trace.code"].search_count([("batch_id", "=", batch.id), ("level", "=", level)])
        run = self.sudo().create({"batch_id": batch.id, "level": level, "label_count": count})
        self.env.ref("product_trace.ir_cron_trace_label_run")._trigger()
        return run.with_env(self.env)

    def _print_part(self):
        """Print the next part of this run into one PDF file; return how many labels it holds."""
        self.ensure_one()
        self.env.cr.execute("SELECT id FROM trace_label_run WHERE id = %s FOR UPDATE", [self.id])
        self.invalidate_recordset(["done_count", "last_code_id", "state"])
        if self.state != "queued":
            return 0
        codes = self.batch_id._label_codes(self.level, after_id=self.last_code_id, limit=self.part_size)
        if not codes:
            self._finish()
            return 0
        self.batch_id.company_id._trace_check_resolver()
        report = self.env["ir.actions.report"].with_user(self.user_id).with_company(self.company_id)
        pdf, _kind = report._render_qweb_pdf(CODE_LABELS_REPORT, codes.ids)
        number = self.done_count // self.part_size + 1
        parts = -(-self.label_count // self.part_size)
        attachment = self.env["ir.attachment"].sudo().create(
            {
                "name": "%s-%s-labels-%03d-of-%03d.pdf" % (self.batch_id.name, self.level, number, parts),
                "raw": pdf,
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        done = self.done_count + len(codes)
        self.sudo().write({"done_count": done, "last_code_id": codes[-1].id, "part_ids": [(4, attachment.id)]})
        if done >= self.label_count:
            self._finish()
        return len(codes)

    def _finish(self):
        self.sudo().write({"state": "done"})
        messages = {
            "unit": _("%(count)s unit labels printed in %(files)s PDF files (label run %(run)s)."),
            "case": _("%(count)s case labels printed in %(files)s PDF files (label run %(run)s)."),
            "pallet": _("%(count)s pallet labels printed in %(files)s PDF files (label run %(run)s)."),
        }
        body = messages[self.level] % {"count": self.done_count, "files": len(self.part_ids), "run": self.id}
        self.batch_id.sudo().message_post(body=body, partner_ids=self.user_id.partner_id.ids)

    @api.model
    def _cron_run(self):
        """One part of the oldest queued run per call; a failure marks that run failed with its
        error and lets the queue go on."""
        run = self.search([("state", "=", "queued")], order="id", limit=1)
        if not run:
            return
        done = 0
        try:
            with self.env.cr.savepoint():
                done = run._print_part()
        except (psycopg2.errors.SerializationFailure, psycopg2.errors.LockNotAvailable):
            raise
        except Exception as error:
            message = error.args[0] if isinstance(error, UserError) and error.args else str(error)
            run.sudo().write({"state": "failed", "message": message})
            _logger.warning("Label run %s failed: %s", run.id, error)
        remaining = sum(self.search([("state", "=", "queued")]).mapped(lambda r: r.label_count - r.done_count))
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    def action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }
