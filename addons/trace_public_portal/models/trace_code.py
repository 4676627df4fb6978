import hashlib
import hmac

from odoo import fields, models

PIN_DIGITS = 8


def hidden_pin(key, serial):
    """The hidden code of ``serial`` under the company key ``key``: 8 digits of HMAC-SHA256."""
    digest = hmac.new(key, b"pin:" + serial.encode(), hashlib.sha256).digest()
    return str(int.from_bytes(digest[:8], "big") % 10**PIN_DIGITS).zfill(PIN_DIGITS)


class TraceCode(models.Model):
    _inherit = "trace.code"

    shipped_date = fields.Datetime(string="Shipped On", readonly=True)

    def _trace_pin(self):
        """The unit's hidden code (scratch-off PIN): 8 digits derived from the company's key and
        the serial, so nothing secret is stored beside the code. 10^8 values behind a limit of a
        few attempts per code and hour."""
        self.ensure_one()
        return hidden_pin(self.company_id._trace_pin_key(), self.name)
