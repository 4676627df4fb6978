from odoo import models


class StockLot(models.Model):
    _inherit = "stock.lot"

    def _trace_holders_by_territory(self):
        """Where this lot's active units were shipped, per province, city, county and dealer:
        ``[{"province", "city", "county", "dealer", "units"}]`` (the base of a recall)."""
        self.ensure_one()
        self.env["trace.code"].flush_model()
        self.env.cr.execute(
            """SELECT territory_state_id, territory_prefecture_id, territory_county_id, dealer_id, count(*)
                 FROM trace_code WHERE lot_id = %s AND activation = 'active' AND level = 'unit'
                  AND (territory_state_id IS NOT NULL OR dealer_id IS NOT NULL)
                GROUP BY 1, 2, 3, 4 ORDER BY 5 DESC""",
            [self.id],
        )
        rows = self.env.cr.fetchall()
        names = {}
        for model, index in (("res.country.state", 0), ("trace.prefecture", 1), ("trace.county", 2),
                             ("res.partner", 3)):
            records = self.env[model].browse({row[index] for row in rows if row[index]})
            names[index] = {record.id: record.display_name for record in records}
        return [
            {"province": names[0].get(state), "city": names[1].get(prefecture), "county": names[2].get(county),
             "dealer": names[3].get(dealer), "units": units}
            for state, prefecture, county, dealer, units in rows
        ]
