# stock.picking is split into one file per job (conventions): this one holds the dealers' receipts
# and shipments that the dealer portal scans.
# pylint: disable=consider-merging-classes-inherited
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.addons.trace_stock.models.stock_picking import ScanRefused
from odoo.exceptions import UserError
from odoo.tools import SQL

# what the portal's scan answers keep of the registry's answers (a whitelist)
ANSWER_KEYS = ("ok", "error", "message", "code", "level", "units", "can_unpack", "unpacked")
# custody of codes a dealer receives may be in: shipped to it
RECEIVABLE_CUSTODY = ("delivered", "in_transit")
# how many of the stored scans the scan page lists
RECENT_SCANS = 20


class StockPicking(models.Model):
    """A dealer's receipts (scan in) and shipments (scan out) are ordinary transfers of two
    operation types per company, between the dealer's own stock location and the customers
    location; they are scanned with trace_stock's methods (``trace_scan``, ``trace_unscan``,
    ``button_validate``), and only their custody and one refusal are the dealer's own."""

    _inherit = "stock.picking"

    # copied: the backorder of a dealer's receipt or shipment is the dealer's too
    trace_dealer_id = fields.Many2one(
        "res.partner", string="Dealer", readonly=True, index="btree_not_null",
        help="The dealer that receives (a dealer receipt) or ships (a dealer shipment) this transfer on its portal.")
    trace_dealer_kind = fields.Selection(related="picking_type_id.trace_dealer_kind")
    trace_dealer_origin_id = fields.Many2one(
        "stock.picking", string="Received Shipment", readonly=True, index="btree_not_null",
        check_company=True, help="The shipment to the dealer that this dealer receipt receives.")
    trace_dealer_receipt_id = fields.Many2one(
        "stock.picking", string="Dealer Receipt", readonly=True, copy=False, check_company=True,
        help="The dealer's (first) receipt of this shipment (its scan in on the portal).")

    # Custody and checks of the registry's scanning -----------------------------------------------

    def _trace_code_binding(self):
        """A dealer's receipt puts its codes in stock at the dealer's location, held by the dealer;
        a dealer's shipment delivers them to the recipient (its holder, by trace_stock), bound to
        the recipient when it is a sub-dealer (trace_dealer's binding) and otherwise still to the
        shipping dealer, with the territory of the recipient's address. Both come from and go to
        customer locations, which trace_stock alone would take for a return."""
        binding = super()._trace_code_binding()
        if not self.trace_dealer_id:  # read with the transfer's row: no query for the company's own transfers
            return binding
        kind = self.picking_type_id.trace_dealer_kind
        if kind == "receipt":
            binding.update(custody="in_stock", holder_id=self.trace_dealer_id.id)
        elif kind == "shipment":
            binding["custody"] = "in_transit" if self.location_dest_id.usage == "transit" else "delivered"
            if not binding.get("dealer_id"):
                binding["dealer_id"] = self.trace_dealer_id.id
        return binding

    def _trace_check_codes(self, code, rows):
        """A dealer receives only what was shipped to it: a code delivered to someone else
        (another dealer, a shop) is refused, even where both wait in the same customers
        location."""
        super()._trace_check_codes(code, rows)
        # the dealer is read with the transfer's row: the company's own scans cost no query more
        if not self.trace_dealer_id or self.picking_type_id.trace_dealer_kind != "receipt":
            return
        self.env["trace.code"].flush_model(["holder_id", "custody"])
        self.env.cr.execute(
            "SELECT name, holder_id, custody FROM trace_code WHERE id = ANY(%s) ORDER BY id",
            [[row["id"] for row in rows]],
        )
        for name, holder, custody in self.env.cr.fetchall():
            if holder != self.trace_dealer_id.id or custody not in RECEIVABLE_CUSTODY:
                raise ScanRefused(
                    "other_dealer",
                    self.env._("%(code)s was not shipped to %(dealer)s: it cannot be received here.",
                               code=name, dealer=self.trace_dealer_id.display_name),
                )

    # What a dealer may act on --------------------------------------------------------------------

    @api.model
    def _trace_dealer_incoming_domain(self, dealer):
        """The shipments to ``dealer`` that it can receive (scan in): validated deliveries of the
        company or of its parent dealer to the dealer or one of its addresses. The operation types,
        locations and partners are read as subqueries of their own (a portal user reads none of
        those tables); what the user may read of the transfers stays with the record rules."""
        types = self.env["stock.picking.type"].sudo().with_context(active_test=False)._search(
            [("code", "=", "outgoing")])
        customers = self.env["stock.location"].sudo().with_context(active_test=False)._search(
            [("usage", "=", "customer")])
        addresses = self.env["res.partner"].sudo().with_context(active_test=False)._search(
            [("id", "child_of", dealer.id)])
        return [("picking_type_id", "in", types), ("state", "=", "done"), ("location_dest_id", "in", customers),
                ("partner_id", "in", addresses)]

    @api.model
    def _trace_dealer_shipment_domain(self, dealer, open_only=False):
        """The dealer's own shipments to its sub-dealers and shops (open ones only, or all but the cancelled)."""
        types = self.env["stock.picking.type"].sudo().with_context(active_test=False)._search(
            [("trace_dealer_kind", "=", "shipment")])
        states = ("done", "cancel") if open_only else ("cancel",)
        return [("trace_dealer_id", "=", dealer.id), ("picking_type_id", "in", types), ("state", "not in", states)]

    def _trace_dealer_is_incoming(self, dealer):
        """Whether this transfer is a shipment that ``dealer`` can receive."""
        self.ensure_one()
        return bool(dealer) and bool(self.sudo().search_count(
            [("id", "=", self.id), *self._trace_dealer_incoming_domain(dealer)]))

    def _trace_dealer_owned(self, dealer):
        """Whether this is a receipt or a shipment of ``dealer``: its kind is a dealer's, it is the
        dealer's, and the dealer's own location is the end it scans at (the destination of a
        receipt, the source of a shipment)."""
        self.ensure_one()
        picking = self.sudo()
        kind = picking.picking_type_id.trace_dealer_kind
        if not dealer or not kind or picking.trace_dealer_id != dealer:
            return False
        location = picking.location_dest_id if kind == "receipt" else picking.location_id
        return location.trace_dealer_id == dealer

    # Receipts and shipments ---------------------------------------------------------------------

    def _trace_dealer_receive(self, dealer):
        """The dealer receipt of this shipment to ``dealer``: its open (or done) receipt, else a
        new one from where the shipment went to the dealer's location, for the quantities it
        delivered per product. The shipment's row is written with the receipt, so two devices
        starting the same receipt at once end with one (the later is retried by Odoo)."""
        self.ensure_one()
        if not self._trace_dealer_is_incoming(dealer):
            raise UserError(self.env._("%(picking)s is not a shipment to you.", picking=self.name))
        delivery = self.sudo()
        self.env.cr.execute("SELECT id FROM stock_picking WHERE id = %s FOR NO KEY UPDATE", [delivery.id])
        receipt = delivery._trace_dealer_receipt()
        if receipt:
            return receipt
        quantities = defaultdict(float)
        for move in delivery.move_ids.filtered(lambda m: m.state == "done" and m.product_id.is_storable):
            quantities[move.product_id] += move.product_uom._compute_quantity(move.quantity, move.product_id.uom_id)
        quantities = {product: quantity for product, quantity in quantities.items() if quantity > 0}
        if not quantities:
            raise UserError(self.env._("%(picking)s delivered nothing that can be received.", picking=self.name))
        company = delivery.company_id
        location = dealer._trace_dealer_location(company)
        source = delivery.location_dest_id
        receipt = self.sudo().create(
            {
                "picking_type_id": company._trace_dealer_picking_type("receipt").id,
                "company_id": company.id,
                "partner_id": delivery.partner_id.id,
                "location_id": source.id,
                "location_dest_id": location.id,
                "origin": delivery.name,
                "trace_dealer_id": dealer.id,
                "trace_dealer_origin_id": delivery.id,
                "move_ids": [
                    Command.create({"name": product.display_name, "product_id": product.id,
                                    "product_uom_qty": quantity, "product_uom": product.uom_id.id,
                                    "location_id": source.id, "location_dest_id": location.id})
                    for product, quantity in sorted(quantities.items(), key=lambda item: item[0].id)
                ],
            }
        )
        receipt.action_confirm()
        delivery.trace_dealer_receipt_id = receipt
        return receipt

    def _trace_dealer_receipt(self):
        """The receipt of this shipment to a dealer to show: an open one (the first receipt or
        its backorder), else a done one, else none."""
        self.ensure_one()
        receipts = self.sudo().search([("trace_dealer_origin_id", "=", self.id), ("state", "!=", "cancel")],
                                      order="id")
        return receipts.filtered(lambda r: r.state != "done")[:1] or receipts[:1]

    @api.model
    def _trace_dealer_create_shipment(self, dealer, recipient, quantities, company):
        """A new shipment of ``dealer`` to ``recipient`` (one of its sub-dealers or shops) of
        ``quantities`` (``{product id: units}``) from its stock at ``company``, confirmed and
        ready to scan. Refuses (``UserError``, nothing written) another recipient, products it
        does not hold and more units than it holds."""
        if recipient not in dealer._trace_dealer_recipients():
            raise UserError(self.env._("Ship to one of your sub-dealers or shops."))
        wanted = {product: units for product, units in quantities.items() if units}
        if not wanted:
            raise UserError(self.env._("Enter how many units of which product to ship."))
        stock = dealer._trace_dealer_units_in_stock(company)
        if any(product not in stock for product in wanted):
            missing = self.env["product.product"].sudo().browse(
                [product for product in wanted if product not in stock]).exists()
            raise UserError(self.env._("%(products)s is not in your stock.",
                                       products=", ".join(missing.mapped("display_name")) or self.env._("A product")))
        products = self.env["product.product"].sudo().browse(list(wanted))
        for product in products:
            units = wanted[product.id]
            if units < 0:
                raise UserError(self.env._("Enter a number of units of %(product)s that is not negative.",
                                           product=product.display_name))
            if units > stock[product.id]:
                raise UserError(self.env._(
                    "You hold %(stock)s units of %(product)s: you cannot ship %(units)s.",
                    stock=stock[product.id], product=product.display_name, units=units))
        location = dealer._trace_dealer_location(company)
        customers = recipient.with_company(company).property_stock_customer
        if customers.usage != "customer":
            customers = self.env.ref("stock.stock_location_customers")
        shipment = self.sudo().create(
            {
                "picking_type_id": company._trace_dealer_picking_type("shipment").id,
                "company_id": company.id,
                "partner_id": recipient.id,
                "location_id": location.id,
                "location_dest_id": customers.id,
                "trace_dealer_id": dealer.id,
                "move_ids": [
                    Command.create({"name": product.display_name, "product_id": product.id,
                                    "product_uom_qty": wanted[product.id], "product_uom": product.uom_id.id,
                                    "location_id": location.id, "location_dest_id": customers.id})
                    for product in products.sorted("id")
                ],
            }
        )
        shipment.action_confirm()
        return shipment

    # Scanning on the portal (the registry's methods, whitelisted answers) ---------------------

    def _trace_dealer_answer(self, answer):
        """The portal's whitelist of a scan answer: no internal ids."""
        result = {key: answer[key] for key in ANSWER_KEYS if key in answer}
        result["summary"] = self._trace_dealer_summary(answer.get("summary"))
        return result

    def _trace_dealer_refusal(self, kind, message, **extra):
        return {"ok": False, "error": kind, "message": message, "summary": self._trace_dealer_summary(), **extra}

    def _trace_dealer_summary(self, summary=None):
        self.ensure_one()
        summary = summary or self._trace_summary()
        states = dict(self._fields["state"]._description_selection(self.env))
        return {
            "picking": summary["picking"],
            "state": states.get(self.state, self.state),
            "done": self.state == "done",
            "closed": self.state in ("done", "cancel"),
            "complete": summary["complete"],
            "lines": [
                {"product": line["product"], "lot": line["lot"] or "", "demand": round(line["demand"], 3),
                 "scanned": line["scanned"], "missing": round(line["missing"], 3)}
                for line in summary["lines"]
            ],
        }

    def _trace_dealer_scan(self, text, unpack=False, device=None):
        """Scan ``text`` into this dealer transfer (:meth:`trace_scan`)."""
        self.ensure_one()
        return self._trace_dealer_answer(self.trace_scan(text, unpack=unpack, device=device))

    def _trace_dealer_unscan(self, text):
        """Take ``text`` out of this dealer transfer (:meth:`trace_unscan`)."""
        self.ensure_one()
        return self._trace_dealer_answer(self.trace_unscan(text))

    def _trace_dealer_scans(self):
        """The latest scans of this transfer, newest first, for the scan page."""
        self.ensure_one()
        levels = dict(self.env["trace.scan"]._fields["level"]._description_selection(self.env))
        return [
            {"code": scan.code_id.name, "level": levels.get(scan.level, scan.level), "units": scan.unit_count,
             "product": scan.product_id.display_name or "", "lot": scan.lot_id.name or "",
             "by": scan.user_id.name or ""}
            for scan in self.trace_scan_ids[:RECENT_SCANS]
        ]

    def _trace_dealer_state(self):
        """The scan page's data: summary and stored scans."""
        self.ensure_one()
        return {"ok": True, "summary": self._trace_dealer_summary(), "scans": self._trace_dealer_scans()}

    def _trace_dealer_validate(self, backorder=None):
        """Validate this dealer transfer (:meth:`button_validate`), as the back office does. An
        incomplete transfer is refused (``incomplete``) until the dealer says whether the rest
        stays open as a backorder (``backorder=True``) or is not expected (``False``): Odoo's own
        backorder choice. A refusal changes nothing."""
        self.ensure_one()
        if self.state in ("done", "cancel"):
            return self._trace_dealer_refusal("closed", self.env._("%(picking)s is closed.", picking=self.name))
        if not self.trace_scan_ids:
            return self._trace_dealer_refusal("nothing_scanned",
                                              self.env._("Scan at least one code before validating."))
        summary = self._trace_summary()
        picking = self
        if not summary["complete"]:
            if backorder is None:
                missing = ", ".join(
                    "%s: %s" % (line["product"], round(line["missing"], 3)) for line in summary["lines"] if line["missing"]
                )
                return self._trace_dealer_refusal(
                    "incomplete",
                    self.env._("Not everything is scanned (missing %(missing)s): keep the rest open for later, "
                               "or validate without it.", missing=missing),
                    can_backorder=True,
                )
            picking = self.with_context(skip_backorder=True,
                                        picking_ids_not_to_backorder=[] if backorder else self.ids)
        try:
            with self.env.cr.savepoint():
                picking.button_validate()
                if self.state != "done":
                    raise UserError(self.env._(
                        "%(picking)s needs a decision in the back office before it can be validated.",
                        picking=self.name))
        except UserError as error:
            return self._trace_dealer_refusal("not_validated", error.args[0] if error.args else str(error))
        backorders = self.sudo().search([("backorder_id", "=", self.id)])
        return {"ok": True, "summary": self._trace_dealer_summary(), "backorder": backorders[:1].name or None}

    def _trace_dealer_cancel(self):
        """Cancel this open dealer transfer: the codes it held are free again."""
        self.ensure_one()
        if self.state in ("done", "cancel"):
            return self._trace_dealer_refusal("closed", self.env._("%(picking)s is closed.", picking=self.name))
        self.action_cancel()
        return {"ok": True, "summary": self._trace_dealer_summary()}

    # Lists of the portal --------------------------------------------------------------------------

    def _trace_dealer_units(self):
        """``{picking id: units}`` of these transfers: what they delivered when done, else what they move."""
        self.env["stock.move"].flush_model(["picking_id", "quantity", "product_uom_qty", "state"])
        if not self:
            return {}
        self.env.cr.execute(
            SQL(
                """SELECT m.picking_id, sum(CASE WHEN m.state = 'done' THEN m.quantity ELSE m.product_uom_qty END)
                     FROM stock_move m WHERE m.picking_id = ANY(%s) AND m.state != 'cancel' GROUP BY m.picking_id""",
                self.ids,
            )
        )
        return {picking: round(units or 0, 3) for picking, units in self.env.cr.fetchall()}

    def _trace_dealer_incoming_rows(self):
        """Rows of the dealer's receipts page, one per shipment to it (these records)."""
        states = dict(self._fields["state"]._description_selection(self.env))
        units = self._trace_dealer_units()
        rows = []
        for delivery in self.sudo():
            receipt = delivery._trace_dealer_receipt()
            rows.append({
                "id": delivery.id,
                "name": delivery.name,
                "sender": delivery.trace_dealer_id.name or delivery.company_id.name,
                "date": delivery.date_done,
                "units": units.get(delivery.id, 0),
                "receipt_id": receipt.id or None,
                "receipt": receipt.name or "",
                "receipt_state": states.get(receipt.state, "") if receipt else "",
                "received": receipt.state == "done",
                "received_date": receipt.date_done if receipt.state == "done" else None,
            })
        return rows

    def _trace_dealer_shipment_rows(self):
        """Rows of the dealer's shipments page (these records)."""
        states = dict(self._fields["state"]._description_selection(self.env))
        units = self._trace_dealer_units()
        return [
            {"id": shipment.id, "name": shipment.name, "recipient": shipment.partner_id.display_name,
             "date": shipment.date_done or shipment.scheduled_date, "units": units.get(shipment.id, 0),
             "state": states.get(shipment.state, shipment.state), "open": shipment.state not in ("done", "cancel"),
             "done": shipment.state == "done"}
            for shipment in self.sudo()
        ]

    def _trace_dealer_page(self):
        """The scan page's header: what this transfer is, and from or to whom."""
        self.ensure_one()
        picking = self.sudo()
        receipt = picking.picking_type_id.trace_dealer_kind == "receipt"
        origin = picking.trace_dealer_origin_id
        return {
            "id": picking.id,
            "name": picking.name,
            "kind": "receipt" if receipt else "shipment",
            "partner": (origin.trace_dealer_id.name or origin.company_id.name) if receipt else picking.partner_id.display_name,
            "origin": origin.name or "",
            "date": picking.date_done or picking.scheduled_date,
        }
