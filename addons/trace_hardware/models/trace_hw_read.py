import io
import json
import logging
import re
from datetime import timedelta
from urllib.parse import unquote

import psycopg2.errors
from odoo import _, api, fields, models
from odoo.addons.product_trace.const import LEVEL_RANK, LEVELS

from tracekit import gs1
from tracekit.errors import TraceKitError

_logger = logging.getLogger(__name__)

# a read for a code not known yet is retried this many times (about an hour) before it becomes an exception
MAX_ATTEMPTS = 12
RETRY_MINUTES = 5
# reads and stored batch answers are kept this many days (system parameter trace_hardware.retention_days)
RETENTION_DAYS = 180
# A Digital Link whose last path segment is the serial: <head ending in /21/><serial>[?query]. No
# whitespace, control characters or fragment (those go through the full parser).
_LINK_SERIAL = re.compile(r"^(https?://[^?#\s]*/21/)([^/?#\s]+)(\?[^#\s]*)?$", re.I)
_PLACEHOLDER = "0"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value):
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    return str(value).translate(_COPY_ESCAPES)


class _BigInteger(fields.Integer):
    """An integer in a bigint column: the protocol lets a device's read counter run up to
    tracekit.wire.MAX_INT (2**53), far past int4."""

    _column_type = ("int8", "int8")


