import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

CODE = re.compile(r"\d{6}")


class TraceCounty(models.Model):
    """A county-level division of China (县级行政区: 区, 县, 县级市, 旗...).

    Shipped from the National Bureau of Statistics' division codes (see the README for the
    source and licence) and linked to ``l10n_cn_city``'s city of the same place where the names
    match, so an address's city tells its county. Users may add, rename or archive counties:
    the shipped records are ``noupdate`` (``_mark_shipped_noupdate``).
    """

    _name = "trace.county"
    _description = "County"
    _order = "code, id"
    _rec_names_search = ["name", "code", "prefecture_id.name"]

    name = fields.Char(required=True)
    code = fields.Char(
        required=True, index=True, size=6,
        help="6-digit administrative division code (GB/T 2260), e.g. 320506 for 苏州市吴中区.")
    state_id = fields.Many2one("res.country.state", string="Province", required=True, index=True)
    country_id = fields.Many2one(related="state_id.country_id", store=True)
    prefecture_id = fields.Many2one(
        "trace.prefecture", string="City", index=True, domain="[('state_id', '=', state_id)]",
        help="The prefecture-level city; empty for a county-level city governed by its province directly.")
    city_id = fields.Many2one(
        "res.city", string="Address City", index=True, domain="[('state_id', '=', state_id)]",
        help="The city of Odoo's Chinese addresses (l10n_cn_city) that is this county, when there is one.")
    statistical_only = fields.Boolean(
        string="Statistical Area",
        help="A statistical area of the National Bureau of Statistics (a development zone or management "
        "area) that is not an administrative county of GB/T 2260.")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "unique(code)", "A county with this code already exists."),
    ]

    @api.depends("name", "prefecture_id.name", "state_id.name")
    def _compute_display_name(self):
        for county in self:
            county.display_name = " ".join(filter(None, [
                county.state_id.name, county.prefecture_id.name, county.name]))

    @api.constrains("code")
    def _check_code(self):
        for county in self:
            if not CODE.fullmatch(county.code or ""):
                raise ValidationError(self.env._(
                    "The county code %(code)s is not a 6-digit administrative division code.",
                    code=county.code))

    @api.constrains("prefecture_id", "state_id", "city_id")
    def _check_levels(self):
        for county in self:
            if county.prefecture_id and county.prefecture_id.state_id != county.state_id:
                raise ValidationError(self.env._(
                    "The county %(county)s lies in %(state)s, but its city %(city)s in %(other)s.",
                    county=county.name, state=county.state_id.name, city=county.prefecture_id.name,
                    other=county.prefecture_id.state_id.name))
            if county.city_id.state_id and county.city_id.state_id != county.state_id:
                raise ValidationError(self.env._(
                    "The county %(county)s lies in %(state)s, but its address city %(city)s in %(other)s.",
                    county=county.name, state=county.state_id.name, city=county.city_id.name,
                    other=county.city_id.state_id.name))

    @api.model
    def _mark_shipped_noupdate(self):
        """Keep the user's changes to shipped divisions across module updates.

        Odoo loads a CSV data file with ``noupdate`` off, so an update would overwrite a renamed
        county. The flag is set once the file is loaded; an update then skips these records
        (``_load_records`` leaves a ``noupdate`` XML id alone) and never deletes them.
        """
        self.env["ir.model.data"].sudo().search([
            ("module", "=", "trace_dealer"),
            ("model", "in", ["trace.county", "trace.prefecture"]),
            ("noupdate", "=", False),
        ]).write({"noupdate": True})
