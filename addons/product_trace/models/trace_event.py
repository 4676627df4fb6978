import datetime
import json

import pytz
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from ..const import LEVELS

EVENT_TYPES = [
    ("object", "ObjectEvent"),
    ("aggregation", "AggregationEvent"),
    ("transaction", "TransactionEvent"),
    ("transformation", "TransformationEvent"),
]
ACTIONS = [("ADD", "Add"), ("OBSERVE", "Observe"), ("DELETE", "Delete")]
_lt = LazyTranslate(__name__)
# The CBV 2.0 vocabulary as people read it; the raw values stay in the ledger and in EPCIS.
BIZ_STEP_LABELS = {
    "commissioning": _lt("Commissioning"),
    "decommissioning": _lt("Decommissioning"),
    "packing": _lt("Packing"),
    "unpacking": _lt("Unpacking"),
    "shipping": _lt("Shipping"),
    "receiving": _lt("Receiving"),
    "departing": _lt("Departing"),
    "arriving": _lt("Arriving"),
    "storing": _lt("Storing"),
    "picking": _lt("Picking"),
    "loading": _lt("Loading"),
    "inspecting": _lt("Inspecting"),
    "recalling": _lt("Recalling"),
    "returning": _lt("Returning"),
    "destroying": _lt("Destroying"),
    "retail_selling": _lt("Retail selling"),
    "encoding": _lt("Encoding"),
}
DISPOSITION_LABELS = {
    "active": _lt("Active"),
    "inactive": _lt("Inactive"),
    "in_progress": _lt("In progress"),
    "in_transit": _lt("In transit"),
    "container_closed": _lt("Container closed"),
    "sellable_accessible": _lt("Sellable"),
    "retail_sold": _lt("Sold"),
    "recalled": _lt("Recalled"),
    "returned": _lt("Returned"),
    "damaged": _lt("Damaged"),
    "expired": _lt("Expired"),
    "destroyed": _lt("Destroyed"),
    "encoded": _lt("Encoded"),
}


def cbv_label(env, labels, value):
    """The label of a CBV value (a raw value or a CBV URI) in ``env``'s language, or the value."""
    if not value:
        return ""
    key = value.rsplit("-", 1)[-1] if value.startswith("urn:epcglobal:cbv:") else value
    label = labels.get(key)
    return label._translate(env.lang or "en_US") if label is not None else value
# the predicate of the GIN index on epc_ids: every event but packing (see init)
NOT_PACKING = SQL("NOT (event_type = 'aggregation' AND action = 'ADD')")

# Columns a bulk insert of aggregation events fills.
_AGGREGATION_INSERT = """
    INSERT INTO trace_event (event_type, action, biz_step, disposition, event_time, event_tz, read_point,
                             device, scope, parent_code_id, epc_ids, quantity, company_id, user_id,
                             create_date, create_uid, write_date, write_uid)
    SELECT 'aggregation', %(action)s, %(biz_step)s, %(disposition)s, %(time)s, %(tz)s, %(read_point)s,
           %(device)s, 'codes', t.parent_id, array_agg(t.child_id ORDER BY t.child_id), count(*),
           min(c.company_id), %(uid)s, %(time)s, %(uid)s, %(time)s, %(uid)s
      FROM {table} t JOIN trace_code c ON c.id = t.parent_id
     GROUP BY t.parent_id
"""


