import json
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .trace_sms_gateway import SendError

_logger = logging.getLogger(__name__)

CHANNELS = [("sms", "SMS"), ("wechat", "WeChat")]
# the adapter of each channel
ADAPTERS = {"sms": "trace.sms.gateway", "wechat": "trace.wechat.gateway"}
STATES = [("queued", "Queued"), ("sent", "Sent"), ("failed", "Failed")]
# minutes before the next attempt after each failure; a message failing once more is failed
RETRY_MINUTES = (1, 5, 30, 120)
BATCH = 200


class TraceOutbox(models.Model):
    """A message to the outside (an SMS, later WeChat messages and payouts), written in the
    transaction that decides it and sent after that transaction commits, by a background job:
    a rolled-back transaction sends nothing, a request Odoo retries after a serialization failure
    writes it once. Each message has a key: queued twice it is one message, and the key goes to
    the provider as the message's id, so a send repeated after a crash is one message there too.
    Failures are retried with a growing delay, then the message is failed (a manager may retry
    it). Written by the module's methods only."""

    _name = "trace.outbox"
    _description = "Outgoing Message"
    _order = "id desc"
    _rec_name = "key"

    key = fields.Char(required=True, readonly=True, index=True)
    channel = fields.Selection(CHANNELS, required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    recipient = fields.Char(required=True, readonly=True, help="A mobile number for an SMS, an openid for WeChat.")
    partner_id = fields.Many2one("res.partner", readonly=True)
    body = fields.Text(required=True, readonly=True, help="The text (of a WeChat message: what it says, for people).")
    payload = fields.Json(readonly=True, help="What the channel sends besides the text (a WeChat template message).")
    origin = fields.Char(readonly=True, help="What the message is about (e.g. the recall).")
    res_model = fields.Char(string="Record Model", readonly=True)
    res_id = fields.Integer(string="Record ID", readonly=True)
    state = fields.Selection(STATES, default="queued", required=True, readonly=True, index=True)
    attempts = fields.Integer(readonly=True)
    next_attempt = fields.Datetime(readonly=True, index=True, default=fields.Datetime.now)
    sent_date = fields.Datetime(string="Sent On", readonly=True)
    provider_ref = fields.Char(string="Provider's Id", readonly=True)
    last_error = fields.Text(readonly=True)

    _sql_constraints = [("key_uniq", "unique(key)", "A message with this key is in the outbox already.")]

    @api.model
    def _enqueue(self, messages):
        """Write ``messages`` (``[{key, channel, company_id, recipient, body, payload?,
        partner_id?, origin?, res_model?, res_id?}]``) in the caller's transaction and wake the sender, which
        runs after it commits. A key in the outbox already is skipped. Answers how many were
        new."""
        rows = []
        for message in messages:
            if message.get("channel") not in dict(CHANNELS) or not message.get("recipient") or not message.get("key"):
                raise UserError(self.env._("A message needs a channel, a recipient and a key."))
            rows.append(message)
        if not rows:
            return 0
        columns = ("key", "channel", "company_id", "recipient", "body", "partner_id", "origin", "res_model", "res_id")
        self.env.cr.execute(
            """INSERT INTO trace_outbox (key, channel, company_id, recipient, body, partner_id, origin, res_model, res_id,
                                         payload, state, attempts, next_attempt, create_uid, create_date, write_uid,
                                         write_date)
               SELECT k, ch, co, r, b, p, o, m, i, j::jsonb, 'queued', 0, %s, %s, now() AT TIME ZONE 'UTC',
                      %s, now() AT TIME ZONE 'UTC'
                 FROM unnest(%s::varchar[], %s::varchar[], %s::int[], %s::varchar[], %s::text[], %s::int[],
                             %s::varchar[], %s::varchar[], %s::int[], %s::text[]) AS x(k, ch, co, r, b, p, o, m, i, j)
               ON CONFLICT (key) DO NOTHING""",
            [fields.Datetime.now(), self.env.uid, self.env.uid,
             *([row.get(column) or None for row in rows] for column in columns),
             [json.dumps(row["payload"], ensure_ascii=False) if row.get("payload") else None for row in rows]],
        )
        added = self.env.cr.rowcount
        if added:
            self.env.ref("trace_outbox.ir_cron_trace_outbox_send").sudo()._trigger()
        return added

    @api.model
    def _cron_send(self):
        """Send the messages that are due, oldest first; rows another sender holds are skipped.
        Wakes itself again while more are due."""
        self.flush_model()
        self.env.cr.execute(
            """SELECT id FROM trace_outbox WHERE state = 'queued' AND next_attempt <= %s
                ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED""",
            [fields.Datetime.now(), BATCH],
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        for message in self.sudo().browse(ids):
            message._send()
        if len(ids) == BATCH:
            self.env.ref("trace_outbox.ir_cron_trace_outbox_send").sudo()._trigger()
        return len(ids)

    def _send(self):
        self.ensure_one()
        adapter = self.env[ADAPTERS[self.channel]]
        try:
            reference = adapter._send(self)
        except SendError as error:
            attempts = self.attempts + 1
            failed = error.permanent or attempts > len(RETRY_MINUTES)
            self.write({
                "attempts": attempts, "last_error": str(error)[:1000], "state": "failed" if failed else "queued",
                "next_attempt": False if failed else fields.Datetime.now() + timedelta(
                    minutes=RETRY_MINUTES[attempts - 1]),
            })
            _logger.info("trace_outbox: %s not sent (attempt %s): %s", self.key, attempts, error)
            return False
        self.write({"state": "sent", "sent_date": fields.Datetime.now(), "provider_ref": reference or False,
                    "attempts": self.attempts + 1, "last_error": False, "next_attempt": False})
        return True

    def action_retry(self):
        """Send failed messages again (Traceability Managers)."""
        if not self.env.user.has_group("product_trace.group_trace_manager"):
            raise AccessError(self.env._("Only a Traceability Manager sends a message again."))
        failed = self.filtered(lambda m: m.state == "failed")
        failed.sudo().write({"state": "queued", "attempts": 0, "next_attempt": fields.Datetime.now()})
        if failed:
            self.env.ref("trace_outbox.ir_cron_trace_outbox_send").sudo()._trigger()
        return True
