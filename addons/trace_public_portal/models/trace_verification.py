import hmac
import secrets
from datetime import timedelta

import pytz
from odoo import _, api, fields, models
from odoo.tools import SQL, ormcache

from tracekit import codes as tk_codes
from tracekit.errors import TraceKitError

AUDIENCES = [("consumer", "Consumer"), ("dealer", "Dealer"), ("staff", "Staff")]

# one probe of the unique code index, with everything the public answer shows of a code: one
# round trip (the answer's target is a few milliseconds, an ORM read per record would be ten)
_LOOKUP = """
    SELECT c.id, c.name, c.gtin, c.level, c.activation, c.company_id, c.product_id, c.lot_id,
           coalesce(c.blocked, false) OR coalesce(l.trace_blocked, false) OR coalesce(b.trace_blocked, false), l.name,
           c.shipped_date, c.dealer_id,
           b.id, b.production_date, b.expiry_date, b.factory_id,
           (SELECT json_build_array(coalesce(pt.name->>%(lang)s, pt.name->>'en_US'), coalesce(pt.trace_hidden_code, false))
              FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id WHERE pp.id = c.product_id),
           (SELECT json_build_array(coalesce(f.name->>%(lang)s, f.name->>'en_US'), f.tz)
              FROM trace_factory f WHERE f.id = b.factory_id),
           (SELECT json_build_array(co.name, co.trace_public_production, co.trace_public_expiry, co.trace_public_factory,
                                    co.trace_public_shipment, co.trace_public_territory, co.trace_public_reports,
                                    coalesce(co.trace_public_contact->>%(lang)s, co.trace_public_contact->>'en_US'),
                                    co.trace_suspicious_count, co.trace_suspicious_cities, co.trace_short_links, cp.tz)
              FROM res_company co JOIN res_partner cp ON cp.id = co.partner_id WHERE co.id = c.company_id),
           (SELECT name FROM res_country_state WHERE id = c.territory_state_id),
           (SELECT name FROM trace_prefecture WHERE id = c.territory_prefecture_id),
           (SELECT name FROM trace_county WHERE id = c.territory_county_id),
           (SELECT json_agg(json_build_object('name', r.name, 'date', r.report_date)
                            ORDER BY r.report_date DESC NULLS LAST, r.id)
              FROM trace_batch_report r WHERE r.batch_id = b.id AND r.public),
           (SELECT claim_date FROM trace_code_claim WHERE code_id = c.id),
           s.first_date, s.first_city, coalesce(s.count, 0), coalesce(s.early_count, 0),
           coalesce(cardinality(s.cities), 0)
      FROM trace_code c
      LEFT JOIN stock_lot l ON l.id = c.lot_id
      LEFT JOIN trace_batch b ON b.id = c.batch_id
      LEFT JOIN trace_verification_stat s ON s.code_id = c.id
     WHERE c.name = %(key)s
"""
_ROW_KEYS = (
    "id", "name", "gtin", "level", "activation", "company_id", "product_id", "lot_id", "recalled", "lot",
    "shipped_date", "dealer_id", "batch_id", "production_date", "expiry_date", "factory_id",
    "_product", "_factory", "_company", "state", "prefecture", "county", "reports", "claimed_date",
    "first_date", "first_city", "count", "early_count", "cities",
)

# a consumer verification and the code's running counts, in one statement
_RECORD = """
    WITH v AS (
        INSERT INTO trace_verification (code_id, company_id, verify_date, audience, country_code, province, city,
                                        before_shipment, token)
        VALUES (%(code)s, %(company)s, %(now)s, %(audience)s, %(country)s, %(province)s, %(city)s, %(early)s,
                %(token)s)
        RETURNING id
    )
    INSERT INTO trace_verification_stat AS s (code_id, company_id, first_date, first_city, last_date, count,
                                              early_count, cities, first_verification_id)
    VALUES (%(code)s, %(company)s, %(now)s, %(city)s, %(now)s, 1, %(early)s::int,
            CASE WHEN %(city)s::varchar IS NULL THEN '{}'::varchar[] ELSE ARRAY[%(city)s::varchar] END,
            (SELECT id FROM v))
    ON CONFLICT (code_id) DO UPDATE SET
        last_date = excluded.last_date,
        count = s.count + 1,
        early_count = s.early_count + excluded.early_count,
        cities = CASE WHEN excluded.first_city IS NULL OR excluded.first_city = ANY(s.cities)
                           OR cardinality(s.cities) >= 20 THEN s.cities
                      ELSE s.cities || excluded.first_city END
    RETURNING first_date, first_city, count, early_count, cardinality(cities), (SELECT id FROM v)
"""

