import base64
import logging
from collections import Counter

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from tracekit import gs1
from tracekit.errors import TraceKitError

from ..const import ACTIVATION, LEVELS, STATES
from ..tools import drop_foreign_keys

_logger = logging.getLogger(__name__)

# the stored columns of a code, read in one go
CODE_COLUMNS = ["name", "gtin", "level", "activation", "product_id", "lot_id", "batch_id", "company_id", "mixed",
                "create_date"]


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
    mixed = fields.Boolean(
        string="Mixed Logistic Unit",
        readonly=True,
        help="A case or pallet packed with several products or lots, on purpose (set by packing).",
    )

    _sql_constraints = [
        ("name_uniq", "unique(name)", "This code exists already: codes are unique."),
    ]

    def _auto_init(self):
        result = super()._auto_init()
        self.pool.post_init(drop_foreign_keys, self)
        return result

    def init(self):
        cr = self.env.cr
        cr.execute("CREATE INDEX IF NOT EXISTS trace_code_batch_brin ON trace_code USING brin (batch_id)")
        cr.execute("CREATE INDEX IF NOT EXISTS trace_code_lot_brin ON trace_code USING brin (lot_id)")

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

    # No group may write this table (security/ir.model.access.csv) and no flag lifts that: the
    # registry's methods write it with set-based SQL after their own checks, and the ORM's
    # create and write are closed even to the superuser, so no code path can bypass issuance,
    # activation and packing.

    @api.model_create_multi
    def create(self, vals_list):
        self.browse().check_access("create")  # a user's attempt is an access error, as for any table
        if vals_list:
            raise UserError(_("Codes are issued from a batch (Issue Codes), never created by hand."))
        return super().create(vals_list)

    def write(self, vals):
        self.check_access("write")
        if vals:
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
        # the code's own columns come with the search: every caller reads them next
        code = self.search_fetch([("name", "=", key), ("company_id", "in", companies.ids)], CODE_COLUMNS, limit=1)
        if not code and data.source == "serial":
            # typed by hand: Crockford base32 forgives o/i/l and lower case
            try:
                normalized = gs1.validate_serial(key.upper().replace("O", "0").replace("I", "1").replace("L", "1"))
            except TraceKitError:
                normalized = None
            if normalized and normalized != key:
                code = self.search_fetch(
                    [("name", "=", normalized), ("company_id", "in", companies.ids)], CODE_COLUMNS, limit=1
                )
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
    # Labels
    # ------------------------------------------------------------------------------------------

    def _label_contents(self):
        """``(GTIN, count)`` of the trade items a case or pallet label declares as its contents
        (AIs 02 and 37): a case's units; a pallet's cases when cases are trade items (a case
        GTIN), else the units on it."""
        self.ensure_one()
        batch = self.batch_id
        if not batch or self.level == "unit":
            return None, 0
        case_gtin = batch._case_gtin()
        if self.level == "pallet" and case_gtin:
            return case_gtin, self.child_count
        unit_ids = self.search_count([("id", "in", self._subtree_ids()), ("level", "=", "unit")])
        return (batch._unit_gtin() if batch.product_id.barcode else None), unit_ids

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
