# trace.code is split into one file per job (conventions: a model that does many jobs becomes
# several files of _inherit), which this check would have merged back.
# pylint: disable=consider-merging-classes-inherited
import io
from collections import Counter

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class TraceCode(models.Model):
    """Aggregation: units into cases, cases onto pallets, set-based through a temporary table;
    the hierarchy lives in ``trace.code.tree``."""

    _inherit = "trace.code"

    @api.model
    def _pack(self, mapping, read_point=None, device=None, mixed=False):
        """Pack children into parents; ``mapping`` is ``{parent_code: [child_code, ...]}`` or a
        list of ``(parent_code, child_code)`` pairs. All or nothing.

        Rules: every code known and of the user's companies; a child active (not issued, not void)
        and not packed already; a child of a lower level than its parent (units < cases < pallets);
        parent and child of the same company; no code inside itself; a case or pallet holds one
        product and one lot (those of its own code) unless it is a mixed logistic unit: packed
        with ``mixed``, which marks the parents so, or marked so by an earlier packing; a mixed
        unit goes only into a mixed one. Parents that were only issued become active. One
        AggregationEvent (ADD, packing) per parent. Returns the number of children packed.
        """
        pairs = mapping.items() if isinstance(mapping, dict) else None
        if pairs is not None:
            rows = [(parent, child) for parent, children in pairs for child in children]
        else:
            rows = list(mapping)
        if not rows:
            raise UserError(_("Nothing to pack."))
        for parent, child in rows:
            for value in (parent, child):
                if not value or any(ch in value for ch in "\t\n\r\\"):
                    raise UserError(_("%(code)s is not a valid code.", code=repr(value)))
        cr = self.env.cr
        self.flush_model()
        # hash joins and aggregates over a million rows stay in memory instead of spilling
        cr.execute("SET LOCAL work_mem = '256MB'")
        cr.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS trace_pack_input (parent varchar, child varchar) ON COMMIT DROP;
            TRUNCATE trace_pack_input;
            """
        )
        cr.copy_expert(
            "COPY trace_pack_input (parent, child) FROM STDIN",
            io.StringIO("".join(f"{parent}\t{child}\n" for parent, child in rows)),
        )
        cr.execute(
            """
            SELECT child FROM trace_pack_input GROUP BY child HAVING count(*) > 1 LIMIT 10
            """
        )
        duplicates = [row[0] for row in cr.fetchall()]
        if duplicates:
            raise UserError(_("Codes listed twice: %(codes)s.", codes=", ".join(duplicates)))
        cr.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS trace_pack (
                parent_id int, child_id int, parent_level varchar, child_level varchar,
                parent_state varchar, child_state varchar, child_parent_id int,
                parent_company int, child_company int,
                child_batch int, child_lot int, parent_name varchar, child_name varchar,
                parent_product int, child_product int, parent_lot int, parent_mixed bool, child_mixed bool
            ) ON COMMIT DROP;
            TRUNCATE trace_pack;
            INSERT INTO trace_pack
            SELECT p.id, c.id, p.level, c.level, p.activation, c.activation, tr.parent_id,
                   p.company_id, c.company_id, c.batch_id, c.lot_id, i.parent, i.child,
                   p.product_id, c.product_id, p.lot_id, coalesce(p.mixed, false), coalesce(c.mixed, false)
              FROM trace_pack_input i
              LEFT JOIN trace_code p ON p.name = i.parent AND p.company_id = ANY(%(companies)s)
              LEFT JOIN trace_code c ON c.name = i.child AND c.company_id = ANY(%(companies)s)
              LEFT JOIN trace_code_tree tr ON tr.code_id = c.id;
            ANALYZE trace_pack;
            """,
            {"companies": self.env.companies.ids},
        )
        self._pack_check(mixed=mixed)
        now = fields.Datetime.now()
        if mixed:
            cr.execute(
                """UPDATE trace_code SET mixed = true WHERE id IN (SELECT parent_id FROM trace_pack)
                    AND NOT coalesce(mixed, false)"""
            )
        cr.execute(
            "INSERT INTO trace_code_tree (code_id, parent_id, pack_date)"
            " SELECT child_id, parent_id, %s FROM trace_pack ORDER BY child_id",
            [now],
        )
        count = cr.rowcount
        if count > 10000:
            # no autovacuum to count the new rows for the planner: the hierarchy's look-ups
            # must stay index probes
            cr.execute("ANALYZE trace_code_tree")
        # containers that were only issued are commissioned by packing: into them, or them into a parent
        cr.execute(
            """
            UPDATE trace_code c SET activation = 'active', write_date = %(now)s, write_uid = %(uid)s
              FROM (SELECT parent_id AS id FROM trace_pack UNION SELECT child_id FROM trace_pack
                     WHERE child_state = 'issued') t
             WHERE c.id = t.id AND c.activation = 'issued'
         RETURNING c.batch_id, c.lot_id, c.company_id, c.level
            """,
            {"now": now, "uid": self.env.uid},
        )
        Count = self.env["trace.code.count"]
        Count._move(Counter(cr.fetchall()), "issued", "active")
        cr.execute(
            """
            SELECT child_batch, child_lot, child_company, child_level, count(*)
              FROM trace_pack GROUP BY child_batch, child_lot, child_company, child_level
            """
        )
        Count._move({tuple(row[:4]): row[4] for row in cr.fetchall()}, "active", "packed")
        self.env["trace.event"]._record_aggregations(
            "trace_pack", action="ADD", biz_step="packing", read_point=read_point, device=device, time=now
        )
        cr.execute("SET LOCAL work_mem TO DEFAULT")
        self.invalidate_model(["activation", "state", "parent_id", "pack_date", "child_ids", "child_count", "mixed"])
        return count

    @api.model
    def _pack_check(self, mixed=False):
        """Raise a translated error for the first rule the rows of ``trace_pack`` break
        (``mixed``: the parents are packed as mixed logistic units)."""
        cr = self.env.cr

        def offenders(where, column="child_name"):
            cr.execute(SQL("SELECT DISTINCT %s FROM trace_pack WHERE %s LIMIT 10", SQL.identifier(column), where))
            return ", ".join(row[0] for row in cr.fetchall())

        if found := offenders(SQL("parent_id IS NULL"), "parent_name"):
            raise UserError(_("Unknown codes: %(codes)s.", codes=found))
        if found := offenders(SQL("child_id IS NULL")):
            raise UserError(_("Unknown codes: %(codes)s.", codes=found))
        if found := offenders(SQL("parent_id = child_id")):
            raise UserError(_("A code cannot be packed into itself: %(codes)s.", codes=found))
        if found := offenders(SQL("parent_company <> child_company")):
            raise UserError(_("Codes %(codes)s belong to another company than their parent.", codes=found))
        # levels strictly increase from child to parent, so no code can end up inside itself
        if found := offenders(
            SQL(
                "CASE child_level WHEN 'unit' THEN 1 WHEN 'case' THEN 2 ELSE 3 END"
                " >= CASE parent_level WHEN 'unit' THEN 1 WHEN 'case' THEN 2 ELSE 3 END"
            )
        ):
            raise UserError(
                _(
                    "Codes %(codes)s cannot go into a parent of the same or a lower level "
                    "(units go into cases, cases into pallets).",
                    codes=found,
                )
            )
        # a container that receives its own contents in the same call is commissioned by it
        if found := offenders(
            SQL("child_state = 'issued' AND child_id NOT IN (SELECT parent_id FROM trace_pack)")
        ):
            raise UserError(_("Codes %(codes)s are not active: activate them before packing.", codes=found))
        if found := offenders(SQL("child_parent_id IS NOT NULL")):
            raise UserError(_("Codes %(codes)s are packed already: unpack them first.", codes=found))
        if found := offenders(SQL("child_state = 'void' OR parent_state = 'void'")):
            raise UserError(_("Codes %(codes)s are void.", codes=found))
        if not mixed:
            if found := offenders(
                SQL(
                    "NOT parent_mixed AND (child_mixed OR child_product <> parent_product"
                    " OR child_lot IS DISTINCT FROM parent_lot)"
                )
            ):
                raise UserError(
                    _(
                        "Codes %(codes)s are of another product or lot than the case or pallet they go into: "
                        "a case or pallet holds one product and one lot, unless it is packed as a mixed "
                        "logistic unit.",
                        codes=found,
                    )
                )

    @api.model
    def _unpack(self, names, read_point=None, device=None):
        """Take the codes ``names`` out of their parent (they become active again); all or nothing."""
        codes = self.search([("name", "in", list(names)), ("company_id", "in", self.env.companies.ids)])
        unknown = set(names) - set(codes.mapped("name"))
        if unknown:
            raise UserError(_("Unknown codes: %(codes)s.", codes=", ".join(sorted(unknown)[:10])))
        loose = codes.filtered(lambda c: not c.parent_id)
        if loose:
            raise UserError(_("Codes %(codes)s are not packed.", codes=", ".join(loose[:10].mapped("name"))))
        cr = self.env.cr
        self.flush_model()
        now = fields.Datetime.now()
        cr.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS trace_unpack (parent_id int, child_id int) ON COMMIT DROP;
            TRUNCATE trace_unpack;
            WITH gone AS (DELETE FROM trace_code_tree WHERE code_id = ANY(%s) RETURNING parent_id, code_id)
            INSERT INTO trace_unpack SELECT parent_id, code_id FROM gone;
            """,
            [codes.ids],
        )
        self.env["trace.code.count"]._move(codes._count_keys(), "packed", "active")
        self.env["trace.event"]._record_aggregations(
            "trace_unpack", action="DELETE", biz_step="unpacking", read_point=read_point, device=device, time=now
        )
        self.invalidate_model(["state", "parent_id", "pack_date", "child_ids", "child_count"])
        return codes

    @api.model
    def _repack(self, parent, names, read_point=None, device=None, mixed=False):
        """Move ``names`` (packed or not) into ``parent`` in one transaction."""
        packed = self.search([("name", "in", list(names))]).filtered("parent_id")
        if packed:
            self._unpack(packed.mapped("name"), read_point=read_point, device=device)
        return self._pack({parent: list(names)}, read_point=read_point, device=device, mixed=mixed)
