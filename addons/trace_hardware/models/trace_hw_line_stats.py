from odoo import fields, models, tools
from odoo.tools import SQL

# the monitor shows running batches whole, and other reads of this many days (not the whole ledger)
MONITOR_WINDOW_DAYS = 7


class TraceHwLineStats(models.Model):
    """The line monitor: what the line proxies reported, per station and batch, grouped by
    production line in the views.

    A read-only SQL view over the reads ledger (``trace.hw.read``), the stations' last heartbeat
    and the registry's count deltas (``trace.code.count``), so the figures are the ledger's own and
    never drift from it. The stations' own figures are read from it too. It reads the running
    (confirmed) batches and the last MONITOR_WINDOW_DAYS days only, so its cost follows the
    lines' current work, not the size of the ledger.
    """

    _name = "trace.hw.line.stats"
    _description = "Line Monitor"
    _auto = False
    _order = "last_read desc"
    _rec_name = "station_id"
    _depends = {
        "trace.hw.read": ["station_id", "batch_id", "type", "status", "level", "children", "create_date"],
        "trace.hw.station": ["line_id", "company_id", "backlog", "reads_per_minute", "last_contact"],
        "trace.code.count": ["batch_id", "level", "state", "delta"],
        "trace.batch": ["product_id"],
    }

    station_id = fields.Many2one("trace.hw.station", readonly=True)
    line_id = fields.Many2one("trace.production.line", readonly=True)
    batch_id = fields.Many2one("trace.batch", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    reads = fields.Integer(readonly=True, aggregator="sum")
    units_commissioned = fields.Integer(string="Units Activated", readonly=True, aggregator="sum",
                                        help="Units activated by commissioning reads.")
    cases_packed = fields.Integer(readonly=True, aggregator="sum")
    units_packed = fields.Integer(readonly=True, aggregator="sum", help="Units packed into the cases read here.")
    pallets_packed = fields.Integer(readonly=True, aggregator="sum")
    rejects = fields.Integer(readonly=True, aggregator="sum",
                             help="Reads the proxy rejected (missed labels, wrong counts) and reads refused by Odoo.")
    parked = fields.Integer(string="Waiting for the Code", readonly=True, aggregator="sum")
    exceptions = fields.Integer(readonly=True, aggregator="sum")
    rate_per_minute = fields.Float(string="Rate / min (last 5 min)", readonly=True, aggregator="sum")
    first_read = fields.Datetime(readonly=True, aggregator="min")
    last_read = fields.Datetime(readonly=True, aggregator="max")
    batch_units_active = fields.Integer(string="Batch Units Active (all lines)", readonly=True, aggregator="max")
    backlog = fields.Integer(string="Proxy Backlog", readonly=True, aggregator="sum",
                             help="Reads waiting in the proxy's outbox at its last heartbeat.")
    proxy_rate = fields.Float(string="Reads / min (proxy)", readonly=True, aggregator="sum")
    last_contact = fields.Datetime(readonly=True, aggregator="max")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL(
            """
            CREATE VIEW %s AS
            WITH reads AS (
                SELECT r.station_id, r.batch_id,
                       count(*) AS reads,
                       count(*) FILTER (WHERE r.type = 'commission' AND r.status = 'ok') AS units_commissioned,
                       count(*) FILTER (WHERE r.type = 'aggregate' AND r.status = 'ok'
                                          AND r.level IS DISTINCT FROM 'pallet') AS cases_packed,
                       coalesce(sum(jsonb_array_length(r.children))
                                FILTER (WHERE r.type = 'aggregate' AND r.status = 'ok'
                                          AND r.level IS DISTINCT FROM 'pallet'), 0) AS units_packed,
                       count(*) FILTER (WHERE r.type = 'aggregate' AND r.status = 'ok'
                                          AND r.level = 'pallet') AS pallets_packed,
                       count(*) FILTER (WHERE r.type = 'reject' OR r.status = 'error') AS rejects,
                       count(*) FILTER (WHERE r.status = 'parked') AS parked,
                       count(*) FILTER (WHERE r.status = 'exception') AS exceptions,
                       count(*) FILTER (WHERE r.create_date >= (now() AT TIME ZONE 'UTC') - interval '5 minutes')
                           / 5.0 AS rate_per_minute,
                       min(r.create_date) AS first_read,
                       max(r.create_date) AS last_read
                  FROM trace_hw_read r
                  LEFT JOIN trace_batch rb ON rb.id = r.batch_id
                 WHERE rb.state = 'confirmed'
                    OR r.create_date >= (now() AT TIME ZONE 'UTC') - %s * interval '1 day'
                 GROUP BY r.station_id, r.batch_id
            ), units AS (
                SELECT batch_id, sum(delta) AS active
                  FROM trace_code_count
                 WHERE level = 'unit' AND state IN ('active', 'packed')
                 GROUP BY batch_id
            )
            SELECT (reads.station_id::bigint << 32) + coalesce(reads.batch_id, 0) AS id,
                   reads.station_id, s.line_id, reads.batch_id, b.product_id, s.company_id,
                   reads.reads, reads.units_commissioned, reads.cases_packed, reads.units_packed,
                   reads.pallets_packed, reads.rejects, reads.parked, reads.exceptions, reads.rate_per_minute,
                   reads.first_read, reads.last_read, coalesce(units.active, 0) AS batch_units_active,
                   coalesce(s.backlog, 0) AS backlog, coalesce(s.reads_per_minute, 0) AS proxy_rate,
                   s.last_contact
              FROM reads
              JOIN trace_hw_station s ON s.id = reads.station_id
              LEFT JOIN trace_batch b ON b.id = reads.batch_id
              LEFT JOIN units ON units.batch_id = reads.batch_id
            """,
            SQL.identifier(self._table),
            MONITOR_WINDOW_DAYS,
        ))

    def action_view_reads(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("trace_hardware.trace_hw_read_action")
        action["domain"] = [("station_id", "=", self.station_id.id), ("batch_id", "=", self.batch_id.id or False)]
        return action
