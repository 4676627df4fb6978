import json
import math
from urllib.parse import quote

from odoo import http
from odoo.http import request
from odoo.tools import config
from werkzeug.exceptions import NotFound

from tracekit import codes as tk_codes
from tracekit import gs1
from tracekit.errors import TraceKitError

# what a presented code may be at most (a Digital Link with a lot and dates fits well below)
MAX_TEXT = 512
# under Odoo's test runner the page carries the frontend layout for browser tours, whose inline
# scripts this policy would block: it is sent everywhere else
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    ("Cache-Control", "no-store"),
    ("X-Robots-Tag", "noindex, nofollow"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
]


# link previews (messengers, social networks) fetch a shared link: they are no one verifying a code
PREVIEW_AGENTS = ("facebookexternalhit", "whatsapp", "telegrambot", "slackbot", "twitterbot", "discordbot",
                  "linkedinbot", "skypeuripreview", "googlebot", "bingbot", "baiduspider", "bytespider",
                  "yandexbot", "applebot", "embedly", "redditbot")


class TracePublic(http.Controller):
    """The public verification page (thin: the model methods decide and answer whitelists)."""

    # -- the three ways in ---------------------------------------------------------------------

    # The three ways in are read-only routes: with --db_replica_host the look-up reads a replica;
    # what they write (limiter, verification, counts, alerts) goes to the counter cursor, on the
    # primary (trace.rate.limit._counter_cursor).

    @http.route(["/01/<path:rest>", "/00/<path:rest>"], type="http", auth="public", methods=["GET", "HEAD"],
                sitemap=False, csrf=False, save_session=False, readonly=True)
    def trace_digital_link(self, rest=None, **_query):
        """A GS1 Digital Link as printed in each unit's QR code."""
        environ = request.httprequest.environ
        raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
        if not raw:
            raw = quote(environ.get("PATH_INFO", ""), safe="/%") + (
                "?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else "")
        text = "https://%s%s" % (request.httprequest.host or "localhost", raw)
        return self._respond(self._parse(text, gs1.parse_digital_link), text)

    @http.route("/v/<string:serial>", type="http", auth="public", methods=["GET", "HEAD"], sitemap=False, csrf=False,
                save_session=False, readonly=True)
    def trace_short_link(self, serial, **_query):
        """The short form ``/v/<code>``, for the companies that want one."""
        return self._respond(self._parse(serial, gs1.parse_scan, serial_only=True), serial, short_link=True)

    @http.route("/verify", type="http", auth="public", methods=["GET", "HEAD"], sitemap=False, csrf=False,
                save_session=False, readonly=True)
    def trace_verify(self, code=None, **_query):
        """Type a code by hand (the characters printed under the QR code) or paste a link."""
        lang = self._lang()
        if code is None:
            return self._render("trace_public_portal.verify_form", {"value": ""}, lang)
        if not isinstance(code, str) or not code.strip():
            return self._render("trace_public_portal.verify_form", {"value": "", "empty": True}, lang)
        return self._respond(self._parse(code, self._parse_typed), code)

    # -- after the answer -------------------------------------------------------------------------

    @http.route("/trace/claim", type="http", auth="public", methods=["POST"], sitemap=False, csrf=False,
                save_session=False, readonly=False)
    def trace_claim(self, serial=None, pin=None, **_form):
        """Claim a unit with its hidden code. No CSRF token: the PIN under the coating is the proof,
        and the claim acts for no logged-in user."""
        lang = self._lang()
        if not self._valid_text(serial, 20) or not self._valid_text(pin, 32):
            return self._render("trace_public_portal.claim_result",
                                {"result": {"ok": False, "message": None}, "serial": ""}, lang, status=400)
        limited = self._limit([("client", self._client_address()), ("pin", serial)], lang)
        if limited:
            return limited
        result = request.env["trace.verification"].sudo()._claim(
            serial, pin, client={"address": self._client_address()}, lang=lang)
        return self._render("trace_public_portal.claim_result", {"result": result, "serial": serial}, lang)

    @http.route("/trace/locate", type="http", auth="public", methods=["POST"], sitemap=False, csrf=False,
                save_session=False, readonly=False)
    def trace_locate(self, **_form):
        """The position a visitor chose to share with their verification (JSON body: serial, token,
        latitude, longitude). Answers 204, or 400 for anything malformed."""
        length = request.httprequest.content_length
        if length is None or length > 1024:  # a body of unknown length is not read at all
            return request.make_response("", status=413)
        body = request.httprequest.get_data(cache=False)
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return request.make_response("", status=400)
        serial, token = data.get("serial"), data.get("token")
        lat, lon = data.get("latitude"), data.get("longitude")
        if not (self._valid_text(serial, 20) and self._valid_text(token, 64) and self._coordinate(lat, 90)
                and self._coordinate(lon, 180)):
            return request.make_response("", status=400)
        limited = self._limit([("client", self._client_address())], self._lang())
        if limited:
            return limited
        found = request.env["trace.verification"].sudo()._locate_verification(serial, token, float(lat), float(lon))
        return request.make_response("", status=204 if found else 404)

    @http.route("/trace/report/<string:serial>/<int:index>", type="http", auth="public", methods=["GET"],
                sitemap=False, csrf=False, save_session=False, readonly=False)
    def trace_report(self, serial, index, **_query):
        """The ``index``-th public test report of the batch of the genuine code ``serial``."""
        limited = self._limit([("client", self._client_address())], self._lang())
        if limited:
            return limited
        stream = request.env["trace.verification"].sudo()._public_report_stream(serial, index)
        if not stream:
            raise NotFound()
        return stream.get_response(as_attachment=False)

    @http.route(["/trace/image/<string:gtin>", "/trace/logo/<string:gtin>"], type="http", auth="public",
                methods=["GET"], sitemap=False, csrf=False, save_session=False, readonly=True)
    def trace_image(self, gtin, **_query):
        """The product image (or the company logo) of a traced product, by its GTIN."""
        if not (gtin.isdigit() and len(gtin) <= 14):
            raise NotFound()
        logo = request.httprequest.path.startswith("/trace/logo/")
        stream = request.env["trace.verification"].sudo()._public_image_stream(gtin, logo=logo)
        if not stream:
            raise NotFound()
        return stream.get_response(max_age=86400)

    # -- helpers ----------------------------------------------------------------------------------

    @staticmethod
    def _valid_text(value, size):
        return isinstance(value, str) and 0 < len(value) <= size and value.isprintable()

    @staticmethod
    def _coordinate(value, bound):
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and (
            -bound <= value <= bound)

    @staticmethod
    def _parse_typed(text):
        """A code typed by hand: a bare serial is forgiven case, O/I/L and dashes or spaces."""
        text = text.strip()
        if "/" in text or "(" in text or text.isdigit():
            return gs1.parse_scan(text)
        return gs1.parse_scan(tk_codes.normalize(text))

    @staticmethod
    def _parse(text, parser, serial_only=False):
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
            return None
        try:
            data = parser(text)
        except (TraceKitError, ValueError):
            return None
        if serial_only and data.source != "serial":
            return None
        return data

    def _client_address(self):
        # behind a reverse proxy Odoo's --proxy-mode makes this the client's address (X-Forwarded-For);
        # without it the proxy's own: the header is never trusted unless configured
        return request.httprequest.remote_addr or ""

    def _lang(self):
        """The visitor's language among the installed ones, by the browser's Accept-Language: the
        exact language, else one of the same language (zh_TW for zh_HK...), else English."""
        installed = [code for code, _name in request.env["res.lang"].get_installed()]
        for value, _quality in request.httprequest.accept_languages:
            value = value.replace("-", "_")
            prefix = value.split("_")[0].lower()
            exact = next((code for code in installed if code.lower() == value.lower()), None)
            same = exact or next((code for code in installed if code.split("_")[0].lower() == prefix), None)
            if same:
                return same
        return "en_US" if "en_US" in installed else installed[0]

    def _limit(self, buckets, lang, counters=None):
        # counted once per HTTP request: Odoo re-runs a request whose transaction failed (a
        # serialization failure, a write on a replica), and the retry is no new request
        environ = request.httprequest.environ
        if "trace.rate_limit" not in environ:
            environ["trace.rate_limit"] = request.env["trace.rate.limit"].sudo()._hit(
                [(kind, key) for kind, key in buckets if key], counters)
        over, retry = environ["trace.rate_limit"]
        if not over:
            return None
        response = self._render("trace_public_portal.verify_limited", {"retry": retry}, lang, status=429)
        response.headers["Retry-After"] = str(retry)
        return response

    def _audience(self):
        user = request.env.user
        if user._is_public():
            return "consumer", None
        if user._is_internal():
            return ("staff", None) if user.has_group("product_trace.group_trace_user") else ("consumer", None)
        dealer = user.partner_id.commercial_partner_id
        return ("dealer", dealer) if dealer.trace_is_dealer else ("consumer", None)

    def _respond(self, data, text, short_link=False):
        lang = self._lang()
        key = (data.serial or data.sscc) if data else None
        # one counter cursor for the request, whatever the answer: the limiter's count, then
        # the verification or the alert (the same work for a genuine code and a guessed one)
        with request.env["trace.rate.limit"].sudo()._counter_cursor() as counters:
            limited = self._limit([("client", self._client_address()), ("code", key)], lang, counters)
            if limited:
                return limited
            audience, dealer = self._audience()
            if audience == "staff":
                query = (data.serial or data.sscc) if data else text
                return request.redirect(
                    "/odoo/action-product_trace.action_trace_home?trace_query=%s" % quote(query[:MAX_TEXT], safe=""),
                    local=True)
            agent = (request.httprequest.user_agent.string or "").lower()
            record = request.httprequest.method == "GET" and not any(bot in agent for bot in PREVIEW_AGENTS)
            # answered and recorded once per HTTP request, like the limiter's count: a retried
            # transaction (a write on a replica's cursor while rendering) is no new verification
            environ = request.httprequest.environ
            if "trace.answer" not in environ:
                environ["trace.answer"] = request.env["trace.verification"].sudo()._verify(
                    data, audience=audience, client={"address": self._client_address()}, lang=lang,
                    short_link=short_link, dealer=dealer, user=request.env.user, record=record, counters=counters)
            answer = environ["trace.answer"]
        return self._render("trace_public_portal.verify_page", {"answer": answer, "audience": audience}, lang)

    def _render(self, template, values, lang, status=200):
        testing = bool(config["test_enable"] or config["test_file"])
        # the page's templates read only the values given here: no user, company or frontend
        # values to prepare (under the test runner, the frontend layout of the tours needs them)
        request.update_context(lang=lang, minimal_qcontext=not testing)
        values = dict(values, lang=lang, html_lang=lang.replace("_", "-"),
                      brand=request.env["trace.verification"].sudo()._brand(), test_mode_enabled=testing)
        headers = list(SECURITY_HEADERS)
        if not testing:
            headers.append(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        return request.render(template, values, status=status, headers=headers)
