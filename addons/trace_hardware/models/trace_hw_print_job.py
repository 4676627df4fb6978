import hashlib
import json

from odoo import _, api, fields, models
from odoo.addons.product_trace.const import LEVELS
from odoo.exceptions import ValidationError

from tracekit import wire


class TraceHwPrintJob(models.Model):
    """Labels queued for a station's printer; the proxy pulls them, prints and verifies them."""

    _name = "trace.hw.print.job"
    _description = "Label Print Job"
    _order = "id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    station_id = fields.Many2one("trace.hw.station", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="station_id.company_id", store=True)
    device_id = fields.Many2one("trace.hw.device", string="Printer", required=True, check_company=True,
                                domain="[('station_id', '=', station_id), ('role', '=', 'printer')]")
    kind = fields.Selection(LEVELS, required=True, default="unit")
    code_ids = fields.Many2many("trace.code", string="Codes", check_company=True)
    state = fields.Selection(
        [("queued", "Queued"), ("done", "Printed"), ("failed", "Rejects")],
        default="queued",
        required=True,
        readonly=True,
    )
    printed_count = fields.Integer(readonly=True)
    rejected = fields.Json(readonly=True)
    report_hash = fields.Char(readonly=True, copy=False, help="Identifies the report the proxy sent.")

    @api.constrains("device_id", "station_id")
    def _check_device(self):
        for job in self:
            if job.device_id.station_id != job.station_id or job.device_id.role != "printer":
                raise ValidationError(
                    _("%(device)s is not a printer of station %(station)s.",
                      device=job.device_id.display_name, station=job.station_id.display_name)
                )

    @api.depends("kind", "code_ids")
    def _compute_name(self):
        # one whole sentence per kind: translations cannot be built from words
        names = {
            "unit": _("%(count)s unit labels"),
            "case": _("%(count)s case labels"),
            "pallet": _("%(count)s pallet labels"),
        }
        for job in self:
            job.name = names.get(job.kind, names["unit"]) % {"count": len(job.code_ids)}

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
        """The station's jobs not reported yet. Fetching changes nothing: a job the proxy fetched
        but never reported (a crash, a lost answer) is fetched again, and the proxy's own state
        keeps it from printing twice."""
        jobs = self.search([("station_id", "=", station.id), ("state", "=", "queued")])
        return 200, {"jobs": [{"id": job.id, "device": job.device_id.code, "kind": job.kind, "labels": job._labels()}
                              for job in jobs]}

    @api.model
    def _report(self, station, job_id, payload):
        """The proxy reports job ``job_id`` printed (validated by tracekit.wire); ``(status, answer)``.

        Only the station's own job; every code reported must be one of the job's. The same
        report repeated (a retry) is accepted once and answered again; another report of a job
        reported already is a conflict.
        """
        if refused := self.env["trace.hw.ingest"]._check_wire(wire.validate_print_report, payload):
            return refused
        job = self.search([("id", "=", job_id), ("station_id", "=", station.id)]) if 0 < job_id < 2**31 else self
        if not job:
            return 404, {"error": "not_found", "message": _("Print job %(job)s is not one of this station's.", job=job_id)}
        printed = payload.get("printed") or []
        rejected = payload.get("rejected") or []
        digest = hashlib.sha256(json.dumps([printed, rejected], sort_keys=True).encode()).hexdigest()
        self.env.cr.execute("SELECT state, report_hash FROM trace_hw_print_job WHERE id = %s FOR UPDATE", [job.id])
        state, reported = self.env.cr.fetchone()
        if state != "queued":
            if reported == digest:
                return 200, {"ok": True}
            return 409, {"error": "conflict", "message": _("Print job %(job)s was reported already.", job=job.id)}
        names = set(job.code_ids.mapped("name"))
        foreign = [code for code in printed + [reject["code"] for reject in rejected] if code not in names]
        if foreign:
            return 422, {
                "error": "refused",
                "message": _("Codes %(codes)s are not labels of print job %(job)s.",
                             codes=", ".join(foreign[:10]), job=job.id),
            }
        # the job's outcome is the line's to report: written as the superuser after these checks
        job.sudo().write({
            "printed_count": len(set(printed)),
            "rejected": [{"code": reject["code"], "reason": reject.get("reason") or ""} for reject in rejected],
            "state": "failed" if rejected else "done",
            "report_hash": digest,
        })
        return 200, {"ok": True}
