import datetime

import pytz
from odoo import _, api, models
from odoo.exceptions import AccessError, UserError


class TraceHome(models.AbstractModel):
    """The Traceability home screen: the code search (a scan, a typed code or a pasted Digital
    Link, from the home screen or the systray) and the factory's figures of today and this week."""

    _name = "trace.home"
    _description = "Traceability Home"

    def _check_user(self):
        if not self.env.user.has_group("product_trace.group_trace_user"):
            raise AccessError(_("Only Traceability users can search codes."))

    @api.model
    def trace_page(self, text):
        """``{"html": the trace of the code, "code": its name}``, or ``{"error": why not}`` for
        anything that names no code of the user's companies (an answer, never an exception)."""
        self._check_user()
        if not isinstance(text, str) or not text.strip():
            return {"error": _("Scan, type or paste a code or a Digital Link.")}
        if len(text) > 4096:
            return {"error": _("This is not a code: it is longer than 4,096 characters.")}
        try:
            code = self.env["trace.code"]._resolve(text)
        except UserError as error:
            return {"error": error.args[0] if error.args else str(error)}
        Code = self.env["trace.code"]
        html = self.env["ir.qweb"]._render(
            "product_trace.trace_query_result",
            {
                "data": code._trace_data(),
                "code": code,
                "levels": dict(Code._fields["level"]._description_selection(self.env)),
                "states": dict(Code._fields["state"]._description_selection(self.env)),
            },
        )
        return {"html": str(html), "code": code.name, "id": code.id}

    def _periods(self):
        """UTC starts of the user's today and this week (Monday), in the user's time zone."""
        tz = pytz.timezone(self.env.user.tz or "UTC")
        now = datetime.datetime.now(tz)
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        week = today - datetime.timedelta(days=today.weekday())
        return {name: start.astimezone(pytz.UTC).replace(tzinfo=None) for name, start in (("today", today), ("week", week))}

    @api.model
    def get_data(self):
        """The home screen's figures, of the user's companies: per line, codes issued, activated
        and packed today and this week; the running batches with their progress."""
        self._check_user()
        periods = self._periods()
        companies = self.env.companies.ids
        cr = self.env.cr
        self.env["trace.event"].flush_model()
        self.env["trace.code.issue"].flush_model()
        figures = {}
        for period, start in periods.items():
            cr.execute(
                """
                SELECT b.line_id, sum(i.quantity_done) FROM trace_code_issue i JOIN trace_batch b ON b.id = i.batch_id
                 WHERE i.create_date >= %(start)s AND b.company_id = ANY(%(companies)s) GROUP BY b.line_id
                """,
                {"start": start, "companies": companies},
            )
            for line_id, count in cr.fetchall():
                figures.setdefault(line_id, {}).setdefault(period, {})["issued"] = count
            cr.execute(
                """
                SELECT coalesce(e.line_id, b.line_id), sum(e.quantity) FROM trace_event e
                  LEFT JOIN trace_batch b ON b.id = e.batch_id
                 WHERE e.biz_step = 'commissioning' AND e.event_time >= %(start)s
                   AND e.company_id = ANY(%(companies)s) GROUP BY 1
                """,
                {"start": start, "companies": companies},
            )
            for line_id, count in cr.fetchall():
                figures.setdefault(line_id, {}).setdefault(period, {})["activated"] = count
            cr.execute(
                """
                SELECT b.line_id, sum(e.quantity) FROM trace_event e
                  JOIN trace_code p ON p.id = e.parent_code_id JOIN trace_batch b ON b.id = p.batch_id
                 WHERE e.event_type = 'aggregation' AND e.action = 'ADD' AND e.biz_step = 'packing'
                   AND e.event_time >= %(start)s AND e.company_id = ANY(%(companies)s) GROUP BY 1
                """,
                {"start": start, "companies": companies},
            )
            for line_id, count in cr.fetchall():
                figures.setdefault(line_id, {}).setdefault(period, {})["packed"] = count
        lines = self.env["trace.production.line"].browse([line_id for line_id in figures if line_id])
        names = {line.id: line.display_name for line in lines}
        per_line = [
            {
                "line": names.get(line_id) or _("No line"),
                "line_id": line_id or False,
                **{
                    f"{period}_{kind}": values.get(period, {}).get(kind, 0)
                    for period in periods
                    for kind in ("issued", "activated", "packed")
                },
            }
            for line_id, values in sorted(figures.items(), key=lambda item: names.get(item[0]) or "")
        ]
        batches = self.env["trace.batch"].search([("state", "=", "confirmed")], order="production_date desc, id desc",
                                                 limit=20)
        running = [
            {
                "id": batch.id,
                "name": batch.name,
                "product": batch.product_id.display_name,
                "line": batch.line_id.display_name or "",
                "planned": batch.quantity,
                "active": batch.units_active + batch.units_packed,
                "packed": batch.units_packed,
                "progress": round(100.0 * (batch.units_active + batch.units_packed) / batch.quantity, 1)
                if batch.quantity else 0.0,
            }
            for batch in batches
        ]
        return {"lines": per_line, "batches": running, "alerts": self._alerts(), "stations": self._stations()}

    def _alerts(self):
        """What needs handling, as ``[{"label", "count", "action"}]`` (other addons add theirs)."""
        mine = [("state", "=", "failed"), ("company_id", "in", self.env.companies.ids)]
        failed = self.env["trace.label.run"].search_count(mine) + self.env["trace.code.issue"].search_count(mine)
        alerts = []
        if failed:
            alerts.append({"label": _("Failed issuances and label runs"), "count": failed,
                           "action": "product_trace.trace_label_run_action"})
        return alerts

    def _stations(self):
        """The line stations and whether they are online (trace_hardware fills it)."""
        return []
