import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

_logger = logging.getLogger(__name__)

SOURCES = [
    ("inspection", "An inspector's scan"),
    ("dealer_scan", "Another dealer's scan-in"),
    ("consumer", "Consumer verifications"),
]
LEVELS = [("state", "Province"), ("prefecture", "City"), ("county", "County")]
STRENGTHS = [("strong", "Strong"), ("weak", "Weak")]
# one evaluation of a company's rules at a time (a transaction-level advisory lock on this key)
LOCK_KEY = 7390311

# Where codes were seen, per source: ``ref_id`` (the verification or market scan), the code, when,
# the place (province, city, county ids; a consumer's from the IP database, so no county) and
# what the evidence says of it besides the place.
_SIGHTINGS = {
    "consumer": """
        SELECT v.id AS ref_id, v.code_id, v.verify_date AS seen, p.state_id, p.prefecture_id,
               NULL::integer AS county_id, concat_ws(' ', v.province, v.city) AS detail
          FROM trace_verification v
          JOIN trace_geoip_place p ON p.province = coalesce(v.province, '') AND p.city = coalesce(v.city, '')
         WHERE v.audience = 'consumer' AND v.company_id = %(company)s AND v.verify_date >= %(since)s""",
    "market": """
        SELECT m.id AS ref_id, m.code_id, m.scan_date AS seen, m.state_id, m.prefecture_id, m.county_id,
               m.detail
          FROM trace_market_scan m
         WHERE m.kind = %(kind)s AND m.company_id = %(company)s AND m.scan_date >= %(since)s""",
}

# The sightings of one rule that are new evidence: outside the territory of the dealer each code
# was shipped to, at the rule's level, not yet evidence of this rule, of a code not cleared by a
# dismissed alert of this rule (the tour group seen once more). The place is cut to the
# rule's level; a level it does not tell (a consumer's county) is given the benefit of the doubt:
# a territory in the same city covers it. The territory is the dealer's authorised one and the
# place the code was shipped for; a code of a dealer with neither cannot be judged.
_CANDIDATES = """
    CREATE TEMP TABLE trace_diversion_candidate ON COMMIT DROP AS
    WITH s AS ({sightings}),
    t AS (
        SELECT s.ref_id, s.code_id, s.seen, s.detail, s.state_id AS seen_state_id,
               s.prefecture_id AS seen_prefecture_id, s.county_id AS seen_county_id, s.state_id,
               CASE WHEN %(level)s IN ('prefecture', 'county') THEN s.prefecture_id END AS prefecture_id,
               CASE WHEN %(level)s = 'county' THEN s.county_id END AS county_id
          FROM s
         WHERE s.state_id IS NOT NULL
    )
    SELECT t.*, c.dealer_id
      FROM t
      JOIN trace_code c ON c.id = t.code_id
     WHERE c.dealer_id IS NOT NULL
       AND (%(only_dealers)s::integer[] IS NULL OR c.dealer_id = ANY(%(only_dealers)s::integer[]))
       AND (c.territory_state_id IS NOT NULL
            OR EXISTS (SELECT 1 FROM trace_dealer_territory d WHERE d.partner_id = c.dealer_id))
       AND NOT (c.territory_state_id IS NOT NULL AND c.territory_state_id = t.state_id
                AND (t.prefecture_id IS NULL OR c.territory_prefecture_id IS NULL
                     OR c.territory_prefecture_id = t.prefecture_id)
                AND (t.county_id IS NULL OR c.territory_county_id IS NULL OR c.territory_county_id = t.county_id))
       AND NOT EXISTS (
            SELECT 1 FROM trace_dealer_territory d
             WHERE d.partner_id = c.dealer_id
               AND (d.state_id = t.state_id
                    OR d.state_id IS NULL
                       AND d.country_id = (SELECT country_id FROM res_country_state WHERE id = t.state_id))
               AND (d.prefecture_id IS NULL OR t.prefecture_id IS NULL OR d.prefecture_id = t.prefecture_id)
               AND (d.county_id IS NULL OR t.county_id IS NULL OR d.county_id = t.county_id))
       AND NOT EXISTS (SELECT 1 FROM trace_diversion_evidence e WHERE e.rule_id = %(rule)s AND e.{ref} = t.ref_id)
       AND NOT EXISTS (SELECT 1 FROM trace_diversion_evidence e JOIN trace_diversion_alert a ON a.id = e.alert_id
                        WHERE e.rule_id = %(rule)s AND e.code_id = t.code_id AND a.state = 'dismissed')
"""

