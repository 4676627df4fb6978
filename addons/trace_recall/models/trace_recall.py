from markupsafe import Markup
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

ORIGINS = [
    ("lot", "Finished lots"),
    ("batch", "Production batches"),
    ("material", "A raw-material lot"),
]
# what a recall's scope is made of: frozen once it is confirmed
SCOPE_FIELDS = {"origin", "lot_ids", "batch_ids", "material_lot_id", "supplier_id", "supplier_lot", "company_id",
                "affected_batch_ids"}
LEVELS = ("unit", "case", "pallet")


class TraceRecall(models.Model):
    """A recall: what it covers (finished lots, production batches, or everything made from a
    raw-material lot, ours or a supplier's), why, what the consumer page says, who holds the
    affected goods and how many have come back. Confirming blocks the affected batches (every
    scan but a return from the market refuses their codes; the consumer page shows the notice)
    and notifies each dealer holding them of its own count; lifting is explicit and logged."""

    _name = "trace.recall"
    _description = "Recall"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default=lambda self: self.env._("New"))
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("lifted", "Lifted")],
        default="draft", required=True, readonly=True, copy=False, tracking=True,
    )
    reason = fields.Text(required=True, tracking=True, help="Why the goods are recalled: for the record and the dealers.")
    notice = fields.Text(
        string="Notice to Consumers",
        translate=True,
        help="What the consumer page of every affected unit says (e.g. what to do with it and where to return it).",
    )
    origin = fields.Selection(ORIGINS, string="Recall Of", required=True, default="lot")
    lot_ids = fields.Many2many("stock.lot", string="Finished Lots", check_company=True)
    batch_ids = fields.Many2many("trace.batch", string="Batches", check_company=True)
    material_lot_id = fields.Many2one(
        "stock.lot", string="Raw-Material Lot", check_company=True,
        help="A lot of a raw material as recorded on batches: every batch that used it is affected.",
    )
    supplier_id = fields.Many2one("res.partner", check_company=True)
    supplier_lot = fields.Char(
        help="The supplier's own lot number as recorded on batches: every batch that used it is affected.",
    )
    affected_batch_ids = fields.Many2many(
        "trace.batch", "trace_recall_affected_batch_rel", "recall_id", "batch_id", string="Affected Batches",
        compute="_compute_affected_batch_ids", store=True, readonly=True,
    )
    affected_lot_ids = fields.Many2many("stock.lot", string="Affected Lots", compute="_compute_affected_lot_ids")
    unit_count = fields.Integer(string="Units", compute="_compute_scope")
    market_count = fields.Integer(string="Units in the Market", compute="_compute_scope")
    returned_count = fields.Integer(string="Units Returned", compute="_compute_scope")
    verified_count = fields.Integer(string="Units Verified by Consumers", compute="_compute_scope")
    contact_count = fields.Integer(
        string="Consumers to Tell", compute="_compute_scope",
        help="Consumers who asked on the verification page of an affected unit to be told of a recall.")
    dealer_ids = fields.Many2many("res.partner", string="Dealers to Notify", compute="_compute_scope")
    scope_html = fields.Html(string="Scope", compute="_compute_scope", sanitize=False)
    confirm_date = fields.Datetime(string="Confirmed On", readonly=True, copy=False)
    confirm_uid = fields.Many2one("res.users", string="Confirmed By", readonly=True, copy=False)
    lift_date = fields.Datetime(string="Lifted On", readonly=True, copy=False)
    lift_uid = fields.Many2one("res.users", string="Lifted By", readonly=True, copy=False)
    lift_reason = fields.Text(string="Why Lifted", readonly=True, copy=False)
    notify_pending = fields.Selection(
        [("confirm", "The recall"), ("lift", "Its lifting")], string="Dealers Still to Tell Of", readonly=True,
        copy=False, help="The dealers are told in the background, one message each, right after the recall is "
        "confirmed or lifted.",
    )

    # ------------------------------------------------------------------------------------------
    # Scope
    # ------------------------------------------------------------------------------------------

    @api.depends("origin", "lot_ids", "batch_ids", "material_lot_id", "supplier_id", "supplier_lot", "state")
    def _compute_affected_batch_ids(self):
        Batch = self.env["trace.batch"].sudo()
        for recall in self:
            if recall.state != "draft":
                recall.affected_batch_ids = recall.affected_batch_ids  # what was blocked stays the scope
                continue
            company = [("company_id", "=", recall.company_id.id)]
            if recall.origin == "lot":
                batches = Batch.search(company + [("lot_id", "in", recall.lot_ids.ids)]) if recall.lot_ids else Batch
            elif recall.origin == "batch":
                batches = recall.batch_ids.sudo()
            else:
                batches = Batch.browse(recall._material_batch_ids())
            recall.affected_batch_ids = batches.filtered(lambda b: b.state != "draft")

    def _material_batch_ids(self):
        """The batches whose raw materials name this recall's material lot or supplier lot."""
        self.ensure_one()
        lot = self.supplier_lot and self.supplier_lot.strip()
        if not (self.material_lot_id or lot):
            return []
        domain = [("company_id", "=", self.company_id.id)]
        if self.material_lot_id and lot:
            domain += ["|", ("lot_id", "=", self.material_lot_id.id), ("supplier_lot", "=", lot)]
        elif self.material_lot_id:
            domain += [("lot_id", "=", self.material_lot_id.id)]
        else:
            domain += [("supplier_lot", "=", lot)]
        if self.supplier_id and lot:
            domain += [("supplier_id", "child_of", self.supplier_id.commercial_partner_id.id)]
        components = self.env["trace.batch.component"].sudo().search_fetch(domain, ["batch_id"])
        return components.batch_id.ids

    @api.depends("affected_batch_ids")
    def _compute_affected_lot_ids(self):
        for recall in self:
            recall.affected_lot_ids = recall.affected_batch_ids.sudo().lot_id

    @api.depends("affected_batch_ids")
    def _compute_scope(self):
        for recall in self:
            scope = recall._scope()
            recall.unit_count = scope["totals"]["unit"]
            recall.market_count = scope["market"]
            recall.returned_count = scope["returned"]
            recall.verified_count = scope["verified"]
            recall.contact_count = scope["contacts"]
            recall.dealer_ids = [dealer["id"] for dealer in scope["dealers"]]
            recall.scope_html = recall._scope_html(scope)

    def _scope(self):
        """Where the affected goods are: ``{"totals": {level: n}, "holders": [{custody, location,
        holder, unit, case, pallet}], "dealers": [{id, name, unit}], "market", "returned",
        "verified"}``. Two grouped queries over the codes of the affected batches, whatever their
        number (the holders as trace_stock groups them for a lot)."""
        self.ensure_one()
        batch_ids = self.affected_batch_ids.ids
        totals = dict.fromkeys(LEVELS, 0)
        empty = {"totals": totals, "holders": [], "dealers": [], "market": 0, "returned": 0, "verified": 0,
                 "contacts": 0}
        if not batch_ids:
            return empty
        Code = self.env["trace.code"].sudo()
        groups = Code._trace_holder_groups(SQL("batch_id = ANY(%s)", batch_ids))
        for counts in groups.values():
            for level in LEVELS:
                totals[level] += counts[level]
        holders = Code._trace_holder_rows(groups)
        partners = self.env["res.partner"].sudo().browse({key[2] for key in groups if key[2]})
        # the dealers to notify: the holders that are dealers, and the dealers of the shops holding
        dealers = {}
        for (custody, _location, holder_id), counts in groups.items():
            if not holder_id or custody == "returned":
                continue
            partner = partners.browse(holder_id).commercial_partner_id
            dealer = partner if partner.trace_is_dealer else partner.trace_shop_dealer_id
            if dealer:
                entry = dealers.setdefault(dealer.id, {"id": dealer.id, "name": dealer.display_name, "unit": 0})
                entry["unit"] += counts["unit"]
        # in the market: held by someone outside (on its way, delivered, in a dealer's own stock)
        market = sum(counts["unit"] for (custody, _l, holder_id), counts in groups.items()
                     if holder_id and custody != "returned")
        returned = sum(counts["unit"] for (custody, _l, _h), counts in groups.items() if custody == "returned")
        self.env.cr.execute(
            """SELECT count(*) FROM trace_verification_stat s JOIN trace_code c ON c.id = s.code_id
                WHERE c.batch_id = ANY(%s)""",
            [batch_ids],
        )
        verified = self.env.cr.fetchone()[0]
        self.env.cr.execute(
            """SELECT count(*) FROM trace_recall_contact k JOIN trace_code c ON c.id = k.code_id
                WHERE c.batch_id = ANY(%s)""",
            [batch_ids],
        )
        contacts = self.env.cr.fetchone()[0]
        return {"totals": totals, "holders": holders, "market": market, "returned": returned, "verified": verified,
                "contacts": contacts,
                "dealers": sorted(dealers.values(), key=lambda dealer: -dealer["unit"])}

    def _scope_html(self, scope):
        """The scope as the recall's form shows it: who holds what, the dealers to notify."""
        if not self.affected_batch_ids:
            return Markup("<p class='text-muted'>%s</p>") % self.env._("Nothing is affected yet: choose what is recalled.")

        def table(headers, rows):
            head = Markup("").join(Markup("<th>%s</th>") % header for header in headers)
            body = Markup("").join(
                Markup("<tr>%s</tr>") % Markup("").join(Markup("<td>%s</td>") % ("" if cell is None else cell)
                                                        for cell in row)
                for row in rows
            )
            return Markup("<table class='table table-sm o_trace_recall_table'><thead><tr>%s</tr></thead>"
                          "<tbody>%s</tbody></table>") % (head, body)

        env = self.env
        holders = [(h["custody"], h["location"], h["holder"], h["unit"], h["case"], h["pallet"]) for h in scope["holders"]]
        dealers = [(dealer["name"], dealer["unit"]) for dealer in scope["dealers"]]
        headers = [env._("Custody"), env._("Location"), env._("Holder"), env._("Units"), env._("Cases"),
                   env._("Pallets")]
        parts = [
            Markup("<h5>%s</h5>") % env._("Where the affected goods are"),
            table(headers, holders),
            Markup("<h5>%s</h5>") % env._("Dealers to notify"),
            table([env._("Dealer"), env._("Units held (with its shops)")], dealers) if dealers
            else Markup("<p class='text-muted'>%s</p>") % env._("No dealer holds affected goods."),
            Markup("<p>%s</p>") % env._(
                "%(verified)s affected units were verified by consumers on the public page; %(contacts)s "
                "consumers asked there to be told of a recall of their unit (Consumers to Tell). The other "
                "verifications are anonymous: no one can be contacted from them.",
                verified=scope["verified"], contacts=scope["contacts"],
            ),
        ]
        return Markup("").join(parts)

    # ------------------------------------------------------------------------------------------
    # The ORM: a confirmed recall's scope and state change through its methods only
    # ------------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("state", "draft") != "draft" and not self.env.su:
                raise AccessError(self.env._("A recall starts as a draft."))
            if "affected_batch_ids" in vals and not self.env.su:
                raise AccessError(self.env._("The affected batches follow from what is recalled."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            if {"state", "confirm_date", "confirm_uid", "lift_date", "lift_uid", "lift_reason", "notify_pending"} & set(vals):
                raise AccessError(self.env._("A recall is confirmed and lifted with its buttons only."))
            if SCOPE_FIELDS & set(vals) and any(recall.state != "draft" for recall in self):
                raise UserError(self.env._("The scope of a confirmed recall cannot change: lift it and start a new one."))
            if "affected_batch_ids" in vals:
                raise AccessError(self.env._("The affected batches follow from what is recalled."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(recall.state != "draft" for recall in self):
            raise UserError(self.env._("Only a draft recall can be deleted; a confirmed one stays on record."))

    # ------------------------------------------------------------------------------------------
    # Confirming and lifting
    # ------------------------------------------------------------------------------------------

    def _check_manager(self):
        if not self.env.user.has_group("product_trace.group_trace_manager"):
            raise AccessError(self.env._("Only a Traceability Manager confirms or lifts a recall."))

    def action_confirm(self):
        """Block the affected batches, notify each dealer holding affected goods of its own count."""
        self._check_manager()
        for recall in self:
            if recall.state != "draft":
                raise UserError(self.env._("%(recall)s is not a draft.", recall=recall.name))
            if not recall.affected_batch_ids:
                raise UserError(self.env._("%(recall)s affects nothing: choose what is recalled.", recall=recall.name))
        for recall in self:
            sudo = recall.sudo()
            sudo.affected_batch_ids.write({"trace_blocked": True})
            sudo.write({
                "state": "active",
                "name": self.env["ir.sequence"].next_by_code("trace.recall") or recall.name,
                "confirm_date": fields.Datetime.now(),
                "confirm_uid": self.env.uid,
            })
            sudo.notify_pending = "confirm"
        self.env.ref("trace_recall.ir_cron_trace_recall_notify").sudo()._trigger()
        return True

    def _lift(self, reason):
        """End the recall: its batches are released unless another active recall holds them."""
        self._check_manager()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the recall is lifted: it stays on record."))
        for recall in self:
            if recall.state != "active":
                raise UserError(self.env._("%(recall)s is not active.", recall=recall.name))
            sudo = recall.sudo()
            others = self.sudo().search([("state", "=", "active"), ("id", "!=", recall.id)])
            released = sudo.affected_batch_ids - others.affected_batch_ids
            released.write({"trace_blocked": False})
            sudo.write({"state": "lifted", "lift_date": fields.Datetime.now(), "lift_uid": self.env.uid,
                        "lift_reason": reason})
            recall.message_post(author_id=recall._author().id, body=Markup("<p>%s</p><p>%s</p>") % (
                self.env._("Recall lifted by %(user)s; %(count)s batches released.", user=self.env.user.name,
                           count=len(released)),
                reason,
            ))
            # dealers who were never told of the recall hear nothing of its lifting
            sudo.notify_pending = "lift" if recall.notify_pending != "confirm" else False
        self.env.ref("trace_recall.ir_cron_trace_recall_notify").sudo()._trigger()
        return True

    def _author(self, user=None):
        """Who the recall's messages come from: the user, else the company, else Odoo's own
        sender (a message needs an address: a recall never waits for one)."""
        user = user or self.env.user
        return next((partner for partner in (user.partner_id, self.company_id.partner_id) if partner.email),
                    self.env.ref("base.partner_root"))

    @api.model
    def _cron_notify_dealers(self):
        """Tell the dealers of every recall confirmed or lifted since the last run (and, of a
        confirmed one, the consumers who asked to be told)."""
        for recall in self.sudo().search([("notify_pending", "!=", False)]):
            recall._notify_dealers(recall.notify_pending)
            if recall.notify_pending == "confirm":
                recall._notify_consumers()
            recall.notify_pending = False

    def _notify_dealers(self, kind):
        """One message per dealer holding affected goods, with its own figures only (a dealer
        never learns another's), by e-mail through Odoo's mail queue and, through the outbox, by
        SMS to a dealer with a mobile number and by a WeChat template message to one following
        the company's official account."""
        self.ensure_one()
        env = self.env
        author = self._author(self.confirm_uid)
        lots = ", ".join(self.affected_lot_ids.mapped("display_name"))
        messages = []
        for dealer in self._scope()["dealers"]:
            if kind == "confirm":
                subject = env._("Recall %(recall)s: stop selling these goods", recall=self.name)
                body = Markup("<p>%s</p><p>%s</p><p>%s</p>") % (
                    env._("Recall %(recall)s of %(lots)s.", recall=self.name, lots=lots),
                    self.reason,
                    env._("You hold %(units)s affected units (with your shops): stop selling them and return them. "
                          "Scanning them out is refused from now on.", units=dealer["unit"]),
                )
            else:
                subject = env._("Recall %(recall)s lifted", recall=self.name)
                body = Markup("<p>%s</p><p>%s</p>") % (
                    env._("Recall %(recall)s is lifted: the goods may be sold again.", recall=self.name),
                    self.lift_reason or "",
                )
            self.message_post(subject=subject, body=body, partner_ids=[dealer["id"]], author_id=author.id,
                              message_type="comment", subtype_xmlid="mail.mt_note", force_send=False)
            partner = self.env["res.partner"].browse(dealer["id"])
            number = partner.mobile or partner.phone
            if number:
                sms = (env._("%(company)s recall %(recall)s of %(lots)s: you hold %(units)s units. Stop selling and "
                             "return them.", company=self.company_id.name, recall=self.name, lots=lots,
                             units=dealer["unit"]) if kind == "confirm" else
                       env._("%(company)s: recall %(recall)s is lifted, the goods may be sold again.",
                             company=self.company_id.name, recall=self.name))
                messages.append({"key": "recall-%s-%s-dealer-%s" % (self.id, kind, partner.id), "channel": "sms",
                                 "company_id": self.company_id.id, "recipient": number, "body": sms,
                                 "partner_id": partner.id, "origin": self.name, "res_model": self._name,
                                 "res_id": self.id})
            if partner.trace_wechat_openid and self.company_id.sudo().trace_wechat_recall_template:
                messages.append(self._wechat_notice(partner, kind, subject, dealer["unit"], lots))
        self.env["trace.outbox"].sudo()._enqueue(messages)

    def _wechat_notice(self, partner, kind, subject, units, lots):
        """The recall's template message (模板消息) to a dealer following the official account."""
        env = self.env
        remark = (env._("You hold %(units)s affected units (with your shops): stop selling them and return them.",
                        units=units) if kind == "confirm" else self.lift_reason or "")
        return {
            "key": "recall-%s-%s-wechat-%s" % (self.id, kind, partner.id), "channel": "wechat",
            "company_id": self.company_id.id, "recipient": partner.trace_wechat_openid, "body": subject,
            "partner_id": partner.id, "origin": self.name, "res_model": self._name, "res_id": self.id,
            "payload": {"template_id": self.company_id.sudo().trace_wechat_recall_template, "data": {
                "first": {"value": subject}, "keyword1": {"value": self.name}, "keyword2": {"value": lots},
                "keyword3": {"value": fields.Date.to_string((self.lift_date if kind == "lift" else self.confirm_date)
                                                            or fields.Datetime.now())},
                "remark": {"value": remark[:200]},
            }},
        }

    def _notify_consumers(self):
        """An SMS, in their language, to each consumer who asked on the verification page of an
        affected unit to be told (through the outbox: sent after this transaction)."""
        self.ensure_one()
        contacts = self.env["trace.recall.contact"].sudo().search(
            [("code_id.batch_id", "in", self.affected_batch_ids.ids)])
        messages = []
        for contact in contacts:
            recall = self.with_context(lang=contact.lang or None)
            product = contact.code_id.with_context(lang=contact.lang or None).product_id.display_name
            body = recall.env._("%(company)s recalls %(product)s, lot %(lot)s (%(recall)s). %(notice)s",
                                company=self.company_id.name, product=product, lot=contact.lot_id.name or "-",
                                recall=self.name, notice=recall.notice or "")
            messages.append({"key": "recall-%s-consumer-%s" % (self.id, contact.id), "channel": "sms",
                             "company_id": self.company_id.id, "recipient": contact.phone, "body": body.strip(),
                             "origin": self.name, "res_model": self._name, "res_id": self.id})
        self.env["trace.outbox"].sudo()._enqueue(messages)

    def action_view_contacts(self):
        """The consumers who asked to be told of a recall of an affected unit (their numbers:
        Traceability Managers only read them)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Consumers to Tell"),
            "res_model": "trace.recall.contact",
            "view_mode": "list",
            "domain": [("code_id.batch_id", "in", self.affected_batch_ids.ids)],
        }

    def action_open_lift(self):
        self._check_manager()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Lift the Recall"),
            "res_model": "trace.recall.lift",
            "view_mode": "form",
            "target": "new",
            "context": {"default_recall_id": self.id},
        }

    # ------------------------------------------------------------------------------------------
    # The consumer page
    # ------------------------------------------------------------------------------------------

    @api.model
    def _public_notice(self, serial, lang):
        """``{"name", "since", "notice"}`` of the active recall covering the code ``serial``, in
        ``lang`` (the consumer page of a recalled unit), or ``None``."""
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT r.id FROM trace_code c
                 JOIN trace_recall_affected_batch_rel rel ON rel.batch_id = c.batch_id
                 JOIN trace_recall r ON r.id = rel.recall_id
                WHERE c.name = %s AND r.state = 'active' ORDER BY r.confirm_date DESC, r.id DESC LIMIT 1""",
            [serial],
        )
        found = self.env.cr.fetchone()
        if not found:
            return None
        recall = self.sudo().with_context(lang=lang).browse(found[0])
        return {"name": recall.name, "notice": recall.notice or None, "since": recall.env._(
            "Recall %(recall)s since %(date)s", recall=recall.name, date=fields.Date.to_string(recall.confirm_date.date()))}