class TraceEvent(models.Model):
    """The append-only ledger of what happened to codes, in EPCIS 2.0 terms.

    An event names the codes it touched directly in ``epc_ids`` (EPCIS ``epcList`` /
    ``childEPCs``, a PostgreSQL int[] with a GIN index) and a container in ``parent_code_id``
    (``parentID``); what is inside a moved container is not repeated, the hierarchy says it.
    Batch-wide events (manual commissioning of a whole batch) carry ``scope='batch'``.
    """

    _name = "trace.event"
    _description = "Trace Event"
    _order = "event_time desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    event_type = fields.Selection(EVENT_TYPES, required=True, readonly=True)
    action = fields.Selection(ACTIONS, required=True, readonly=True)
    biz_step = fields.Char(string="Business Step", readonly=True, help="CBV 2.0 business step.")
    disposition = fields.Char(readonly=True, help="CBV 2.0 disposition.")
    biz_step_label = fields.Char(string="Step", compute="_compute_labels")
    disposition_label = fields.Char(string="Status", compute="_compute_labels")
    event_time = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now, index=True)
    event_tz = fields.Char(string="Time Zone Offset", readonly=True, default="+00:00")
    read_point = fields.Char(readonly=True)
    biz_location = fields.Char(string="Business Location", readonly=True)
    line_id = fields.Many2one("trace.production.line", readonly=True, check_company=True)
    location_id = fields.Many2one("stock.location", readonly=True, check_company=True)
    device = fields.Char(readonly=True)
    scope = fields.Selection(
        [("codes", "Listed codes"), ("batch", "Whole batch")], required=True, default="codes", readonly=True
    )
    level = fields.Selection(
        LEVELS,
        readonly=True,
        help="For batch-wide events: the level of the codes concerned.",
    )
    batch_id = fields.Many2one("trace.batch", readonly=True, index="btree_not_null", check_company=True)
    code_id_from = fields.Integer(readonly=True, help="Batch-wide events: the first code id concerned.")
    code_id_to = fields.Integer(readonly=True, help="Batch-wide events: the last code id concerned.")
    parent_code_id = fields.Many2one("trace.code", string="Parent", readonly=True, index="btree_not_null")
    code_ids = fields.Many2many("trace.code", compute="_compute_code_ids", string="Codes")
    quantity = fields.Integer(readonly=True)
    source_list = fields.Json(readonly=True)
    destination_list = fields.Json(readonly=True)
    biz_transaction_list = fields.Json(readonly=True)
    ilmd = fields.Json(string="Lot Master Data", readonly=True)
    key = fields.Char(string="Idempotency Key", readonly=True, index="btree_not_null", copy=False)
    company_id = fields.Many2one("res.company", required=True, readonly=True, default=lambda s: s.env.company)
    user_id = fields.Many2one("res.users", readonly=True, default=lambda s: s.env.user)
    epcis_json = fields.Text(compute="_compute_epcis", string="EPCIS 2.0")
    event_hash = fields.Char(compute="_compute_epcis")

    _sql_constraints = [("key_uniq", "unique(key)", "This event was recorded already.")]

    def init(self):
        cr = self.env.cr
        cr.execute("ALTER TABLE trace_event ADD COLUMN IF NOT EXISTS epc_ids int[] DEFAULT '{}'")
        # Codes named by an event are found through a GIN index, except the children of packing
        # events: a million units packed would cost a million GIN entries, and a code's packing
        # events are found through its parents instead (current, and former ones named by the
        # unpacking events, which are indexed). See trace.code._history_events.
        cr.execute("DROP INDEX IF EXISTS trace_event_epc_ids_gin")
        cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS trace_event_epc_ids_unpacked ON trace_event USING gin (epc_ids) WHERE %s",
                NOT_PACKING,
            )
        )

    @api.depends("event_type", "biz_step", "action")
    def _compute_name(self):
        types = dict(self._fields["event_type"]._description_selection(self.env))
        actions = dict(self._fields["action"]._description_selection(self.env))
        for event in self:
            event.name = self.env._(
                "%(step)s (%(event)s, %(action)s)",
                step=cbv_label(self.env, BIZ_STEP_LABELS, event.biz_step) or self.env._("No step"),
                event=types.get(event.event_type, ""),
                action=actions.get(event.action, ""),
            )

    @api.depends("biz_step", "disposition")
    def _compute_labels(self):
        for event in self:
            event.biz_step_label = cbv_label(self.env, BIZ_STEP_LABELS, event.biz_step)
            event.disposition_label = cbv_label(self.env, DISPOSITION_LABELS, event.disposition)

    def _epc_ids(self):
        """``{event_id: [code ids]}`` read from the int[] column."""
        if not self.ids:
            return {}
        self.env.cr.execute("SELECT id, epc_ids FROM trace_event WHERE id = ANY(%s)", [self.ids])
        return dict(self.env.cr.fetchall())

    def _compute_code_ids(self):
        epcs = self._epc_ids()
        for event in self:
            event.code_ids = [(6, 0, (epcs.get(event.id) or [])[:200])]

    # append-only ------------------------------------------------------------------------------

    def write(self, vals):
        self.check_access("write")
        if vals:
            raise UserError(_("Trace events are append-only: record a new event instead."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("Trace events are append-only and cannot be deleted."))

    @api.model
    def _record(self, vals, epc_ids=None):
        """Append one event; ``epc_ids`` are the codes it names directly.

        The ledger is the registry's to write: no group may create events (a forged event
        would show in every trace answer), so the registry's methods append them here, after
        their own checks, as the superuser; ``user_id`` and ``create_uid`` still name the user.
        """
        if "event_tz" not in vals:
            line = self.env["trace.production.line"].browse(vals.get("line_id") or [])
            if not line and vals.get("batch_id"):
                line = self.env["trace.batch"].browse(vals["batch_id"]).line_id
            when = vals.get("event_time")
            vals = dict(vals, event_tz=self._tz_offset(line, fields.Datetime.to_datetime(when) if when else None))
        event = self.sudo().create(vals)
        if epc_ids:
            self.env.cr.execute("UPDATE trace_event SET epc_ids = %s WHERE id = %s", [list(epc_ids), event.id])
        return event.with_env(self.env)

    @api.model
    def _record_aggregations(self, table, *, action, biz_step, read_point=None, device=None, time=None):
        """Append one AggregationEvent per parent of the ``(parent_id, child_id)`` rows of ``table``."""
        disposition = "in_progress" if action == "ADD" else None
        time = time or fields.Datetime.now()
        # the factory of the (first) container's batch line says the time zone
        self.env.cr.execute(
            SQL(
                "SELECT b.line_id FROM %s t JOIN trace_code c ON c.id = t.parent_id"
                " JOIN trace_batch b ON b.id = c.batch_id WHERE b.line_id IS NOT NULL LIMIT 1",
                SQL.identifier(table),
            )
        )
        row = self.env.cr.fetchone()
        line = self.env["trace.production.line"].browse(row[0] if row else [])
        self.env.cr.execute(
            _AGGREGATION_INSERT.format(table=table),
            {
                "action": action,
                "biz_step": biz_step,
                "disposition": disposition,
                "time": time,
                "tz": self._tz_offset(line, time),
                "read_point": read_point,
                "device": device,
                "uid": self.env.uid,
            },
        )
        return self.env.cr.rowcount

    @api.model
    def _tz_offset(self, line=None, when=None):
        """The UTC offset as EPCIS writes it (+08:00) at ``when`` (now) where the event happened:
        the time zone of the line's factory, else the user's."""
        name = (line and line.factory_id.tz) or self.env.user.tz or "UTC"
        try:
            zone = pytz.timezone(name)
        except pytz.UnknownTimeZoneError:
            zone = pytz.UTC
        local = pytz.UTC.localize(when or fields.Datetime.now()).astimezone(zone)
        offset = local.strftime("%z") or "+0000"
        return "%s:%s" % (offset[:3], offset[3:])

    # EPCIS -------------------------------------------------------------------------------------

    def _epcs(self):
        """EPC URIs of the codes this event names (a whole batch for batch-wide events)."""
        self.ensure_one()
        from tracekit import epcis

        Code = self.env["trace.code"]
        if self.scope == "batch":
            codes = Code.search([("batch_id", "=", self.batch_id.id), ("level", "=", self.level or "unit"),
                                 ("id", ">=", self.code_id_from), ("id", "<=", self.code_id_to)])
        else:
            codes = Code.browse(self._epc_ids().get(self.id) or [])
        return [self._code_uri(code, epcis) for code in codes]

    @staticmethod
    def _code_uri(code, epcis):
        if code.gtin:
            return epcis.sgtin_uri(code.gtin, code.name)
        return epcis.sscc_uri(code.name)

    def _to_epcis(self):
        """This event as a tracekit EPCIS 2.0 event."""
        self.ensure_one()
        from tracekit import epcis

        common = {
            "event_time": self.event_time.replace(tzinfo=datetime.timezone.utc),
            "event_time_zone_offset": self.event_tz or "+00:00",
            "action": self.action,
            "biz_step": self.biz_step or None,
            "disposition": self.disposition or None,
            "read_point": self.read_point or None,
            "biz_location": self.biz_location or None,
            "biz_transactions": tuple(tuple(t) for t in (self.biz_transaction_list or [])),
            "sources": tuple(tuple(s) for s in (self.source_list or [])),
            "destinations": tuple(tuple(d) for d in (self.destination_list or [])),
        }
        if self.event_type == "aggregation":
            return epcis.AggregationEvent(
                parent_id=self._code_uri(self.parent_code_id, epcis), child_epcs=tuple(self._epcs()), **common
            )
        return epcis.ObjectEvent(epc_list=tuple(self._epcs()), ilmd=self.ilmd or None, **common)

    def _epcis_document(self):
        from tracekit import epcis

        events = []
        for event in self:
            data = epcis.to_jsonld(event._to_epcis())
            data["eventID"] = epcis.event_hash(data)
            events.append(data)
        return epcis.document(events, sender=self.env.company.name)

    @api.depends("event_type", "action")
    def _compute_epcis(self):
        for event in self:
            if len(event._epc_ids().get(event.id) or []) > 1000 or event.scope == "batch" and event.quantity > 1000:
                event.epcis_json = _("Too large to show here: export the event instead.")
                event.event_hash = False
                continue
            data = event._epcis_document()["epcisBody"]["eventList"][0]
            event.epcis_json = json.dumps(data, indent=2, ensure_ascii=False)
            event.event_hash = data["eventID"]

    def action_export_epcis(self):
        """Download the selected events as an EPCIS 2.0 JSON-LD document."""
        document = self._epcis_document()
        attachment = self.env["ir.attachment"].create(
            {
                "name": "epcis-events.jsonld",
                "raw": json.dumps(document, ensure_ascii=False, indent=1).encode(),
                "mimetype": "application/ld+json",
            }
        )
        return {"type": "ir.actions.act_url", "url": "/web/content/%s?download=true" % attachment.id, "target": "self"}

    def _trace_data(self, code_names=None):
        """The trace answer's rows of these events, in this order: one query, names joined (the
        answer is read at every scan, and the ORM would read the wide event, user and partner
        rows one model at a time). ``code_names``: ``{code id: name}`` the caller knows already
        (the code and its containers), so that only other parents are read."""
        if not self:
            return []
        self.flush_model()
        self.env.cr.execute(
            """
            SELECT e.id, e.event_type, e.action, e.biz_step, e.disposition, e.event_time, e.event_tz,
                   e.read_point, e.line_id, e.parent_code_id, e.quantity, partner.name, e.device,
                   e.source_list -> 0 ->> 1, e.destination_list -> 0 ->> 1, e.biz_transaction_list -> 0 ->> 1
              FROM trace_event e
              LEFT JOIN res_users users ON users.id = e.user_id
              LEFT JOIN res_partner partner ON partner.id = users.partner_id
             WHERE e.id = ANY(%s)
            """,
            [self.ids],
        )
        rows = {row[0]: row for row in self.env.cr.fetchall()}
        names = dict(code_names or {})
        if missing := {row[9] for row in rows.values() if row[9] and row[9] not in names}:
            names.update((code.id, code.name) for code in self.env["trace.code"].browse(missing))
        types = dict(self._fields["event_type"]._description_selection(self.env))
        actions = dict(self._fields["action"]._description_selection(self.env))
        line_ids = {row[8] for row in rows.values() if row[8]}
        lines = {line.id: line.display_name for line in self.env["trace.production.line"].browse(line_ids)}
        return [
            {
                "id": event_id,
                "type": event_type,
                "type_label": types.get(event_type, event_type),
                "action": action,
                "action_label": actions.get(action, action),
                "biz_step": biz_step,
                "biz_step_label": cbv_label(self.env, BIZ_STEP_LABELS, biz_step),
                "disposition": disposition,
                "disposition_label": cbv_label(self.env, DISPOSITION_LABELS, disposition),
                "time": fields.Datetime.to_string(time),
                # shown in the reader's time zone; "time" (UTC) and "tz" (where it happened) stay EPCIS's
                "local_time": fields.Datetime.to_string(fields.Datetime.context_timestamp(self, time)),
                "tz": tz,
                "read_point": read_point,
                "line": lines.get(line_id),
                "parent": names.get(parent_id),
                "quantity": quantity,
                "user": user,
                "device": device,
                # EPCIS source, destination and business transaction (the first of each)
                "source": source,
                "destination": destination,
                "transaction": transaction,
            }
            for event_id, event_type, action, biz_step, disposition, time, tz, read_point, line_id, parent_id, quantity,
            user, device, source, destination, transaction in (rows[event_id] for event_id in self.ids)
        ]
