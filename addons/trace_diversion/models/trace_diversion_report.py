from odoo import fields, models, tools
from odoo.addons.product_trace.const import LEVELS

from .trace_diversion_alert import STATES
from .trace_diversion_rule import STRENGTHS


class TraceDiversionReport(models.Model):
    """Diverted codes per dealer: one row per code in an alert that was not dismissed (a code
    counts once, however many rules and sightings found it), with the dealer it was shipped
    to, where it was first seen outside that dealer's territory, when, and on which evidence
    (strong where any strong rule found it)."""

    _name = "trace.diversion.report"
    _description = "Diverted Codes Analysis"
    _auto = False
    _rec_name = "code_id"
    _order = "first_seen desc"

    code_id = fields.Many2one("trace.code", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    dealer_id = fields.Many2one("res.partner", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    lot_id = fields.Many2one("stock.lot", readonly=True)
    level = fields.Selection(LEVELS, readonly=True)
    state_id = fields.Many2one("res.country.state", string="Found in Province", readonly=True)
    prefecture_id = fields.Many2one("trace.prefecture", string="Found in City", readonly=True)
    territory_state_id = fields.Many2one("res.country.state", string="Shipped to Province", readonly=True)
    territory_prefecture_id = fields.Many2one("trace.prefecture", string="Shipped to City", readonly=True)
    first_seen = fields.Datetime(string="First Seen Outside", readonly=True)
    strength = fields.Selection(STRENGTHS, readonly=True)
    alert_id = fields.Many2one("trace.diversion.alert", readonly=True)
    alert_state = fields.Selection(STATES, string="Alert Status", readonly=True)
    code_count = fields.Integer(string="Diverted Codes", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            """
            CREATE OR REPLACE VIEW trace_diversion_report AS (
                SELECT DISTINCT ON (e.code_id)
                       e.code_id AS id, e.code_id, e.company_id, a.dealer_id, c.product_id, c.lot_id, c.level,
                       e.state_id, e.prefecture_id, c.territory_state_id, c.territory_prefecture_id,
                       e.seen_date AS first_seen, a.strength, a.id AS alert_id, a.state AS alert_state,
                       1 AS code_count
                  FROM trace_diversion_evidence e
                  JOIN trace_diversion_alert a ON a.id = e.alert_id
                  JOIN trace_code c ON c.id = e.code_id
                 WHERE a.state != 'dismissed'
                 ORDER BY e.code_id, a.strength = 'strong' DESC, e.seen_date, e.id
            )
            """
        )
