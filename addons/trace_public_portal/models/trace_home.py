from datetime import timedelta

from odoo import _, fields, models


class TraceHome(models.AbstractModel):
    _inherit = "trace.home"

    def _alerts(self):
        """Forged codes and codes presented before activation (a copied code, a leaked print
        file) in the last 7 days: worth knowing about on the home screen."""
        alerts = super()._alerts()
        since = fields.Date.context_today(self) - timedelta(days=7)
        count = self.env["trace.verification.alert"].search_count(
            [("kind", "in", ("forged", "inactive")), ("day", ">=", since)])
        if count:
            alerts.append({"label": _("Forged or inactive codes verified (7 days)"), "count": count,
                           "action": "trace_public_portal.action_trace_verification_alert"})
        return alerts
