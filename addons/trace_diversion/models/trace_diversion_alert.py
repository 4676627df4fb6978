from markupsafe import Markup
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

STATES = [("new", "New"), ("confirmed", "Confirmed"), ("dismissed", "Dismissed"), ("closed", "Closed")]
# what a user may write on an alert; the rest is the evaluation's or the buttons'
EDITABLE = {"user_id", "resolution"}
# the codes an evidence PDF lists (the alert lists them all)
PDF_CODES = 500


class TraceDiversionAlert(models.Model):
    """A diversion case: codes shipped to one dealer seen outside its territory in one place,
    found by one rule, with the evidence of every sighting. New alerts are confirmed (a case to
    follow up with the dealer: an activity) or dismissed (travellers, a known exception), then
    closed; each step says why and is logged."""

    _name = "trace.diversion.alert"
    _description = "Diversion Alert"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _mail_post_access = "read"
    _order = "last_seen desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False,
                       default=lambda self: self.env._("New"))
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    rule_id = fields.Many2one("trace.diversion.rule", required=True, readonly=True, index=True,
                              ondelete="restrict")
    source = fields.Selection(string="Evidence From", related="rule_id.source", store=True)
    strength = fields.Selection(related="rule_id.strength", store=True)
    dealer_id = fields.Many2one("res.partner", required=True, readonly=True, index=True,
                                help="The dealer the codes were shipped to.")
    dealer_territory = fields.Char(related="dealer_id.trace_territory_summary", string="Dealer's Territory")
    state_id = fields.Many2one("res.country.state", string="Found in Province", required=True, readonly=True)
    prefecture_id = fields.Many2one("trace.prefecture", string="Found in City", readonly=True)
    county_id = fields.Many2one("trace.county", string="Found in County", readonly=True)
    place = fields.Char(string="Found In", compute="_compute_place")
    first_seen = fields.Datetime(readonly=True)
    last_seen = fields.Datetime(readonly=True, index=True)
    code_count = fields.Integer(string="Codes", readonly=True)
    sighting_count = fields.Integer(string="Sightings", readonly=True)
    evidence_ids = fields.One2many("trace.diversion.evidence", "alert_id", readonly=True)
    state = fields.Selection(STATES, default="new", required=True, readonly=True, tracking=True, index=True)
    user_id = fields.Many2one("res.users", string="Responsible", tracking=True, check_company=True)
    resolution = fields.Text(tracking=True, help="What was found and done: required to dismiss or close.")

    @api.depends("state_id", "prefecture_id", "county_id")
    def _compute_place(self):
        for alert in self:
            alert.place = " ".join(filter(None, [alert.state_id.name, alert.prefecture_id.name, alert.county_id.name]))

    def _key(self):
        self.ensure_one()
        return (self.dealer_id.id, self.state_id.id, self.prefecture_id.id or None, self.county_id.id or None)

    # ------------------------------------------------------------------------------------------
    # The ORM: alerts come from the rules, their state from the buttons
    # ------------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(self.env._("Alerts are raised by the diversion rules only."))
        for vals in vals_list:
            vals["name"] = self.env["ir.sequence"].next_by_code("trace.diversion.alert") or vals.get("name")
            rule = self.env["trace.diversion.rule"].browse(vals["rule_id"])
            vals.setdefault("user_id", rule.user_id.id)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and set(vals) - EDITABLE:
            raise AccessError(self.env._("An alert's evidence comes from its rule; its state changes with its buttons."))
        return super().write(vals)

    def _update_counts(self):
        """Codes, sightings, first and last seen from the evidence (one grouped statement)."""
        self.env.cr.execute(
            """UPDATE trace_diversion_alert a
                  SET code_count = x.codes, sighting_count = x.sightings, first_seen = x.first, last_seen = x.last
                 FROM (SELECT alert_id, count(DISTINCT code_id) AS codes, count(*) AS sightings,
                              min(seen_date) AS first, max(seen_date) AS last
                         FROM trace_diversion_evidence WHERE alert_id = ANY(%s) GROUP BY alert_id) x
                WHERE a.id = x.alert_id""",
            [self.ids],
        )
        self.invalidate_recordset(["code_count", "sighting_count", "first_seen", "last_seen", "evidence_ids"])

    def _announce(self):
        """The alert's first message (what was found, by which rule) and the follow-up activity
        of its responsible."""
        self.ensure_one()
        body = Markup("<p>%s</p><p>%s</p>") % (
            self.env._("%(codes)s codes shipped to %(dealer)s were seen in %(place)s, outside its territory.",
                       codes=self.code_count, dealer=self.dealer_id.display_name, place=self.place),
            self.rule_id._describe(),
        )
        self.message_post(body=body, author_id=self._author().id, message_type="notification",
                          subtype_xmlid="mail.mt_note")
        if self.user_id:
            self.activity_schedule(
                "mail.mail_activity_data_todo", user_id=self.user_id.id,
                summary=self.env._("Check the diversion of %(dealer)s", dealer=self.dealer_id.display_name))

    def _author(self):
        """Who the alert's messages come from: the company, else Odoo's own sender."""
        partner = self.company_id.partner_id
        return partner if partner.email else self.env.ref("base.partner_root")

    # ------------------------------------------------------------------------------------------
    # Following up
    # ------------------------------------------------------------------------------------------

    def _check_manager(self):
        if not self.env.user.has_group("product_trace.group_trace_manager"):
            raise AccessError(self.env._("Only a Traceability Manager decides on a diversion alert."))

    def _set_state(self, state, allowed, message):
        self._check_manager()
        labels = dict(self._fields["state"]._description_selection(self.env))
        for alert in self:
            if alert.state not in allowed:
                raise UserError(self.env._("%(alert)s is %(current)s: it cannot become %(state)s.", alert=alert.name,
                                           current=labels[alert.state], state=labels[state]))
        self.sudo().write({"state": state})
        for alert in self:
            alert.message_post(body=Markup("<p>%s</p>") % message, message_type="comment",
                               subtype_xmlid="mail.mt_note")

    def action_confirm(self):
        """A case to follow up with the dealer: an activity for its responsible (else the user)."""
        self._set_state("confirmed", ("new",), self.env._("Confirmed as a diversion case."))
        for alert in self:
            alert.activity_schedule(
                "mail.mail_activity_data_todo", user_id=(alert.user_id or self.env.user).id,
                summary=self.env._("Follow up the diversion with %(dealer)s", dealer=alert.dealer_id.display_name))
        return True

    def _require_resolution(self):
        for alert in self:
            if not (alert.resolution or "").strip():
                raise UserError(self.env._("Write the resolution of %(alert)s first: it stays on record.",
                                           alert=alert.name))

    def action_dismiss(self):
        """Not a diversion (travellers, a known exception): its sightings never alert this rule again."""
        self._require_resolution()
        self._set_state("dismissed", ("new", "confirmed"), self.env._("Dismissed: not a diversion."))
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def action_close(self):
        self._require_resolution()
        self._set_state("closed", ("confirmed",), self.env._("Closed."))
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_send_evidence(self):
        """Send the evidence bundle (PDF) to the dealer: Odoo's mail composer, the PDF attached."""
        self.ensure_one()
        self._check_manager()
        template = self.env.ref("trace_diversion.mail_template_diversion_evidence")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Evidence to Dealer"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": self._name, "default_res_ids": self.ids, "default_template_id": template.id,
                "default_composition_mode": "comment", "default_partner_ids": self.dealer_id.ids,
                "force_email": True,
            },
        }

    # ------------------------------------------------------------------------------------------
    # The evidence bundle
    # ------------------------------------------------------------------------------------------

    def _evidence_bundle(self):
        """What the evidence PDF shows: ``{"codes": [{code, product, lot, shipped, shipment,
        territory, sightings: [{date, place, by}]}], "counts", "more"}`` (sentences), the codes
        in the order they were first seen, at most ``PDF_CODES`` of them; dates in the company's
        zone."""
        self.ensure_one()
        sources = dict(self.env["trace.diversion.evidence"]._fields["kind"]._description_selection(self.env))
        by_code = {}
        # the first sightings only: a consumer alert may hold a hundred thousand
        first = self.env["trace.diversion.evidence"].search(
            [("alert_id", "=", self.id)], order="seen_date, id", limit=PDF_CODES * 10)
        for evidence in first:
            entry = by_code.get(evidence.code_id)
            if entry is None:
                if len(by_code) >= PDF_CODES:
                    continue
                # the alert is readable: what it says of its codes is, whoever prints it
                code = evidence.code_id.sudo()
                entry = by_code[code] = {
                    "code": code.name, "product": code.product_id.display_name or "", "lot": code.lot_id.name or "",
                    "shipped": self._local(code.shipped_date), "shipment": code.shipment_id.name or "",
                    "territory": code._trace_territory_name(),
                    "sightings": [],
                }
            entry["sightings"].append({
                "date": self._local(evidence.seen_date), "place": evidence._place(),
                "by": ": ".join(filter(None, [sources.get(evidence.kind), evidence.detail])),
            })
        more = max(self.code_count - len(by_code), 0)
        return {
            "codes": list(by_code.values()),
            "counts": self.env._("%(codes)s codes, %(sightings)s sightings", codes=self.code_count,
                                 sightings=self.sighting_count),
            "more": self.env._("And %(count)s more codes: the alert in Odoo lists them all.", count=more) if more else "",
        }

    def _local(self, when):
        if not when:
            return ""
        return fields.Datetime.to_string(fields.Datetime.context_timestamp(
            self.with_context(tz=self.company_id.partner_id.tz or "Asia/Shanghai"), when))[:16]
