import contextlib
import ipaddress

from odoo import api, models
from psycopg2.extensions import ISOLATION_LEVEL_AUTOCOMMIT

# the windows of the limiter: name -> seconds
WINDOWS = {"client": 60, "code": 3600, "pin": 3600}
DEFAULTS = {"client": 60, "code": 30, "pin": 5}
PARAMS = {"client": "trace_public_portal.limit_client_per_minute", "code": "trace_public_portal.limit_code_per_hour"}


class TraceRateLimit(models.AbstractModel):
    """Fixed-window request counters shared by every Odoo worker and server: they live in one
    PostgreSQL table (unlogged: a crash forgets the current minute, nothing else), counted with
    one ``INSERT ... ON CONFLICT`` per request on the request's counter cursor
    (:meth:`_counter_cursor`), so a row is locked for the statement only and a burst from one
    address does not queue behind page rendering."""

    _name = "trace.rate.limit"
    _description = "Public Route Rate Limiter"

    def init(self):
        self.env.cr.execute(
            """CREATE UNLOGGED TABLE IF NOT EXISTS trace_rate_limit (
                   key varchar NOT NULL,
                   window_start timestamp NOT NULL,
                   hits integer NOT NULL DEFAULT 1,
                   PRIMARY KEY (key, window_start))"""
        )

    @api.model
    def _client_key(self, address):
        """The limiter's key of a client address: the address, or its /64 for IPv6 (one host
        holds a whole /64)."""
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return "client:unknown"
        if ip.version == 6:
            if ip.ipv4_mapped:
                return "client:%s" % ip.ipv4_mapped
            return "client:%s" % ipaddress.ip_network("%s/64" % ip, strict=False).network_address
        return "client:%s" % ip

    @api.model
    def _limits(self):
        get = self.env["ir.config_parameter"].sudo().get_param
        limits = dict(DEFAULTS)
        for name, param in PARAMS.items():
            value = (get(param) or "").strip()
            if value.isdigit():
                limits[name] = max(int(value), 1)
        return limits

    @api.model
    @contextlib.contextmanager
    def _counter_cursor(self):
        """The public routes' cursor for what they count and record (the limiter, the
        verification and its per-code counts, the alerts), apart from the request's: on the
        primary (the request's cursor may be a read replica's) and in autocommit, each statement
        a transaction of its own. So a row lock lasts one statement (a burst on one code or from
        one address never queues behind page rendering), and two workers counting one row never
        conflict (each statement reads the latest committed row: under Odoo's REPEATABLE READ
        the second would fail and its request be retried). One per request, the same for every
        answer. Under Odoo's test runner, the test's own cursor: every request there shares it."""
        if self.env.registry.in_test_mode():
            yield self.env.cr
            return
        with contextlib.closing(self.env.registry.cursor()) as cr:
            cr.connection.set_isolation_level(ISOLATION_LEVEL_AUTOCOMMIT)  # until the pool lends it again
            yield cr

    @api.model
    def _hit(self, buckets, cr=None):
        """Count one request in each ``(kind, key)`` bucket, on the request's counter cursor
        ``cr`` (else a new one). Answers ``(over, retry_after)``: the kinds over their limit and
        the seconds until the longest of their windows ends."""
        if cr is None:
            with self._counter_cursor() as cr:
                return self._hit(buckets, cr)
        limits = self._limits()
        keys = [self._client_key(key) if kind == "client" else "%s:%s" % (kind, key[:200]) for kind, key in buckets]
        seconds = [WINDOWS[kind] for kind, _key in buckets]
        return self._count(cr, keys, seconds, limits, buckets)

    @api.model
    def _count(self, cr, keys, seconds, limits, buckets):
        cr.execute(
            """INSERT INTO trace_rate_limit AS r (key, window_start, hits)
               SELECT k, to_timestamp(floor(extract(epoch FROM now()) / s) * s) AT TIME ZONE 'UTC', 1
                 FROM unnest(%s::varchar[], %s::int[]) AS b(k, s)
               ON CONFLICT (key, window_start) DO UPDATE SET hits = r.hits + 1
               RETURNING key, hits, extract(epoch FROM now())""",
            [keys, seconds],
        )
        rows = {key: (hits, now) for key, hits, now in cr.fetchall()}
        over, retry = [], 0
        for (kind, _key), key, window in zip(buckets, keys, seconds):
            hits, now = rows[key]
            if hits > limits[kind]:
                over.append(kind)
                retry = max(retry, int(window - float(now) % window) + 1)
        return over, retry

    @api.model
    def _gc(self):
        """Forget windows that ended (the cron, hourly)."""
        self.env.cr.execute("DELETE FROM trace_rate_limit WHERE window_start < (now() AT TIME ZONE 'UTC') - interval '2 hours'")
