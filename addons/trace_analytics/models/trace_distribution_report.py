from datetime import timedelta

from odoo import api, fields, models, tools

# what the dashboard offers: a period by how far back it reaches (days; None is all)
PERIODS = {"30d": 30, "90d": 90, "365d": 365, "all": None}
MEASURES = ("shipped_count", "received_count", "sold_count", "channel_count", "returned_count")


class TraceDistributionReport(models.Model):
    """Every shipped unit once, where it stands in the network (销售与渠道): shipped by the
    company; received by a dealer (scanned in on the portal: held at a dealer's location now,
    or shipped on by a dealer since); sold through (shipped on by a dealer to a shop or
    customer, or verified by a consumer); in the channel (shipped, not sold through, not
    returned); returned. By the place and dealer it was last shipped for, the dealer's level,
    product, lot and shipment date. A view of the registry's current state: real time, one code
    counted once."""

    _name = "trace.distribution.report"
    _inherit = ["trace.analytics.report"]
    _description = "Sales and Distribution Analysis"
    _auto = False
    _rec_name = "product_id"
    _order = "shipped_date desc"

    company_id = fields.Many2one("res.company", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    lot_id = fields.Many2one("stock.lot", readonly=True)
    dealer_id = fields.Many2one("res.partner", readonly=True)
    dealer_level = fields.Integer(string="Network Level", readonly=True, aggregator=False,
                                  help="1 for a top-level dealer, 2 for its sub-dealers...; 0 where the unit went to no dealer.")
    territory_state_id = fields.Many2one("res.country.state", string="Province", readonly=True)
    territory_prefecture_id = fields.Many2one("trace.prefecture", string="City", readonly=True)
    territory_county_id = fields.Many2one("trace.county", string="County", readonly=True)
    shipped_date = fields.Datetime(string="Shipped On", readonly=True)
    shipped_count = fields.Integer(string="Units Shipped", readonly=True)
    received_count = fields.Integer(string="Received by Dealers", readonly=True)
    sold_count = fields.Integer(string="Sold Through", readonly=True,
                                help="Shipped on by a dealer to a shop or customer, or verified by a consumer.")
    channel_count = fields.Integer(string="Stock in the Channel", readonly=True,
                                   help="Shipped, not sold through and not returned.")
    returned_count = fields.Integer(string="Returned", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            """
            CREATE OR REPLACE VIEW trace_distribution_report AS (
                SELECT x.id, x.company_id, x.product_id, x.lot_id, x.dealer_id, x.dealer_level, x.territory_state_id,
                       x.territory_prefecture_id, x.territory_county_id, x.shipped_date, 1 AS shipped_count,
                       (NOT x.returned AND (x.at_dealer OR x.dealer_shipment))::int AS received_count,
                       (NOT x.returned AND x.sold)::int AS sold_count,
                       (NOT x.returned AND NOT x.sold)::int AS channel_count,
                       x.returned::int AS returned_count
                  FROM (
                    SELECT c.id, c.company_id, c.product_id, c.lot_id, c.dealer_id,
                           coalesce(d.trace_dealer_level, 0) AS dealer_level, c.territory_state_id,
                           c.territory_prefecture_id, c.territory_county_id, c.shipped_date,
                           coalesce(c.custody = 'returned', false) AS returned,
                           l.trace_dealer_id IS NOT NULL AS at_dealer,
                           coalesce(pt.trace_dealer_kind = 'shipment', false) AS dealer_shipment,
                           coalesce(pt.trace_dealer_kind = 'shipment' AND NOT coalesce(h.trace_is_dealer, false), false)
                               OR s.code_id IS NOT NULL AS sold
                      FROM trace_code c
                      LEFT JOIN res_partner d ON d.id = c.dealer_id
                      LEFT JOIN res_partner h ON h.id = c.holder_id
                      LEFT JOIN stock_location l ON l.id = c.location_id
                      LEFT JOIN stock_picking p ON p.id = c.shipment_id
                      LEFT JOIN stock_picking_type pt ON pt.id = p.picking_type_id
                      LEFT JOIN trace_verification_stat s ON s.code_id = c.id
                     WHERE c.level = 'unit' AND c.shipped_date IS NOT NULL
                  ) x
            )
            """
        )

    @api.model
    def _dashboard_domain(self, period):
        days = PERIODS[period if isinstance(period, str) and period in PERIODS else "365d"]
        return [("shipped_date", ">=", fields.Datetime.now() - timedelta(days=days))] if days else []

    @api.model
    def trace_dashboard(self, period="365d"):
        """The dashboard's totals and map (called by its screen over RPC: it reads only what
        the user may read) for ``period`` (a key of ``PERIODS``): every province of China with
        its figures (and any other province with goods), the units of no known province, the
        totals (their sum). One grouped read."""
        aggregates = ["%s:sum" % name for name in MEASURES]
        totals = dict.fromkeys(MEASURES, 0)
        unknown = dict.fromkeys(MEASURES, 0)
        by_state = {}
        for state, *values in self._read_group(self._dashboard_domain(period), ["territory_state_id"], aggregates):
            figures = dict(zip(MEASURES, (value or 0 for value in values)))
            for name in MEASURES:
                totals[name] += figures[name]
                if not state:
                    unknown[name] += figures[name]
            if state:
                by_state[state] = figures
        # every province of China on the map (those without goods at 0), and any other with goods
        china = self.env["res.country.state"].sudo().search([("country_id.code", "=", "CN")])
        states = china | self.env["res.country.state"].union(*by_state)
        codes = self.env["trace.province.map"]._state_codes()
        provinces = [{"id": state.id, "name": state.name, "code": codes.get(state.id),
                      **by_state.get(state, dict.fromkeys(MEASURES, 0))} for state in states]
        return {"totals": totals, "provinces": provinces, "unknown": unknown,
                "outlines": self.env["trace.province.map"]._shapes()}

    @api.model
    def trace_dashboard_cities(self, period="365d", state_id=None):
        """The cities of the province ``state_id`` with their figures, most units first (the
        map's drill-down; over RPC like :meth:`trace_dashboard`). One grouped read."""
        if isinstance(state_id, bool) or not isinstance(state_id, int) or not 0 < state_id < 2**31:
            return {"state": None, "cities": []}
        state = self.env["res.country.state"].browse(state_id).exists()
        if not state:
            return {"state": None, "cities": []}
        groups = self._read_group(self._dashboard_domain(period) + [("territory_state_id", "=", state.id)],
                                  ["territory_prefecture_id"], ["%s:sum" % name for name in MEASURES])
        cities = [dict(zip(("id", "name", *MEASURES), (city.id, city.name or self.env._("City not known"), *values)))
                  for city, *values in groups]
        return {"state": {"id": state.id, "name": state.name},
                "cities": sorted(cities, key=lambda row: -row["shipped_count"])}
