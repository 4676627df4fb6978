from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

KINDS = [("inspection", "Inspector's scan"), ("dealer_scan", "Another dealer's scan-in")]
# what the inspector page takes: sizes of its free texts
MAX_SHOP, MAX_NOTE = 128, 1000


class TraceMarketScan(models.Model):
    """A code seen in the market: scanned by an inspector (稽查员) at a shop, or refused to a
    dealer that tried to scan it in while it was shipped to another dealer. With its place
    (province, city, county) and, for an inspector who agreed on the page, the precise
    position. Written by the inspector page and the dealer scan only; the diversion rules read
    them."""

    _name = "trace.market.scan"
    _description = "Market Scan"
    _order = "scan_date desc, id desc"
    _check_company_auto = True
    _rec_name = "code_id"

    kind = fields.Selection(KINDS, required=True, readonly=True, index=True)
    code_id = fields.Many2one("trace.code", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    scan_date = fields.Datetime(string="Scanned On", required=True, readonly=True, index=True,
                                default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", string="Scanned By", required=True, readonly=True,
                              default=lambda self: self.env.user)
    dealer_id = fields.Many2one(
        "res.partner", string="Scanning Dealer", readonly=True,
        help="The dealer that tried to scan in a code shipped to another dealer.")
    picking_id = fields.Many2one("stock.picking", string="Dealer Receipt", readonly=True)
    shipped_dealer_id = fields.Many2one(
        "res.partner", string="Shipped to Dealer", readonly=True,
        help="The dealer the code was shipped to, when it was scanned here.")
    shop = fields.Char(readonly=True, help="Where the inspector found the goods (shop name and address).")
    note = fields.Text(readonly=True)
    state_id = fields.Many2one("res.country.state", string="Province", readonly=True)
    prefecture_id = fields.Many2one("trace.prefecture", string="City", readonly=True)
    county_id = fields.Many2one("trace.county", readonly=True)
    detail = fields.Char(compute="_compute_detail", store=True, readonly=True,
                         help="What the evidence says of this scan besides its place.")
    located = fields.Boolean(string="Position Shared", readonly=True)
    latitude = fields.Float(digits=(10, 6), readonly=True)
    longitude = fields.Float(digits=(10, 6), readonly=True)

    @api.depends("kind", "shop", "dealer_id")
    def _compute_detail(self):
        # what the evidence (and its PDF, for the dealer) says besides the source: the shop or the
        # dealer that tried the scan-in; never the inspector, whom the dealer is not to know
        for scan in self:
            scan.detail = (scan.dealer_id.display_name if scan.kind == "dealer_scan" else scan.shop) or False

    # ------------------------------------------------------------------------------------------
    # The inspector page
    # ------------------------------------------------------------------------------------------

    @api.model
    def _trace_inspect(self, text, prefecture_id, county_id=None, shop=None, note=None, position=None):
        """Record that the logged-in inspector found the code ``text`` in the market, at
        ``prefecture_id`` (and ``county_id``) in the shop ``shop``; ``position``
        ``(latitude, longitude)`` only where the inspector agreed to share it on the page. Runs
        the company's inspection rules for this code at once and answers what the inspector
        sees: the code's product, lot, the dealer and territory it was shipped for, and the
        alert it raised or joined. A bad input raises ``UserError`` and records nothing."""
        user = self.env.user
        if not user.has_group("trace_diversion.group_trace_inspector"):
            raise AccessError(self.env._("Only an inspector records what is found in the market."))
        prefecture = self.env["trace.prefecture"].sudo().browse(prefecture_id).exists()
        if not prefecture:
            raise UserError(self.env._("Choose the city where the goods were found."))
        county = self.env["trace.county"].sudo().browse(county_id).exists() if county_id else None
        if county_id and (not county or county.prefecture_id != prefecture):
            raise UserError(self.env._("Choose a county of %(city)s.", city=prefecture.name))
        code = self._trace_own_code(text)
        values = {
            "kind": "inspection", "code_id": code.id, "company_id": code.company_id.id, "user_id": user.id,
            "shipped_dealer_id": code.dealer_id.id, "shop": (shop or "").strip()[:MAX_SHOP] or False,
            "note": (note or "").strip()[:MAX_NOTE] or False, "state_id": prefecture.state_id.id,
            "prefecture_id": prefecture.id, "county_id": county.id if county else False,
        }
        if position:
            values.update(located=True, latitude=round(position[0], 6), longitude=round(position[1], 6))
        scan = self.sudo().search([
            ("kind", "=", "inspection"), ("code_id", "=", code.id), ("user_id", "=", user.id),
            ("prefecture_id", "=", prefecture.id), ("scan_date", ">", fields.Datetime.now() - timedelta(hours=1)),
        ], limit=1)
        if scan:  # the same unit scanned again on the same visit: one sighting
            return scan._trace_answer(again=True)
        scan = self.sudo().create(values)
        if code.dealer_id:
            self.env["trace.diversion.rule"].sudo()._trace_evaluate(
                code.company_id, sources=("inspection",), dealer_ids=code.dealer_id.ids, wait=False)
        return scan._trace_answer()

    def _local_date(self, when):
        """``when``'s date in the company's time zone (China's where it has none), as the evidence PDF dates it."""
        tz = self.company_id.partner_id.tz or "Asia/Shanghai"
        return fields.Date.to_string(fields.Datetime.context_timestamp(self.with_context(tz=tz), when).date())

    @api.model
    def _trace_own_code(self, text):
        """The code ``text`` names, of one of the user's companies; any other is unknown (an
        inspector learns nothing of other companies' codes)."""
        if isinstance(text, str) and text.strip().isdigit() and len(text.strip()) in (8, 12, 13, 14):
            raise UserError(self.env._("This is the product's barcode, the same on every unit: scan the unit's own "
                                       "code (the QR code or the code printed under it)."))
        try:
            code = self.env["trace.code"].sudo()._resolve(text)
        except UserError:
            code = None
        if not code or code.company_id not in self.env.user.company_ids:
            raise UserError(self.env._("This code is not one of ours: keep the goods as evidence of a forgery."))
        return code

    def _trace_answer(self, again=False):
        """What the inspector page shows of this scan (a whitelist): the alert it is evidence of."""
        self.ensure_one()
        code = self.code_id.sudo()
        territory = code._trace_territory_name()
        alert = self.env["trace.diversion.evidence"].sudo().search(
            [("market_scan_id", "=", self.id)], order="id", limit=1).alert_id
        if code.activation != "active":
            verdict = "not_active"
            message = self.env._("This code was printed but never activated on a line: the goods are probably "
                                 "counterfeit (a leaked label). Keep them as evidence.")
        elif not code.dealer_id:
            verdict = "not_shipped"
            message = self.env._("This code was never shipped to a dealer: find out how it reached the market.")
        elif alert:
            verdict = "diverted"
            message = self.env._("Outside the territory of %(dealer)s: recorded in alert %(alert)s.",
                                 dealer=code.dealer_id.display_name, alert=alert.name)
        else:
            verdict = "recorded"
            message = self.env._("Recorded. No rule finds it outside the territory it was shipped for.")
        if again:
            message = self.env._("Scanned here already: %(message)s", message=message)
        env = self.env
        goods = code.product_id.display_name or ""
        if code.lot_id:
            goods = env._("%(product)s, lot %(lot)s", product=goods, lot=code.lot_id.name)
        shipment = ""
        if code.dealer_id:
            shipment = env._("Shipped to %(dealer)s for %(territory)s on %(date)s", dealer=code.dealer_id.display_name,
                             territory=territory or "-",
                             date=self._local_date(code.shipped_date) if code.shipped_date else "-")
        return {"ok": True, "verdict": verdict, "message": message, "code": code.name, "goods": goods,
                "shipment": shipment, "alert": alert.name or ""}

    # ------------------------------------------------------------------------------------------
    # A dealer's refused scan-in
    # ------------------------------------------------------------------------------------------

    @api.model
    def _trace_record_dealer_scan(self, receipt, text):
        """``receipt``'s dealer tried to scan in ``text``, refused as shipped to someone else:
        where the dealer is, the code showed up. Recorded once per receipt and code; the
        company's dealer-scan rules run for it at once."""
        try:
            code = self.env["trace.code"].sudo()._resolve(text)
        except UserError:
            return
        dealer = receipt.trace_dealer_id
        if not code.dealer_id or code.dealer_id == dealer or code.company_id != receipt.company_id:
            return
        if self.sudo().search_count([("kind", "=", "dealer_scan"), ("code_id", "=", code.id),
                                     ("picking_id", "=", receipt.id)], limit=1):
            return
        state, prefecture, county = dealer._trace_address_place()
        self.sudo().create({
            "kind": "dealer_scan", "code_id": code.id, "company_id": code.company_id.id, "user_id": self.env.uid,
            "dealer_id": dealer.id, "picking_id": receipt.id, "shipped_dealer_id": code.dealer_id.id,
            "state_id": state.id, "prefecture_id": prefecture.id, "county_id": county.id,
        })
        self.env["trace.diversion.rule"].sudo()._trace_evaluate(
            code.company_id, sources=("dealer_scan",), dealer_ids=code.dealer_id.ids, wait=False)

    @api.model
    def _trace_places(self):
        """The cities an inspector chooses from, by province: ``[{"name", "cities": [{"id", "name"}]}]``."""
        prefectures = self.env["trace.prefecture"].sudo().search([("country_id.code", "=", "CN")])
        provinces = {}
        for prefecture in prefectures:
            provinces.setdefault(prefecture.state_id, []).append({"id": prefecture.id, "name": prefecture.name})
        return [{"name": state.name, "cities": cities} for state, cities in provinces.items()]

    @api.model
    def _trace_counties(self, prefecture_id):
        counties = self.env["trace.county"].sudo().search([("prefecture_id", "=", prefecture_id)])
        return [{"id": county.id, "name": county.name} for county in counties]
