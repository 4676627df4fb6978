from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# custody after a validated transfer, by the usage of its destination
CUSTODY_BY_DESTINATION = {"internal": "in_stock", "transit": "in_transit", "customer": "delivered"}


class ScanRefused(Exception):
    """A scan refused before it changed anything: its kind (for the screen) and its message."""

    def __init__(self, kind, message, **extra):
        super().__init__(message)
        self.kind, self.message, self.extra = kind, message, extra


class StockPicking(models.Model):
    _inherit = "stock.picking"

    trace_scan_ids = fields.One2many("trace.scan", "picking_id", string="Scanned Codes", readonly=True)
    trace_unit_count = fields.Integer(string="Scanned Units", compute="_compute_trace_unit_count")

    @api.depends("trace_scan_ids.unit_count")
    def _compute_trace_unit_count(self):
        for picking in self:
            picking.trace_unit_count = sum(picking.trace_scan_ids.mapped("unit_count"))

    # Scanning ------------------------------------------------------------------------------------

    def trace_scan(self, text, unpack=False, device=None):
        """Scan ``text`` (a unit, case or pallet code: serial, GS1 element string or Digital Link)
        into this transfer. Answers ``{"ok": True, "code", "level", "units", "summary"}`` or
        ``{"ok": False, "error": <kind>, "message", "summary"}``; a refusal changes nothing.
        ``unpack``: a case or unit packed in a container that is not scanned is taken out of it
        (an unpacking event) and scanned alone."""
        self.ensure_one()
        self.check_access("write")
        if not isinstance(text, str) or not text.strip() or len(text) > 4096:
            return self._trace_refusal("invalid", _("Scan, type or paste a code."))
        # the demand and the scanned units, read once: the checks use them, the answer's summary too
        counts = {}
        try:
            with self.env.cr.savepoint():
                scan = self._trace_scan(text, unpack=bool(unpack), device=device, counts=counts)
        except ScanRefused as refusal:
            # a refusal wrote nothing (its savepoint is rolled back): counts read before it still hold
            return self._trace_refusal(refusal.kind, refusal.message, counts=counts, **refusal.extra)
        return {"ok": True, "code": scan.code_id.name, "level": scan.level, "units": scan.unit_count,
                "summary": self._trace_summary(counts)}

    def _trace_refusal(self, kind, message, counts=None, **extra):
        return {"ok": False, "error": kind, "message": message, "summary": self._trace_summary(counts), **extra}

    def _trace_counts(self, counts):
        """Fill ``counts`` (once) with ``demand`` (see :meth:`_trace_demand`) and ``scanned``
        (``{product id: units}`` scanned into this transfer so far); answer it."""
        if "demand" not in counts:
            counts["demand"] = self._trace_demand()
        if "scanned" not in counts:
            scanned = defaultdict(int)
            for (product, _lot), count in self._trace_scanned().items():
                scanned[product] += count
            counts["scanned"] = scanned
        return counts

    def _trace_scan(self, text, unpack=False, device=None, counts=None):
        """Scan ``text`` into this transfer or raise :class:`ScanRefused`. ``counts`` (see
        :meth:`_trace_counts`) is filled by the demand check and counts the new units once the
        scan is written."""
        counts = {} if counts is None else counts
        if self.state in ("done", "cancel"):
            raise ScanRefused("closed", _("%(picking)s is closed: nothing can be scanned into it.", picking=self.name))
        Code = self.env["trace.code"]
        try:
            code = Code._resolve(text)
        except UserError as error:
            raise ScanRefused("unknown_code", error.args[0] if error.args else str(error)) from None
        if code.company_id != self.company_id:
            raise ScanRefused("other_company", _("%(code)s is a code of another company.", code=code.name))
        unpacked_from = code.parent_id  # read before the unpacking: its package still holds the units
        if code.parent_id:
            held = self.env["trace.scan.unit"].sudo().search([("code_id", "=", code.parent_id.id)], limit=1)
            if held.picking_id == self:
                raise ScanRefused(
                    "already_scanned",
                    _("%(code)s is in %(parent)s, scanned already.", code=code.name, parent=code.parent_id.name),
                )
            if held:
                raise ScanRefused(
                    "elsewhere",
                    _("%(code)s is in %(parent)s, held by another open transfer, %(picking)s.", code=code.name,
                      parent=code.parent_id.name, picking=held.picking_id.sudo().name),
                )
            if not unpack:
                raise ScanRefused(
                    "packed",
                    _(
                        "%(code)s is packed in %(parent)s: scan %(parent)s to ship it whole, or unpack %(code)s "
                        "to ship it alone.",
                        code=code.name,
                        parent=code.parent_id.name,
                    ),
                    can_unpack=True,
                )
            Code._unpack([code.name], device=device)
        rows = self._trace_subtree(code)
        self._trace_check_codes(code, rows)
        units = [row for row in rows if row["level"] == "unit"]
        self._trace_check_demand(code, units, counts)
        scan = self._trace_insert(code, rows, units, device, unpacked_from=unpacked_from)
        for unit in units:
            counts["scanned"][unit["product_id"]] += 1
        return scan

    def _trace_subtree(self, code):
        """The scanned code and everything it holds: ``[{id, name, level, activation, product_id,
        lot_id, blocked, location_id, custody}]`` (one recursive query)."""
        Code = self.env["trace.code"]
        Code.flush_model()
        self.env.cr.execute(
            """
            WITH RECURSIVE down(id, depth) AS (
                SELECT %(code)s, 0
                UNION ALL
                SELECT t.code_id, down.depth + 1 FROM trace_code_tree t JOIN down ON t.parent_id = down.id
                 WHERE down.depth < 10
            )
            SELECT c.id, c.name, c.level, c.activation, c.product_id, c.lot_id, coalesce(c.blocked, false),
                   c.location_id, c.custody, coalesce(l.trace_blocked, false) OR coalesce(b.trace_blocked, false)
              FROM down JOIN trace_code c ON c.id = down.id LEFT JOIN stock_lot l ON l.id = c.lot_id
              LEFT JOIN trace_batch b ON b.id = c.batch_id
            """,
            {"code": code.id},
        )
        keys = ("id", "name", "level", "activation", "product_id", "lot_id", "blocked", "location_id", "custody",
                "lot_blocked")
        return [dict(zip(keys, row)) for row in self.env.cr.fetchall()]

    def _trace_is_return(self):
        """Whether this transfer brings goods back from the market into our stock: the one move
        a blocked (recalled) code may still make."""
        return self.location_id.usage == "customer" and self.location_dest_id.usage in ("internal", "transit")

    def _trace_check_codes(self, code, rows):
        """Refuse codes that cannot move with this transfer: not active, blocked, shipped already
        or not held where it comes from, held by another open transfer."""
        for row in rows:
            if row["activation"] == "issued":
                raise ScanRefused(
                    "not_active", _("%(code)s was issued but never activated: it is not a product.", code=row["name"])
                )
            if row["activation"] == "void":
                raise ScanRefused("void", _("%(code)s is void.", code=row["name"]))
            if (row["blocked"] or row["lot_blocked"]) and not self._trace_is_return():
                raise ScanRefused("blocked", _("%(code)s is blocked (recall): it cannot move.", code=row["name"]))
        source = self.location_id
        outgoing = source.usage in ("internal", "view")
        locations = {row["location_id"] for row in rows if row["location_id"]}
        paths = {loc.id: loc.parent_path for loc in self.env["stock.location"].sudo().browse(locations)}
        for row in rows:
            here = row["location_id"] and paths[row["location_id"]].startswith(source.parent_path)
            if outgoing and row["custody"] in ("in_transit", "delivered"):
                raise ScanRefused("shipped", _("%(code)s was shipped already.", code=row["name"]))
            # a code leaving a warehouse for the first time comes from production: it has no location
            if (row["location_id"] or not outgoing) and not here:
                raise ScanRefused(
                    "not_here",
                    _("%(code)s is not held at %(location)s, where this transfer comes from.", code=row["name"],
                      location=source.display_name),
                )
        self.env["trace.scan.unit"].flush_model()
        self.env.cr.execute(
            "SELECT code_id, picking_id FROM trace_scan_unit WHERE code_id = ANY(%s) LIMIT 1", [[r["id"] for r in rows]]
        )
        held = self.env.cr.fetchone()
        if held:
            name = next(row["name"] for row in rows if row["id"] == held[0])
            if held[1] == self.id:
                raise ScanRefused("already_scanned", _("%(code)s is scanned in this transfer already.", code=name))
            other = self.browse(held[1]).sudo()
            raise ScanRefused(
                "elsewhere", _("%(code)s is held by another open transfer, %(picking)s.", code=name, picking=other.name)
            )

    def _trace_demand(self):
        """``{product id: (demand in the product's unit, fixed lot id or None, product name)}`` of
        the transfer's open moves."""
        demand = {}
        for move in self.move_ids.filtered(lambda m: m.state not in ("done", "cancel")):
            quantity = move.product_uom._compute_quantity(move.product_uom_qty, move.product_id.uom_id)
            total, lot, _name = demand.get(move.product_id.id, (0.0, None, None))
            demand[move.product_id.id] = (total + quantity, move.trace_lot_id.id or lot, move.product_id.display_name)
        return demand

    def _trace_scanned(self):
        """``{(product id, lot id): units}`` scanned into this transfer so far."""
        self.env["trace.scan.unit"].flush_model()
        self.env.cr.execute(
            """SELECT product_id, lot_id, count(*) FROM trace_scan_unit
                WHERE picking_id = %s AND level = 'unit' GROUP BY product_id, lot_id""",
            [self.id],
        )
        return {(product, lot): count for product, lot, count in self.env.cr.fetchall()}

    def _trace_check_demand(self, code, units, counts):
        self._trace_counts(counts)
        demand, scanned = counts["demand"], counts["scanned"]
        new = defaultdict(int)
        for unit in units:
            new[unit["product_id"]] += 1
            wanted = demand.get(unit["product_id"])
            if wanted is None:
                product = self.env["product.product"].browse(unit["product_id"]).display_name
                raise ScanRefused(
                    "wrong_product",
                    _("%(code)s holds %(product)s, which %(picking)s does not move.", code=code.name, product=product,
                      picking=self.name),
                )
            if wanted[1] and unit["lot_id"] != wanted[1]:
                lot = self.env["stock.lot"].browse(unit["lot_id"]).name or _("no lot")
                raise ScanRefused(
                    "wrong_lot",
                    _("%(code)s holds lot %(lot)s; this transfer takes lot %(wanted)s of %(product)s only.",
                      code=code.name, lot=lot, wanted=self.env["stock.lot"].browse(wanted[1]).name, product=wanted[2]),
                )
        for product, count in new.items():
            total, _lot, name = demand[product]
            if scanned[product] + count > total:
                raise ScanRefused(
                    "over_demand",
                    _(
                        "%(code)s holds %(count)s units of %(product)s: with the %(scanned)s scanned already that is "
                        "more than the %(demand)s this transfer moves.",
                        code=code.name,
                        count=count,
                        product=name,
                        scanned=scanned[product],
                        demand=round(total, 3),
                    ),
                )

    def _trace_insert(self, code, rows, units, device, unpacked_from=None):
        product = code.product_id if code.level == "unit" else None
        products = {unit["product_id"] for unit in units}
        lots = {unit["lot_id"] for unit in units}
        scan = self.env["trace.scan"].sudo().create(
            {
                "picking_id": self.id,
                "code_id": code.id,
                "level": code.level,
                "product_id": (product.id if product else (next(iter(products)) if len(products) == 1 else False)),
                "lot_id": next(iter(lots)) if len(lots) == 1 and None not in lots else False,
                "unit_count": len(units),
                "unpacked_from_id": unpacked_from.id if unpacked_from else False,
                "user_id": self.env.uid,
                "device": (device or "")[:64] or False,
            }
        )
        # the unique code index decides between two devices: the loser inserts less than it holds
        self.env.cr.execute(
            """INSERT INTO trace_scan_unit (code_id, scan_id, picking_id, level, product_id, lot_id)
               SELECT c.id, %(scan)s, %(picking)s, c.level, c.product_id, c.lot_id
                 FROM trace_code c WHERE c.id = ANY(%(ids)s)
               ON CONFLICT (code_id) DO NOTHING""",
            {"scan": scan.id, "picking": self.id, "ids": [row["id"] for row in rows]},
        )
        if self.env.cr.rowcount != len(rows):
            raise ScanRefused(
                "elsewhere", _("Another scan took %(code)s at the same moment: scan it again to see where it is.",
                               code=code.name)
            )
        return scan.with_env(self.env)

    def trace_unscan(self, text):
        """Take a scanned code (and all it stands for) out of this transfer before validation."""
        self.ensure_one()
        self.check_access("write")
        if self.state in ("done", "cancel"):
            return self._trace_refusal("closed", _("%(picking)s is closed.", picking=self.name))
        try:
            code = self.env["trace.code"]._resolve(text)
        except UserError as error:
            return self._trace_refusal("unknown_code", error.args[0] if error.args else str(error))
        scan = self.trace_scan_ids.filtered(lambda s: s.code_id == code)
        if scan:
            units = scan.unit_count
            scan.sudo().unlink()  # its held codes go with it (cascade)
            return {"ok": True, "code": code.name, "units": -units, "summary": self._trace_summary()}
        held = self.env["trace.scan.unit"].sudo().search([("code_id", "=", code.id), ("picking_id", "=", self.id)])
        if not held:
            return self._trace_refusal("not_scanned", _("%(code)s is not scanned in this transfer.", code=code.name))
        # a case (or unit) inside a scanned pallet: it leaves the pallet (an unpacking) and the transfer
        scan = held.scan_id.sudo()
        with self.env.cr.savepoint():
            self.env["trace.code"]._unpack([code.name])
            rows = self._trace_subtree(code)
            units = sum(1 for row in rows if row["level"] == "unit")
            self.env.cr.execute("DELETE FROM trace_scan_unit WHERE picking_id = %s AND code_id = ANY(%s)",
                                [self.id, [row["id"] for row in rows]])
            self.env["trace.scan.unit"].invalidate_model()
            scan.unit_count -= units
        return {"ok": True, "code": code.name, "units": -units, "unpacked": True, "summary": self._trace_summary()}

    def trace_summary(self):
        """The scan screen's view of this transfer (see :meth:`_trace_summary`)."""
        self.ensure_one()
        self.check_access("read")
        return self._trace_summary()

    @api.model
    def trace_find_transfer(self, text):
        """The open transfer whose barcode (its reference) ``text`` is: ``{"ok", "id", "name"}``
        or ``{"ok": False, "message"}``."""
        reference = text.strip() if isinstance(text, str) else ""
        picking = self.search([("name", "=", reference), ("state", "not in", ("done", "cancel"))], limit=1) if (
            reference and len(reference) <= 256) else self.browse()
        if not picking:
            return {"ok": False, "message": _("%(text)s is not the barcode of an open transfer.", text=reference[:80])}
        return {"ok": True, "id": picking.id, "name": picking.name}

    def action_trace_scan(self):
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "trace_stock.scan_screen",
            "name": _("Scan %(picking)s", picking=self.name),
            "context": {"active_id": self.id},
        }

    def _trace_summary(self, counts=None):
        """What the screen shows: per product (and fixed lot), demand, scanned and missing;
        ``counts`` (see :meth:`_trace_counts`) when the caller has read them already."""
        self.ensure_one()
        counts = self._trace_counts({} if counts is None else counts)
        scanned = counts["scanned"]
        lines = []
        for product, (demand, lot, name) in counts["demand"].items():
            lines.append(
                {
                    "product_id": product,
                    "product": name,
                    "lot": self.env["stock.lot"].browse(lot).name if lot else None,
                    "demand": demand,
                    "scanned": scanned.get(product, 0),
                    "missing": max(demand - scanned.get(product, 0), 0),
                }
            )
        return {"picking": self.name, "state": self.state, "lines": lines,
                "complete": all(line["missing"] <= 0 for line in lines)}

    # Validation ----------------------------------------------------------------------------------

    def button_validate(self):
        self.filtered("trace_scan_ids")._trace_set_move_lines()
        return super().button_validate()

    def _trace_set_move_lines(self):
        """The scanned units as move lines: one per product, lot and stock package (never one per
        unit), each from the package that holds its units and, on receipts, into the package of its
        pallet (see :meth:`_trace_move_line_groups`, :meth:`_trace_pack_move_lines`)."""
        for picking in self:
            if picking.state in ("done", "cancel"):
                continue
            groups = picking._trace_move_line_groups()
            products = {key[0] for key in groups}
            open_moves = picking.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
            scanned_moves = open_moves.filtered(lambda m, products=products: m.product_id.id in products)
            scanned_moves.move_line_ids.unlink()
            picking._trace_drop_package_levels(scanned_moves)
            lines, pallets = [], []
            moves = {}
            for move in open_moves:
                moves.setdefault(move.product_id.id, move)
            for key, count in sorted(groups.items(), key=lambda item: tuple(value or 0 for value in item[0])):
                product_id, lot_id, package_id, location_id, owner_id, pallet_id = key
                move = moves[product_id]
                lines.append(
                    {
                        "move_id": move.id,
                        "picking_id": picking.id,
                        "product_id": product_id,
                        "product_uom_id": move.product_id.uom_id.id,
                        "lot_id": lot_id or False,
                        "package_id": package_id or False,
                        "owner_id": owner_id or False,
                        "quantity": count,
                        "location_id": location_id or move.location_id.id,
                        "location_dest_id": move.location_dest_id.id,
                        "picked": True,
                    }
                )
                pallets.append(pallet_id)
            move_lines = self.env["stock.move.line"].create(lines)
            scanned_moves.picked = True
            picking._trace_pack_move_lines(move_lines, pallets)

    def _action_done(self):
        result = super()._action_done()
        self.filtered(lambda p: p.state == "done" and p.trace_scan_ids)._trace_record_custody()
        return result

    def _trace_record_custody(self):
        """Where the scanned codes are now (location, custody, holder) and one shipping or
        receiving event naming them, in the transaction of the validation."""
        Event = self.env["trace.event"]
        cr = self.env.cr
        self.env["trace.scan.unit"].flush_model()
        for picking in self:
            destination, source = picking.location_dest_id, picking.location_id
            custody = CUSTODY_BY_DESTINATION.get(destination.usage, "in_stock")
            if source.usage == "customer":
                custody = "returned"
            holder = picking.partner_id.commercial_partner_id.id if destination.usage == "customer" else None
            columns = {"location_id": destination.id, "custody": custody, "holder_id": holder,
                       **picking._trace_code_binding()}
            # the moved codes' rows are wide: rewritten once, with everything they are bound to
            cr.execute(
                SQL(
                    "UPDATE trace_code c SET %s FROM trace_scan_unit u WHERE u.code_id = c.id AND u.picking_id = %s",
                    SQL(", ").join(SQL("%s = %s", SQL.identifier(name), value) for name, value in columns.items()),
                    picking.id,
                )
            )
            receiving = picking.picking_type_id.code == "incoming"
            scans = picking.trace_scan_ids
            Event._record(
                {
                    "event_type": "object",
                    "action": "OBSERVE",
                    "biz_step": "receiving" if receiving else "shipping",
                    "disposition": {"in_transit": "in_transit", "delivered": "in_transit"}.get(custody, "in_progress"),
                    "location_id": destination.id,
                    "biz_location": destination.complete_name,
                    "read_point": source.complete_name,
                    "quantity": sum(scans.mapped("unit_count")),
                    "company_id": picking.company_id.id,
                    "biz_transaction_list": [["urn:epcglobal:cbv:btt:desadv", picking.name]],
                    "source_list": [["urn:epcglobal:cbv:sdt:location", source.complete_name]],
                    "destination_list": [["urn:epcglobal:cbv:sdt:location", destination.complete_name]],
                },
                epc_ids=scans.code_id.ids,
            )
            cr.execute(SQL("DELETE FROM trace_scan_unit WHERE picking_id = %s", picking.id))
        self.env["trace.code"].invalidate_model()
        self.env["trace.scan.unit"].invalidate_model()

    def _trace_code_binding(self):
        """``{trace_code column: value}`` that the codes of this validated transfer are bound to
        besides their location, custody and holder; other addons add theirs (the dealer and
        territory of a shipment)."""
        self.ensure_one()
        return {}

    def action_cancel(self):
        result = super().action_cancel()
        cancelled = self.filtered(lambda p: p.state == "cancel" and p.trace_scan_ids)
        cancelled.trace_scan_ids.sudo().unlink()  # the codes they held are free again
        return result