_GROUPS = """
    SELECT dealer_id, state_id, prefecture_id, county_id, count(DISTINCT code_id)
      FROM trace_diversion_candidate GROUP BY 1, 2, 3, 4
"""

_EVIDENCE = """
    INSERT INTO trace_diversion_evidence
           (alert_id, rule_id, company_id, kind, code_id, seen_date, state_id, prefecture_id, county_id, detail,
            {ref}, create_uid, create_date, write_uid, write_date)
    SELECT k.alert_id, %(rule)s, %(company)s, %(kind)s, t.code_id, t.seen, t.seen_state_id, t.seen_prefecture_id,
           t.seen_county_id, left(t.detail, 256), t.ref_id, %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s,
           now() AT TIME ZONE 'UTC'
      FROM trace_diversion_candidate t
      JOIN unnest(%(dealers)s::integer[], %(states)s::integer[], %(prefectures)s::integer[],
                  %(counties)s::integer[], %(alerts)s::integer[]) AS k(dealer_id, state_id, prefecture_id,
                                                                       county_id, alert_id)
        ON k.dealer_id = t.dealer_id AND k.state_id = t.state_id
       AND k.prefecture_id IS NOT DISTINCT FROM t.prefecture_id AND k.county_id IS NOT DISTINCT FROM t.county_id
    ON CONFLICT DO NOTHING
"""


