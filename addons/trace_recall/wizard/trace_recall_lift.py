from odoo import fields, models


class TraceRecallLift(models.TransientModel):
    """Lifting a recall says why: the reason stays on the recall and goes to its dealers."""

    _name = "trace.recall.lift"
    _description = "Lift a Recall"

    recall_id = fields.Many2one("trace.recall", required=True, ondelete="cascade")
    reason = fields.Text(required=True)

    def action_lift(self):
        self.ensure_one()
        self.recall_id._lift(self.reason)
        return {"type": "ir.actions.act_window_close"}
