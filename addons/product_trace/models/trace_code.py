import base64
import io
import logging

from tracekit import gs1
from tracekit.errors import TraceKitError

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

LEVELS = [("unit", "Unit"), ("case", "Case"), ("pallet", "Pallet")]
LEVEL_RANK = {"unit": 1, "case": 2, "pallet": 3}
STATES = [("issued", "Issued"), ("active", "Active"), ("packed", "Packed"), ("void", "Void")]

# Columns written by the COPY of an issuance, in this order.
_ISSUE_COLUMNS = (
    "id, name, parent_path, gtin, level, state, product_id, lot_id, batch_id, company_id, "
    "create_date, create_uid, write_date, write_uid"
)


class TraceCode(models.Model):
    """One identified object: a unit, a case or a pallet.

    A lean table written with set-based SQL on the hot paths (issuance, activation, packing);
    the ORM reads it. Codes never move between companies and are never deleted once issued.
    ``parent_path`` is a materialised path (``<pallet id>/<case id>/<unit id>/``, the format of
    Odoo's parent_store), so the subtree of a code is one index range scan and its ancestors are
    the ids of its path.

    The table is written a million rows at a time, so it carries only the indexes its queries
    need: the unique code, BRIN indexes on batch and lot (codes of a batch are written
    together), and partial indexes on the hierarchy (loose codes are not in them). It carries no
    foreign-key constraints: PostgreSQL checks those with one trigger call per row, which costs
    more than the whole COPY. The registry methods are the only writers and take every reference
    from records they have read; codes are never deleted, and a batch with codes cannot be.
    """

    _name = "trace.code"
    _description = "Traceable Code"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Code", required=True, readonly=True, copy=False)
    gtin = fields.Char(string="GTIN", readonly=True)
    level = fields.Selection(LEVELS, required=True, default="unit", readonly=True)
    state = fields.Selection(STATES, required=True, default="issued", readonly=True)
    product_id = fields.Many2one("product.product", required=True, readonly=True, check_company=True)
    lot_id = fields.Many2one("stock.lot", string="Lot", readonly=True, check_company=True)
    batch_id = fields.Many2one("trace.batch", readonly=True, ondelete="restrict", check_company=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    parent_id = fields.Many2one(
        "trace.code", string="Packed In", readonly=True, index="btree_not_null", ondelete="restrict"
    )
    parent_path = fields.Char(readonly=True)
    child_ids = fields.One2many("trace.code", "parent_id", string="Contents")
    pack_date = fields.Datetime(string="Packed On", readonly=True)
    child_count = fields.Integer(compute="_compute_child_count", string="Direct Contents")
    digital_link = fields.Char(compute="_compute_digital_link", string="Digital Link")

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
        # btree indexes of earlier versions, replaced by the ones below
        cr.execute(
            "DROP INDEX IF EXISTS trace_code__batch_id_index, trace_code__lot_id_index, trace_code__parent_path_index"
        )
        cr.execute("CREATE INDEX IF NOT EXISTS trace_code_batch_brin ON trace_code USING brin (batch_id)")
        cr.execute("CREATE INDEX IF NOT EXISTS trace_code_lot_brin ON trace_code USING brin (lot_id)")
        cr.execute(
            """CREATE INDEX IF NOT EXISTS trace_code_parent_path_packed
                   ON trace_code (parent_path varchar_pattern_ops) WHERE parent_id IS NOT NULL"""
        )

    def _compute_child_count(self):
        groups = self._read_group([("parent_id", "in", self.ids)], ["parent_id"], ["__count"])
        counts = {parent.id: count for parent, count in groups}
        for code in self:
            code.child_count = counts.get(code.id, 0)

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
        codes = super().create(vals_list)
        self.env.cr.execute(
            "UPDATE trace_code SET parent_path = id || '/' WHERE id = ANY(%s) AND parent_path IS NULL", [codes.ids]
        )
        codes.invalidate_recordset(["parent_path"])
        return codes

    def write(self, vals):
        if not self.env.context.get("trace_code_registry"):
            raise UserError(_("Codes change only through issuance, activation and packing."))
        return super().write(vals)

    def unlink(self):
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
        cr.execute("SELECT nextval('trace_code_id_seq') FROM generate_series(1, %s)", [quantity])
        ids = [row[0] for row in cr.fetchall()]
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
        buffer = io.StringIO("".join([f"{i}\t{n}\t{i}/\t{constant}\n" for i, n in zip(ids, names)]))
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
                   SET state = 'active', write_date = now() AT TIME ZONE 'UTC', write_uid = %s
                 WHERE batch_id = %s AND level = 'unit' AND state = 'issued'
             RETURNING id
            )
            SELECT count(*), min(id), max(id) FROM activated
            """,
            [self.env.uid, batch.id],
        )
        count, first_id, last_id = cr.fetchone()
        self.invalidate_model(["state", "write_date", "write_uid"])
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
        Returns the activated records.
        """
        names = list(dict.fromkeys(names))
        if not names:
            return self.browse()
        codes = self.search([("name", "in", names), ("company_id", "in", self.env.companies.ids)])
        by_name = {code.name: code for code in codes}
        unknown = [name for name in names if name not in by_name]
        if unknown:
            raise UserError(_("Unknown codes: %(codes)s.", codes=", ".join(unknown[:10])))
        if batch:
            wrong = codes.filtered(lambda c: c.batch_id != batch)
            if wrong:
                raise UserError(
                    _(
                        "Codes %(codes)s do not belong to batch %(batch)s.",
                        codes=", ".join(wrong[:10].mapped("name")),
                        batch=batch.name,
                    )
                )
        not_issued = codes.filtered(lambda c: c.state != "issued")
        if not_issued:
            raise UserError(
                _("Codes %(codes)s are not waiting for activation.", codes=", ".join(not_issued[:10].mapped("name")))
            )
        self.flush_model()
        self.env.cr.execute(
            """
            UPDATE trace_code SET state = 'active', write_date = now() AT TIME ZONE 'UTC', write_uid = %s
             WHERE id = ANY(%s) AND state = 'issued'
            """,
            [self.env.uid, codes.ids],
        )
        self.invalidate_model(["state", "write_date", "write_uid"])
        deltas = {}
        for code in codes:
            key = (code.batch_id.id, code.lot_id.id, code.company_id.id, code.level)
            deltas[key] = deltas.get(key, 0) + 1
        rows = []
        for (batch_id, lot_id, company_id, level), count in deltas.items():
            rows += [(batch_id, lot_id, company_id, level, "issued", -count),
                     (batch_id, lot_id, company_id, level, "active", count)]
        self.env["trace.code.count"]._add(rows)
        for company in codes.company_id:
            company_codes = codes.filtered(lambda c: c.company_id == company)
            self.env["trace.event"]._record(
                {
                    "event_type": "object",
                    "action": "ADD",
                    "biz_step": "commissioning",
                    "disposition": "active",
                    "read_point": read_point or False,
                    "device": device or False,
                    "company_id": company.id,
                    "quantity": len(company_codes),
                },
                epc_ids=company_codes.ids,
            )
        return codes

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
                parent_company int, child_company int, parent_path varchar, child_path varchar,
                child_batch int, child_lot int, parent_batch int, parent_lot int,
                parent_name varchar, child_name varchar
            ) ON COMMIT DROP;
            TRUNCATE trace_pack;
            INSERT INTO trace_pack
            SELECT p.id, c.id, p.level, c.level, p.state, c.state, c.parent_id, p.company_id, c.company_id,
                   p.parent_path, c.parent_path, c.batch_id, c.lot_id, p.batch_id, p.lot_id, i.parent, i.child
              FROM trace_pack_input i
              LEFT JOIN trace_code p ON p.name = i.parent AND p.company_id = ANY(%(companies)s)
              LEFT JOIN trace_code c ON c.name = i.child AND c.company_id = ANY(%(companies)s);
            ANALYZE trace_pack;
            """,
            {"companies": self.env.companies.ids},
        )
        self._pack_check()
        now = fields.Datetime.now()
        # children: new parent, new path, packed; top-down (cases onto pallets before units into
        # cases), so that a container moved in this call passes its new path to its contents and
        # every row is written once
        count = 0
        for level in ("case", "unit"):
            cr.execute(
                """
                UPDATE trace_code c
                   SET parent_id = t.parent_id, parent_path = p.parent_path || c.id || '/', state = 'packed',
                       pack_date = %(now)s, write_date = %(now)s, write_uid = %(uid)s
                  FROM trace_pack t JOIN trace_code p ON p.id = t.parent_id
                 WHERE c.id = t.child_id AND t.child_level = %(level)s
                """,
                {"now": now, "uid": self.env.uid, "level": level},
            )
            count += cr.rowcount
        self._pack_fix_paths("SELECT child_id FROM trace_pack")
        # parents that were only issued are commissioned by packing
        cr.execute(
            """
            UPDATE trace_code c SET state = 'active', write_date = %(now)s, write_uid = %(uid)s
              FROM (SELECT DISTINCT parent_id FROM trace_pack) t
             WHERE c.id = t.parent_id AND c.state = 'issued'
         RETURNING c.batch_id, c.lot_id, c.company_id, c.level
            """,
            {"now": now, "uid": self.env.uid},
        )
        deltas = {}
        for batch_id, lot_id, company_id, level in cr.fetchall():
            deltas[(batch_id, lot_id, company_id, level)] = deltas.get((batch_id, lot_id, company_id, level), 0) + 1
        count_rows = []
        for (batch_id, lot_id, company_id, level), n in deltas.items():
            count_rows += [(batch_id, lot_id, company_id, level, "issued", -n),
                           (batch_id, lot_id, company_id, level, "active", n)]
        cr.execute(
            """
            SELECT child_batch, child_lot, child_company, child_level, child_state, count(*)
              FROM trace_pack GROUP BY child_batch, child_lot, child_company, child_level, child_state
            """
        )
        for batch_id, lot_id, company_id, level, state, n in cr.fetchall():
            count_rows += [(batch_id, lot_id, company_id, level, state, -n),
                           (batch_id, lot_id, company_id, level, "packed", n)]
        self.env["trace.code.count"]._add(count_rows)
        self.env["trace.event"]._record_aggregations(
            "trace_pack", action="ADD", biz_step="packing", read_point=read_point, device=device, time=now
        )
        self.invalidate_model(["parent_id", "parent_path", "state", "pack_date", "write_date", "write_uid"])
        return count

    @api.model
    def _pack_check(self):
        """Raise a translated error for the first rule the rows of ``trace_pack`` break."""
        cr = self.env.cr

        def offenders(where, column="child_name"):
            cr.execute(f"SELECT DISTINCT {column} FROM trace_pack WHERE {where} LIMIT 10")  # noqa: S608
            return ", ".join(row[0] for row in cr.fetchall())

        if found := offenders("parent_id IS NULL", "parent_name"):
            raise UserError(_("Unknown codes: %(codes)s.", codes=found))
        if found := offenders("child_id IS NULL"):
            raise UserError(_("Unknown codes: %(codes)s.", codes=found))
        if found := offenders("parent_id = child_id"):
            raise UserError(_("A code cannot be packed into itself: %(codes)s.", codes=found))
        if found := offenders("parent_company <> child_company"):
            raise UserError(_("Codes %(codes)s belong to another company than their parent.", codes=found))
        rank = "CASE %s WHEN 'unit' THEN 1 WHEN 'case' THEN 2 ELSE 3 END"
        if found := offenders(f"{rank % 'child_level'} >= {rank % 'parent_level'}"):
            raise UserError(
                _(
                    "Codes %(codes)s cannot go into a parent of the same or a lower level "
                    "(units go into cases, cases into pallets).",
                    codes=found,
                )
            )
        # a container that receives its own contents in the same call is commissioned by it
        if found := offenders(
            "child_state = 'issued' AND child_id NOT IN (SELECT parent_id FROM trace_pack)"
        ):
            raise UserError(_("Codes %(codes)s are not active: activate them before packing.", codes=found))
        if found := offenders("child_state = 'packed' OR child_parent_id IS NOT NULL"):
            raise UserError(_("Codes %(codes)s are packed already: unpack them first.", codes=found))
        if found := offenders("child_state = 'void' OR parent_state = 'void'"):
            raise UserError(_("Codes %(codes)s are void.", codes=found))
        if found := offenders("parent_path LIKE child_path || '%'"):
            raise UserError(_("Codes %(codes)s contain their own parent.", codes=found))

    @api.model
    def _pack_fix_paths(self, moved_query):
        """Rebuild ``parent_path`` of what is already inside the moved codes.

        The moved codes themselves got their new path; their earlier contents (units in a case
        that now goes onto a pallet) still carry the old prefix. The walk goes down one level per
        set-based UPDATE from the moved containers, skipping codes moved in this call (their path
        is right), and ends at units, which hold nothing.
        """
        cr = self.env.cr
        cr.execute(
            f"""
            CREATE TEMP TABLE IF NOT EXISTS trace_moved (id int PRIMARY KEY) ON COMMIT DROP;
            CREATE TEMP TABLE IF NOT EXISTS trace_frontier (id int) ON COMMIT DROP;
            CREATE TEMP TABLE IF NOT EXISTS trace_frontier_next (id int) ON COMMIT DROP;
            TRUNCATE trace_moved, trace_frontier, trace_frontier_next;
            INSERT INTO trace_moved SELECT DISTINCT id FROM ({moved_query}) m(id);
            INSERT INTO trace_frontier
            SELECT c.id FROM trace_code c JOIN trace_moved m ON m.id = c.id WHERE c.level <> 'unit';
            ANALYZE trace_moved;
            ANALYZE trace_frontier;
            """  # noqa: S608
        )
        for _depth in range(len(LEVELS)):
            cr.execute(
                """
                WITH moved AS (
                    UPDATE trace_code c SET parent_path = p.parent_path || c.id || '/'
                      FROM trace_frontier f JOIN trace_code p ON p.id = f.id
                     WHERE c.parent_id = f.id
                       AND NOT EXISTS (SELECT 1 FROM trace_moved m WHERE m.id = c.id)
                 RETURNING c.id, c.level
                )
                INSERT INTO trace_frontier_next SELECT id FROM moved WHERE level <> 'unit';
                TRUNCATE trace_frontier;
                INSERT INTO trace_frontier SELECT id FROM trace_frontier_next;
                TRUNCATE trace_frontier_next;
                ANALYZE trace_frontier;
                SELECT count(*) FROM trace_frontier;
                """
            )
            if not cr.fetchone()[0]:
                break

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
            INSERT INTO trace_unpack SELECT parent_id, id FROM trace_code WHERE id = ANY(%s);
            """,
            [codes.ids],
        )
        cr.execute(
            """
            UPDATE trace_code SET parent_id = NULL, parent_path = id || '/', state = 'active', pack_date = NULL,
                   write_date = %(now)s, write_uid = %(uid)s
             WHERE id = ANY(%(ids)s)
            """,
            {"now": now, "uid": self.env.uid, "ids": codes.ids},
        )
        self._pack_fix_paths("SELECT child_id FROM trace_unpack")
        deltas = {}
        for code in codes:
            key = (code.batch_id.id, code.lot_id.id, code.company_id.id, code.level)
            deltas[key] = deltas.get(key, 0) + 1
        rows = []
        for (batch_id, lot_id, company_id, level), n in deltas.items():
            rows += [(batch_id, lot_id, company_id, level, "packed", -n),
                     (batch_id, lot_id, company_id, level, "active", n)]
        self.env["trace.code.count"]._add(rows)
        self.env["trace.event"]._record_aggregations(
            "trace_unpack", action="DELETE", biz_step="unpacking", read_point=read_point, device=device, time=now
        )
        self.invalidate_model(["parent_id", "parent_path", "state", "pack_date", "write_date", "write_uid"])
        return codes

    @api.model
    def _repack(self, parent, names, read_point=None, device=None):
        """Move ``names`` (packed or not) into ``parent`` in one transaction."""
        packed = self.search([("name", "in", list(names)), ("parent_id", "!=", False)])
        if packed:
            self._unpack(packed.mapped("name"), read_point=read_point, device=device)
        return self._pack({parent: list(names)}, read_point=read_point, device=device)

    # ------------------------------------------------------------------------------------------
    # Hierarchy and history
    # ------------------------------------------------------------------------------------------

    def _ancestors(self):
        """The codes this one is packed in, nearest first (ids from the materialised path)."""
        self.ensure_one()
        ids = [int(part) for part in self.parent_path.split("/")[:-2]] if self.parent_path else []
        return self.browse(reversed(ids)).exists()

    def _subtree_domain(self):
        self.ensure_one()
        # everything inside is packed: the partial index on packed paths serves this
        return [("parent_path", "=like", self.parent_path + "%"), ("parent_id", "!=", False), ("id", "!=", self.id)]

    def _history_events(self):
        """Every event of this code: its own, its batch's, and its current ancestors' since it
        was packed into them (the ledger links an event to the codes it moved, not to their
        contents)."""
        self.ensure_one()
        self.flush_model()
        self.env["trace.event"].flush_model()
        ancestors = self._ancestors()
        # an ancestor's events count from the moment this code joined that ancestor's subtree
        since = []
        joined = self.pack_date
        child = self
        for ancestor in ancestors:
            joined = max(filter(None, [joined, child.pack_date]), default=None)
            since.append((ancestor.id, joined or self.create_date))
            child = ancestor
        query = [
            "SELECT id FROM trace_event WHERE epc_ids @> ARRAY[%s] OR parent_code_id = %s",
            "SELECT id FROM trace_event WHERE batch_id = %s AND scope = 'batch' AND level = %s "
            "AND %s BETWEEN code_id_from AND code_id_to",
        ]
        params = [self.id, self.id, self.batch_id.id or 0, self.level, self.id]
        for ancestor_id, joined in since:
            query.append("SELECT id FROM trace_event WHERE epc_ids @> ARRAY[%s] AND event_time >= %s")
            params += [ancestor_id, joined]
        self.env.cr.execute(" UNION ".join(query), params)
        ids = [row[0] for row in self.env.cr.fetchall()]
        return self.env["trace.event"].browse(ids).sorted(lambda e: (e.event_time, e.id))

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
            "product": {"id": self.product_id.id, "name": self.product_id.display_name, "gtin": self.gtin},
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
