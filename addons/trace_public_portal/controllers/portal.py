import json

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, UserError
from odoo.http import request
from werkzeug.exceptions import NotFound

# a transfer id in a path (PostgreSQL's integer)
PICKING = "int(min=1, max=2147483647):picking_id"
# what a scan may be at most (a Digital Link with a lot and dates fits well below), and a request body
MAX_TEXT = 512
MAX_BODY = 4096
PAGE_SIZE = 20
SOURCES = ("keyboard", "camera")
JSON_HEADERS = [("Cache-Control", "no-store")]


class DealerPortal(CustomerPortal):
    """The dealer sub-system on the portal: my stock, my receipts (scan in), my shipments (scan
    out). Thin: parse and validate every field, find the dealer of the user and check that the
    transfer is its own (record rules first, then the transfer's dealer and location), and only
    then call one model method with ``sudo()``; the registry's methods decide."""

    # -- the portal's home ---------------------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        dealer = self._trace_dealer()
        if not counters:  # the home page's values; /my/counters answers the counters asked for only
            values["trace_is_dealer"] = bool(dealer)
        if "trace_receipt_count" in counters:
            values["trace_receipt_count"] = len(self._trace_to_receive(dealer)) if dealer else 0
        return values

    # -- pages -----------------------------------------------------------------------------------

    @http.route("/my/trace", type="http", auth="user", methods=["GET"], website=True, sitemap=False)
    def trace_dealer_home(self, **_query):
        """My stock (units, cases and pallets by product and lot) and the way to my receipts and shipments."""
        dealer = self._trace_dealer_or_404()
        Picking = request.env["stock.picking"]
        values = self._trace_values(
            "trace_dealer", dealer,
            stock=dealer.sudo()._trace_dealer_stock(),
            to_receive=len(self._trace_to_receive(dealer)),
            open_shipments=Picking.search_count(Picking._trace_dealer_shipment_domain(dealer, open_only=True)),
        )
        return request.render("trace_public_portal.portal_my_trace", values)

    @http.route("/my/trace/receipts", type="http", auth="user", methods=["GET"], website=True, sitemap=False)
    def trace_dealer_receipts(self, page=1, **_query):
        """The shipments to me, to receive and received."""
        dealer = self._trace_dealer_or_404()
        Picking = request.env["stock.picking"]
        domain = Picking._trace_dealer_incoming_domain(dealer)
        pager = portal_pager(url="/my/trace/receipts", total=Picking.search_count(domain), page=self._page(page),
                             step=PAGE_SIZE)
        deliveries = Picking.search(domain, order="date_done desc, id desc", limit=PAGE_SIZE, offset=pager["offset"])
        values = self._trace_values("trace_receipts", dealer, rows=deliveries._trace_dealer_incoming_rows(),
                                    pager=pager)
        return request.render("trace_public_portal.portal_my_trace_receipts", values)

    @http.route(f"/my/trace/receipts/<{PICKING}>/receive", type="http", auth="user", methods=["POST"],
                website=True, sitemap=False)
    def trace_dealer_receive(self, picking_id, **_form):
        """Open (or start) my receipt of a shipment to me, then scan it in."""
        dealer = self._trace_dealer_or_404()
        delivery = self._trace_readable(picking_id)
        if not delivery._trace_dealer_is_incoming(dealer):
            raise NotFound()
        try:
            receipt = delivery.sudo()._trace_dealer_receive(dealer)
        except UserError as error:
            return self._trace_error_page(dealer, error.args[0])
        return request.redirect("/my/trace/scan/%s" % receipt.id)

    @http.route("/my/trace/shipments", type="http", auth="user", methods=["GET"], website=True, sitemap=False)
    def trace_dealer_shipments(self, page=1, **_query):
        """My shipments to my sub-dealers and shops."""
        dealer = self._trace_dealer_or_404()
        Picking = request.env["stock.picking"]
        domain = Picking._trace_dealer_shipment_domain(dealer)
        pager = portal_pager(url="/my/trace/shipments", total=Picking.search_count(domain), page=self._page(page),
                             step=PAGE_SIZE)
        shipments = Picking.search(domain, order="id desc", limit=PAGE_SIZE, offset=pager["offset"])
        values = self._trace_values("trace_shipments", dealer, rows=shipments._trace_dealer_shipment_rows(),
                                    pager=pager)
        return request.render("trace_public_portal.portal_my_trace_shipments", values)

    @http.route("/my/trace/shipments/new", type="http", auth="user", methods=["GET", "POST"], website=True,
                sitemap=False)
    def trace_dealer_new_shipment(self, **form):
        """A new shipment: to one of my sub-dealers or shops, how many units of what I hold."""
        dealer = self._trace_dealer_or_404()
        if request.httprequest.method == "GET":
            return self._trace_shipment_form(dealer)
        parsed = self._parse_shipment_form(form)
        if isinstance(parsed, str):
            return self._trace_shipment_form(dealer, error=parsed, form=form, status=400)
        recipient_id, quantities = parsed
        recipient = request.env["res.partner"].sudo().browse(recipient_id).exists()
        try:
            shipment = request.env["stock.picking"].sudo()._trace_dealer_create_shipment(
                dealer.sudo(), recipient, quantities, request.env.company)
        except UserError as error:
            return self._trace_shipment_form(dealer, error=error.args[0], form=form, status=400)
        return request.redirect("/my/trace/scan/%s" % shipment.id)

    @http.route(f"/my/trace/scan/<{PICKING}>", type="http", auth="user", methods=["GET"], website=True,
                sitemap=False)
    def trace_dealer_scan_page(self, picking_id, **_query):
        """The scan page of my receipt or shipment: scan gun, keyboard or phone camera."""
        dealer = self._trace_dealer_or_404()
        picking = self._trace_own(picking_id, dealer)
        header = picking.sudo()._trace_dealer_page()
        state = picking.sudo()._trace_dealer_state()
        props = {
            "pickingId": picking.id,
            "kind": header["kind"],
            "csrfToken": request.csrf_token(),
            "summary": state["summary"],
            "scans": state["scans"],
        }
        values = self._trace_values("trace_scan", dealer, picking=header, summary=state["summary"],
                                    props=json.dumps(props))
        return request.render("trace_public_portal.portal_my_trace_scan", values)

    # -- the scan page's requests (JSON in, JSON out) -------------------------------------------

    @http.route(f"/my/trace/scan/<{PICKING}>/state", type="http", auth="user", methods=["GET"], sitemap=False,
                readonly=True)
    def trace_dealer_scan_state(self, picking_id, **_query):
        """The summary and the stored scans (another device may have scanned)."""
        dealer = self._trace_dealer()
        picking = self._trace_own_or_none(picking_id, dealer)
        if not picking:
            return self._json_not_found()
        return self._json(picking.sudo()._trace_dealer_state())

    @http.route(f"/my/trace/scan/<{PICKING}>/scan", type="http", auth="user", methods=["POST"], csrf=False,
                sitemap=False)
    def trace_dealer_scan(self, picking_id, **_query):
        """Scan a code into my transfer: ``{"csrf_token", "text", "unpack"?, "source"?}``."""
        data, error = self._json_body({"text": self._text, "unpack": self._optional_bool,
                                       "source": self._optional_source}, required=("text",))
        if error:
            return error
        picking = self._trace_own_or_none(picking_id, self._trace_dealer())
        if not picking:
            return self._json_not_found()
        device = "portal-%s" % (data.get("source") or "keyboard")
        return self._json(picking.sudo()._trace_dealer_scan(data["text"], unpack=bool(data.get("unpack")),
                                                             device=device))

    @http.route(f"/my/trace/scan/<{PICKING}>/unscan", type="http", auth="user", methods=["POST"], csrf=False,
                sitemap=False)
    def trace_dealer_unscan(self, picking_id, **_query):
        """Take a scanned code out of my transfer: ``{"csrf_token", "text"}``."""
        data, error = self._json_body({"text": self._text}, required=("text",))
        if error:
            return error
        picking = self._trace_own_or_none(picking_id, self._trace_dealer())
        if not picking:
            return self._json_not_found()
        return self._json(picking.sudo()._trace_dealer_unscan(data["text"]))

    @http.route(f"/my/trace/scan/<{PICKING}>/validate", type="http", auth="user", methods=["POST"], csrf=False,
                sitemap=False)
    def trace_dealer_validate(self, picking_id, **_query):
        """Validate my transfer: ``{"csrf_token", "backorder"?}`` (``true``: keep what is missing
        open, ``false``: it is not expected; only asked when something is missing)."""
        data, error = self._json_body({"backorder": self._optional_bool})
        if error:
            return error
        picking = self._trace_own_or_none(picking_id, self._trace_dealer())
        if not picking:
            return self._json_not_found()
        return self._json(picking.sudo()._trace_dealer_validate(backorder=data.get("backorder")))

    @http.route(f"/my/trace/scan/<{PICKING}>/cancel", type="http", auth="user", methods=["POST"], csrf=False,
                sitemap=False)
    def trace_dealer_cancel(self, picking_id, **_query):
        """Cancel my open transfer: ``{"csrf_token"}``; the codes it held are free again."""
        _data, error = self._json_body({})
        if error:
            return error
        picking = self._trace_own_or_none(picking_id, self._trace_dealer())
        if not picking:
            return self._json_not_found()
        return self._json(picking.sudo()._trace_dealer_cancel())

    # -- who and what -----------------------------------------------------------------------------

    @staticmethod
    def _trace_dealer():
        """The dealer of the logged-in portal user (its commercial partner), or no partner."""
        user = request.env.user
        partner = user.partner_id.commercial_partner_id
        if user._is_public() or not partner.trace_is_dealer:
            return partner.browse()
        return partner

    def _trace_dealer_or_404(self):
        dealer = self._trace_dealer()
        if not dealer:
            raise NotFound()
        return dealer

    @staticmethod
    def _trace_readable(picking_id):
        """The transfer ``picking_id`` if the record rules let the user read it, else 404."""
        picking = request.env["stock.picking"].browse(picking_id).exists()
        if not picking:
            raise NotFound()
        try:
            picking.check_access("read")
        except AccessError:
            raise NotFound() from None
        return picking

    def _trace_own_or_none(self, picking_id, dealer):
        """The dealer's own receipt or shipment ``picking_id`` (readable by the user's record
        rules, of a dealer kind, the dealer's, at the dealer's location), else ``None``."""
        if not dealer:
            return None
        try:
            picking = self._trace_readable(picking_id)
        except NotFound:
            return None
        return picking if picking._trace_dealer_owned(dealer) else None

    def _trace_own(self, picking_id, dealer):
        picking = self._trace_own_or_none(picking_id, dealer)
        if not picking:
            raise NotFound()
        return picking

    @staticmethod
    def _trace_to_receive(dealer):
        """The shipments to the dealer that it has not received yet."""
        Picking = request.env["stock.picking"]
        deliveries = Picking.search(Picking._trace_dealer_incoming_domain(dealer))
        return deliveries.filtered(lambda p: p._trace_dealer_receipt().state != "done")

    # -- rendering ----------------------------------------------------------------------------------

    def _trace_values(self, page_name, dealer, **values):
        layout = self._prepare_portal_layout_values()
        layout.update(page_name=page_name, dealer_name=dealer.name, **values)
        return layout

    def _trace_error_page(self, dealer, message, status=400):
        response = request.render("trace_public_portal.portal_my_trace_error",
                                  self._trace_values("trace_error", dealer, message=message))
        response.status_code = status
        return response

    def _trace_shipment_form(self, dealer, error=None, form=None, status=200):
        dealer_sudo = dealer.sudo()
        recipients = dealer_sudo._trace_dealer_recipients()
        stock = dealer_sudo._trace_dealer_units_in_stock(request.env.company)
        products = request.env["product.product"].sudo().browse(list(stock)).sorted("display_name")
        form = form or {}
        values = self._trace_values(
            "trace_new_shipment", dealer,
            recipients=[{"id": partner.id, "name": partner.display_name,
                         "sub_dealer": partner.trace_is_dealer} for partner in recipients],
            products=[{"id": product.id, "name": product.display_name, "stock": stock[product.id],
                       "value": form.get("qty-%s" % product.id) or ""} for product in products],
            selected=form.get("recipient_id") or "",
            error=error,
        )
        response = request.render("trace_public_portal.portal_my_trace_shipment_new", values)
        response.status_code = status
        return response

    # -- parsing and validation ---------------------------------------------------------------------

    @staticmethod
    def _page(page):
        try:
            page = int(page)
        except (TypeError, ValueError):
            return 1
        return min(max(page, 1), 100000)

    @staticmethod
    def _parse_int(value, low, high):
        if not isinstance(value, str) or not value.strip().isdigit() or len(value.strip()) > 10:
            return None
        number = int(value.strip())
        return number if low <= number <= high else None

    def _parse_shipment_form(self, form):
        """``(recipient id, {product id: units})`` from the new shipment form, or the message
        saying what is wrong."""
        _ = request.env._
        if len(form) > 500:
            return _("The form has too many fields.")
        recipient = self._parse_int(form.get("recipient_id"), 1, 2147483647)
        if recipient is None:
            return _("Choose whom to ship to.")
        quantities = {}
        for name, value in form.items():
            if name in ("recipient_id", "csrf_token"):
                continue
            if not name.startswith("qty-"):
                return _("The form has an unknown field %(name)s.", name=name[:40])
            product = self._parse_int(name[4:], 1, 2147483647)
            if product is None:
                return _("The form has an unknown field %(name)s.", name=name[:40])
            if not isinstance(value, str) or not value.strip():
                continue
            units = self._parse_int(value, 0, 10**9)
            if units is None:
                return _("Enter whole numbers of units (0 or more), not %(value)s.", value=str(value)[:20])
            quantities[product] = units
        return recipient, quantities

    @staticmethod
    def _text(value):
        if not isinstance(value, str) or not value.strip():
            return request.env._("Scan, type or paste a code.")
        if len(value) > MAX_TEXT or not value.isprintable():
            return request.env._("A code is at most %(size)s printable characters.", size=MAX_TEXT)
        return None

    @staticmethod
    def _optional_bool(value):
        if value is None or isinstance(value, bool):
            return None
        return request.env._("Expected true or false.")

    @staticmethod
    def _optional_source(value):
        if value is None or value in SOURCES:
            return None
        return request.env._("Expected one of %(values)s.", values=", ".join(SOURCES))

    def _json_body(self, fields, required=()):
        """The request's JSON object, checked: ``(data, None)`` or ``(None, a 400/403 response)``.
        Every field must be known and of its type; the session's CSRF token must be in it."""
        _ = request.env._
        httprequest = request.httprequest
        if httprequest.mimetype != "application/json":
            return None, self._json_error("invalid_request", _("Send the request as JSON."), 415)
        body = httprequest.get_data(cache=False, as_text=False)
        if len(body) > MAX_BODY:
            return None, self._json_error("invalid_request", _("The request is too large."), 413)
        try:
            data = json.loads(body or b"null")
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return None, self._json_error("invalid_request", _("The request must be a JSON object."))
        token = data.pop("csrf_token", None)
        if not isinstance(token, str) or not request.validate_csrf(token):
            return None, self._json_error("invalid_request",
                                          _("This page has expired: reload it and scan again."), 403)
        for name in data:
            if name not in fields:
                return None, self._json_error("invalid_request", _("Unknown field %(name)s.", name=str(name)[:40]))
        for name in required:
            if name not in data:
                return None, self._json_error("invalid_request", _("The field %(name)s is missing.", name=name))
        for name, check in fields.items():
            if name in data:
                message = check(data[name])
                if message:
                    return None, self._json_error("invalid_request", "%s: %s" % (name, message))
        return data, None

    @staticmethod
    def _json(data, status=200):
        return request.make_json_response(data, headers=JSON_HEADERS, status=status)

    def _json_error(self, kind, message, status=400):
        return self._json({"ok": False, "error": kind, "message": message}, status=status)

    def _json_not_found(self):
        return self._json_error("not_found", request.env._("This transfer is not one of yours."), 404)
