from odoo import api, fields, models


class TracePrefecture(models.Model):
    """A prefecture-level division of China (地级行政区: 地级市, 地区, 自治州, 盟).

    Odoo has China's provinces (``res.country.state``) and ``l10n_cn_city`` has its cities, but
    those cities are county-level places named "<prefecture><county>" ("苏州市吴中区"): there is no
    record for 苏州市 itself, which is the level most dealer territories are drawn at. The four
    municipalities (北京市, 天津市, 上海市, 重庆市) are one prefecture each; the county-level cities
    governed by their province directly (济源市, 仙桃市...) belong to none.
    """

    _name = "trace.prefecture"
    _description = "Prefecture-level City"
    _order = "code, id"
    _rec_names_search = ["name", "code"]

    name = fields.Char(required=True)
    code = fields.Char(
        required=True, index=True, size=6,
        help="6-digit administrative division code (GB/T 2260), e.g. 320500 for 苏州市.")
    state_id = fields.Many2one("res.country.state", string="Province", required=True, index=True)
    country_id = fields.Many2one(related="state_id.country_id", store=True)
    county_ids = fields.One2many("trace.county", "prefecture_id", string="Counties")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "unique(code)", "A prefecture with this code already exists."),
    ]

    @api.depends("name", "state_id.name")
    def _compute_display_name(self):
        for prefecture in self:
            prefecture.display_name = " ".join(filter(None, [prefecture.state_id.name, prefecture.name]))
