import re
from datetime import timedelta

from odoo import api, fields, models

# a mobile number as people type it: digits, an optional leading +, spaces and dashes
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,22}$")
# numbers one unit may be told at
MAX_PER_UNIT = 3


class TraceRecallContact(models.Model):
    """A consumer who asked, on the verification page of a unit, to be told if it is recalled:
    the unit, a mobile number and when and in which language they agreed (the consent), nothing
    else. Kept as long as the company keeps verifications; read by Traceability Managers only,
    for the recalls of that unit's batch; written by the public page's method only."""

    _name = "trace.recall.contact"
    _description = "Consumer to Tell of a Recall"
    _order = "consent_date desc, id desc"
    _rec_name = "phone"

    code_id = fields.Many2one("trace.code", string="Unit", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    phone = fields.Char(string="Mobile", required=True, readonly=True)
    lang = fields.Char(string="Language", readonly=True)
    consent_date = fields.Datetime(string="Agreed On", required=True, readonly=True)
    batch_id = fields.Many2one(related="code_id.batch_id")
    lot_id = fields.Many2one(related="code_id.lot_id")

    _sql_constraints = [("code_phone_uniq", "unique(code_id, phone)", "This number is recorded for this unit.")]

    @api.model
    def _normalize(self, phone):
        """The number as stored (digits, a leading + kept), or ``None`` when it is none."""
        if not isinstance(phone, str) or not PHONE.match(phone.strip()):
            return None
        phone = phone.strip()
        digits = re.sub(r"[^0-9]", "", phone)
        return ("+" if phone.startswith("+") else "") + digits if 6 <= len(digits) <= 15 else None

    @api.model
    def _record(self, serial, token, phone, lang):
        """Record that the visitor of the verification ``token`` of ``serial`` (within the hour
        after it) agreed to be told by ``phone`` if the unit is recalled. Answers whether it was
        recorded (a number recorded before for the unit counts as recorded)."""
        phone = self._normalize(phone)
        if not phone or not isinstance(token, str) or not 10 <= len(token) <= 64:
            return False
        self.env.cr.execute(
            """SELECT c.id, c.company_id FROM trace_code c JOIN trace_verification v ON v.code_id = c.id
                WHERE c.name = %s AND v.token = %s AND v.verify_date > %s LIMIT 1""",
            [serial[:20], token, fields.Datetime.now() - timedelta(hours=1)],
        )
        found = self.env.cr.fetchone()
        if not found:
            return False
        self.env.cr.execute("SELECT count(*) FROM trace_recall_contact WHERE code_id = %s AND phone <> %s",
                            [found[0], phone])
        if self.env.cr.fetchone()[0] >= MAX_PER_UNIT:
            return False  # one unit is bought by a household, not by a list of numbers
        self.env.cr.execute(
            """INSERT INTO trace_recall_contact (code_id, company_id, phone, lang, consent_date, create_uid,
                                                 create_date, write_uid, write_date)
               VALUES (%s, %s, %s, %s, now() AT TIME ZONE 'UTC', %s, now() AT TIME ZONE 'UTC', %s,
                       now() AT TIME ZONE 'UTC')
               ON CONFLICT (code_id, phone) DO NOTHING""",
            [found[0], found[1], phone, (lang or "")[:16], self.env.uid, self.env.uid],
        )
        return True

    @api.model
    def _gc_contacts(self):
        """Delete the contacts older than their company's retention of verifications."""
        self.env["res.company"].flush_model(["trace_verification_retention"])
        self.flush_model(["consent_date"])
        self.env.cr.execute(
            """DELETE FROM trace_recall_contact k USING res_company c
                WHERE c.id = k.company_id
                  AND k.consent_date < (now() AT TIME ZONE 'UTC') - make_interval(days => coalesce(
                      nullif(c.trace_verification_retention, 0), 365))"""
        )
