from odoo import api, fields, models


class ResCity(models.Model):
    _inherit = "res.city"

    trace_county_ids = fields.One2many("trace.county", "city_id", string="Counties")
    trace_prefecture_id = fields.Many2one(
        "trace.prefecture", string="Prefecture-level City", compute="_compute_trace_prefecture_id",
        help="The prefecture-level city of this address city's counties, when they all lie in one.")

    @api.depends("trace_county_ids.prefecture_id")
    def _compute_trace_prefecture_id(self):
        for city in self:
            prefectures = city.trace_county_ids.prefecture_id
            city.trace_prefecture_id = prefectures if len(prefectures) == 1 else False

    def _trace_single_county(self):
        """The county this address city stands for, when it stands for exactly one.

        The shipped data links each county to at most one city and no city to two counties, but
        users may link more (a city of ``l10n_cn_city``'s data split into districts since): a city
        with several counties says nothing about which one, so this is empty then rather than a
        guess. A city with no county (a district merged away since, such as 苏州市平江区) gives none.
        """
        counties = self.trace_county_ids if len(self) == 1 else self.env["trace.county"]
        return counties if len(counties) == 1 else counties.browse()
