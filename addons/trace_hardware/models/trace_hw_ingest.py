import hashlib
import json

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from tracekit import wire


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

    # keys are a station's own: one station can neither read nor shadow another's answers
    _sql_constraints = [("key_uniq", "unique(station_id, key)", "This batch of reads was received already.")]

    @api.model
    def _wire_error_answer(self, error):
        """The 400 answer for a tracekit.wire error: the field's path, the kind of fault and a
        message in the user's language."""
        fault = error.fault
        messages = {
            "required": _("%(field)s is missing (expected %(expected)s)."),
            "type": _("%(field)s has the wrong type: expected %(expected)s, found %(found)s."),
            "range": _("%(field)s is out of range: expected %(expected)s, found %(found)s."),
            "length": _("%(field)s has the wrong length: expected %(expected)s, found %(found)s."),
            "count": _("%(field)s holds the wrong number of items: expected %(expected)s, found %(found)s."),
            "choice": _("%(field)s has an unknown value: expected %(expected)s, found %(found)s."),
            "format": _("%(field)s is malformed: expected %(expected)s, found %(found)s."),
        }
        message = messages.get(fault.kind, messages["format"]) % {
            "field": fault.field, "expected": fault.expected, "found": fault.found,
        }
        return {"error": "invalid", "field": fault.field, "kind": fault.kind, "message": message}

    @api.model
    def _check_wire(self, validate, payload):
        """``(400, answer)`` when ``payload`` breaks the protocol (checked by ``validate``), else None."""
        try:
            validate(payload)
        except wire.WireError as error:
            return 400, self._wire_error_answer(error)
        return None

    @api.model
    def _stored(self, cr, station, key):
        """``(payload hash, results)`` of the batch ``key`` of ``station`` as ``cr`` sees it, or None."""
        cr.execute("SELECT payload_hash, results FROM trace_hw_ingest WHERE station_id = %s AND key = %s",
                   [station.id, key])
        return cr.fetchone()

    @api.model
    def _ingest(self, station, payload):
        """Process a batch of reads of ``station``; return ``(http status, answer)``.

        Idempotent per (station, key): the batch's key is locked for the transaction, then
        looked up in a fresh snapshot, so a retry posted while the first try still runs waits for
        it and gets its stored answer instead of processing the reads a second time. A business
        refusal raised while processing rolls the whole batch back and answers 422.
        """
        if refused := self._check_wire(wire.validate_events, payload):
            return refused
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
        key = payload["key"]
        self.env.cr.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [station.id, key])
        existing = self._stored(self.env.cr, station, key)
        if not existing:
            with self.env.registry.cursor() as fresh:  # sees what committed while we waited for the lock
                existing = self._stored(fresh, station, key)
        if existing:
            if existing[0] != digest:
                return 409, {
                    "error": "conflict",
                    "message": _("The key %(key)s was used already for other reads.", key=key),
                }
            return 200, {"key": key, "results": existing[1]}
        try:
            with self.env.cr.savepoint():
                results = self.env["trace.hw.read"]._process(station, payload["events"])
        except (UserError, ValidationError, AccessError) as error:
            return 422, {"error": "refused", "message": str(error.args[0] if error.args else error)}
        statuses = [result["status"] for result in results]
        # the ingestion ledger is the registry's own: the station was authenticated and every
        # field checked, so it is written as the superuser (no group writes it)
        self.sudo().create(
            {
                "key": key,
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
        return 200, {"key": key, "results": results}
