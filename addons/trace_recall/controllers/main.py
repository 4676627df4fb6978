from odoo import http
from odoo.addons.trace_public_portal.controllers.main import TracePublic
from odoo.http import request


class TraceRecallPublic(TracePublic):
    @http.route("/trace/recall-contact", type="http", auth="public", methods=["POST"], sitemap=False, csrf=False,
                save_session=False, readonly=False)
    def trace_recall_contact(self, serial=None, token=None, phone=None, consent=None, **_form):
        """A consumer asks to be told if the unit just verified is recalled (form: serial, the
        verification's token, phone, consent). No CSRF token: the verification's one-hour token
        is the proof, and the request acts for no logged-in user. Every field checked; 400 and
        nothing recorded for anything wrong."""
        lang = self._lang()
        if not (self._valid_text(serial, 20) and self._valid_text(token, 64) and self._valid_text(phone, 32)
                and consent == "1"):
            return self._render("trace_recall.recall_contact_result", {"ok": False}, lang, status=400)
        limited = self._limit([("client", self._client_address())], lang)
        if limited:
            return limited
        ok = request.env["trace.recall.contact"].sudo()._record(serial, token, phone, lang)
        return self._render("trace_recall.recall_contact_result", {"ok": ok}, lang, status=200 if ok else 400)
