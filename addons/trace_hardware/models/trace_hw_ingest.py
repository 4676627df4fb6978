import hashlib
import json

from odoo import _, api, fields, models

MAX_EVENTS = 5000
EVENT_TYPES = ("commission", "aggregate", "scan", "reject")


class TraceHwIngest(models.Model):
    """One batch of reads posted by a line proxy, kept with its answer.

    The batch's key makes the post idempotent: the same key with the same payload is answered
    again with the stored results and changes nothing; the same key with another payload is
    refused. A batch is processed in one transaction: all of it is recorded, or none.
    """

    _name = "trace.hw.ingest"
    _description = "Line Proxy Batch"
    _order = "id desc"

    key = fields.Char(required=True, readonly=True)
    station_id = fields.Many2one("trace.hw.station", required=True, readonly=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="station_id.company_id", store=True)
    payload_hash = fields.Char(readonly=True)
    results = fields.Json(readonly=True)
    event_count = fields.Integer(readonly=True)
    ok_count = fields.Integer(readonly=True)
    error_count = fields.Integer(readonly=True)
    parked_count = fields.Integer(readonly=True)

    _sql_constraints = [("key_uniq", "unique(key)", "This batch of reads was received already.")]

    @api.model
    def _validate(self, payload):
        """A translated message for the first thing wrong with ``payload``, or None."""
        if not isinstance(payload, dict):
            return _("The body must be a JSON object.")
        key = payload.get("key")
        if not isinstance(key, str) or not 8 <= len(key) <= 64:
            return _("The batch needs a key of 8 to 64 characters.")
        events = payload.get("events")
        if not isinstance(events, list) or not 1 <= len(events) <= MAX_EVENTS:
            return _("A batch holds 1 to %(max)s events.", max=MAX_EVENTS)
        for index, event in enumerate(events):
            if not isinstance(event, dict):
                return _("Event %(index)s is not an object.", index=index)
            if not isinstance(event.get("id"), str) or not 1 <= len(event["id"]) <= 64:
                return _("Event %(index)s has no id.", index=index)
            if event.get("type") not in EVENT_TYPES:
                return _("Event %(index)s has an unknown type %(type)s.", index=index, type=event.get("type"))
            if not isinstance(event.get("code"), str) or len(event["code"]) > 300:
                return _("Event %(index)s has no code.", index=index)
            if not isinstance(event.get("seq"), int) or not isinstance(event.get("device"), str):
                return _("Event %(index)s needs a device and a sequence number.", index=index)
            if event["type"] == "aggregate":
                children = event.get("children")
                if not isinstance(children, list) or not children or not all(isinstance(c, str) for c in children):
                    return _("Aggregation event %(index)s lists no children.", index=index)
        return None

    @api.model
    def _ingest(self, station, payload):
        """Process a batch of reads of ``station``; return ``(http status, answer)``."""
        message = self._validate(payload)
        if message:
            return 400, {"error": "invalid", "message": message}
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
        existing = self.search([("key", "=", payload["key"])], limit=1)
        if existing:
            if existing.station_id != station or existing.payload_hash != digest:
                return 409, {
                    "error": "conflict",
                    "message": _("The key %(key)s was used already for other reads.", key=payload["key"]),
                }
            return 200, {"key": existing.key, "results": existing.results}
        results = self.env["trace.hw.read"]._process(station, payload["events"])
        statuses = [result["status"] for result in results]
        self.create(
            {
                "key": payload["key"],
                "station_id": station.id,
                "payload_hash": digest,
                "results": results,
                "event_count": len(results),
                "ok_count": statuses.count("ok"),
                "error_count": statuses.count("error"),
                "parked_count": statuses.count("parked"),
            }
        )
        station._touch()
        return 200, {"key": payload["key"], "results": results}
