import csv
import io
import uuid

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from tracekit import gs1
from tracekit.errors import TraceKitError

from ..const import BATCH_PRINTED_FIELDS, LEVEL_RANK
from ..tools import changed_fields, check_lot_of_product
from .trace_code_issue import SYNC_LIMIT


class TraceBatch(models.Model):
    """A production batch: one product and lot made on one line, and the codes issued for it."""

    _name = "trace.batch"
    _description = "Production Batch"
    _inherit = ["mail.thread"]
    _order = "production_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default=lambda self: _("New"))
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    product_id = fields.Many2one(
        "product.product", required=True, check_company=True, tracking=True,
        domain="[('type', '=', 'consu')]",
    )
    gtin = fields.Char(related="product_id.barcode", string="GTIN")
    lot_id = fields.Many2one(
        "stock.lot", check_company=True, tracking=True,
        domain="[('product_id', '=', product_id)]",
    )
    quantity = fields.Integer(string="Planned Units")
    production_date = fields.Date(required=True, default=fields.Date.context_today)
    expiry_date = fields.Date()
    line_id = fields.Many2one("trace.production.line", string="Production Line", check_company=True)
    workshop_id = fields.Many2one(
        "trace.workshop", compute="_compute_workshop_id", store=True, readonly=False, check_company=True
    )
    factory_id = fields.Many2one(
        "trace.factory", compute="_compute_factory_id", store=True, readonly=False, check_company=True
    )
    shift_id = fields.Many2one("trace.shift")
    operator_id = fields.Many2one("res.users")
    activation_mode = fields.Selection(
        [("manual", "When the batch is confirmed"), ("line", "By the line, one read per unit")],
        required=True,
        default="manual",
        help="Codes issued but not activated are not valid goods.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed"), ("done", "Done"), ("cancel", "Cancelled")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    component_ids = fields.One2many("trace.batch.component", "batch_id", string="Raw Materials")
    report_ids = fields.One2many("trace.batch.report", "batch_id", string="Test Reports")
    issue_ids = fields.One2many("trace.code.issue", "batch_id", string="Issuances")
    units_issued = fields.Integer(compute="_compute_counts", string="Units Waiting")
    units_active = fields.Integer(compute="_compute_counts")
    units_packed = fields.Integer(compute="_compute_counts")
    unit_count = fields.Integer(compute="_compute_counts", string="Unit Codes")
    case_count = fields.Integer(compute="_compute_counts", string="Case Codes")
    pallet_count = fields.Integer(compute="_compute_counts", string="Pallet Codes")
    issue_progress = fields.Float(compute="_compute_issue_progress")
    issuing = fields.Boolean(compute="_compute_issue_progress")

    @api.depends("line_id")
    def _compute_workshop_id(self):
        for batch in self.filtered("line_id"):
            batch.workshop_id = batch.line_id.workshop_id

    @api.depends("workshop_id", "line_id")
    def _compute_factory_id(self):
        for batch in self.filtered("workshop_id"):
            batch.factory_id = batch.workshop_id.factory_id

    def _compute_counts(self):
        counts = self.env["trace.code.count"]._counts_by_batch(self.ids)
        for batch in self:
            batch_counts = counts.get(batch.id, {})
            batch.units_issued = batch_counts.get(("unit", "issued"), 0)
            batch.units_active = batch_counts.get(("unit", "active"), 0)
            batch.units_packed = batch_counts.get(("unit", "packed"), 0)
            batch.unit_count = sum(n for (level, _state), n in batch_counts.items() if level == "unit")
            batch.case_count = sum(n for (level, _state), n in batch_counts.items() if level == "case")
            batch.pallet_count = sum(n for (level, _state), n in batch_counts.items() if level == "pallet")

    @api.depends("issue_ids.quantity_done", "issue_ids.state")
    def _compute_issue_progress(self):
        for batch in self:
            queued = batch.issue_ids.filtered(lambda i: i.state == "queued")
            batch.issuing = bool(queued)
            total = sum(queued.mapped("quantity"))
            batch.issue_progress = 100.0 * sum(queued.mapped("quantity_done")) / total if total else 0.0

    @api.constrains("production_date", "expiry_date")
    def _check_dates(self):
        for batch in self:
            if batch.expiry_date and batch.expiry_date < batch.production_date:
                raise ValidationError(_("A batch cannot expire before it is produced."))

    @api.constrains("product_id", "lot_id")
    def _check_lot_product(self):
        check_lot_of_product(self)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("trace.batch") or _("New")
        return super().create(vals_list)

    def write(self, vals):
        if set(BATCH_PRINTED_FIELDS) & vals.keys():
            with_codes = self.env["trace.code.count"].sudo()._with_codes("batch_id", self.ids)
            for batch in self.filtered(lambda b: b.id in with_codes):
                if changed := changed_fields(batch, vals, BATCH_PRINTED_FIELDS):
                    raise UserError(
                        _(
                            "Batch %(batch)s has codes, which carry its %(fields)s: these cannot change any more.",
                            batch=batch.name,
                            fields=", ".join(batch._fields[name].get_description(self.env)["string"]
                                             for name in changed),
                        )
                    )
        return super().write(vals)

    # GTINs --------------------------------------------------------------------------------------

    def _unit_gtin(self):
        """The product's GTIN-14; raises when the product has none or a wrong one."""
        self.ensure_one()
        barcode = self.product_id.barcode
        if not barcode:
            raise UserError(
                _("Give %(product)s its GTIN (barcode) before issuing codes.", product=self.product_id.display_name)
            )
        try:
            return gs1.to_gtin14(barcode)
        except TraceKitError as error:
            raise UserError(
                _(
                    "The barcode %(barcode)s of %(product)s is not a valid GTIN.",
                    barcode=barcode,
                    product=self.product_id.display_name,
                )
            ) from error

    def _check_gs1_lot(self):
        """The lot name travels in every code (AI 10): at most 20 characters of GS1 set 82."""
        self.ensure_one()
        if self.lot_id:
            try:
                gs1.validate_lot(self.lot_id.name)
            except TraceKitError as error:
                raise UserError(
                    _(
                        "The lot name %(lot)s cannot be printed in a GS1 code: at most 20 letters, digits "
                        "or GS1 punctuation, no spaces.",
                        lot=self.lot_id.name,
                    )
                ) from error

    def _case_gtin(self):
        self.ensure_one()
        packaging = self.product_id.packaging_ids.filtered(lambda p: p.trace_level == "case" and p.barcode)[:1]
        return gs1.to_gtin14(packaging.barcode) if packaging else None

    def _ilmd(self):
        """EPCIS instance/lot master data of the batch."""
        self.ensure_one()
        ilmd = {}
        if self.lot_id:
            ilmd["lotNumber"] = self.lot_id.name
        if self.expiry_date:
            ilmd["itemExpirationDate"] = fields.Date.to_string(self.expiry_date)
        if self.production_date:
            ilmd["productionDate"] = fields.Date.to_string(self.production_date)
        return ilmd

    # Issuance -----------------------------------------------------------------------------------

    def issue_codes(self, quantity, level="unit", request_key=None):
        """Issue ``quantity`` codes of ``level``; idempotent per ``request_key``.

        Up to SYNC_LIMIT codes are issued at once, in this transaction; more run in the
        background (cron chunks with progress). Returns the ``trace.code.issue`` request.
        """
        self.ensure_one()
        # whoever may change the batch may issue its codes; the issuance itself is the
        # registry's to write (no group writes trace.code.issue)
        self.check_access("write")
        Issue = self.env["trace.code.issue"].sudo()
        if request_key:
            existing = Issue.search([("request_key", "=", request_key)], limit=1)
            if existing:
                if existing.batch_id != self or existing.quantity != quantity or existing.level != level:
                    raise UserError(_("This request key was used already for another issuance."))
                return existing.with_env(self.env)
        if not isinstance(quantity, int) or quantity <= 0:
            raise UserError(_("The number of codes to issue must be positive, not %(qty)s.", qty=quantity))
        if level not in LEVEL_RANK:
            raise UserError(_("Unknown code level %(level)s.", level=level))
        if self.state in ("done", "cancel"):
            raise UserError(_("Batch %(batch)s is closed: no more codes can be issued.", batch=self.name))
        self.company_id._trace_check_resolver()
        self._check_gs1_lot()
        if level == "unit":
            self._unit_gtin()
        elif not self.company_id.trace_gs1_company_prefix and not (level == "case" and self._case_gtin()):
            raise UserError(
                _(
                    "Set the GS1 company prefix of %(company)s before issuing case or pallet codes.",
                    company=self.company_id.name,
                )
            )
        issue = Issue.create(
            {
                "batch_id": self.id,
                "level": level,
                "quantity": quantity,
                "request_key": request_key or uuid.uuid4().hex,
            }
        )
        if quantity <= SYNC_LIMIT:
            issue._run()
        else:
            self.env.ref("product_trace.ir_cron_trace_code_issue")._trigger()
        return issue.with_env(self.env)

    def action_issue_codes(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Issue Codes"),
            "res_model": "trace.code.issue.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_batch_id": self.id, "default_quantity": self.quantity or 0},
        }

    # Workflow -----------------------------------------------------------------------------------

    def action_confirm(self):
        for batch in self:
            if batch.state != "draft":
                raise UserError(_("Only a draft batch can be confirmed."))
            if not batch.lot_id:
                raise UserError(_("Set the lot of batch %(batch)s before confirming it.", batch=batch.name))
            batch._unit_gtin()
            batch._check_gs1_lot()
            batch.state = "confirmed"
            if batch.activation_mode == "manual":
                activated = self.env["trace.code"]._activate_batch(batch)
                batch.message_post(body=_("%(count)s unit codes activated.", count=activated))
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_codes(self):
        if self.env["trace.code"].search_count([("batch_id", "in", self.ids)], limit=1):
            raise UserError(_("A batch with codes cannot be deleted: its codes must stay traceable."))

    def action_done(self):
        self.filtered(lambda b: b.state == "confirmed").write({"state": "done"})

    def action_cancel(self):
        for batch in self:
            if batch.units_active or batch.units_packed:
                raise UserError(
                    _("Batch %(batch)s has active codes: it cannot be cancelled.", batch=batch.name)
                )
        self.write({"state": "cancel"})

    def action_draft(self):
        self.filtered(lambda b: b.state == "cancel").write({"state": "draft"})

    def action_view_codes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("product_trace.trace_code_action")
        action["domain"] = [("batch_id", "=", self.id)]
        action["context"] = {"search_default_group_level": 1}
        return action

    def action_view_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("product_trace.trace_event_action")
        codes_with_events = self.env["trace.event"].search([("batch_id", "=", self.id)]).ids
        parents = self.env["trace.code"].search([("batch_id", "=", self.id), ("level", "!=", "unit")]).ids
        action["domain"] = ["|", ("id", "in", codes_with_events), ("parent_code_id", "in", parents)]
        return action

    # Code file for a print house ----------------------------------------------------------------------

    def _code_file_rows(self, level=None):
        """Yield ``(code, level, gtin, lot, expiry, digital link, element string)`` per code (of
        ``level``, or of every level)."""
        self.ensure_one()
        base = self.company_id._trace_resolver_base()
        lot = self.lot_id.name or None
        expiry = self.expiry_date or None
        templates = {}
        self.env["trace.code"].flush_model()
        cr = self.env.cr
        cr.execute(
            "SELECT name, level, gtin FROM trace_code WHERE batch_id = %s AND (%s IS NULL OR level = %s) "
            "ORDER BY level, id",
            [self.id, level, level],
        )
        while rows := cr.fetchmany(10000):
            for name, level, gtin in rows:
                if gtin:
                    template = templates.get(gtin)
                    if template is None:
                        # every code of the batch shares GTIN, lot and expiry: build each once
                        link = gs1.build_digital_link(base, gtin, serial="SERIAL0", lot=lot, expiry_date=expiry)
                        element = gs1.build_element_string(
                            gtin=gtin, serial="SERIAL0", lot=lot, expiry_date=expiry, style="hri"
                        )
                        template = templates[gtin] = (link.split("SERIAL0"), element.split("SERIAL0"))
                    (link_head, link_tail), (element_head, element_tail) = template
                    yield (name, level, gtin, lot or "", expiry or "",
                           link_head + name + link_tail, element_head + name + element_tail)
                else:
                    yield (name, level, "", lot or "", expiry or "",
                           gs1.build_sscc_link(base, name), "(00)" + name)

    def _code_file_header(self):
        """The column names of :meth:`_code_file_rows` (other addons add columns to both)."""
        return ["code", "level", "gtin", "lot", "expiry", "digital_link", "element_string"]

    def action_export_codes(self, level=None):
        """A CSV code file of the batch (of one level, or of all) for an outside print house."""
        self.ensure_one()
        self.company_id._trace_check_resolver()
        output = io.StringIO()
        writer = csv.writer(output)
        writer.writerow(self._code_file_header())
        writer.writerows(self._code_file_rows(level))
        attachment = self.env["ir.attachment"].create(
            {
                "name": "%s-%s-codes.csv" % (self.name, level or "all"),
                "raw": output.getvalue().encode(),
                "mimetype": "text/csv",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        self.message_post(body=_("Code file exported for the print house."), attachment_ids=attachment.ids)
        return {"type": "ir.actions.act_url", "url": "/web/content/%s?download=true" % attachment.id, "target": "self"}

    def _label_codes(self, level, after_id=0, limit=None):
        """The batch's codes of ``level`` in the order they print (after the code ``after_id``)."""
        self.ensure_one()
        return self.env["trace.code"].search(
            [("batch_id", "=", self.id), ("level", "=", level), ("id", ">", after_id)], order="id asc", limit=limit
        )

    def action_print_labels(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Print Labels"),
            "res_model": "trace.label.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_batch_id": self.id},
        }

    def action_view_label_runs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("product_trace.trace_label_run_action")
        action["domain"] = [("batch_id", "=", self.id)]
        return action

    # Trace --------------------------------------------------------------------------------------

    def _trace_data(self):
        self.ensure_one()
        fields_read = ["name", "production_date", "expiry_date", "factory_id", "workshop_id", "line_id", "shift_id"]
        self.fetch(fields_read + ["operator_id", "component_ids", "report_ids"])
        return {
            "id": self.id,
            "name": self.name,
            "production_date": fields.Date.to_string(self.production_date),
            "expiry_date": fields.Date.to_string(self.expiry_date) if self.expiry_date else None,
            "factory": self.factory_id.name or None,
            "workshop": self.workshop_id.name or None,
            "line": self.line_id.name or None,
            "shift": self.shift_id.name or None,
            "operator": self.operator_id.name or None,
            "components": self.component_ids._trace_data(),
            "reports": self.report_ids._trace_data(),
        }

    # Demo ---------------------------------------------------------------------------------------

    @api.model
    def _demo_build_chain(self, vals, units, case_size, xml_id=None):
        """Demo data: create the batch ``vals`` (named ``xml_id`` when given), issue and activate
        ``units`` codes, pack them ``case_size`` per case and the cases onto one pallet; return the batch.

        What it writes (the batch's chatter, the issuances' titles) is in the administrator's
        language, the user the demo database is made for: the XML loader runs without a language,
        and Odoo loads a module's translations only after its demo data, so this module's own terms
        (the model name in "Production Batch created") are loaded here first. The batch is created
        here rather than by a ``<record>`` so that its creation message is in that language too.
        """
        lang = self.env.ref("base.user_admin").lang or "en_US"
        if lang != "en_US":
            self.env["ir.module.module"]._get("product_trace")._update_translations(lang)
        Batch = self.with_context(lang=lang)
        data = {"values": vals, "noupdate": True}
        if xml_id:
            data["xml_id"] = xml_id
        batch = Batch._load_records([data])
        batch.issue_codes(units, request_key="demo-units-%s" % batch.id)
        batch.action_confirm()
        cases = -(-units // case_size)
        batch.issue_codes(cases, level="case", request_key="demo-cases-%s" % batch.id)
        batch.issue_codes(1, level="pallet", request_key="demo-pallet-%s" % batch.id)
        Code = batch.env["trace.code"]
        unit_names = Code.search([("batch_id", "=", batch.id), ("level", "=", "unit")], order="id").mapped("name")
        case_names = Code.search([("batch_id", "=", batch.id), ("level", "=", "case")], order="id").mapped("name")
        pallet = Code.search([("batch_id", "=", batch.id), ("level", "=", "pallet")], limit=1)
        Code._pack(
            {case: unit_names[i * case_size:(i + 1) * case_size] for i, case in enumerate(case_names)},
            read_point=batch.line_id._read_point_uri() if batch.line_id else None,
        )
        Code._pack({pallet.name: case_names})
        return batch
