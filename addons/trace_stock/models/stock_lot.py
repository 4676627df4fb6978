from odoo import _, fields, models
from odoo.exceptions import AccessError


class StockLot(models.Model):
    _inherit = "stock.lot"

    trace_blocked = fields.Boolean(
        string="Blocked",
        readonly=True,
        copy=False,
        help="A blocked lot's codes are refused by every scan (set by a recall).",
    )

    def write(self, vals):
        if "trace_blocked" in vals and not self.env.su:
            # set and lifted by a recall's own methods only (after their checks, as the superuser)
            raise AccessError(_("Only a recall blocks or releases %(records)s.", records=self._description))
        return super().write(vals)

    def _trace_holders(self):
        """Who holds this lot's active codes right now, the base of a recall:
        ``[{"custody", "location", "holder", "unit", "case", "pallet"}]`` (one grouped query;
        codes that never moved are at the factory, without a location)."""
        self.ensure_one()
        self.env["trace.code"].flush_model()
        self.env.cr.execute(
            """SELECT custody, location_id, holder_id, level, count(*) FROM trace_code
                WHERE lot_id = %s AND activation = 'active' GROUP BY 1, 2, 3, 4""",
            [self.id],
        )
        custody = dict(self.env["trace.code"]._fields["custody"]._description_selection(self.env))
        groups = {}
        for state, location_id, holder_id, level, count in self.env.cr.fetchall():
            group = groups.setdefault((state, location_id, holder_id), {"unit": 0, "case": 0, "pallet": 0})
            group[level] = count
        locations = self.env["stock.location"].browse({key[1] for key in groups if key[1]})
        holders = self.env["res.partner"].browse({key[2] for key in groups if key[2]})
        location_names = {location.id: location.display_name for location in locations}
        holder_names = {holder.id: holder.display_name for holder in holders}
        return [
            {
                "custody": custody.get(state) or self.env._("At the factory"),
                "location": location_names.get(location_id),
                "holder": holder_names.get(holder_id),
                **counts,
            }
            for (state, location_id, holder_id), counts in sorted(groups.items(), key=lambda item: -item[1]["unit"])
        ]
