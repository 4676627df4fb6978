from odoo import api, fields, models

from ..const import LEVELS, STATES


class TraceCodeCount(models.Model):
    """Code counts by batch, level and state, kept as append-only deltas.

    Every set-based change of code states appends its deltas in the same transaction, so a lot's
    or a batch's counts by state are a sum over a handful of rows instead of a scan of millions of
    codes; appending (never updating) keeps concurrent line scans of one batch free of write
    conflicts. A cron folds the deltas of each key into one row.
    """

    _name = "trace.code.count"
    _description = "Code Count Delta"
    _log_access = False

    # restrict, never cascade: a count disappears only with the codes it counts, which never do
    batch_id = fields.Many2one("trace.batch", required=True, index=True, ondelete="restrict")
    lot_id = fields.Many2one("stock.lot", index="btree_not_null", ondelete="restrict")
    company_id = fields.Many2one("res.company", required=True, ondelete="restrict")
    level = fields.Selection(LEVELS, required=True)
    state = fields.Selection(STATES, required=True)
    delta = fields.Integer(required=True)

    @api.model
    def _add(self, rows):
        """Append ``(batch_id, lot_id, company_id, level, state, delta)`` rows."""
        rows = [row for row in rows if row[5]]
        if not rows:
            return
        columns = list(zip(*rows))
        self.env.cr.execute(
            """
            INSERT INTO trace_code_count (batch_id, lot_id, company_id, level, state, delta)
            SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], %s::varchar[], %s::varchar[], %s::int[])
            """,
            [list(columns[0]), [lot or None for lot in columns[1]], list(columns[2]),
             list(columns[3]), list(columns[4]), list(columns[5])],
        )

    @api.model
    def _move(self, counts, from_state, to_state):
        """``counts`` maps ``(batch_id, lot_id, company_id, level)`` to a number of codes that went
        from ``from_state`` to ``to_state``."""
        rows = []
        for (batch_id, lot_id, company_id, level), n in counts.items():
            rows += [(batch_id, lot_id, company_id, level, from_state, -n),
                     (batch_id, lot_id, company_id, level, to_state, n)]
        self._add(rows)

    @api.model
    def _sums(self, column, ids, level=None):
        self.flush_model()
        query = f"""
            SELECT {column}, level, state, sum(delta) FROM trace_code_count
             WHERE {column} = ANY(%s) {"AND level = %s" if level else ""}
             GROUP BY {column}, level, state HAVING sum(delta) <> 0
        """
        self.env.cr.execute(query, [list(ids)] + ([level] if level else []))
        return self.env.cr.fetchall()

    @api.model
    def _with_codes(self, column, ids):
        """Those of ``ids`` (batches, lots or companies, by ``column``) that have codes."""
        if column not in ("batch_id", "lot_id", "company_id"):
            raise ValueError(column)
        return {row[0] for row in self._sums(column, ids)}

    @api.model
    def _counts_by_lot(self, lot_ids, level=None):
        """``{lot_id: {state: count}}`` (of ``level`` when given, else all levels summed)."""
        result = {}
        for lot_id, _level, state, count in self._sums("lot_id", lot_ids, level):
            result.setdefault(lot_id, {}).setdefault(state, 0)
            result[lot_id][state] += count
        return result

    @api.model
    def _counts_by_batch(self, batch_ids):
        """``{batch_id: {(level, state): count}}``."""
        result = {}
        for batch_id, level, state, count in self._sums("batch_id", batch_ids):
            result.setdefault(batch_id, {})[(level, state)] = count
        return result

    @api.model
    def _cron_compact(self):
        """Fold the deltas of each (batch, lot, company, level, state) into one row."""
        cr = self.env.cr
        cr.execute("SELECT max(id) FROM trace_code_count")
        top = cr.fetchone()[0]
        if not top:
            return
        cr.execute(
            """
            WITH gone AS (
                DELETE FROM trace_code_count WHERE id <= %s
             RETURNING batch_id, lot_id, company_id, level, state, delta
            )
            INSERT INTO trace_code_count (batch_id, lot_id, company_id, level, state, delta)
            SELECT batch_id, lot_id, company_id, level, state, sum(delta) FROM gone
             GROUP BY batch_id, lot_id, company_id, level, state HAVING sum(delta) <> 0
            """,
            [top],
        )
        self.invalidate_model()
