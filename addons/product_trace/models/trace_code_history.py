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
        """Every event of this code, oldest first: those naming it, its batch's, and those of
        every container it has been inside (directly or through other containers) while it was
        inside: a unit unpacked from its case keeps the case's shipments of before (the ledger
        names the codes an event moved, not their contents). ``chain``: :meth:`_chain`, when the
        caller has it already."""
        self.ensure_one()
        chain = self._chain() if chain is None else chain
        self.env["trace.event"].flush_model()
        windows = self._container_windows(chain)
        codes = sorted(windows)
        # Through the GIN index on epc_ids: the events naming this code or a container, but for
        # packing events, found by their parents (packing names the children without indexing
        # them, see trace.event.init). Each row says which of ``codes`` the event concerns.
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
                """SELECT id, event_time, CASE WHEN parent_code_id = %(code)s OR (%(of_batch)s) THEN ARRAY[%(code)s]
                                               ELSE %(named)s END
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
        parents = [code_id for code_id in codes if code_id != self.id]
        if parents:
            # the packing of this code and of its containers into the next ones
            cr.execute(
                SQL(
                    """SELECT id, event_time, %s FROM trace_event
                        WHERE parent_code_id = ANY(%s) AND event_type = 'aggregation' AND action = 'ADD'
                          AND epc_ids && %s""",
                    named,
                    parents,
                    codes,
                )
            )
            rows += cr.fetchall()
        found = {}
        for event_id, time, named_ids in rows:
            point = (time, event_id)
            if any(
                (start is None or point >= start) and (end is None or point <= end)
                for code_id in named_ids
                for start, end in windows.get(code_id, ())
            ):
                found[event_id] = point
        return self.env["trace.event"].browse(sorted(found, key=found.get))

    def _container_windows(self, chain):
        """``{code id: [(start, end)]}``: this code (always) and every container it has been
        inside, with the periods it was (``(event time, event id)`` bounds, ``None`` when open).
        Level by level up the packing tree: each container's current parent (the tree) and its
        former ones (the unpacking events, with the packing that began each stay)."""
        cr = self.env.cr
        windows = {self.id: [(None, None)]}
        # the current chain is known: a container's stay begins with the latest packing on the way up
        current = {code_id: (parent_id, packed_on) for code_id, parent_id, packed_on, *_parent in chain}
        frontier = {self.id}
        for _level in range(10):  # the depth the packing tree allows
            if not frontier:
                break
            stays = []  # (child, parent, start, end)
            for child in frontier:
                if child in current:
                    parent_id, packed_on = current[child]
                    stays.append((child, parent_id, (packed_on or self.create_date, 0), None))
            unknown = [child for child in frontier if child not in current and child != self.id]
            if unknown:
                cr.execute(
                    "SELECT code_id, parent_id, pack_date FROM trace_code_tree WHERE code_id = ANY(%s)", [unknown]
                )
                stays += [(child, parent, (packed_on or self.create_date, 0), None)
                          for child, parent, packed_on in cr.fetchall()]
            cr.execute(
                SQL(
                    """SELECT x.child, d.parent_code_id, d.event_time, d.id, a.event_time, a.id
                         FROM trace_event d
                         CROSS JOIN LATERAL unnest(d.epc_ids) AS x(child)
                         LEFT JOIN LATERAL (
                             SELECT event_time, id FROM trace_event
                              WHERE parent_code_id = d.parent_code_id AND event_type = 'aggregation'
                                AND action = 'ADD' AND epc_ids @> ARRAY[x.child] AND event_time <= d.event_time
                              ORDER BY event_time DESC, id DESC LIMIT 1) a ON true
                        WHERE d.epc_ids && %s AND %s AND d.event_type = 'aggregation' AND d.action = 'DELETE'
                          AND d.parent_code_id IS NOT NULL AND x.child = ANY(%s)""",
                    sorted(frontier),
                    NOT_PACKING,
                    sorted(frontier),
                )
            )
            stays += [
                (child, parent, (added_on, added_id) if added_on else (self.create_date, 0), (removed_on, removed_id))
                for child, parent, removed_on, removed_id, added_on, added_id in cr.fetchall()
            ]
            frontier = set()
            for child, parent, start, end in stays:
                for child_start, child_end in list(windows.get(child, ())):
                    begin = max(filter(None, (child_start, start)), default=None)
                    finish = min(filter(None, (child_end, end)), default=None)
                    if begin is not None and finish is not None and begin > finish:
                        continue  # packed into it after it left, or the other way round
                    if (begin, finish) not in windows.setdefault(parent, []):
                        windows[parent].append((begin, finish))
                        frontier.add(parent)
        return windows

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