# an alert counted per day, kind and code; the product of a presented GTIN where the code is none of ours
_ALERT = """
    INSERT INTO trace_verification_alert AS a (day, kind, name, company_id, product_id, count, first_date,
                                               last_date, city)
    SELECT %(day)s, %(kind)s, %(name)s, coalesce(%(company)s, p.company_id), coalesce(%(product)s, p.id), 1,
           %(now)s, %(now)s, %(city)s
      FROM (SELECT 1) one
      LEFT JOIN LATERAL (SELECT pp.id, pt.company_id FROM product_product pp
                           JOIN product_template pt ON pt.id = pp.product_tmpl_id
                          WHERE %(company)s IS NULL AND pp.barcode = ANY(%(barcodes)s) LIMIT 1) p ON true
    ON CONFLICT (day, kind, name) DO UPDATE SET
        count = a.count + 1, last_date = excluded.last_date, city = coalesce(excluded.city, a.city)
"""

_minters = {}  # (company id, secret) -> CodeMinter: the keyed check of every company, per process


class TraceVerification(models.Model):
    """One verification of a code on the public page: when, by which audience, the city the
    client address lies in (when the company configured an IP database) and, only after the
    visitor's explicit consent on the page, a rounded position. Nothing else: no address, no
    device, no user. Kept for the company's retention period; the per-code counts stay."""

    _name = "trace.verification"
    _description = "Code Verification"
    _order = "id desc"
    _log_access = False

    code_id = fields.Many2one("trace.code", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    verify_date = fields.Datetime(string="Verified On", required=True, readonly=True, index=True)
    audience = fields.Selection(AUDIENCES, required=True, readonly=True)
    country_code = fields.Char(string="Country", readonly=True)
    province = fields.Char(readonly=True)
    city = fields.Char(readonly=True)
    before_shipment = fields.Boolean(
        readonly=True, help="Verified before the code was shipped: a copied code if it shows up again later."
    )
    located = fields.Boolean(string="Position Shared", readonly=True)
    latitude = fields.Float(digits=(8, 3), readonly=True)
    longitude = fields.Float(digits=(8, 3), readonly=True)
    token = fields.Char(readonly=True, groups="base.group_system")

    # ------------------------------------------------------------------------------------------
    # The answer
    # ------------------------------------------------------------------------------------------

    @api.model
    def _verify(self, data, *, audience="consumer", client=None, lang="en_US", record=True, short_link=False,
                dealer=None, user=None, counters=None):
        """The answer to a presented code (``data``: the parsed Digital Link, element string or
        serial, or ``None`` when it could not be parsed) for ``audience``.

        Unknown, forged, inactive and unparsable codes get the very same answer, ``{"found":
        False}``, after the same work (one look-up, one write); forged and inactive ones raise an
        alert. A genuine code's answer is a whitelist of what its company shows the public, with
        the code's verification history; a consumer's verification is recorded. The writes go
        to ``counters``, the request's counter cursor (``trace.rate.limit._counter_cursor``),
        else to one of their own: the look-up alone reads the request's (replica's) cursor.
        """
        if record and counters is None:
            with self.env["trace.rate.limit"]._counter_cursor() as counters:
                return self._verify(data, audience=audience, client=client, lang=lang, short_link=short_link,
                                    dealer=dealer, user=user, counters=counters)
        client = client or {}
        if lang not in dict(self.env["res.lang"].get_installed()):
            lang = "en_US"
        now = fields.Datetime.now()
        key = (data.serial or data.sscc) if data else None
        row = self._lookup(key[:20] if key else "", lang)
        kind = self._failure(data, key, row)
        if not kind and short_link and not row["short_links"]:
            kind = "unknown"  # the company prints no short links: /v/<code> names nothing of it
        place = self.env["trace.geoip"]._locate(client.get("address"), lang) if record else {}
        if kind:
            if record:
                self._alert(counters, kind, key if kind != "unknown" else "", row, data, place, now)
            return {"found": False}
        answer = self._answer(row)
        first_date, first_city, count, early_count, cities = (
            row["first_date"], row["first_city"], row["count"], row["early_count"], row["cities"])
        if record and audience == "consumer":
            token = secrets.token_urlsafe(16)
            counters.execute(
                _RECORD,
                {"code": row["id"], "company": row["company_id"], "now": now, "audience": audience,
                 "country": place.get("country"), "province": place.get("province"), "city": place.get("city"),
                 "early": not row["shipped_date"], "token": token},
            )
            first_date, first_city, count, early_count, cities, _vid = counters.fetchone()
            answer["token"] = token
        elif record:
            counters.execute(
                """INSERT INTO trace_verification (code_id, company_id, verify_date, audience, country_code,
                                                   province, city, before_shipment)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, %s)""",
                [row["id"], row["company_id"], now, audience, place.get("country"), place.get("province"),
                 place.get("city"), not row["shipped_date"]],
            )
        answer["history"] = self._history(row, first_date, first_city, count, early_count, cities)
        if audience == "dealer" and dealer and user:
            answer["logistics"] = self._dealer_logistics(row, dealer, user)
        return answer

    @api.model
    def _dealer_logistics(self, row, dealer, user):
        """The hops of the code within ``dealer``'s part of the network (shipments to the dealer
        and below it), when the dealer may see the code at all: the record rules of ``user``
        decide (a code shipped to them or below them), not this method."""
        if not self.env["trace.code"].with_user(user).search_count([("id", "=", row["id"])]):
            return None
        code = self.env["trace.code"].browse(row["id"])
        hops = code._trace_data()["logistics"]
        names = [hop["transfer"] for hop in hops if hop.get("transfer")]
        pickings = self.env["stock.picking"].search([("name", "in", names), ("company_id", "=", row["company_id"])])
        path = dealer.trace_dealer_path or "-"
        mine = {
            picking.name for picking in pickings
            if (picking.partner_id.commercial_partner_id.trace_dealer_path or "").startswith(path)
            or (picking.partner_id.trace_dealer_path or "").startswith(path)
            # a dealer's own receipts and its shipments to its shops (partners of no dealer path)
            or (picking.trace_dealer_id.trace_dealer_path or "").startswith(path)
        }
        return [
            {"time": hop["local_time"], "step": hop["step"], "from": hop["from"], "to": hop["to"],
             "transfer": hop["transfer"]}
            for hop in hops if hop.get("transfer") in mine
        ]

    @api.model
    def _public_report_stream(self, serial, index):
        """The ``index``-th public test report of the batch of the genuine, active code ``serial``
        (an ``ir.binary`` stream), or ``None``."""
        row = self._lookup(serial[:20])
        if not row or row["activation"] != "active" or not row["batch_id"] or index < 1:
            return None
        if not row["show_reports"]:
            return None
        reports = self.env["trace.batch.report"].search(
            [("batch_id", "=", row["batch_id"]), ("public", "=", True)], order="report_date desc, id"
        )
        if index > len(reports):
            return None
        report = reports[index - 1]
        return self.env["ir.binary"]._get_stream_from(report, "attachment", filename=report.attachment_name)

    @api.model
    def _public_image_stream(self, gtin, logo=False):
        """The image of the traced product of GTIN ``gtin`` (or its company's logo), or ``None``:
        only products with production batches show here."""
        variants = {gtin, gtin.lstrip("0"), gtin.zfill(14), gtin.lstrip("0").zfill(13)}
        product = self.env["product.product"].search([("barcode", "in", list(variants))], limit=1)
        if not product or not self.env["trace.batch"].search_count([("product_id", "=", product.id)], limit=1):
            return None
        if logo:
            company = product.company_id or self.env["res.company"].search([], limit=1, order="id")
            return self.env["ir.binary"]._get_image_stream_from(company, "logo", width=256, height=256)
        return self.env["ir.binary"]._get_image_stream_from(product, "image_512", placeholder=None)

    @api.model
    def _lookup(self, key, lang="en_US"):
        """The code named ``key`` with what its public answer needs (``None`` if there is none)."""
        self.env.flush_all()  # nothing is pending on the public page; elsewhere the query reads what the ORM holds
        # four relations joined, the rest scalar sub-queries by key: planning a dozen joins would
        # cost more than running the query (2-5 ms against 0.3), on every request
        self.env.cr.execute(_LOOKUP, {"key": key, "lang": lang})
        found = self.env.cr.fetchone()
        if not found:
            return None
        row = dict(zip(_ROW_KEYS, found))
        row["product"], row["hidden_code"] = row.pop("_product")
        row["factory"], row["factory_tz"] = row.pop("_factory") or (None, None)
        (row["company"], row["show_production"], row["show_expiry"], row["show_factory"], row["show_shipment"],
         row["show_territory"], row["show_reports"], row["contact"], row["suspicious_count"],
         row["suspicious_cities"], row["short_links"], row["company_tz"]) = row.pop("_company")
        return row

    @api.model
    def _failure(self, data, key, row):
        """Why ``data`` is not a genuine, active code of ours (``None`` when it is)."""
        if not key:
            return "unknown"
        if row is None:
            return "forged" if data.serial and self._forged(key) else "unknown"
        if (data.gtin and row["gtin"] and data.gtin != row["gtin"]) or (
            data.lot and row["lot"] and data.lot != row["lot"]
        ):
            return "forged"  # a real serial under another product or lot: a made-up link
        if row["activation"] != "active":
            return "inactive"
        return None

    @api.model
    def _forged(self, serial):
        """Whether no company's keyed check segment accepts ``serial``."""
        checks = []
        for company_id, secret in self._code_secrets():
            minter = _minters.get((company_id, secret))
            if minter is None:
                minter = _minters[(company_id, secret)] = tk_codes.CodeMinter(secret.encode())
            checks.append(minter)
        if not checks:
            return False  # codes without a check segment cannot be told from unknown ones
        try:
            return not any(minter.verify(serial) for minter in checks)
        except TraceKitError:
            return True

    @api.model
    @ormcache()
    def _code_secrets(self):
        """``((company id, secret), ...)``: the keyed check of every company (cleared when a
        company gets its secret, see res.company.write)."""
        self.env["res.company"].flush_model(["trace_code_secret"])
        self.env.cr.execute(
            "SELECT id, trace_code_secret FROM res_company WHERE trace_code_secret IS NOT NULL ORDER BY id")
        return tuple(self.env.cr.fetchall())

    @api.model
    @ormcache()
    def _brand(self):
        """The name the public pages carry where no code names its company: the first company's
        (cleared when a company is renamed, see res.company.write)."""
        return self.env["res.company"].sudo().search([], limit=1, order="id").name or ""

    @api.model
    def _alert(self, counters, kind, name, row, data, place, now):
        """Count an alert of ``kind`` on the counter cursor: the day's count of unknown codes is
        one row that every guess updates, and its lock must not last while the page renders."""
        gtin = data.gtin if data and data.gtin and not row else None
        counters.execute(_ALERT, {
            "day": now.date(), "kind": kind, "name": (name or "")[:64], "now": now, "city": place.get("city"),
            "company": row["company_id"] if row else None, "product": row["product_id"] if row else None,
            "barcodes": [gtin, gtin.lstrip("0")] if gtin else [],
        })

    @api.model
    def _answer(self, row):
        """What the public may see of the genuine code ``row``, as its company configured."""
        tz = self._tz(row)
        answer = {
            "found": True,
            "serial": row["name"],
            "level": row["level"],
            "gtin": row["gtin"],
            "company": row["company"],
            "product": row["product"],
            "lot": row["lot"],
            "recalled": bool(row["recalled"]),
            "contact": row["contact"] or None,
            "hidden_code": bool(row["hidden_code"]),
        }
        if row["show_production"] and row["production_date"]:
            answer["production_date"] = row["production_date"]
        if row["show_expiry"] and row["expiry_date"]:
            answer["expiry_date"] = row["expiry_date"]
        if row["show_factory"] and row["factory"]:
            answer["factory"] = row["factory"]
        if row["show_shipment"] and row["shipped_date"]:
            answer["shipped_date"] = self._local(row["shipped_date"], tz)
        names = [name for name in (row["state"], row["prefecture"], row["county"]) if name]
        if row["show_territory"] and names:
            answer["territory"] = " ".join(names)
        if row["show_reports"] and row["reports"]:
            answer["reports"] = [
                {"name": report["name"], "date": report["date"], "index": index}
                for index, report in enumerate(row["reports"], start=1)
            ]
        if answer["hidden_code"]:
            answer["claimed_date"] = self._local(row["claimed_date"], tz) if row["claimed_date"] else None
        return answer

    @api.model
    def _history(self, row, first_date, first_city, count, early_count, cities):
        """The code's consumer verifications so far and why they may be suspicious."""
        reasons = []
        if count >= (row["suspicious_count"] or 10):
            reasons.append("count")
        if cities >= (row["suspicious_cities"] or 3):
            reasons.append("cities")
        if early_count and row["shipped_date"]:
            reasons.append("early")  # checked before it left the warehouse, and shipped since
        return {
            "count": count,
            "first_date": self._local(first_date, self._tz(row)) if first_date else None,
            "first_city": first_city,
            "cities": cities,
            "early": early_count,
            "suspicious": reasons,
        }

    @api.model
    def _tz(self, row):
        """Where the code was made (its factory's time zone), else its company's, else China's."""
        tz = row["factory_tz"] or row["company_tz"] or "Asia/Shanghai"
        return tz if tz in pytz.all_timezones_set else "Asia/Shanghai"

    @api.model
    def _local(self, when, tz):
        """``when`` (UTC) in the time zone ``tz``, to the minute, as text."""
        return pytz.utc.localize(when).astimezone(pytz.timezone(tz)).strftime("%Y-%m-%d %H:%M")

    # ------------------------------------------------------------------------------------------
    # Hidden code and position, after the answer
    # ------------------------------------------------------------------------------------------

    @api.model
    def _claim(self, serial, pin, client=None, lang="en_US"):
        """Claim the unit ``serial`` with its hidden code ``pin``: ``{"ok", "message", "claimed_date",
        "already"}``. The first right PIN claims it; later ones hear when it was claimed."""
        row = self._lookup(serial[:20])
        if not row or row["activation"] != "active":
            return {"ok": False, "message": _("This is not a code of ours.")}
        code = self.env["trace.code"].browse(row["id"]).sudo()
        if not code.product_id.trace_hidden_code:
            return {"ok": False, "message": _("This product has no hidden code.")}
        if not hmac.compare_digest(code._trace_pin(), "".join(pin.split())):
            return {"ok": False, "message": _("The hidden code does not match. Check the digits under the coating.")}
        now = fields.Datetime.now()
        tz = self._tz(row)
        place = self.env["trace.geoip"]._locate((client or {}).get("address"), lang)
        self.env.cr.execute(
            """INSERT INTO trace_code_claim (code_id, company_id, claim_date, city) VALUES (%s, %s, %s, %s)
               ON CONFLICT (code_id) DO NOTHING RETURNING claim_date""",
            [row["id"], row["company_id"], now, place.get("city")],
        )
        if self.env.cr.fetchone():
            return {"ok": True, "already": False, "claimed_date": self._local(now, tz),
                    "message": _("Verified by its buyer: this unit is yours.")}
        self.env.cr.execute("SELECT claim_date FROM trace_code_claim WHERE code_id = %s", [row["id"]])
        claimed = self._local(self.env.cr.fetchone()[0], tz)
        return {
            "ok": True,
            "already": True,
            "claimed_date": claimed,
            "message": _(
                "This unit was claimed by its buyer on %(date)s. If that was not you, the unit may be a copy.",
                date=claimed,
            ),
        }

    @api.model
    def _locate_verification(self, serial, token, latitude, longitude):
        """Add the position a visitor agreed to share to their verification (rounded to about
        100 m). Answers whether the verification was found; a verification is located once (its
        token lasts an hour, for the other choices of the page)."""
        if not (isinstance(token, str) and 10 <= len(token) <= 64):
            return False
        row = self._lookup(serial[:20])
        if not row:
            return False
        self.env.cr.execute(
            SQL(
                """UPDATE trace_verification SET located = true, latitude = %s, longitude = %s
                    WHERE code_id = %s AND token = %s AND verify_date > %s AND NOT coalesce(located, false)""",
                round(latitude, 3), round(longitude, 3), row["id"], token,
                fields.Datetime.now() - timedelta(hours=1),
            )
        )
        return bool(self.env.cr.rowcount)

    # ------------------------------------------------------------------------------------------
    # Retention
    # ------------------------------------------------------------------------------------------

    @api.model
    def _gc_verifications(self):
        """Delete verifications older than their company's retention (the cron, daily)."""
        self.env["res.company"].flush_model(["trace_verification_retention"])
        self.env.cr.execute(
            """DELETE FROM trace_verification v USING res_company c
                WHERE c.id = v.company_id
                  AND v.verify_date < (now() AT TIME ZONE 'UTC') - make_interval(days => coalesce(
                      nullif(c.trace_verification_retention, 0), 365))"""
        )
        self.env.cr.execute(
            "UPDATE trace_verification SET token = NULL WHERE token IS NOT NULL"
            " AND verify_date < (now() AT TIME ZONE 'UTC') - interval '1 hour'"
        )


class TraceVerificationStat(models.Model):
    """The running consumer-verification counts of a code (one row per verified code, updated in
    the statement that records the verification): first time and city, count, cities seen."""

    _name = "trace.verification.stat"
    _description = "Code Verification Counts"
    _log_access = False
    _rec_name = "code_id"

    code_id = fields.Many2one("trace.code", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    first_date = fields.Datetime(string="First Verified", readonly=True)
    first_city = fields.Char(readonly=True)
    last_date = fields.Datetime(string="Last Verified", readonly=True)
    count = fields.Integer(string="Verifications", readonly=True)
    early_count = fields.Integer(string="Before Shipment", readonly=True)
    city_count = fields.Integer(string="Cities", compute="_compute_city_count")
    # the code's first consumer verification (an id, not a link: the retention deletes it, and
    # then it is simply gone from the analyses' first verifications)
    first_verification_id = fields.Integer(readonly=True)

    _sql_constraints = [("code_uniq", "unique(code_id)", "One count per code.")]

    def init(self):
        cr = self.env.cr
        cr.execute("ALTER TABLE trace_verification_stat ADD COLUMN IF NOT EXISTS cities varchar[]")
        # counts recorded before the first verification was kept: the earliest of their first second
        cr.execute(
            """UPDATE trace_verification_stat s SET first_verification_id = f.id
                 FROM (SELECT DISTINCT ON (code_id) code_id, id, verify_date FROM trace_verification
                        WHERE audience = 'consumer' AND code_id IN (
                              SELECT code_id FROM trace_verification_stat WHERE first_verification_id IS NULL)
                        ORDER BY code_id, verify_date, id) f
                WHERE f.code_id = s.code_id AND f.verify_date = s.first_date AND s.first_verification_id IS NULL"""
        )

    def _compute_city_count(self):
        self.env.cr.execute(
            "SELECT id, cardinality(cities) FROM trace_verification_stat WHERE id = ANY(%s)", [self.ids]
        )
        counts = dict(self.env.cr.fetchall())
        for stat in self:
            stat.city_count = counts.get(stat.id) or 0
