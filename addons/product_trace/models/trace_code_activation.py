# trace.code is split into one file per job (conventions: a model that does many jobs becomes
# several files of _inherit), which this check would have merged back.
# pylint: disable=consider-merging-classes-inherited
from collections import Counter

from odoo import _, api, models
from odoo.exceptions import UserError


class TraceCode(models.Model):
    """Activation (commissioning): codes become valid goods, a whole batch at once or one line
    read each; set-based SQL, one commissioning event per call and company."""

    _inherit = "trace.code"

    @api.model
    def _activate_batch(self, batch, read_point=None):
        """Activate every issued unit code of ``batch`` (manual mode); one commissioning event."""
        batch.ensure_one()
        cr = self.env.cr
        self.flush_model()
        cr.execute(
            """
            WITH activated AS (
                UPDATE trace_code
                   SET activation = 'active', write_date = now() AT TIME ZONE 'UTC', write_uid = %s
                 WHERE batch_id = %s AND level = 'unit' AND activation = 'issued'
             RETURNING id
            )
            SELECT count(*), min(id), max(id) FROM activated
            """,
            [self.env.uid, batch.id],
        )
        count, first_id, last_id = cr.fetchone()
        self.invalidate_model(["activation", "state", "write_date", "write_uid"])
        if count:
            lot, company = batch.lot_id.id, batch.company_id.id
            self.env["trace.code.count"]._add(
                [(batch.id, lot, company, "unit", "issued", -count), (batch.id, lot, company, "unit", "active", count)]
            )
            self.env["trace.event"]._record(
                {
                    "event_type": "object",
                    "action": "ADD",
                    "biz_step": "commissioning",
                    "disposition": "active",
                    "scope": "batch",
                    "level": "unit",
                    "batch_id": batch.id,
                    "code_id_from": first_id,
                    "code_id_to": last_id,
                    "quantity": count,
                    "read_point": read_point or (batch.line_id and batch.line_id._read_point_uri()) or False,
                    "line_id": batch.line_id.id,
                    "company_id": batch.company_id.id,
                    "ilmd": batch._ilmd(),
                }
            )
        return count

    @api.model
    def _activate_codes(self, names, batch=None, read_point=None, device=None):
        """Activate the issued codes ``names`` (a line read each); all or nothing.

        Every name must be a known, issued code of the user's companies (of ``batch`` when given).
        Set-based: one read, one update, one commissioning event per company. Returns the
        activated records.
        """
        names = list(dict.fromkeys(names))
        if not names:
            return self.browse()
        cr = self.env.cr
        self.flush_model()
        cr.execute(
            """SELECT id, name, batch_id, lot_id, company_id, level, activation FROM trace_code
                WHERE name = ANY(%s) AND company_id = ANY(%s)""",
            [names, self.env.companies.ids],
        )
        rows = cr.fetchall()
        found = {row[1] for row in rows}
        unknown = [name for name in names if name not in found]
        if unknown:
            raise UserError(_("Unknown codes: %(codes)s.", codes=", ".join(unknown[:10])))
        if batch:
            wrong = [row[1] for row in rows if row[2] != batch.id]
            if wrong:
                raise UserError(
                    _("Codes %(codes)s do not belong to batch %(batch)s.", codes=", ".join(wrong[:10]), batch=batch.name)
                )
        not_issued = [row[1] for row in rows if row[6] != "issued"]
        if not_issued:
            raise UserError(_("Codes %(codes)s are not waiting for activation.", codes=", ".join(not_issued[:10])))
        ids = [row[0] for row in rows]
        cr.execute(
            """
            UPDATE trace_code SET activation = 'active', write_date = now() AT TIME ZONE 'UTC', write_uid = %s
             WHERE id = ANY(%s) AND activation = 'issued'
            """,
            [self.env.uid, ids],
        )
        self.invalidate_model(["activation", "state", "write_date", "write_uid"])
        self.env["trace.code.count"]._move(Counter(row[2:6] for row in rows), "issued", "active")
        by_company = {}
        for row in rows:
            by_company.setdefault(row[4], []).append(row[0])
        for company_id, company_ids in by_company.items():
            self.env["trace.event"]._record(
                {
                    "event_type": "object",
                    "action": "ADD",
                    "biz_step": "commissioning",
                    "disposition": "active",
                    "read_point": read_point or False,
                    "device": device or False,
                    "company_id": company_id,
                    "quantity": len(company_ids),
                },
                epc_ids=company_ids,
            )
        return self.browse(ids)
