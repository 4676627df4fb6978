from odoo import fields, models, tools

WEEKDAYS = [("1", "Monday"), ("2", "Tuesday"), ("3", "Wednesday"), ("4", "Thursday"), ("5", "Friday"),
            ("6", "Saturday"), ("7", "Sunday")]


class TraceVerificationReport(models.Model):
    """Consumer verifications, aggregated: when (the hour and weekday in the company's time
    zone), where (country, province, city of the IP database), what (product, lot), whether a
    code's first verification or a repeat, and for first ones the days since shipment. The
    verification records hold no personal data; this view adds none."""

    _name = "trace.verification.report"
    _inherit = ["trace.analytics.report"]
    _description = "Consumer Verifications Analysis"
    _auto = False
    _rec_name = "product_id"
    _order = "verify_date desc"

    company_id = fields.Many2one("res.company", readonly=True)
    verify_date = fields.Datetime(string="Verified On", readonly=True)
    hour = fields.Integer(string="Hour of Day", readonly=True, aggregator=False,
                          help="In the company's time zone (China's where it has none).")
    weekday = fields.Selection(WEEKDAYS, readonly=True)
    country_code = fields.Char(string="Country", readonly=True)
    province = fields.Char(readonly=True)
    city = fields.Char(readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    lot_id = fields.Many2one("stock.lot", readonly=True)
    territory_state_id = fields.Many2one("res.country.state", string="Shipped to Province", readonly=True)
    verification_count = fields.Integer(string="Verifications", readonly=True)
    first_count = fields.Integer(string="First Verifications", readonly=True,
                                 help="The first consumer verification of each code: the codes verified.")
    repeat_count = fields.Integer(string="Repeat Verifications", readonly=True)
    repeat_share = fields.Float(string="Repeat Rate", readonly=True, aggregator="avg", digits=(16, 3),
                                help="The share of verifications that repeat an earlier one of the same code.")
    days_to_first = fields.Float(
        string="Days from Shipment to First Verification", readonly=True, aggregator="avg", digits=(16, 1))

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # a code's first verification: the one its running counts name. The code is a LEFT JOIN
        # (every verification has one): PostgreSQL drops it where no column of it is asked for
        self.env.cr.execute(
            """
            CREATE OR REPLACE VIEW trace_verification_report AS (
                SELECT v.id, v.company_id, v.verify_date,
                       extract(hour FROM (v.verify_date AT TIME ZONE 'UTC') AT TIME ZONE tz.name)::int AS hour,
                       extract(isodow FROM (v.verify_date AT TIME ZONE 'UTC') AT TIME ZONE tz.name)::int::varchar
                           AS weekday,
                       v.country_code, v.province, v.city, c.product_id, c.lot_id, c.territory_state_id,
                       1 AS verification_count,
                       (v.id IS NOT DISTINCT FROM s.first_verification_id)::int AS first_count,
                       (v.id IS DISTINCT FROM s.first_verification_id)::int AS repeat_count,
                       (v.id IS DISTINCT FROM s.first_verification_id)::int::float AS repeat_share,
                       CASE WHEN v.id = s.first_verification_id
                            THEN extract(epoch FROM v.verify_date - c.shipped_date) / 86400 END AS days_to_first
                  FROM trace_verification v
                  LEFT JOIN trace_code c ON c.id = v.code_id
                  LEFT JOIN trace_verification_stat s ON s.code_id = v.code_id
                  JOIN (SELECT co.id, coalesce(nullif(cp.tz, ''), 'Asia/Shanghai') AS name
                          FROM res_company co JOIN res_partner cp ON cp.id = co.partner_id) tz ON tz.id = v.company_id
                 WHERE v.audience = 'consumer'
            )
            """
        )
