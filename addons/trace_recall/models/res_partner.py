from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _trace_dealer_recalls(self):
        """The active recalls of goods this dealer holds (itself or its shops, not returned):
        ``[{"name", "units", "message", "notice"}]`` in the user's language, its own count only."""
        self.ensure_one()
        holders = [self.id] + self.trace_shop_ids.ids
        self.env["trace.code"].flush_model()
        self.env.cr.execute(
            """SELECT r.id, count(*) FROM trace_code c
                 JOIN trace_recall_affected_batch_rel rel ON rel.batch_id = c.batch_id
                 JOIN trace_recall r ON r.id = rel.recall_id
                WHERE r.state = 'active' AND c.holder_id = ANY(%s) AND c.level = 'unit' AND c.activation = 'active'
                  AND c.custody IS DISTINCT FROM 'returned'
                GROUP BY r.id ORDER BY r.id DESC""",
            [holders],
        )
        counts = dict(self.env.cr.fetchall())
        recalls = self.env["trace.recall"].sudo().browse(counts)
        return [
            {"name": recall.name, "units": counts[recall.id], "notice": recall.notice or "",
             "message": self.env._(
                 "Recall %(recall)s of %(lots)s: you hold %(units)s affected units (with your shops). Stop selling "
                 "them and return them: scanning them out is refused.",
                 recall=recall.name, lots=", ".join(recall.affected_lot_ids.mapped("display_name")),
                 units=counts[recall.id])}
            for recall in recalls
        ]
