import json
import logging

from odoo import http
from odoo.http import request
from werkzeug.exceptions import RequestEntityTooLarge

from tracekit import wire

from ..tools import bookkeeping_cursor

_logger = logging.getLogger(__name__)

# the protocol's bodies are 4 levels deep (body, events, event, children): deeper ones are refused
# before anything walks them (Python's JSON parser, repr() and json.dumps recurse, and fail past
# about a thousand levels)
MAX_DEPTH = 32


def _nested_too_deep(value):
    """Whether ``value`` (parsed JSON) nests lists and objects deeper than MAX_DEPTH."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth > MAX_DEPTH:
                return True
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return False


def _answer(status, body):
    return request.make_response(
        json.dumps(body, ensure_ascii=False),
        headers=[("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store")],
        status=status,
    )


class _Refused(Exception):
    """A request refused before any model method runs: its HTTP status and JSON answer."""

    def __init__(self, status, body):
        super().__init__(status)
        self.status = status
        self.body = body


class LineProxyController(http.Controller):
    """The line proxy's API (protocol: tracekit.proxy.protocol). Authenticate the station by its
    bearer key, parse the JSON body (size capped), call one model method, which checks every
    field (tracekit.wire) and answers ``(status, JSON)``. Every refusal is a JSON 4xx naming what
    was wrong; nothing here writes."""

    def _station(self):
        header = request.httprequest.headers.get("Authorization", "")
        key = header[7:].strip() if header.lower().startswith("bearer ") else ""
        station = request.env["trace.hw.api.key"].sudo()._station_for(key)
        if not station:
            raise _Refused(401, {"error": "unauthorized"})
        return station

    def _body(self):
        """The request's JSON body (at most MAX_BODY_BYTES); the model method checks its fields."""
        length = request.httprequest.content_length
        if length is not None and length > wire.MAX_BODY_BYTES:
            raise _Refused(413, self._too_large())
        # werkzeug stops reading a body without a length (chunked) past this limit too
        request.httprequest.max_content_length = wire.MAX_BODY_BYTES
        try:
            data = request.httprequest.get_data()
        except RequestEntityTooLarge:
            raise _Refused(413, self._too_large()) from None
        if len(data) > wire.MAX_BODY_BYTES:
            raise _Refused(413, self._too_large())
        try:
            body = json.loads(data.decode("utf-8"))
        except ValueError:  # UnicodeDecodeError and JSONDecodeError alike
            raise _Refused(
                400, {"error": "invalid", "field": None, "message": request.env._("The body is not JSON in UTF-8.")}
            ) from None
        except RecursionError:
            raise _Refused(400, self._too_deep()) from None
        if _nested_too_deep(body):
            raise _Refused(400, self._too_deep())
        return body

    def _too_deep(self):
        return {
            "error": "invalid",
            "field": None,
            "message": request.env._("The body nests lists and objects deeper than %(max)s levels.", max=MAX_DEPTH),
        }

    def _too_large(self):
        return {
            "error": "too_large",
            "field": None,
            "message": request.env._("The body is larger than %(max)s bytes.", max=wire.MAX_BODY_BYTES),
        }

    def _serve(self, handler, with_body=False):
        try:
            station = self._station()
            body = self._body() if with_body else None
            env = station._line_env()
            status, answer = handler(station.with_env(env), body)
        except _Refused as refused:
            return _answer(refused.status, refused.body)
        return _answer(status, answer)

    @http.route(["/trace/hw/v1", "/trace/hw/v1/<path:rest>"], type="http", auth="none", csrf=False,
                save_session=False)
    def unknown(self, rest=None, **_params):
        """Any other path of the API: a JSON 404 (not Odoo's web page, nor its attachment lookup,
        which fails on a NUL character in the path)."""
        return _answer(404, {"error": "not_found", "message": request.env._("No such route of the line API.")})

    @http.route("/trace/hw/v1/config", type="http", auth="none", methods=["GET"], csrf=False, save_session=False, readonly=False)
    def config(self):
        return self._serve(lambda station, _body: (200, station._config()))

    @http.route("/trace/hw/v1/events", type="http", auth="none", methods=["POST"], csrf=False, save_session=False, readonly=False)
    def events(self):
        return self._serve(lambda station, body: station.env["trace.hw.ingest"]._ingest(station, body), True)

    @http.route("/trace/hw/v1/heartbeat", type="http", auth="none", methods=["POST"], csrf=False, save_session=False, readonly=False)
    def heartbeat(self):
        def beat(station, body):
            # the station's row is written by every post of its proxy: a heartbeat sent beside
            # another one, or beside a batch, would fail on it under REPEATABLE READ (logged as an
            # error, the request re-run); its own READ COMMITTED transaction waits its turn instead
            with bookkeeping_cursor(station.env) as cr:
                return station.with_env(station.env(cr=cr))._heartbeat(body)

        return self._serve(beat, True)

    @http.route("/trace/hw/v1/print_jobs", type="http", auth="none", methods=["GET"], csrf=False, save_session=False, readonly=False)
    def print_jobs(self):
        return self._serve(lambda station, _body: station.env["trace.hw.print.job"]._pending(station))

    @http.route("/trace/hw/v1/print_jobs/<int:job_id>/done", type="http", auth="none", methods=["POST"],
                csrf=False, save_session=False, readonly=False)
    def print_job_done(self, job_id):
        return self._serve(
            lambda station, body: station.env["trace.hw.print.job"]._report(station, job_id, body),
            True,
        )
