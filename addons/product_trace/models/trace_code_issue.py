import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .trace_code import LEVELS

_logger = logging.getLogger(__name__)

# Up to this many codes an issuance runs in the request that asked for it; larger ones run in
# the background, one chunk per cron batch, so the user gets an answer at once and sees progress.
SYNC_LIMIT = 100_000
CHUNK_SIZE = 250_000


class TraceCodeIssue(models.Model):
    """One request to issue codes for a batch, identified by its request key.

    The key makes the request idempotent: asking again with the same key returns this request
    and issues nothing more. Background chunks are idempotent too: each chunk commits its codes
    together with the new ``quantity_done``, so a crash re-runs only the chunk that was lost.
    """

    _name = "trace.code.issue"
    _description = "Code Issuance"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    request_key = fields.Char(required=True, readonly=True, copy=False)
    batch_id = fields.Many2one("trace.batch", required=True, readonly=True, ondelete="cascade", check_company=True)
    company_id = fields.Many2one(related="batch_id.company_id", store=True)
    level = fields.Selection(LEVELS, required=True, readonly=True, default="unit")
    quantity = fields.Integer(required=True, readonly=True)
    quantity_done = fields.Integer(readonly=True)
    progress = fields.Float(compute="_compute_progress")
    state = fields.Selection(
        [("queued", "Queued"), ("done", "Done"), ("failed", "Failed")],
        default="queued",
        required=True,
        readonly=True,
    )
    message = fields.Text(readonly=True)

    _sql_constraints = [
        ("request_key_uniq", "unique(request_key)", "This issuance request was made already."),
        ("quantity_positive", "CHECK(quantity > 0)", "The number of codes to issue must be positive."),
    ]

    @api.depends("quantity", "level", "batch_id.name")
    def _compute_name(self):
        levels = dict(self._fields["level"]._description_selection(self.env))
        for issue in self:
            issue.name = _(
                "%(qty)s %(level)s codes for %(batch)s",
                qty=issue.quantity,
                level=levels.get(issue.level),
                batch=issue.batch_id.name,
            )

    @api.depends("quantity", "quantity_done")
    def _compute_progress(self):
        for issue in self:
            issue.progress = 100.0 * issue.quantity_done / issue.quantity if issue.quantity else 0.0

    def _run_chunk(self, size):
        """Issue the next ``size`` codes at most; return how many were issued."""
        self.ensure_one()
        # lock the request so two workers never issue the same chunk twice
        self.env.cr.execute("SELECT id FROM trace_code_issue WHERE id = %s FOR UPDATE", [self.id])
        self.invalidate_recordset(["quantity_done", "state"])
        todo = min(size, self.quantity - self.quantity_done)
        if self.state != "queued" or todo <= 0:
            return 0
        batch = self.batch_id
        self.env["trace.code"]._issue(batch, todo, level=self.level)
        if self.level == "unit" and batch.state == "confirmed" and batch.activation_mode == "manual":
            # codes added to a batch that is already running are valid goods at once
            self.env["trace.code"]._activate_batch(batch)
        done = self.quantity_done + todo
        self.write({"quantity_done": done, "state": "done" if done >= self.quantity else "queued"})
        if self.state == "done":
            self.batch_id.message_post(body=self.name)
        return todo

    def _run(self):
        """Issue everything that is left, in this transaction."""
        for issue in self:
            while issue.state == "queued" and issue._run_chunk(CHUNK_SIZE):
                pass

    @api.model
    def _cron_run(self):
        """Background issuance: one chunk per call, progress reported to the cron."""
        issue = self.search([("state", "=", "queued")], order="id", limit=1)
        if not issue:
            return
        done = 0
        try:
            done = issue._run_chunk(CHUNK_SIZE)
        except UserError as error:
            issue.write({"state": "failed", "message": str(error)})
            _logger.warning("Code issuance %s failed: %s", issue.id, error)
        remaining = sum(
            self.search([("state", "=", "queued")]).mapped(lambda i: i.quantity - i.quantity_done)
        )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
