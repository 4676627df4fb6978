from odoo import _, api, fields, models
from odoo.exceptions import UserError


class TraceHwPrintJob(models.Model):
    """Labels queued for a station's printer; the proxy pulls them, prints and verifies them."""

    _name = "trace.hw.print.job"
    _description = "Label Print Job"
    _order = "id"

    name = fields.Char(compute="_compute_name")
    station_id = fields.Many2one("trace.hw.station", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="station_id.company_id", store=True)
    device_id = fields.Many2one("trace.hw.device", string="Printer", required=True,
                                domain="[('station_id', '=', station_id), ('role', '=', 'printer')]")
    kind = fields.Selection([("unit", "Unit"), ("case", "Case"), ("pallet", "Pallet")], required=True, default="unit")
    code_ids = fields.Many2many("trace.code", string="Codes")
    state = fields.Selection(
        [("queued", "Queued"), ("sent", "Sent to the line"), ("done", "Printed"), ("failed", "Rejects")],
        default="queued",
        required=True,
        readonly=True,
    )
    printed_count = fields.Integer(readonly=True)
    rejected = fields.Json(readonly=True)

    @api.depends("kind", "code_ids")
    def _compute_name(self):
        for job in self:
            job.name = _("%(count)s %(kind)s labels", count=len(job.code_ids), kind=job.kind)

    def _labels(self):
        """Label fields for tracekit.labels.zpl, one dict per code."""
        self.ensure_one()
        labels = []
        for code in self.code_ids:
            label = {"code": code.name, "product_name": code.product_id.name or "",
                     "lot": code.lot_id.name or None,
                     "expiry_date": fields.Date.to_string(code.batch_id.expiry_date) if code.batch_id.expiry_date else None}
            if code.level == "unit":
                label.update({"digital_link": code._digital_link(), "gtin": code.gtin, "serial": code.name})
            elif code.gtin:
                label.update({"gtin": code.gtin, "serial": code.name})
            else:
                label.update({"sscc": code.name})
            labels.append(label)
        return labels

    @api.model
    def _pending(self, station):
        jobs = self.search([("station_id", "=", station.id), ("state", "in", ("queued", "sent"))])
        jobs.filtered(lambda j: j.state == "queued").write({"state": "sent"})
        return {"jobs": [{"id": job.id, "device": job.device_id.code, "kind": job.kind, "labels": job._labels()}
                         for job in jobs]}

    def _done(self, payload):
        self.ensure_one()
        if self.state not in ("queued", "sent"):
            raise UserError(_("Print job %(job)s was reported already.", job=self.id))
        printed = payload.get("printed") or []
        rejected = payload.get("rejected") or []
        self.write({"printed_count": len(printed), "rejected": rejected, "state": "failed" if rejected else "done"})
        return {"ok": True}
