import base64
import io
import logging
from collections import Counter

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from tracekit import gs1
from tracekit.errors import TraceKitError

_logger = logging.getLogger(__name__)

LEVELS = [("unit", "Unit"), ("case", "Case"), ("pallet", "Pallet")]
LEVEL_RANK = {"unit": 1, "case": 2, "pallet": 3}
STATES = [("issued", "Issued"), ("active", "Active"), ("packed", "Packed"), ("void", "Void")]
ACTIVATION = [("issued", "Issued"), ("active", "Active"), ("void", "Void")]

# Columns written by the COPY of an issuance, in this order.
_ISSUE_COLUMNS = (
    "name, gtin, level, activation, product_id, lot_id, batch_id, company_id, "
    "create_date, create_uid, write_date, write_uid"
)
# The packing hierarchy: one row per code packed into another, nothing for loose codes.
_TREE_DDL = """
    CREATE TABLE IF NOT EXISTS trace_code_tree (
        code_id integer PRIMARY KEY,
        parent_id integer NOT NULL,
        pack_date timestamp without time zone NOT NULL
    );
    CREATE INDEX IF NOT EXISTS trace_code_tree_parent ON trace_code_tree (parent_id);
"""


class TraceCode(models.Model):
    """One identified object: a unit, a case or a pallet.

    A lean table written with set-based SQL on the hot paths (issuance, activation, packing);
    the ORM reads it. Codes never move between companies and are never deleted once issued.

    The table is written a million rows at a time, so it carries only the indexes its queries
    need: the unique code and BRIN indexes on batch and lot (codes of a batch are written
    together). It carries no foreign-key constraints: PostgreSQL checks those with one trigger
    call per row, which costs more than the whole COPY. The registry methods are the only writers
    and take every reference from records they have read; codes are never deleted, and a batch
    with codes cannot be.

    Packing does not touch this table at all: the hierarchy lives in the narrow table
    ``trace_code_tree`` (code, parent, packing time), so packing a million units is a million
    small inserts, not a million rewrites of wide, indexed rows. ``state`` (with "packed") and
    ``parent_id`` are read from it; subtree and ancestors are one set-based query per level, and
    there are three levels at most.
    """

    _name = "trace.code"
    _description = "Traceable Code"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Code", required=True, readonly=True, copy=False)
    gtin = fields.Char(string="GTIN", readonly=True)
    level = fields.Selection(LEVELS, required=True, default="unit", readonly=True)
    activation = fields.Selection(ACTIVATION, required=True, default="issued", readonly=True)
    state = fields.Selection(STATES, compute="_compute_tree", search="_search_state")
    product_id = fields.Many2one("product.product", required=True, readonly=True, check_company=True)
    lot_id = fields.Many2one("stock.lot", readonly=True, check_company=True)
    batch_id = fields.Many2one("trace.batch", readonly=True, ondelete="restrict", check_company=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    parent_id = fields.Many2one("trace.code", string="Packed In", compute="_compute_tree", search="_search_parent_id")
    pack_date = fields.Datetime(string="Packed On", compute="_compute_tree")
    child_ids = fields.Many2many("trace.code", string="Contents", compute="_compute_child_ids")
    child_count = fields.Integer(compute="_compute_child_ids", string="Direct Contents")
    digital_link = fields.Char(compute="_compute_digital_link")

    _sql_constraints = [
        ("name_uniq", "unique(name)", "This code exists already: codes are unique."),
    ]

    def _auto_init(self):
        result = super()._auto_init()
        self.pool.post_init(self._drop_foreign_keys)
        return result

    def _drop_foreign_keys(self):
        """Queued after the fields' own foreign-key requests: withdraw them (see the class doc)."""
        for key in [key for key in self.pool._foreign_keys if key[0] == self._table]:
            del self.pool._foreign_keys[key]
        self.env.cr.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'", [self._table]
        )
        for (name,) in self.env.cr.fetchall():
            self.env.cr.execute(SQL("ALTER TABLE trace_code DROP CONSTRAINT %s", SQL.identifier(name)))

    def init(self):
        cr = self.env.cr
        cr.execute("CREATE INDEX IF NOT EXISTS trace_code_batch_brin ON trace_code USING brin (batch_id)")
        cr.execute("CREATE INDEX IF NOT EXISTS trace_code_lot_brin ON trace_code USING brin (lot_id)")
        cr.execute(_TREE_DDL)

    def _count_keys(self):
        """How many of these codes there are per (batch, lot, company, level), for the counters."""
        return Counter((c.batch_id.id, c.lot_id.id, c.company_id.id, c.level) for c in self)

    def _tree_rows(self):
        """``{code id: (parent id, pack date)}`` of these codes that are packed."""
        if not self.ids:
            return {}
        self.env.cr.execute(
            "SELECT code_id, parent_id, pack_date FROM trace_code_tree WHERE code_id = ANY(%s)", [self.ids]
        )
        return {code_id: (parent_id, date) for code_id, parent_id, date in self.env.cr.fetchall()}

    def _compute_tree(self):
        rows = self._tree_rows()
        for code in self:
            parent_id, date = rows.get(code.id, (False, False))
            code.parent_id = parent_id
            code.pack_date = date
            code.state = "packed" if parent_id else code.activation

    def _compute_child_ids(self):
        children = {}
        if self.ids:
            self.env.cr.execute(
                "SELECT parent_id, code_id FROM trace_code_tree WHERE parent_id = ANY(%s) ORDER BY code_id", [self.ids]
            )
            for parent_id, code_id in self.env.cr.fetchall():
                children.setdefault(parent_id, []).append(code_id)
        for code in self:
            code.child_ids = [(6, 0, children.get(code.id, []))]
            code.child_count = len(children.get(code.id, []))

    def _search_state(self, operator, value):
        if operator in ("=", "!="):
            values = [value]
        elif operator in ("in", "not in"):
            values = list(value)
        else:
            raise UserError(_("Codes cannot be searched by state with %(operator)s.", operator=operator))
        in_tree = SQL("(SELECT code_id FROM trace_code_tree)")
        domains = []
        for state in values:
            if state == "packed":
                domains.append([("id", "in", in_tree)])
            elif state == "active":
                domains.append([("activation", "=", "active"), ("id", "not in", in_tree)])
            else:
                domains.append([("activation", "=", state)])
        domain = expression.OR(domains) if domains else expression.FALSE_DOMAIN
        return ["!"] + domain if operator in ("!=", "not in") else domain

    def _search_parent_id(self, operator, value):
        if operator in ("=", "!=") and not value:
            return [("id", "not in" if operator == "=" else "in", SQL("(SELECT code_id FROM trace_code_tree)"))]
        if operator in ("=", "in"):
            parents = [value] if isinstance(value, int) else list(value)
        elif operator in ("ilike", "like", "=like", "=ilike") or (operator == "=" and isinstance(value, str)):
            parents = self._search([("name", operator, value)])
        else:
            raise UserError(_("Codes cannot be searched by parent with %(operator)s.", operator=operator))
        if not isinstance(parents, list):  # a Query
            return [("id", "in", SQL("(SELECT code_id FROM trace_code_tree WHERE parent_id IN %s)", parents.subselect()))]
        return [("id", "in", SQL("(SELECT code_id FROM trace_code_tree WHERE parent_id = ANY(%s))", parents))]

    @api.depends("name", "gtin", "level", "lot_id", "batch_id.expiry_date")
    def _compute_digital_link(self):
        for code in self:
            code.digital_link = code._digital_link()

    def _digital_link(self):
        self.ensure_one()
        base = self.company_id._trace_resolver_base()
        if self.gtin:
            return gs1.build_digital_link(
                base,
                self.gtin,
                serial=self.name,
                lot=self.lot_id.name or None,
                expiry_date=self.batch_id.expiry_date or None,
            )
        return gs1.build_sscc_link(base, self.name)

    def _element_string(self, style="hri"):
        self.ensure_one()
        if self.gtin:
            return gs1.build_element_string(
                gtin=self.gtin,
                serial=self.name,
                lot=self.lot_id.name or None,
                expiry_date=self.batch_id.expiry_date or None,
                style=style,
            )
        return gs1.build_element_string(sscc=self.name, style=style)

    # ------------------------------------------------------------------------------------------
    # Codes are written by the registry's methods only
    # ------------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get("trace_code_registry"):
            raise UserError(_("Codes are issued from a batch (Issue Codes), never created by hand."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.context.get("trace_code_registry"):
            raise UserError(_("Codes change only through issuance, activation and packing."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("Codes are never deleted: a printed code must stay traceable."))

    # ------------------------------------------------------------------------------------------
    # Reading a scan
    # ------------------------------------------------------------------------------------------

    @api.model
    def _scan_error_message(self, error):
        """A translated message for a tracekit error."""
        messages = {
            "format": _("%(value)s cannot be read: it contains characters a GS1 code cannot contain."),
            "length": _("%(value)s cannot be read: it has the wrong length."),
            "checksum": _("%(value)s has a wrong check digit."),
            "forged": _("%(value)s is not a code of ours."),
            "component": _("%(value)s is not a valid GS1 code."),
        }
        message = messages.get(error.kind, _("%(value)s is not a valid code."))
        return "%s (%s)" % (message % {"value": error.value}, error)

    @api.model
    def _parse_scan(self, text):
        """Parse scanned or typed text into GS1 data, with translated errors."""
        text = (text or "").strip()
        if not text:
            raise UserError(_("Scan or type a code."))
        try:
            return gs1.parse_scan(text)
        except TraceKitError as error:
            raise UserError(self._scan_error_message(error)) from error

    @api.model
    def _resolve(self, text):
        """The code that scanned or typed ``text`` names, among the user's companies.

        Accepts a Digital Link URL, a GS1 element string (HRI or raw), an SSCC or a bare serial.
        Raises a translated UserError when the text is malformed, names another company's resolver,
        carries a GTIN or lot that does not match the code, or names no code we know. A code issued
        but never activated answers like an unknown code everywhere outside the back office; here
        staff see it with its state.
        """
        data = self._parse_scan(text)
        companies = self.env.companies
        if data.source == "digital_link":
            hosts = {company._trace_resolver_host() for company in companies}
            if data.host not in hosts:
                raise UserError(
                    _(
                        "The link %(link)s belongs to another company's resolver (%(host)s).",
                        link=text.strip(),
                        host=data.host,
                    )
                )
        if data.source == "gtin":
            raise UserError(
                _("%(gtin)s is a product's GTIN, not the code of one unit.", gtin=data.gtin)
            )
        key = data.sscc or data.serial
        if not key:
            raise UserError(_("%(text)s names no unit, case or pallet.", text=text.strip()))
        code = self.search([("name", "=", key), ("company_id", "in", companies.ids)], limit=1)
        if not code and data.source == "serial":
            # typed by hand: Crockford base32 forgives o/i/l and lower case
            try:
                normalized = gs1.validate_serial(key.upper().replace("O", "0").replace("I", "1").replace("L", "1"))
            except TraceKitError:
                normalized = None
            if normalized and normalized != key:
                code = self.search([("name", "=", normalized), ("company_id", "in", companies.ids)], limit=1)
        if not code:
            raise UserError(_("Unknown code %(code)s.", code=key))
        if data.gtin and code.gtin and data.gtin != code.gtin:
            raise UserError(
                _(
                    "The GTIN %(scanned)s does not match code %(code)s, which belongs to %(product)s "
                    "(GTIN %(gtin)s).",
                    scanned=data.gtin,
                    code=code.name,
                    product=code.product_id.display_name,
                    gtin=code.gtin,
                )
            )
        if data.lot and code.lot_id and data.lot != code.lot_id.name:
            raise UserError(
                _(
                    "The lot %(scanned)s does not match code %(code)s (lot %(lot)s).",
                    scanned=data.lot,
                    code=code.name,
                    lot=code.lot_id.name,
                )
            )
        return code

    # ------------------------------------------------------------------------------------------
    # Issuance: bulk COPY
    # ------------------------------------------------------------------------------------------

    @api.model
    def _issue(self, batch, quantity, level="unit"):
        """Insert ``quantity`` new codes of ``level`` for ``batch`` in one COPY; return their count.

        Unit serials are random (tracekit.codes, keyed check segment); case codes carry the case
        packaging's GTIN with a random serial, or are SSCCs; pallet codes are SSCCs.
        """
        if quantity <= 0:
            raise ValidationError(_("The number of codes to issue must be positive, not %(qty)s.", qty=quantity))
        batch.ensure_one()
        company = batch.company_id
        gtin = None
        if level == "unit":
            gtin = batch._unit_gtin()
            names = company._trace_minter().mint(quantity)
        elif level == "case" and batch._case_gtin():
            gtin = batch._case_gtin()
            names = company._trace_minter().mint(quantity)
        elif level in ("case", "pallet"):
            names = company._trace_next_ssccs(quantity)
        else:
            raise ValidationError(_("Unknown code level %(level)s.", level=level))
        # Inserting in key order keeps the unique index's page writes sequential.
        names.sort()
        cr = self.env.cr
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
        buffer = io.StringIO("".join([f"{n}\t{constant}\n" for n in names]))
        try:
            with cr.savepoint(flush=False):
                cr.copy_expert(f"COPY trace_code ({_ISSUE_COLUMNS}) FROM STDIN", buffer)
        except Exception as error:  # a unique violation: an SSCC sequence reset by hand
            if getattr(error, "pgcode", None) == "23505":
                raise ValidationError(
                    _("Some of the new codes exist already; check the SSCC sequence of %(company)s.",
                      company=company.name)
                ) from error
            raise
        # index the new block ranges now: without autovacuum they would be scanned by every query
        cr.execute("SELECT brin_summarize_new_values('trace_code_batch_brin'::regclass)")
        cr.execute("SELECT brin_summarize_new_values('trace_code_lot_brin'::regclass)")
        if quantity > 10000:
            cr.execute("ANALYZE trace_code")
        self.env["trace.code.count"]._add([(batch.id, batch.lot_id.id, company.id, level, "issued", quantity)])
        return quantity

    # ------------------------------------------------------------------------------------------
    # Activation
    # ------------------------------------------------------------------------------------------

    @api.model
    def _activate_batch(self, batch, read_point=None):
        """Activate every issued unit code of ``batch`` (manual mode); one commissioning event."""
        batch.ensure_one()
        cr = self.env.cr
        self.flush_model()
        cr.execute(
            """
            WITH activated AS (
                UPDATE trace_code
                   SET activation = 'active', write_date = now() AT TIME ZONE 'UTC', write_uid = %s
                 WHERE batch_id = %s AND level = 'unit' AND activation = 'issued'
             RETURNING id
            )
            SELECT count(*), min(id), max(id) FROM activated
            """,
            [self.env.uid, batch.id],
        )
        count, first_id, last_id = cr.fetchone()
        self.invalidate_model(["activation", "state", "write_date", "write_uid"])
        if count:
            lot, company = batch.lot_id.id, batch.company_id.id
            self.env["trace.code.count"]._add(
                [(batch.id, lot, company, "unit", "issued", -count), (batch.id, lot, company, "unit", "active", count)]
            )
            self.env["trace.event"]._record(
                {
                    "event_type": "object",
                    "action": "ADD",
                    "biz_step": "commissioning",
                    "disposition": "active",
                    "scope": "batch",
                    "level": "unit",
                    "batch_id": batch.id,
                    "code_id_from": first_id,
                    "code_id_to": last_id,
                    "quantity": count,
                    "read_point": read_point or (batch.line_id and batch.line_id._read_point_uri()) or False,
                    "line_id": batch.line_id.id,
                    "company_id": batch.company_id.id,
                    "ilmd": batch._ilmd(),
                }
            )
        return count

    @api.model
    def _activate_codes(self, names, batch=None, read_point=None, device=None):
        """Activate the issued codes ``names`` (a line read each); all or nothing.

        Every name must be a known, issued code of the user's companies (of ``batch`` when given).
        Set-based: one read, one update, one commissioning event per company. Returns the
        activated records.
        """
        names = list(dict.fromkeys(names))
        if not names:
            return self.browse()
        cr = self.env.cr
        self.flush_model()
        cr.execute(
            """SELECT id, name, batch_id, lot_id, company_id, level, activation FROM trace_code
                WHERE name = ANY(%s) AND company_id = ANY(%s)""",
            [names, self.env.companies.ids],
        )
        rows = cr.fetchall()
        found = {row[1] for row in rows}
        unknown = [name for name in names if name not in found]
        if unknown:
            raise UserError(_("Unknown codes: %(codes)s.", codes=", ".join(unknown[:10])))
        if batch:
            wrong = [row[1] for row in rows if row[2] != batch.id]
            if wrong:
                raise UserError(
                    _("Codes %(codes)s do not belong to batch %(batch)s.", codes=", ".join(wrong[:10]), batch=batch.name)
                )
        not_issued = [row[1] for row in rows if row[6] != "issued"]
        if not_issued:
            raise UserError(_("Codes %(codes)s are not waiting for activation.", codes=", ".join(not_issued[:10])))
        ids = [row[0] for row in rows]
        cr.execute(
            """
            UPDATE trace_code SET activation = 'active', write_date = now() AT TIME ZONE 'UTC', write_uid = %s
             WHERE id = ANY(%s) AND activation = 'issued'
            """,
            [self.env.uid, ids],
        )
        self.invalidate_model(["activation", "state", "write_date", "write_uid"])
        self.env["trace.code.count"]._move(Counter(row[2:6] for row in rows), "issued", "active")
        by_company = {}
        for row in rows:
            by_company.setdefault(row[4], []).append(row[0])
        for company_id, company_ids in by_company.items():
            self.env["trace.event"]._record(
                {
                    "event_type": "object",
                    "action": "ADD",
                    "biz_step": "commissioning",
                    "disposition": "active",
                    "read_point": read_point or False,
                    "device": device or False,
                    "company_id": company_id,
                    "quantity": len(company_ids),
                },
                epc_ids=company_ids,
            )
        return self.browse(ids)

    # ------------------------------------------------------------------------------------------
    # Aggregation: set-based packing through a temporary table
    # ------------------------------------------------------------------------------------------

    @api.model
    def _pack(self, mapping, read_point=None, device=None):
        """Pack children into parents; ``mapping`` is ``{parent_code: [child_code, ...]}`` or a
        list of ``(parent_code, child_code)`` pairs. All or nothing.

        Rules: every code known and of the user's companies; a child active (not issued, not void)
        and not packed already; a child of a lower level than its parent (units < cases < pallets);
        parent and child of the same company; no code inside itself. Parents that were only issued
        become active. One AggregationEvent (ADD, packing) per parent. Returns the number of
        children packed.
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
                child_batch int, child_lot int, parent_name varchar, child_name varchar
            ) ON COMMIT DROP;
            TRUNCATE trace_pack;
            INSERT INTO trace_pack
            SELECT p.id, c.id, p.level, c.level, p.activation, c.activation, tr.parent_id,
                   p.company_id, c.company_id, c.batch_id, c.lot_id, i.parent, i.child
              FROM trace_pack_input i
              LEFT JOIN trace_code p ON p.name = i.parent AND p.company_id = ANY(%(companies)s)
              LEFT JOIN trace_code c ON c.name = i.child AND c.company_id = ANY(%(companies)s)
              LEFT JOIN trace_code_tree tr ON tr.code_id = c.id;
            ANALYZE trace_pack;
            """,
            {"companies": self.env.companies.ids},
        )
        self._pack_check()
        now = fields.Datetime.now()
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
        self.invalidate_model(["activation", "state", "parent_id", "pack_date", "child_ids", "child_count"])
        return count

    @api.model
    def _pack_check(self):
        """Raise a translated error for the first rule the rows of ``trace_pack`` break."""
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
    def _repack(self, parent, names, read_point=None, device=None):
        """Move ``names`` (packed or not) into ``parent`` in one transaction."""
        packed = self.search([("name", "in", list(names))]).filtered("parent_id")
        if packed:
            self._unpack(packed.mapped("name"), read_point=read_point, device=device)
        return self._pack({parent: list(names)}, read_point=read_point, device=device)

    # ------------------------------------------------------------------------------------------
    # Hierarchy and history
    # ------------------------------------------------------------------------------------------

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
        from .trace_event import NOT_PACKING

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

    # ------------------------------------------------------------------------------------------
    # Labels
    # ------------------------------------------------------------------------------------------

    def _label_image(self):
        """The label's symbol as a PNG data URI: the Digital Link QR for units, GS1 DataMatrix for
        cases, GS1-128 of the SSCC for pallets."""
        from tracekit import labels

        self.ensure_one()
        if self.level == "unit":
            png = labels.qr_png(self.digital_link, scale=4)
        elif self.level == "case":
            png = labels.datamatrix_png(self._element_string(), scale=4)
        else:
            png = labels.gs1_128_png(self._element_string())
        return "data:image/png;base64," + base64.b64encode(png).decode()
