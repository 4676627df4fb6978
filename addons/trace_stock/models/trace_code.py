from odoo import api, fields, models
from odoo.tools import SQL

CUSTODY = [
    ("in_stock", "In stock"),
    ("in_transit", "In transit"),
    ("delivered", "Delivered"),
    ("returned", "Returned"),
]


class TraceCode(models.Model):
    """Where a code is: its stock location, custody state and holder, written with set-based SQL
    when a scanned transfer is validated (a projection of its shipping and receiving events)."""

    _inherit = "trace.code"

    location_id = fields.Many2one("stock.location", readonly=True)
    custody = fields.Selection(CUSTODY, readonly=True)
    holder_id = fields.Many2one("res.partner", readonly=True)
    blocked = fields.Boolean(readonly=True, help="A blocked code is refused by every scan (set by a recall).")

    @api.model
    def _trace_holder_groups(self, condition):
        """Who holds the active codes matching ``condition`` (an ``SQL`` on ``trace_code``) right
        now: ``{(custody, location id, holder id): {"unit", "case", "pallet"}}``, one grouped
        query (codes that never moved are at the factory, without a location)."""
        self.flush_model()
        self.env.cr.execute(SQL(
            """SELECT custody, location_id, holder_id, level, count(*) FROM trace_code
                WHERE %s AND activation = 'active' GROUP BY 1, 2, 3, 4""", condition))
        groups = {}
        for state, location_id, holder_id, level, count in self.env.cr.fetchall():
            groups.setdefault((state, location_id, holder_id), {"unit": 0, "case": 0, "pallet": 0})[level] += count
        return groups

    @api.model
    def _trace_holder_rows(self, groups):
        """``groups`` (:meth:`_trace_holder_groups`) as a screen shows them, most units first:
        ``[{"custody", "location", "holder", "unit", "case", "pallet"}]`` with names."""
        custody = dict(self._fields["custody"]._description_selection(self.env))
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