class TraceDiversionRule(models.Model):
    """A rule of diversion checks (窜货稽查): which sightings of a code it reads (inspectors' scans,
    other dealers' scan-ins, consumer verifications), at which level a place counts as outside
    the territory, and how many codes of one dealer must be seen in one place within a window
    before it raises an alert. Rules are a company's records, tuned by its managers: a single
    consumer out of territory is weak evidence (travellers, border towns), an inspector's scan or
    another dealer's scan-in is strong."""

    _name = "trace.diversion.rule"
    _description = "Diversion Rule"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    source = fields.Selection(
        SOURCES, string="Evidence From", required=True, default="inspection",
        help="Where codes are seen: an inspector's scan in the market, a dealer trying to scan in a code shipped "
        "to another dealer, or consumers verifying on the public page (their city from the IP database).")
    level = fields.Selection(
        LEVELS, string="Compare At", required=True, default="prefecture",
        help="The finest level at which a place counts as outside the territory. At Province, goods seen in "
        "another city of a province of the dealer's territory are not diverted.")
    strength = fields.Selection(STRENGTHS, required=True, default="strong")
    min_codes = fields.Integer(
        string="Codes to Raise an Alert", required=True, default=1,
        help="An alert is raised when at least this many different codes shipped to one dealer were seen "
        "outside its territory in one place within the window. An open alert collects every later one.")
    window_days = fields.Integer(
        string="Window (Days)", required=True, default=30, help="How far back sightings count.")
    user_id = fields.Many2one(
        "res.users", string="Responsible", check_company=True,
        help="Gets an activity to follow up each new alert of this rule.")
    alert_count = fields.Integer(string="Alerts", compute="_compute_alert_count")

    _sql_constraints = [
        ("min_codes_positive", "CHECK(min_codes > 0)", "An alert needs at least one code."),
        ("window_positive", "CHECK(window_days > 0)", "The window is at least one day."),
    ]

    @api.constrains("source", "level")
    def _check_level(self):
        for rule in self:
            if rule.source == "consumer" and rule.level == "county":
                raise ValidationError(self.env._(
                    "Consumer verifications are placed by the IP database at the city at best: compare them at "
                    "the city or the province."))

    def _compute_alert_count(self):
        groups = self.env["trace.diversion.alert"]._read_group([("rule_id", "in", self.ids)], ["rule_id"],
                                                                ["__count"])
        counts = {rule.id: count for rule, count in groups}
        for rule in self:
            rule.alert_count = counts.get(rule.id, 0)

    def action_view_alerts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("trace_diversion.action_trace_diversion_alert")
        action["domain"] = [("rule_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------------------------------------

    @api.model
    def _cron_evaluate(self):
        """Every company's active rules over the sightings of their windows (the cron)."""
        companies = self.sudo().search([]).company_id
        for company in companies:
            self._trace_evaluate(company)

    @api.model
    def _trace_evaluate(self, company, sources=None, dealer_ids=None, wait=True):
        """Run ``company``'s active rules (of ``sources`` only, when given) over the sightings of
        their windows (of the codes shipped to ``dealer_ids`` only, when given: a group's count
        is all of the dealer's): new evidence joins the open alert of its rule, dealer and place,
        or raises a new alert where enough codes were seen. Answers
        the alerts that were raised or grew. Set-based: a few statements per rule, whatever the
        number of sightings. One evaluation per company at a time; with ``wait=False`` a busy
        company's evaluation is left to the cron (triggered)."""
        cr = self.env.cr
        if wait:
            cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_KEY, company.id])
        else:
            cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_KEY, company.id])
            if not cr.fetchone()[0]:
                self.env.ref("trace_diversion.ir_cron_trace_diversion_evaluate").sudo()._trigger()
                return self.env["trace.diversion.alert"]
        domain = [("company_id", "=", company.id)]
        if sources:
            domain.append(("source", "in", list(sources)))
        rules = self.sudo().search(domain)
        if any(rule.source == "consumer" for rule in rules):
            since = fields.Datetime.now() - timedelta(days=max(rules.mapped("window_days")))
            self.env["trace.geoip.place"]._trace_resolve_new(company, since)
        self.env.flush_all()
        alerts = self.env["trace.diversion.alert"].sudo()
        for rule in rules:
            alerts |= rule._evaluate(dealer_ids)
        return alerts

    def _evaluate(self, dealer_ids=None):
        self.ensure_one()
        cr = self.env.cr
        consumer = self.source == "consumer"
        sightings = _SIGHTINGS["consumer" if consumer else "market"]
        ref = "verification_id" if consumer else "market_scan_id"
        params = {
            "company": self.company_id.id, "kind": self.source, "rule": self.id, "level": self.level,
            "since": fields.Datetime.now() - timedelta(days=self.window_days),
            "only_dealers": list(dealer_ids) if dealer_ids is not None else None, "uid": self.env.uid,
        }
        cr.execute("DROP TABLE IF EXISTS trace_diversion_candidate")
        cr.execute(_CANDIDATES.format(sightings=sightings, ref=ref), params)
        cr.execute(_GROUPS)
        groups = {(dealer, state, prefecture or None, county or None): codes
                  for dealer, state, prefecture, county, codes in cr.fetchall()}
        Alert = self.env["trace.diversion.alert"].sudo()
        if not groups:
            return Alert
        open_alerts = {alert._key(): alert for alert in Alert.search(
            [("rule_id", "=", self.id), ("state", "in", ("new", "confirmed")),
             ("dealer_id", "in", list({key[0] for key in groups}))])}
        keys = {key: open_alerts[key] for key in groups if key in open_alerts}
        raise_keys = [key for key, codes in groups.items() if key not in keys and codes >= self.min_codes]
        # raised for the company, not by whoever's scan ran the rules: no one follows it by creating it
        new_alerts = Alert.with_context(mail_create_nosubscribe=True).create([
            {"rule_id": self.id, "company_id": self.company_id.id, "dealer_id": dealer, "state_id": state,
             "prefecture_id": prefecture, "county_id": county}
            for dealer, state, prefecture, county in raise_keys
        ]).with_context(mail_create_nosubscribe=False) if raise_keys else Alert
        keys.update(zip(raise_keys, new_alerts))
        if not keys:
            return Alert
        items = list(keys.items())
        cr.execute(_EVIDENCE.format(ref=ref), dict(
            params,
            dealers=[key[0] for key, _alert in items], states=[key[1] for key, _alert in items],
            prefectures=[key[2] for key, _alert in items], counties=[key[3] for key, _alert in items],
            alerts=[alert.id for _key, alert in items]))
        grown = Alert.browse([alert.id for _key, alert in items])
        grown._update_counts()
        for alert in new_alerts:
            alert._announce()
        _logger.info("trace_diversion: rule %s: %s alerts raised, %s grown", self.id, len(new_alerts),
                     len(grown) - len(new_alerts))
        return grown

    def _describe(self):
        """One sentence saying what this rule checks, for the alerts it raises."""
        self.ensure_one()
        sources = dict(self._fields["source"]._description_selection(self.env))
        levels = dict(self._fields["level"]._description_selection(self.env))
        return self.env._(
            "Rule %(rule)s: %(evidence)s; a place outside the territory at the level of %(level)s; at least "
            "%(codes)s different codes of one dealer in one place within %(days)s days.",
            rule=self.name, evidence=sources[self.source], level=levels[self.level], codes=self.min_codes,
            days=self.window_days)
