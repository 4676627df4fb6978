# trace.code is split into one file per job (conventions: a model that does many jobs becomes
# several files of _inherit), which this check would have merged back.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, models
from odoo.tools import SQL

from .trace_code import CODE_COLUMNS
from .trace_event import NOT_PACKING


class TraceCode(models.Model):
    """A code's hierarchy (ancestors, subtree), its history in the ledger and the trace answer."""

    _inherit = "trace.code"

    def _chain(self):
        """This code's rows of the packing tree from this code up, nearest first:
        ``[(code id, parent id, packed on, parent name, parent level, parent activation)]``
        (one recursive query, one index probe per level)."""
        self.ensure_one()
        self.flush_model()
        self.env.cr.execute(
            """
            WITH RECURSIVE up(code_id, parent_id, pack_date, depth) AS (
                SELECT code_id, parent_id, pack_date, 1 FROM trace_code_tree WHERE code_id = %s
                UNION ALL
                SELECT t.code_id, t.parent_id, t.pack_date, up.depth + 1
                  FROM trace_code_tree t JOIN up ON t.code_id = up.parent_id
                 WHERE up.depth < 10
            )
            SELECT up.code_id, up.parent_id, up.pack_date, c.name, c.level, c.activation
              FROM up JOIN trace_code c ON c.id = up.parent_id ORDER BY up.depth
            """,
            [self.id],
        )
        return self.env.cr.fetchall()

    def _ancestors(self):
        """The codes this one is packed in, nearest first."""
        return self.browse([row[1] for row in self._chain()])

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

    def _history_events(self, chain=None):
        """Every event of this code, oldest first: those naming it, its batch's, and its current
        ancestors' since it was packed into them (the ledger names the codes an event moved, not
        their contents). ``chain``: :meth:`_chain`, when the caller has it already."""
        self.ensure_one()
        chain = self._chain() if chain is None else chain
        self.env["trace.event"].flush_model()
        ancestors = [row[1] for row in chain]
        codes = [self.id] + ancestors
        # Through the GIN index on epc_ids: the events naming this code or an ancestor, but for
        # packing events, which are found through the containers the codes have been in (their
        # current parents and those of their other aggregation events: unpacking). Each row says
        # which of ``codes`` the event concerns.
        cr = self.env.cr
        named = SQL("ARRAY(SELECT unnest(epc_ids) INTERSECT SELECT unnest(%s::int[]))", codes)
        of_batch = SQL(
            "batch_id = %s AND scope = 'batch' AND level = %s AND %s BETWEEN code_id_from AND code_id_to",
            self.batch_id.id or 0,
            self.level,
            self.id,
        )
        cr.execute(
            SQL(
                """SELECT id, event_time, event_type, parent_code_id,
                          CASE WHEN parent_code_id = %(code)s OR (%(of_batch)s) THEN ARRAY[%(code)s] ELSE %(named)s END
                     FROM trace_event
                    WHERE (epc_ids && %(codes)s AND %(not_packing)s) OR parent_code_id = %(code)s OR (%(of_batch)s)""",
                code=self.id,
                codes=codes,
                named=named,
                of_batch=of_batch,
                not_packing=NOT_PACKING,
            )
        )
        rows = cr.fetchall()
        parents = set(ancestors) | {row[3] for row in rows if row[2] == "aggregation" and row[3] != self.id}
        parents.discard(None)
        if parents:
            cr.execute(
                SQL(
                    """SELECT id, event_time, event_type, parent_code_id, %s FROM trace_event
                        WHERE parent_code_id = ANY(%s) AND event_type = 'aggregation' AND action = 'ADD'
                          AND epc_ids && %s""",
                    named,
                    sorted(parents),
                    codes,
                )
            )
            rows += cr.fetchall()
        # an ancestor's events count from the moment this code joined that ancestor's subtree:
        # the latest packing date on the way up to it
        since, joined = {}, None
        for _code_id, parent_id, packed_on, *_parent in chain:
            joined = max(filter(None, [joined, packed_on]), default=None)
            since[parent_id] = joined or self.create_date
        found = {}
        for event_id, time, _type, _parent, named in rows:
            if self.id in named or any(time >= since[code_id] for code_id in named if code_id in since):
                found[event_id] = time
        ordered = sorted(found, key=lambda event_id: (found[event_id], event_id))
        return self.env["trace.event"].browse(ordered)

    # ------------------------------------------------------------------------------------------
    # The trace answer
    # ------------------------------------------------------------------------------------------

    @api.model
    def trace(self, text):
        """The full trace of the code ``text`` names (typed, scanned or a Digital Link)."""
        return self._resolve(text)._trace_data()

    def _trace_data(self):
        self.ensure_one()
        self.fetch(CODE_COLUMNS)  # read already when the code was resolved
        # the answer reads a few fields of wide records (company, product, lot): fetch only those
        code = self.with_context(prefetch_fields=False)
        chain = code._chain()
        parent_of = {row[0]: row[1] for row in chain}
        contents_ids = code._subtree_ids()
        contents = code.search([("id", "in", contents_ids)], limit=50, order="level desc, id") if contents_ids else code.browse()
        siblings = 0
        if code.lot_id:
            counts = self.env["trace.code.count"]._counts_by_lot([code.lot_id.id], level=code.level)
            siblings = sum(counts.get(code.lot_id.id, {}).values()) - 1
        events = code._history_events(chain)
        batch = code.batch_id._trace_data() if code.batch_id else None  # before the link, which reads its expiry
        return {
            "code": {
                "id": code.id,
                "name": code.name,
                "level": code.level,
                "state": "packed" if code.id in parent_of else code.activation,
                "gtin": code.gtin,
                "digital_link": code.digital_link,
                "mixed": bool(code.mixed),
            },
            "product": {"id": code.product_id.id, "name": code.product_id.name, "gtin": code.gtin},
            "lot": {"id": code.lot_id.id, "name": code.lot_id.name} if code.lot_id else None,
            "batch": batch,
            "ancestors": [
                {"id": parent_id, "name": name, "level": level, "state": "packed" if parent_id in parent_of else activation}
                for _code_id, parent_id, _date, name, level, activation in chain
            ],
            "contents_count": len(contents_ids),
            "contents": [
                {"id": c.id, "name": c.name, "level": c.level, "state": c.state, "parent": c.parent_id.name,
                 "product": c.product_id.display_name, "lot": c.lot_id.name or None}
                for c in contents.with_context(prefetch_fields=True)
            ],
            "contents_by_product": code._contents_by_product(contents_ids),
            "lot_siblings_count": siblings,
            "events": events._trace_data({code.id: code.name, **{row[1]: row[3] for row in chain}}),
        }

    def _contents_by_product(self, ids):
        """What ``ids`` (a subtree) hold per level, product and lot: ``[{level, product, lot, count}]``."""
        if not ids:
            return []
        self.env.cr.execute(
            """SELECT level, product_id, lot_id, count(*) FROM trace_code WHERE id = ANY(%s)
                GROUP BY level, product_id, lot_id ORDER BY level, product_id, lot_id""",
            [ids],
        )
        rows = self.env.cr.fetchall()
        products = self.env["product.product"].browse({row[1] for row in rows})
        lots = self.env["stock.lot"].browse({row[2] for row in rows if row[2]})
        names = {p.id: p.display_name for p in products}
        lot_names = {lot.id: lot.name for lot in lots}
        return [
            {"level": level, "product": names.get(product_id), "lot": lot_names.get(lot_id), "count": count}
            for level, product_id, lot_id, count in rows
        ]

    def action_open_trace(self):
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "product_trace.trace_home",
            "name": self.name,
            "context": {"trace_query": self.name},
        }
