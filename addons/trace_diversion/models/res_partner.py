from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    trace_diversion_alert_count = fields.Integer(
        string="Diversion Alerts", compute="_compute_trace_diversion_alert_count",
        groups="product_trace.group_trace_user")

    def _compute_trace_diversion_alert_count(self):
        groups = self.env["trace.diversion.alert"]._read_group(
            [("dealer_id", "in", self.ids), ("state", "!=", "dismissed")], ["dealer_id"], ["__count"])
        counts = {dealer.id: count for dealer, count in groups}
        for partner in self:
            partner.trace_diversion_alert_count = counts.get(partner.id, 0)

    def action_view_trace_diversion(self):
        """This dealer's diverted codes: where they went, month by month."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("trace_diversion.action_trace_diversion_report")
        action["domain"] = [("dealer_id", "=", self.id)]
        action["context"] = {"search_default_group_state": 1}
        return action
