import json
import math

from odoo import http
from odoo.addons.trace_public_portal.controllers.portal import DealerPortal
from odoo.exceptions import AccessError, UserError
from odoo.http import request
from werkzeug.exceptions import NotFound

from ..models.trace_market_scan import MAX_NOTE, MAX_SHOP

# a record id in PostgreSQL's integer range
MAX_ID = 2147483647


class InspectorPortal(DealerPortal):
    """The inspector's page (稽查员) on the portal, on a phone: scan what is found in the market
    with the shop and city, the precise position only when the inspector ticks to share it.
    Thin: every field validated, the group checked by the model method, which records the scan
    and runs the rules."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if not counters:  # the home page's values; /my/counters answers the counters asked for only
            values["trace_is_inspector"] = self._trace_is_inspector()
        return values

    @staticmethod
    def _trace_is_inspector():
        user = request.env.user
        return not user._is_public() and user.has_group("trace_diversion.group_trace_inspector")

    @http.route("/my/trace/inspect", type="http", auth="user", methods=["GET"], website=True, sitemap=False)
    def trace_inspect_page(self, **_query):
        if not self._trace_is_inspector():
            raise NotFound()
        Scan = request.env["trace.market.scan"]
        props = {"csrfToken": request.csrf_token(), "provinces": Scan._trace_places()}
        return request.render("trace_diversion.portal_my_trace_inspect",
                              {"page_name": "inspect_market", "props": json.dumps(props)})

    @http.route("/my/trace/inspect/counties", type="http", auth="user", methods=["GET"], sitemap=False,
                readonly=True, website=True)
    def trace_inspect_counties(self, city=None, **_query):
        if not self._trace_is_inspector():
            return self._json_error("not_found", request.env._("This page is for inspectors."), 404)
        try:
            prefecture_id = int(city)
        except (TypeError, ValueError):
            prefecture_id = 0
        if not 0 < prefecture_id <= MAX_ID:
            return self._json_error("invalid_request", request.env._("Choose a city."))
        return self._json({"ok": True, "counties": request.env["trace.market.scan"]._trace_counties(prefecture_id)})

    @http.route("/my/trace/inspect/scan", type="http", auth="user", methods=["POST"], csrf=False, sitemap=False,
                website=True)
    def trace_inspect_scan(self, **_query):
        """Record a code found in the market: ``{"csrf_token", "text", "city", "county"?, "shop"?,
        "note"?, "latitude"?, "longitude"?, "source"?}``."""
        if not self._trace_is_inspector():
            return self._json_error("not_found", request.env._("This page is for inspectors."), 404)
        data, error = self._json_body(
            {"text": self._text, "city": self._id, "county": self._optional_id, "shop": self._optional_shop,
             "note": self._optional_note, "latitude": self._optional_latitude,
             "longitude": self._optional_longitude, "source": self._optional_source},
            required=("text", "city"))
        if error:
            return error
        position = None
        if data.get("latitude") is not None or data.get("longitude") is not None:
            if data.get("latitude") is None or data.get("longitude") is None:
                return self._json_error("invalid_request", request.env._("Send both latitude and longitude, or neither."))
            position = (float(data["latitude"]), float(data["longitude"]))
        try:
            answer = request.env["trace.market.scan"]._trace_inspect(
                data["text"], data["city"], county_id=data.get("county"), shop=data.get("shop"),
                note=data.get("note"), position=position)
        except (UserError, AccessError) as refusal:
            return self._json_error("refused", refusal.args[0])
        return self._json(answer)

    # -- fields ----------------------------------------------------------------------------------

    @staticmethod
    def _id(value):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
            return request.env._("Expected a record id.")
        return None

    @classmethod
    def _optional_id(cls, value):
        return None if value is None else cls._id(value)

    @staticmethod
    def _optional_text(value, size):
        if value is None:
            return None
        if not isinstance(value, str) or len(value) > size:
            return request.env._("Expected a text of at most %(size)s characters.", size=size)
        return None

    @classmethod
    def _optional_shop(cls, value):
        return cls._optional_text(value, MAX_SHOP)

    @classmethod
    def _optional_note(cls, value):
        return cls._optional_text(value, MAX_NOTE)

    @staticmethod
    def _optional_degrees(value, bound):
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or abs(value) > bound:
            return request.env._("Expected a number between -%(bound)s and %(bound)s.", bound=bound)
        return None

    @classmethod
    def _optional_latitude(cls, value):
        return cls._optional_degrees(value, 90)

    @classmethod
    def _optional_longitude(cls, value):
        return cls._optional_degrees(value, 180)

