import hashlib
import hmac
import json
import time

import requests
from odoo import api, models

TIMEOUT = 10


class SendError(Exception):
    """A message the provider did not take: ``permanent`` when sending it again cannot help."""

    def __init__(self, message, permanent=False):
        super().__init__(message)
        self.permanent = permanent


class TraceSmsGateway(models.AbstractModel):
    """The SMS adapter: one signed JSON request per message to the company's gateway.

    ``POST <url>`` with ``{"id": <the message's key>, "to": <number>, "text": <signature + body>}``
    and the headers ``X-Trace-Timestamp`` (Unix seconds) and ``X-Trace-Signature``
    (hex HMAC-SHA256 of ``<timestamp>.<body>`` under the shared key). The gateway answers 2xx
    ``{"ok": true, "id": <its id>}``, takes an ``id`` it has seen as the same message, and
    refuses with 4xx (permanent: a wrong number) or 5xx / 429 (try later). A provider with
    another protocol (Aliyun, Tencent Cloud SMS) is another adapter with the same ``_send``."""

    _name = "trace.sms.gateway"
    _description = "SMS Gateway Adapter"

    @api.model
    def _send(self, message):
        """Send ``message`` (a ``trace.outbox``); answers the gateway's id or raises :class:`SendError`."""
        company = message.company_id.sudo()
        if not company.trace_sms_url or not company.trace_sms_key:
            raise SendError(self.env._("No SMS gateway is configured for %(company)s.", company=company.name))
        text = "%s%s" % (company.trace_sms_sign or "", message.body)
        body = json.dumps({"id": message.key, "to": message.recipient, "text": text}, ensure_ascii=False,
                          separators=(",", ":")).encode()
        timestamp = str(int(time.time()))
        signature = hmac.new(company.trace_sms_key.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
        try:
            response = requests.post(company.trace_sms_url, data=body, timeout=TIMEOUT, headers={
                "Content-Type": "application/json", "X-Trace-Timestamp": timestamp,
                "X-Trace-Signature": signature.hexdigest()})
        except requests.RequestException as error:
            raise SendError(self.env._("The SMS gateway did not answer: %(error)s", error=error)) from None
        if response.status_code >= 500 or response.status_code == 429:
            raise SendError(self.env._("The SMS gateway is busy (HTTP %(status)s).", status=response.status_code))
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.status_code >= 400 or not isinstance(answer, dict) or answer.get("ok") is not True:
            error = answer.get("error") if isinstance(answer, dict) else None
            raise SendError(self.env._("The SMS gateway refused the message (HTTP %(status)s): %(error)s",
                                       status=response.status_code, error=str(error or "-")[:200]),
                            permanent=400 <= response.status_code < 500)
        return str(answer.get("id") or "")[:64]