class TraceHwRead(models.Model):
    """One read sent by a line proxy, with what became of it. Also the ledger of event ids that
    makes a re-sent event a duplicate."""

    _name = "trace.hw.read"
    _description = "Line Read"
    _order = "id desc"
    _rec_name = "code"

    event_id = fields.Char(required=True, readonly=True)
    station_id = fields.Many2one("trace.hw.station", required=True, readonly=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    batch_id = fields.Many2one("trace.batch", readonly=True, index="btree_not_null")
    device = fields.Char(readonly=True)
    seq = _BigInteger(readonly=True, aggregator=None)
    read_time = fields.Datetime(readonly=True)
    type = fields.Selection(
        [("commission", "Commission"), ("aggregate", "Aggregate"), ("scan", "Scan"), ("reject", "Reject")],
        required=True,
        readonly=True,
    )
    code = fields.Char(readonly=True)
    level = fields.Selection(LEVELS, readonly=True,
                             help="The level of the code read (for an aggregation read: of the container).")
    children = fields.Json(readonly=True)
    reason = fields.Char(readonly=True)
    status = fields.Selection(
        [("ok", "OK"), ("duplicate", "Duplicate"), ("error", "Error"), ("parked", "Waiting for the code"),
         ("exception", "Exception")],
        required=True,
        readonly=True,
        index=True,
    )
    error = fields.Char(readonly=True)
    message = fields.Char(readonly=True)
    attempts = fields.Integer(readonly=True, default=1)
    next_retry = fields.Datetime(readonly=True)

    # event ids are a station's own: one station can neither read nor shadow another's results
    _sql_constraints = [("event_id_uniq", "unique(station_id, event_id)", "This read was received already.")]

    # ------------------------------------------------------------------------------------------

    @api.model
    def _key(self, text):
        """The registry key (serial or SSCC) a scanned text names, or None when it cannot be read."""
        try:
            data = gs1.parse_scan(text)
        except TraceKitError:
            return None
        return data.sscc or data.serial

    @api.model
    def _keys(self, texts):
        """``[self._key(text) for text in texts]``, fast for the Digital Links of a line.

        The links of one batch differ only in their serial: the rest of the link (the template:
        resolver, GTIN, lot, dates) is parsed once with a placeholder serial, then each link only
        needs its serial checked. Anything else goes through :meth:`_key`.
        """
        templates, keys = {}, []
        for text in texts:
            match = _LINK_SERIAL.match(text.strip()) if isinstance(text, str) else None
            if match:
                head, tail = match.group(1), match.group(3) or ""
                usable = templates.get((head, tail))
                if usable is None:
                    query_ais = {unquote(item.partition("=")[0]) for item in tail[1:].split("&") if item}
                    usable = "21" not in query_ais and self._key(head + _PLACEHOLDER + tail) == _PLACEHOLDER
                    templates[(head, tail)] = usable
                if usable:
                    try:
                        keys.append(gs1.validate_serial(gs1.decode_component(match.group(2))))
                    except TraceKitError:
                        keys.append(None)
                    continue
            keys.append(self._key(text))
        return keys

    @api.model
    def _fetch(self, station, keys):
        if not keys:
            return {}
        self.env["trace.code"].flush_model()
        self.env.cr.execute(
            """
            SELECT c.name, c.id, CASE WHEN t.code_id IS NULL THEN c.activation ELSE 'packed' END,
                   c.batch_id, c.level, t.parent_id, c.product_id, c.lot_id, coalesce(c.mixed, false)
              FROM trace_code c LEFT JOIN trace_code_tree t ON t.code_id = c.id
             WHERE c.name = ANY(%s) AND c.company_id = %s
            """,
            [list(keys), station.company_id.id],
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    @api.model
    def _process(self, station, events, retry=None):
        """Turn reads into activations and packing; return one result per event, in order.

        ``retry`` maps event ids to the parked read rows being retried (their rows are updated
        instead of inserted).
        """
        retry = retry or {}
        results = {}
        ids = [event["id"] for event in events]
        if not retry:
            self.env.cr.execute(
                "SELECT event_id, status, error, message FROM trace_hw_read WHERE station_id = %s AND event_id = ANY(%s)",
                [station.id, ids],
            )
            for event_id, status, error, _message in self.env.cr.fetchall():
                results[event_id] = {"id": event_id, "status": "duplicate", "error": error,
                                     "message": _("Received already (%(status)s).", status=status)}
        fresh, seen_ids = [], set(results)
        for event in events:
            if event["id"] in seen_ids:
                results.setdefault(event["id"], {"id": event["id"], "status": "duplicate", "error": None,
                                                 "message": _("Listed twice in the batch.")})
                continue
            seen_ids.add(event["id"])
            fresh.append(event)

        names = [[event["code"]] + (event.get("children") or []) for event in fresh]
        flat = self._keys([name for event_names in names for name in event_names])
        keys, position = {}, 0
        for event, event_names in zip(fresh, names):
            keys[event["id"]] = flat[position:position + len(event_names)]
            position += len(event_names)
        codes = self._fetch(station, {k for ks in keys.values() for k in ks if k})
        batch = station.batch_id

        def result(event, status, error=None, message=None):
            results[event["id"]] = {"id": event["id"], "status": status, "error": error, "message": message}

        # what earlier events of this batch did to a code, so later events see it
        effective = {}
        to_activate, to_pack = [], {}
        for event in fresh:
            kind, event_keys = event["type"], keys[event["id"]]
            if kind == "reject":
                result(event, "ok", message=_("Reject recorded."))
                continue
            if any(k is None for k in event_keys):
                result(event, "error", "invalid", _("%(code)s is not a code.", code=event["code"]))
                continue
            if any(k not in codes for k in event_keys):
                missing = [k for k in event_keys if k not in codes]
                result(event, "parked", "unknown_code",
                       _("Unknown code %(code)s: kept and retried.", code=", ".join(missing[:5])))
                continue
            if kind == "scan":
                result(event, "ok")
                continue
            if kind == "commission":
                key = event_keys[0]
                _id, state, code_batch, *_rest = codes[key]
                state = effective.get(key, state)
                if batch and code_batch != batch.id:
                    result(event, "error", "wrong_batch",
                           _("%(code)s is not a code of the running batch %(batch)s.", code=key, batch=batch.name))
                elif state == "issued":
                    effective[key] = "active"
                    to_activate.append(key)
                    result(event, "ok")
                elif state == "active":
                    result(event, "duplicate", None, _("%(code)s is active already.", code=key))
                elif state == "packed":
                    result(event, "error", "already_packed", _("%(code)s is packed already.", code=key))
                else:
                    result(event, "error", "inactive", _("%(code)s is void.", code=key))
                continue
            # aggregate: the first key is the parent, the others its contents
            parent_key, child_keys = event_keys[0], event_keys[1:]
            parent = codes[parent_key]
            # a case or pallet holds its own product and lot, unless this station packs mixed units
            # or the parent is one already (trace.code._pack checks the same)
            mixed = station.pack_mixed or parent[7]
            problem = None
            if parent[1] == "void":
                problem = ("inactive", _("%(code)s is void.", code=parent_key))
            for child_key in child_keys:
                if problem:
                    break
                _id, state, code_batch, level, parent_id, product, lot, child_mixed = codes[child_key]
                state = effective.get(child_key, state)
                if child_key == parent_key or LEVEL_RANK[level] >= LEVEL_RANK[parent[3]]:
                    problem = ("level", _("%(child)s cannot go into %(parent)s.", child=child_key, parent=parent_key))
                elif parent_id or state == "packed":
                    problem = ("already_packed", _("%(code)s is packed already.", code=child_key))
                elif state == "void":
                    problem = ("inactive", _("%(code)s is void.", code=child_key))
                elif state == "issued" and batch and code_batch != batch.id:
                    problem = ("wrong_batch", _("%(code)s is not a code of the running batch.", code=child_key))
                elif not mixed and (child_mixed or product != parent[5] or lot != parent[6]):
                    problem = ("mixed_content", _(
                        "%(child)s is of another product or lot than %(parent)s, which is not a mixed logistic unit.",
                        child=child_key, parent=parent_key))
            if not problem and len(set(child_keys)) != len(child_keys):
                problem = ("invalid", _("A code is listed twice in %(code)s.", code=parent_key))
            if problem:
                result(event, "error", *problem)
                continue
            for child_key in child_keys:
                if effective.get(child_key, codes[child_key][1]) == "issued":
                    to_activate.append(child_key)  # the aggregation read commissions the unit too
                effective[child_key] = "packed"
            if effective.get(parent_key, parent[1]) == "issued":
                effective[parent_key] = "active"
            to_pack.setdefault(parent_key, []).extend(child_keys)
            result(event, "ok")

        levels = {}
        for event in fresh:
            first = keys[event["id"]][0] if keys[event["id"]] else None
            if first in codes:
                levels[event["id"]] = codes[first][3]
        Code = self.env["trace.code"]
        read_point = station.line_id._read_point_uri()
        if to_activate:
            Code._activate_codes(to_activate, read_point=read_point, device=station.code)
        if to_pack:
            Code._pack(to_pack, read_point=read_point, device=station.code, mixed=station.pack_mixed)
        self._store(station, fresh, results, retry, levels)
        return [results[event["id"]] for event in events]

    @api.model
    def _store(self, station, events, results, retry, levels=None):
        levels = levels or {}
        now = fields.Datetime.now()
        later = now + timedelta(minutes=RETRY_MINUTES)
        rows, updates = [], []
        # the columns every row of this post shares, in COPY text format once
        head = "\t".join(_copy_text(v) for v in (station.id, station.company_id.id, station.batch_id.id or None))
        created = "\t".join(_copy_text(v) for v in (now, self.env.uid, 1))
        parked_retry = _copy_text(later)
        for event in events:
            res = results[event["id"]]
            row = retry.get(event["id"])
            if row:
                status = res["status"]
                if status == "parked" and row.attempts + 1 >= MAX_ATTEMPTS:
                    status = "exception"
                updates.append((status, res["error"], res["message"], row.attempts + 1,
                                later if status == "parked" else None, levels.get(event["id"]), row.id))
                continue
            children = event.get("children")
            rows.append("\t".join((
                _copy_text(event["id"]), head,
                *map(_copy_text, (
                    event.get("device"), event.get("seq"),
                    event.get("time", "").replace("T", " ").rstrip("Z")[:19] or None,
                    event["type"], event["code"], levels.get(event["id"]), json.dumps(children) if children else None,
                    event.get("reason"), res["status"], res["error"], res["message"])),
                parked_retry if res["status"] == "parked" else "\\N", created,
            )) + "\n")
        if rows:
            # COPY: the set-based insert of a whole batch of reads (thousands of rows per post)
            self.env.cr.copy_expert(
                """
                COPY trace_hw_read (event_id, station_id, company_id, batch_id, device, seq, read_time, type,
                    code, level, children, reason, status, error, message, next_retry, create_date, create_uid, attempts)
                FROM STDIN
                """,
                io.StringIO("".join(rows)),
            )
        for status, error, message, attempts, next_retry, level, row_id in updates:
            self.env.cr.execute(
                """UPDATE trace_hw_read SET status = %s, error = %s, message = %s, attempts = %s, next_retry = %s,
                          level = COALESCE(%s, level), write_date = now() AT TIME ZONE 'UTC' WHERE id = %s""",
                [status, error, message, attempts, next_retry, level, row_id],
            )
        self.invalidate_model()

    @api.model
    def _cron_retry_parked(self):
        """Retry reads that named codes not known yet; after MAX_ATTEMPTS they become exceptions.

        Each station's reads are retried as its line proxy works (its company's line user, so
        record rules apply), in a savepoint of their own: a failure there marks those reads as
        exceptions with the error, and the other stations' reads go on.
        """
        parked = self.search(
            [("status", "=", "parked"), ("next_retry", "<=", fields.Datetime.now())], order="id", limit=5000
        )
        for station in parked.station_id:
            rows = parked.filtered(lambda r, station=station: r.station_id == station)
            events = [
                {"id": r.event_id, "type": r.type, "code": r.code, "children": r.children or [],
                 "device": r.device, "seq": r.seq}
                for r in rows
            ]
            env = station._line_env()
            try:
                with self.env.cr.savepoint():
                    self.with_env(env)._process(station.with_env(env), events,
                                                retry={r.event_id: r.with_env(env) for r in rows})
            except (psycopg2.errors.SerializationFailure, psycopg2.errors.LockNotAvailable):
                raise
            except Exception as error:
                _logger.warning("Retrying the parked reads of station %s failed: %s", station.code, error)
                self.env.cr.execute(
                    """UPDATE trace_hw_read SET status = 'exception', error = 'invalid', message = %s,
                              next_retry = NULL, write_date = now() AT TIME ZONE 'UTC' WHERE id = ANY(%s)""",
                    [str(error)[:500], rows.ids],
                )
                self.invalidate_model(["status", "error", "message", "next_retry", "write_date"])

    @api.model
    def _cron_clean_ledger(self, chunk=50_000):
        """Remove reads and stored batch answers older than the retention age.

        ``trace_hardware.retention_days`` (system parameter, default RETENTION_DAYS) is the age;
        reads still waiting for their code and reads of a running batch are kept whatever their
        age. One chunk per call, progress reported to the cron, which runs again until done.
        The registry's own ledger (trace.event) is never cleaned: it is the codes' history.
        """
        days = self.env["ir.config_parameter"].sudo().get_param("trace_hardware.retention_days") or RETENTION_DAYS
        try:
            days = max(1, int(days))
        except ValueError:
            _logger.warning("trace_hardware.retention_days is not a number of days: %r", days)
            return
        self.env["trace.batch"].flush_model(["state"])
        self.flush_model()
        cr = self.env.cr
        cr.execute(
            """DELETE FROM trace_hw_read WHERE id IN (
                   SELECT r.id FROM trace_hw_read r LEFT JOIN trace_batch b ON b.id = r.batch_id
                    WHERE r.create_date < (now() AT TIME ZONE 'UTC') - %(days)s * interval '1 day'
                      AND r.status <> 'parked' AND b.state IS DISTINCT FROM 'confirmed'
                    LIMIT %(chunk)s)""",
            {"days": days, "chunk": chunk},
        )
        reads = cr.rowcount
        cr.execute(
            """DELETE FROM trace_hw_ingest WHERE id IN (
                   SELECT id FROM trace_hw_ingest
                    WHERE create_date < (now() AT TIME ZONE 'UTC') - %(days)s * interval '1 day' LIMIT %(chunk)s)""",
            {"days": days, "chunk": chunk},
        )
        answers = cr.rowcount
        self.invalidate_model()
        self.env["trace.hw.ingest"].invalidate_model()
        more = reads == chunk or answers == chunk
        self.env["ir.cron"]._notify_progress(done=reads + answers, remaining=1 if more else 0)
        return reads, answers
