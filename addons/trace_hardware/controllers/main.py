import json
import logging

from odoo import SUPERUSER_ID, http
from odoo.http import request

_logger = logging.getLogger(__name__)


def _answer(status, body):
    return request.make_response(
        json.dumps(body, ensure_ascii=False),
        headers=[("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store")],
        status=status,
    )


class LineProxyController(http.Controller):
    """The line proxy's API (protocol: tracekit.proxy.protocol). Parse, authenticate the station
    by its bearer key, call one model method, answer JSON."""

    def _station(self):
        header = request.httprequest.headers.get("Authorization", "")
        key = header[7:].strip() if header.lower().startswith("bearer ") else ""
        return request.env["trace.hw.api.key"].sudo()._station_for(key)

    def _body(self):
        try:
            return json.loads(request.httprequest.get_data(as_text=True) or "null")
        except ValueError:
            return None

    def _env_for(self, station):
        """The environment a station works in: the system user, restricted to the station's company."""
        env = request.env(user=SUPERUSER_ID, su=True)
        return env(context=dict(env.context, allowed_company_ids=[station.company_id.id]))

    @http.route("/trace/hw/v1/config", type="http", auth="none", methods=["GET"], csrf=False, save_session=False, readonly=False)
    def config(self):
        station = self._station()
        if not station:
            return _answer(401, {"error": "unauthorized"})
        return _answer(200, station.with_env(self._env_for(station))._config())

    @http.route("/trace/hw/v1/events", type="http", auth="none", methods=["POST"], csrf=False, save_session=False, readonly=False)
    def events(self):
        station = self._station()
        if not station:
            return _answer(401, {"error": "unauthorized"})
        env = self._env_for(station)
        status, body = env["trace.hw.ingest"]._ingest(station.with_env(env), self._body())
        return _answer(status, body)

    @http.route("/trace/hw/v1/heartbeat", type="http", auth="none", methods=["POST"], csrf=False, save_session=False, readonly=False)
    def heartbeat(self):
        station = self._station()
        if not station:
            return _answer(401, {"error": "unauthorized"})
        body = self._body()
        if not isinstance(body, dict):
            return _answer(400, {"error": "invalid"})
        return _answer(200, station.with_env(self._env_for(station))._heartbeat(body))

    @http.route("/trace/hw/v1/print_jobs", type="http", auth="none", methods=["GET"], csrf=False, save_session=False, readonly=False)
    def print_jobs(self):
        station = self._station()
        if not station:
            return _answer(401, {"error": "unauthorized"})
        env = self._env_for(station)
        return _answer(200, env["trace.hw.print.job"]._pending(station.with_env(env)))

    @http.route("/trace/hw/v1/print_jobs/<int:job_id>/done", type="http", auth="none", methods=["POST"],
                csrf=False, save_session=False, readonly=False)
    def print_job_done(self, job_id):
        station = self._station()
        if not station:
            return _answer(401, {"error": "unauthorized"})
        env = self._env_for(station)
        job = env["trace.hw.print.job"].search([("id", "=", job_id), ("station_id", "=", station.id)])
        if not job:
            return _answer(404, {"error": "not_found"})
        body = self._body()
        if not isinstance(body, dict):
            return _answer(400, {"error": "invalid"})
        return _answer(200, job._done(body))
