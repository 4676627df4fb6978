import json
import logging

from odoo import http
from odoo.http import request
from werkzeug.exceptions import RequestEntityTooLarge

from tracekit import wire

_logger = logging.getLogger(__name__)


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
        return body

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

    @http.route("/trace/hw/v1/config", type="http", auth="none", methods=["GET"], csrf=False, save_session=False, readonly=False)
    def config(self):
        return self._serve(lambda station, _body: (200, station._config()))

    @http.route("/trace/hw/v1/events", type="http", auth="none", methods=["POST"], csrf=False, save_session=False, readonly=False)
    def events(self):
        return self._serve(lambda station, body: station.env["trace.hw.ingest"]._ingest(station, body), True)

    @http.route("/trace/hw/v1/heartbeat", type="http", auth="none", methods=["POST"], csrf=False, save_session=False, readonly=False)
    def heartbeat(self):
        return self._serve(lambda station, body: station._heartbeat(body), True)

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
