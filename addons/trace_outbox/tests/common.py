import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class _JsonHandler(BaseHTTPRequestHandler):
    """A request handler of the local servers below: quiet, JSON answers, the server's
    ``handle_get`` / ``handle_post(path, query, body)`` deciding ``(status, data)``."""

    def log_message(self, *_args):
        pass

    def do_GET(self):
        url = urlparse(self.path)
        self.answer(*self.server.owner.handle_get(url.path, parse_qs(url.query)))

    def do_POST(self):
        url = urlparse(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.answer(*self.server.owner.handle_post(url.path, parse_qs(url.query), body, self.headers))

    def answer(self, status, data):
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class LocalServer:
    """A real HTTP server on a local port, started and stopped as a context manager."""

    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _JsonHandler)
        self.server.owner = self
        self.base = "http://127.0.0.1:%s" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.server.shutdown()
        self.server.server_close()

    def handle_get(self, path, query):
        return 405, {"ok": False}

    def handle_post(self, path, query, body, headers):
        return 405, {"ok": False}


class SmsGateway(LocalServer):
    """An SMS gateway speaking the adapter's protocol: it checks each request's signature,
    takes a message id it has seen as the same message, and answers as ``self.mode`` says
    (``ok``, ``busy``: 503, ``refuse``: 400)."""

    def __init__(self, key):
        super().__init__()
        self.key, self.mode, self.received, self.delivered = key, "ok", [], {}
        self.url = self.base + "/send"

    def handle_post(self, path, query, body, headers):
        timestamp = headers.get("X-Trace-Timestamp", "")
        expected = hmac.new(self.key.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        signed = hmac.compare_digest(expected, headers.get("X-Trace-Signature", ""))
        message = json.loads(body)
        self.received.append(dict(message, signed=signed))
        if not signed:
            return 401, {"ok": False, "error": "bad signature"}
        if self.mode == "busy":
            return 503, {"ok": False, "error": "busy"}
        if self.mode == "refuse":
            return 400, {"ok": False, "error": "invalid number"}
        reference = self.delivered.setdefault(message["id"], "GW-%d" % (len(self.delivered) + 1))
        return 200, {"ok": True, "id": reference}


def configure(company, gateway, sign="【茶业】"):
    company.sudo().write({"trace_sms_url": gateway.url, "trace_sms_key": gateway.key, "trace_sms_sign": sign})


class WechatServer(LocalServer):
    """WeChat's API, as documented: ``/cgi-bin/token`` for the configured AppID and AppSecret,
    ``/cgi-bin/message/template/send`` for a valid token. ``expire_next`` makes the next send
    answer 42001 (the token expired); openids in ``unfollowed`` answer 43004."""

    def __init__(self, appid, secret):
        super().__init__()
        self.appid, self.secret, self.tokens, self.sent = appid, secret, [], []
        self.expire_next, self.unfollowed = False, set()
        self.url = self.base

    def handle_get(self, path, query):
        if path != "/cgi-bin/token" or query.get("grant_type") != ["client_credential"]:
            return 200, {"errcode": 40013, "errmsg": "invalid request"}
        if query.get("appid") != [self.appid] or query.get("secret") != [self.secret]:
            return 200, {"errcode": 40125, "errmsg": "invalid appsecret"}
        token = "TOKEN-%d" % (len(self.tokens) + 1)
        self.tokens.append(token)
        return 200, {"access_token": token, "expires_in": 7200}

    def handle_post(self, path, query, body, headers):
        token = query.get("access_token", [None])[0]
        message = json.loads(body)
        if path != "/cgi-bin/message/template/send" or not self.tokens or token != self.tokens[-1]:
            return 200, {"errcode": 40001, "errmsg": "invalid credential"}
        if self.expire_next:
            self.expire_next = False
            self.tokens.append("EXPIRED")
            return 200, {"errcode": 42001, "errmsg": "access_token expired"}
        if message.get("touser") in self.unfollowed:
            return 200, {"errcode": 43004, "errmsg": "require subscribe"}
        self.sent.append(message)
        return 200, {"errcode": 0, "errmsg": "ok", "msgid": 2000 + len(self.sent)}


def configure_wechat(company, server, template="TPL-RECALL"):
    company.sudo().write({"trace_wechat_appid": server.appid, "trace_wechat_secret": server.secret,
                          "trace_wechat_api_url": server.url, "trace_wechat_recall_template": template,
                          "trace_wechat_token": False, "trace_wechat_token_expiry": False})
