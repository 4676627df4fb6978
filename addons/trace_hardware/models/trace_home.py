from odoo import _, models


class TraceHome(models.AbstractModel):
    _inherit = "trace.home"

    def _alerts(self):
        alerts = super()._alerts()
        Read = self.env["trace.hw.read"]
        exceptions = Read.search_count([("status", "=", "exception")])
        if exceptions:
            alerts.append({"label": _("Read exceptions to handle"), "count": exceptions,
                           "action": "trace_hardware.trace_hw_read_exception_action"})
        parked = Read.search_count([("status", "=", "parked")])
        if parked:
            alerts.append({"label": _("Reads waiting for their code"), "count": parked,
                           "action": "trace_hardware.trace_hw_read_action"})
        return alerts

    def _stations(self):
        return super()._stations() + [
            {"id": station.id, "name": station.display_name, "online": station.online}
            for station in self.env["trace.hw.station"].search([], order="name")
        ]
