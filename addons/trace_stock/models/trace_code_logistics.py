# trace.code is split into one file per job (conventions).
# pylint: disable=consider-merging-classes-inherited
from odoo import models


class TraceCode(models.Model):
    """The logistics part of a code's trace: where it is now and each hop it made."""

    _inherit = "trace.code"

    def _trace_data(self):
        data = super()._trace_data()
        custody = dict(self._fields["custody"]._description_selection(self.env))
        data["custody"] = {
            "state": self.custody or None,
            "state_label": custody.get(self.custody) or None,
            "location": self.location_id.display_name or None,
            "holder": self.holder_id.display_name or None,
        }
        data["logistics"] = [
            {
                "time": event["time"],
                "local_time": event["local_time"],
                "step": event["biz_step_label"],
                "from": event.get("source"),
                "to": event.get("destination"),
                "transfer": event.get("transaction"),
                "who": event["user"],
            }
            for event in data["events"]
            if event["biz_step"] in ("shipping", "receiving")
        ]
        return data
