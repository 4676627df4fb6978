# trace.code is split into one file per job (conventions: a model that does many jobs becomes
# several files of _inherit), which this check would have merged back.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, models
from odoo.tools import SQL

from .trace_event import NOT_PACKING


class TraceCode(models.Model):
    """A code's hierarchy (ancestors, subtree), its history in the ledger and the trace answer."""

    _inherit = "trace.code"

    def _ancestors(self):
        """The codes this one is packed in, nearest first (one index probe per level)."""
        self.ensure_one()
        self.flush_model()
        self.env.cr.execute(
            """
            WITH RECURSIVE up(id, depth) AS (
                SELECT parent_id, 1 FROM trace_code_tree WHERE code_id = %s
                UNION ALL
                SELECT t.parent_id, up.depth + 1 FROM trace_code_tree t JOIN up ON t.code_id = up.id
                 WHERE up.depth < 10
            )
            SELECT id FROM up ORDER BY depth
            """,
            [self.id],
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _subtree_ids(self):
        """Ids of everything packed inside this code, level by level (a set per level)."""
        self.ensure_one()
        if self.level == "unit":
            return []
        self.env.cr.execute(
            """
            WITH RECURSIVE down(id, depth) AS (
                SELECT code_id, 1 FROM trace_code_tree WHERE parent_id = %s
                UNION ALL
                SELECT t.code_id, down.depth + 1 FROM trace_code_tree t JOIN down ON t.parent_id = down.id
                 WHERE down.depth < 10
            )
            SELECT id FROM down
            """,
            [self.id],
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _subtree_domain(self):
        return [("id", "in", self._subtree_ids())]

    def _history_events(self):
        """Every event of this code: those naming it, its batch's, and its current ancestors'
        since it was packed into them (the ledger names the codes an event moved, not their
        contents)."""
        self.ensure_one()
        self.flush_model()
        self.env["trace.event"].flush_model()
        cr = self.env.cr
        ancestors = self._ancestors()
        rows = (self | ancestors)._tree_rows()
        ids = set(self._events_naming(self.id, rows.get(self.id, (None,))[0]))
        cr.execute("SELECT id FROM trace_event WHERE parent_code_id = %s", [self.id])
        ids.update(row[0] for row in cr.fetchall())
        cr.execute(
            """SELECT id FROM trace_event WHERE batch_id = %s AND scope = 'batch' AND level = %s
                  AND %s BETWEEN code_id_from AND code_id_to""",
            [self.batch_id.id or 0, self.level, self.id],
        )
        ids.update(row[0] for row in cr.fetchall())
        # an ancestor's events count from the moment this code joined that ancestor's subtree
        joined = rows.get(self.id, (None, None))[1]
        for ancestor in ancestors:
            parent_id, packed_on = rows.get(ancestor.id, (None, None))
            since = joined or self.create_date
            ids.update(
                event_id for event_id, time in self._events_naming(ancestor.id, parent_id, with_time=True)
                if time >= since
            )
            joined = max(filter(None, [joined, packed_on]), default=None)
        return self.env["trace.event"].browse(ids).sorted(lambda e: (e.event_time, e.id))

    def _events_naming(self, code_id, parent_id, with_time=False):
        """Events that name ``code_id`` in their codes: through the GIN index for all but packing
        events, and for packing events through the parents it has had."""
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT id, event_time, parent_code_id, event_type FROM trace_event WHERE epc_ids @> ARRAY[%s] AND %s",
                code_id,
                NOT_PACKING,
            )
        )
        found = cr.fetchall()
        parents = {parent_id} | {row[2] for row in found if row[3] == "aggregation"}
        parents.discard(None)
        if parents:
            cr.execute(
                """SELECT id, event_time, parent_code_id, event_type FROM trace_event
                    WHERE parent_code_id = ANY(%s) AND event_type = 'aggregation' AND action = 'ADD'
                      AND epc_ids @> ARRAY[%s]""",
                [list(parents), code_id],
            )
            found += cr.fetchall()
        return [(row[0], row[1]) if with_time else row[0] for row in found]

    # ------------------------------------------------------------------------------------------
    # The trace answer
    # ------------------------------------------------------------------------------------------

    @api.model
    def trace(self, text):
        """The full trace of the code ``text`` names (typed, scanned or a Digital Link)."""
        return self._resolve(text)._trace_data()

    def _trace_data(self):
        self.ensure_one()
        batch = self.batch_id
        ancestors = self._ancestors()
        subtree = self.search_count(self._subtree_domain()) if self.level != "unit" else 0
        contents = self.search(self._subtree_domain(), limit=50, order="level desc, id")
        siblings = 0
        if self.lot_id:
            counts = self.env["trace.code.count"]._counts_by_lot([self.lot_id.id], level=self.level)
            siblings = sum(counts.get(self.lot_id.id, {}).values()) - 1
        events = self._history_events()
        return {
            "code": {
                "id": self.id,
                "name": self.name,
                "level": self.level,
                "state": self.state,
                "gtin": self.gtin,
                "digital_link": self.digital_link,
            },
            "product": {"id": self.product_id.id, "name": self.product_id.name, "gtin": self.gtin},
            "lot": {"id": self.lot_id.id, "name": self.lot_id.name} if self.lot_id else None,
            "batch": batch._trace_data() if batch else None,
            "ancestors": [
                {"id": a.id, "name": a.name, "level": a.level, "state": a.state} for a in ancestors
            ],
            "contents_count": subtree,
            "contents": [
                {"id": c.id, "name": c.name, "level": c.level, "state": c.state, "parent": c.parent_id.name}
                for c in contents
            ],
            "lot_siblings_count": siblings,
            "events": [event._trace_data() for event in events],
        }

    def action_open_trace(self):
        self.ensure_one()
        query = self.env["trace.query"].create({"query": self.name})
        return query._action_open()
