import uuid

from odoo import _, fields, models

from ..const import LEVELS


class TraceCodeIssueWizard(models.TransientModel):
    _name = "trace.code.issue.wizard"
    _description = "Issue Codes"

    batch_id = fields.Many2one("trace.batch", required=True)
    level = fields.Selection(LEVELS, required=True, default="unit")
    quantity = fields.Integer(required=True)
    # generated when the dialog opens: pressing the button twice (or a retried request) issues once
    request_key = fields.Char(required=True, default=lambda self: uuid.uuid4().hex)

    def action_issue(self):
        self.ensure_one()
        issue = self.batch_id.issue_codes(self.quantity, level=self.level, request_key=self.request_key)
        if issue.state == "done":
            message = _("%(count)s codes issued.", count=issue.quantity)
        else:
            message = _(
                "%(count)s codes are being issued in the background; the batch shows the progress.",
                count=issue.quantity,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
