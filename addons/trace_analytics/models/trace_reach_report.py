from odoo import fields, models, tools


class TraceReachReport(models.Model):
    """Every shipped unit once, with whether consumers verified it: how far goods reach the
    people who buy them, by product, lot, dealer, territory and period. A view of the registry
    (real time: it reads the codes and their running verification counts), never a copy."""

    _name = "trace.reach.report"
    _inherit = ["trace.analytics.report"]
    _description = "Shipped Units Reached by Consumers"
    _auto = False
    _rec_name = "product_id"
    _order = "shipped_date desc"

    company_id = fields.Many2one("res.company", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    lot_id = fields.Many2one("stock.lot", readonly=True)
    dealer_id = fields.Many2one("res.partner", string="Shipped to Dealer", readonly=True)
    territory_state_id = fields.Many2one("res.country.state", string="Province", readonly=True)
    territory_prefecture_id = fields.Many2one("trace.prefecture", string="City", readonly=True)
    territory_county_id = fields.Many2one("trace.county", string="County", readonly=True)
    shipped_date = fields.Datetime(string="Shipped On", readonly=True)
    shipped_count = fields.Integer(string="Units Shipped", readonly=True)
    verified_count = fields.Integer(string="Units Verified", readonly=True)
    verified_share = fields.Float(
        string="Share Verified", readonly=True, aggregator="avg", digits=(16, 3),
        help="The share of the shipped units that consumers verified at least once (0 to 1).",
    )
    verification_count = fields.Integer(string="Verifications", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            """
            CREATE OR REPLACE VIEW trace_reach_report AS (
                SELECT c.id, c.company_id, c.product_id, c.lot_id, c.dealer_id, c.territory_state_id,
                       c.territory_prefecture_id, c.territory_county_id, c.shipped_date,
                       1 AS shipped_count,
                       (s.code_id IS NOT NULL)::int AS verified_count,
                       (s.code_id IS NOT NULL)::int::float AS verified_share,
                       coalesce(s.count, 0) AS verification_count
                  FROM trace_code c
                  LEFT JOIN trace_verification_stat s ON s.code_id = c.id
                 WHERE c.level = 'unit' AND c.shipped_date IS NOT NULL
            )
            """
        )
