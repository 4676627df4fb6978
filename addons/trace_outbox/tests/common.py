import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class SmsGateway:
    """A real HTTP SMS gateway on a local port, speaking the adapter's protocol: it checks each
    request's signature, takes a message id it has seen as the same message, and answers as
    ``self.mode`` says (``ok``, ``busy``: 503, ``refuse``: 400)."""

    def __init__(self, key):
        self.key, self.mode, self.received, self.delivered = key, "ok", [], {}
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                timestamp = self.headers.get("X-Trace-Timestamp", "")
                expected = hmac.new(gateway.key.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
                signed = hmac.compare_digest(expected, self.headers.get("X-Trace-Signature", ""))
                message = json.loads(body)
                gateway.received.append(dict(message, signed=signed))
                if not signed:
                    return self.answer(401, {"ok": False, "error": "bad signature"})
                if gateway.mode == "busy":
                    return self.answer(503, {"ok": False, "error": "busy"})
                if gateway.mode == "refuse":
                    return self.answer(400, {"ok": False, "error": "invalid number"})
                reference = gateway.delivered.setdefault(message["id"], "GW-%d" % (len(gateway.delivered) + 1))
                return self.answer(200, {"ok": True, "id": reference})

            def answer(self, status, data):
                payload = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%s/send" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.server.shutdown()
        self.server.server_close()


def configure(company, gateway, sign="【茶业】"):
    company.sudo().write({"trace_sms_url": gateway.url, "trace_sms_key": gateway.key, "trace_sms_sign": sign})


class WechatServer:
    """WeChat's API on a local port, as documented: ``/cgi-bin/token`` for the configured AppID
    and AppSecret, ``/cgi-bin/message/template/send`` for a valid token. ``expire_next`` makes
    the next send answer 42001 (the token expired); openids in ``unfollowed`` answer 43004."""

    def __init__(self, appid, secret):
        self.appid, self.secret, self.tokens, self.sent = appid, secret, [], []
        self.expire_next, self.unfollowed = False, set()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):
                pass

            def do_GET(self):
                url = urlparse(self.path)
                query = parse_qs(url.query)
                if url.path != "/cgi-bin/token" or query.get("grant_type") != ["client_credential"]:
                    return self.answer({"errcode": 40013, "errmsg": "invalid request"})
                if query.get("appid") != [server.appid] or query.get("secret") != [server.secret]:
                    return self.answer({"errcode": 40125, "errmsg": "invalid appsecret"})
                token = "TOKEN-%d" % (len(server.tokens) + 1)
                server.tokens.append(token)
                return self.answer({"access_token": token, "expires_in": 7200})

            def do_POST(self):
                url = urlparse(self.path)
                token = parse_qs(url.query).get("access_token", [None])[0]
                message = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                if url.path != "/cgi-bin/message/template/send" or not server.tokens or token != server.tokens[-1]:
                    return self.answer({"errcode": 40001, "errmsg": "invalid credential"})
                if server.expire_next:
                    server.expire_next = False
                    server.tokens.append("EXPIRED")
                    return self.answer({"errcode": 42001, "errmsg": "access_token expired"})
                if message.get("touser") in server.unfollowed:
                    return self.answer({"errcode": 43004, "errmsg": "require subscribe"})
                server.sent.append(message)
                return self.answer({"errcode": 0, "errmsg": "ok", "msgid": 2000 + len(server.sent)})

            def answer(self, data):
                payload = json.dumps(data).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%s" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.server.shutdown()
        self.server.server_close()


def configure_wechat(company, server, template="TPL-RECALL"):
    company.sudo().write({"trace_wechat_appid": server.appid, "trace_wechat_secret": server.secret,
                          "trace_wechat_api_url": server.url, "trace_wechat_recall_template": template,
                          "trace_wechat_token": False, "trace_wechat_token_expiry": False})
