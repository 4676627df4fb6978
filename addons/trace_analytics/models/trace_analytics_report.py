from odoo import models


class TraceAnalyticsReport(models.AbstractModel):
    """What the analyses (SQL views over every shipped unit or verification) share."""

    _name = "trace.analytics.report"
    _description = "Traceability Analysis"

    def _read_group_orderby(self, order, groupby_terms, query):
        # groups come in the order of what they group by (ids, dates), not of the names of the
        # provinces and products: ordering by names joins those tables to every row before
        # grouping, three times the work over a million rows (the pivot sorts its headers itself)
        if order and all(part.split()[0] in groupby_terms for part in order.split(",") if part.strip()):
            order = None
        return super()._read_group_orderby(order, groupby_terms, query)
