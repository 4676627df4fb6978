from odoo import fields, models

from .trace_diversion_rule import SOURCES


class TraceDiversionEvidence(models.Model):
    """One sighting of a code outside its dealer's territory, as evidence of an alert: which
    code, when and where it was seen, by which source. A sighting is evidence of a rule once
    (the unique keys), so an alert never counts it twice and a dismissed alert's sightings do
    not come back. Written by the rules' evaluation only."""

    _name = "trace.diversion.evidence"
    _description = "Diversion Evidence"
    _order = "seen_date desc, id desc"
    _check_company_auto = True

    alert_id = fields.Many2one("trace.diversion.alert", required=True, readonly=True, ondelete="cascade", index=True)
    rule_id = fields.Many2one("trace.diversion.rule", required=True, readonly=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    kind = fields.Selection(SOURCES, string="Source", required=True, readonly=True)
    code_id = fields.Many2one("trace.code", required=True, readonly=True, index=True)
    seen_date = fields.Datetime(string="Seen On", required=True, readonly=True)
    state_id = fields.Many2one("res.country.state", string="Province", readonly=True)
    prefecture_id = fields.Many2one("trace.prefecture", string="City", readonly=True)
    county_id = fields.Many2one("trace.county", readonly=True)
    detail = fields.Char(readonly=True)
    verification_id = fields.Many2one("trace.verification", readonly=True, index="btree_not_null")
    market_scan_id = fields.Many2one("trace.market.scan", readonly=True, index="btree_not_null")
    product_id = fields.Many2one(related="code_id.product_id")
    lot_id = fields.Many2one(related="code_id.lot_id")
    shipped_date = fields.Datetime(related="code_id.shipped_date")
    shipment_id = fields.Many2one(related="code_id.shipment_id")
    territory_state_id = fields.Many2one(related="code_id.territory_state_id")
    territory_prefecture_id = fields.Many2one(related="code_id.territory_prefecture_id")
    territory_county_id = fields.Many2one(related="code_id.territory_county_id")

    _sql_constraints = [
        ("rule_verification_uniq", "unique(rule_id, verification_id)", "This verification is evidence of this rule."),
        ("rule_market_scan_uniq", "unique(rule_id, market_scan_id)", "This scan is evidence of this rule."),
    ]

    territory = fields.Char(string="Shipped for", compute="_compute_territory",
                            help="The place the code's shipment bound it to (province, city, county).")

    def _compute_territory(self):
        for evidence in self:
            evidence.territory = evidence.code_id.sudo()._trace_territory_name()

    def _place(self):
        self.ensure_one()
        return " ".join(filter(None, [self.state_id.name, self.prefecture_id.name, self.county_id.name]))
