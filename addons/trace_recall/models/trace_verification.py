from odoo import api, models


class TraceVerification(models.Model):
    _inherit = "trace.verification"

    @api.model
    def _verify(self, data, **kwargs):
        """The answer of a recalled unit carries its recall: reference, date and the notice to
        consumers in the visitor's language."""
        answer = super()._verify(data, **kwargs)
        if answer.get("found") and answer.get("recalled") and "recall" not in answer:
            recall = self.env["trace.recall"]._public_notice(answer["serial"], kwargs.get("lang") or "en_US")
            if recall:
                answer["recall"] = recall
        return answer

    @api.model
    def _gc_verifications(self):
        """The consumers' recall contacts go with the verifications (the company's retention)."""
        result = super()._gc_verifications()
        self.env["trace.recall.contact"]._gc_contacts()
        return result
