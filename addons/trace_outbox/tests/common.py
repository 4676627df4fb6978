import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


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
