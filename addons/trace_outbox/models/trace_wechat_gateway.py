import json
from datetime import timedelta

import requests
from odoo import api, fields, models

from .trace_sms_gateway import TIMEOUT, SendError

DEFAULT_API = "https://api.weixin.qq.com"
# WeChat's answers that a new access token cures, and those that no retry cures
TOKEN_ERRORS = {40001, 40014, 42001}
PERMANENT_ERRORS = {40003, 40037, 43004, 43101}


class TraceWechatGateway(models.AbstractModel):
    """The WeChat official account adapter (微信公众号): template messages to a follower's
    openid, as WeChat documents them. ``GET /cgi-bin/token?grant_type=client_credential&appid=
    &secret=`` gives an access token (kept on the company until it expires);
    ``POST /cgi-bin/message/template/send?access_token=`` with ``{"touser", "template_id",
    "url"?, "data": {key: {"value"}}}`` answers ``{"errcode": 0, "msgid"}``. An expired token is
    fetched again once; an unfollowed account or a wrong template is not retried."""

    _name = "trace.wechat.gateway"
    _description = "WeChat Official Account Adapter"

    @api.model
    def _api(self, company):
        return (company.trace_wechat_api_url or DEFAULT_API).rstrip("/")

    @api.model
    def _token(self, company, renew=False):
        company = company.sudo()
        if not company.trace_wechat_appid or not company.trace_wechat_secret:
            raise SendError(self.env._("No WeChat official account is configured for %(company)s.",
                                       company=company.name))
        now = fields.Datetime.now()
        if not renew and company.trace_wechat_token and company.trace_wechat_token_expiry \
                and company.trace_wechat_token_expiry > now:
            return company.trace_wechat_token
        answer = self._call("GET", "%s/cgi-bin/token" % self._api(company), params={
            "grant_type": "client_credential", "appid": company.trace_wechat_appid,
            "secret": company.trace_wechat_secret})
        token = answer.get("access_token")
        if not isinstance(token, str) or not token:
            raise SendError(self.env._("WeChat gave no access token: %(error)s",
                                       error=str(answer.get("errmsg") or answer)[:200]),
                            permanent=answer.get("errcode") in PERMANENT_ERRORS)
        expires = answer.get("expires_in") if isinstance(answer.get("expires_in"), int) else 7200
        company.write({"trace_wechat_token": token,
                       "trace_wechat_token_expiry": now + timedelta(seconds=max(expires - 300, 60))})
        return token

    @api.model
    def _call(self, method, url, **kwargs):
        try:
            response = requests.request(method, url, timeout=TIMEOUT, **kwargs)
        except requests.RequestException as error:
            raise SendError(self.env._("WeChat did not answer: %(error)s", error=error)) from None
        if response.status_code != 200:
            raise SendError(self.env._("WeChat is busy (HTTP %(status)s).", status=response.status_code))
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise SendError(self.env._("WeChat answered something else than JSON."))
        return answer

    @api.model
    def _send(self, message):
        """Send ``message`` (a ``trace.outbox`` of the wechat channel: its payload is the
        template message without ``touser``); answers WeChat's msgid or raises :class:`SendError`."""
        company = message.company_id
        payload = dict(message.payload or {}, touser=message.recipient)
        body = json.dumps(payload, ensure_ascii=False).encode()
        for renew in (False, True):
            token = self._token(company, renew=renew)
            answer = self._call("POST", "%s/cgi-bin/message/template/send" % self._api(company),
                                params={"access_token": token}, data=body,
                                headers={"Content-Type": "application/json"})
            code = answer.get("errcode", 0)
            if code == 0:
                return str(answer.get("msgid") or "")[:64]
            if code not in TOKEN_ERRORS:
                break
        raise SendError(self.env._("WeChat refused the message (%(code)s): %(error)s", code=code,
                                   error=str(answer.get("errmsg") or "-")[:200]),
                        permanent=code in PERMANENT_ERRORS)
