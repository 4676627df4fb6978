import logging

import psycopg2.errors
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..const import LEVELS
from ..tools import CopyPipe

_logger = logging.getLogger(__name__)

# Up to this many codes an issuance runs in the request that asked for it; larger ones run in
# the background, one chunk per cron batch, so the user gets an answer at once and sees progress.
SYNC_LIMIT = 100_000
CHUNK_SIZE = 250_000
# Codes minted per slice of an issuance's COPY, and the size of the COPY's reads.
MINT_SLICE = 100_000
COPY_READ_SIZE = 1 << 20

# Columns written by the COPY of an issuance, in this order.
_ISSUE_COLUMNS = (
    "name, gtin, level, activation, product_id, lot_id, batch_id, company_id, "
    "create_date, create_uid, write_date, write_uid"
)


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
        # one whole sentence per level: translations cannot be built from words
        names = {
            "unit": _("%(qty)s unit codes for %(batch)s"),
            "case": _("%(qty)s case codes for %(batch)s"),
            "pallet": _("%(qty)s pallet codes for %(batch)s"),
        }
        for issue in self:
            issue.name = names.get(issue.level, names["unit"]) % {"qty": issue.quantity, "batch": issue.batch_id.name}

    @api.depends("quantity", "quantity_done")
    def _compute_progress(self):
        for issue in self:
            issue.progress = 100.0 * issue.quantity_done / issue.quantity if issue.quantity else 0.0

    def _run_chunk(self, size, analyze=True):
        """Issue the next ``size`` codes at most; return how many were issued."""
        self.ensure_one()
        # lock the request so two workers never issue the same chunk twice
        self.env.cr.execute("SELECT id FROM trace_code_issue WHERE id = %s FOR UPDATE", [self.id])
        self.invalidate_recordset(["quantity_done", "state"])
        todo = min(size, self.quantity - self.quantity_done)
        if self.state != "queued" or todo <= 0:
            return 0
        batch = self.batch_id
        self._insert_codes(batch, todo, level=self.level, analyze=analyze)
        if self.level == "unit" and batch.state == "confirmed" and batch.activation_mode == "manual":
            # codes added to a batch that is already running are valid goods at once
            self.env["trace.code"]._activate_batch(batch)
        done = self.quantity_done + todo
        self.write({"quantity_done": done, "state": "done" if done >= self.quantity else "queued"})
        if self.state == "done":
            self.batch_id.message_post(body=self.name)
        return todo

    @api.model
    def _insert_codes(self, batch, quantity, level="unit", analyze=True):
        """Insert ``quantity`` new codes of ``level`` for ``batch`` in one COPY; return their count.

        Unit serials are random (tracekit.codes, keyed check segment); case codes carry the case
        packaging's GTIN with a random serial, or are SSCCs; pallet codes are SSCCs. ``analyze``:
        refresh the planner's statistics after a large insert (a caller inserting many chunks in
        one transaction does it once at the end).
        """
        if quantity <= 0:
            raise ValidationError(_("The number of codes to issue must be positive, not %(qty)s.", qty=quantity))
        batch.ensure_one()
        company = batch.company_id
        company._trace_check_resolver()  # also for a queued request whose resolver was unset since
        gtin, minter, ssccs = None, None, None
        if level == "unit":
            gtin, minter = batch._unit_gtin(), company._trace_minter()
        elif level == "case" and batch._case_gtin():
            gtin, minter = batch._case_gtin(), company._trace_minter()
        elif level in ("case", "pallet"):
            ssccs = company._trace_next_ssccs(quantity)
        else:
            raise ValidationError(_("Unknown code level %(level)s.", level=level))
        now = fields.Datetime.to_string(fields.Datetime.now())
        uid = str(self.env.uid)
        constant = "\t".join(
            [
                gtin or r"\N",
                level,
                "issued",
                str(batch.product_id.id),
                str(batch.lot_id.id) if batch.lot_id else r"\N",
                str(batch.id),
                str(company.id),
                now,
                uid,
                now,
                uid,
            ]
        )

        def rows():
            # Minted a slice at a time while PostgreSQL writes the slices before (CopyPipe), each
            # slice in key order, so that the unique index's page writes stay close together.
            if ssccs is not None:
                yield "".join([f"{n}\t{constant}\n" for n in ssccs])
                return
            left = quantity
            while left:
                names = minter.mint(min(MINT_SLICE, left))
                left -= len(names)
                names.sort()
                yield "".join([f"{n}\t{constant}\n" for n in names])

        cr = self.env.cr
        pipe = CopyPipe(rows())
        try:
            with cr.savepoint(flush=False), pipe:
                cr.copy_expert(f"COPY trace_code ({_ISSUE_COLUMNS}) FROM STDIN", pipe, COPY_READ_SIZE)
        except Exception as error:
            if pipe.error is not None:  # the minting failed, not the COPY
                raise pipe.error from error
            if getattr(error, "pgcode", None) == "23505":  # an SSCC sequence reset by hand
                raise ValidationError(
                    _("Some of the new codes exist already; check the SSCC sequence of %(company)s.",
                      company=company.name)
                ) from error
            raise
        # index the new block ranges now: without autovacuum they would be scanned by every query
        cr.execute("SELECT brin_summarize_new_values('trace_code_batch_brin'::regclass)")
        cr.execute("SELECT brin_summarize_new_values('trace_code_lot_brin'::regclass)")
        if analyze and quantity > 10000:
            cr.execute("ANALYZE trace_code")
        self.env["trace.code.count"]._add([(batch.id, batch.lot_id.id, company.id, level, "issued", quantity)])
        return quantity

    def _run(self):
        """Issue everything that is left, in this transaction: one COPY per request (its codes
        are minted a slice at a time, so memory stays bounded), the planner's statistics once."""
        issued = 0
        for issue in self:
            if issue.state == "queued":
                issued += issue._run_chunk(issue.quantity - issue.quantity_done, analyze=False)
        if issued > 10000:
            self.env.cr.execute("ANALYZE trace_code")

    @api.model
    def _cron_run(self):
        """Background issuance: one chunk per call, progress reported to the cron.

        The chunk runs in a savepoint: whatever it raises (a batch closed meanwhile, a GTIN
        removed, a bug) marks that request failed with the error shown on it, and the queue goes
        on with the next request. Transaction conflicts are left to the cron to retry.
        """
        issue = self.search([("state", "=", "queued")], order="id", limit=1)
        if not issue:
            return
        done = 0
        try:
            with self.env.cr.savepoint():
                done = issue._run_chunk(CHUNK_SIZE)
        except (psycopg2.errors.SerializationFailure, psycopg2.errors.LockNotAvailable):
            raise
        except Exception as error:
            issue.write({"state": "failed", "message": str(error)})
            _logger.warning("Code issuance %s failed: %s", issue.id, error)
        remaining = sum(
            self.search([("state", "=", "queued")]).mapped(lambda i: i.quantity - i.quantity_done)
        )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
