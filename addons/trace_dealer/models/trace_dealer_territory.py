from odoo import api, fields, models
from odoo.exceptions import ValidationError

LEVELS = [("country", "Country"), ("state", "Province"), ("prefecture", "City"), ("county", "County")]


class TraceDealerTerritory(models.Model):
    """One line of a dealer's authorised sales territory.

    A line is as wide as its finest level given: a province covers all its cities and counties,
    a city all its counties, a county only itself. The coarser levels of a line are filled from
    its finest one, so a line is always a consistent path country > province > city > county.
    """

    _name = "trace.dealer.territory"
    _description = "Dealer Territory"
    _order = "partner_id, country_id, state_id, prefecture_id, county_id, id"

    partner_id = fields.Many2one(
        "res.partner", string="Dealer", required=True, index=True, ondelete="cascade",
        domain="[('trace_is_dealer', '=', True)]")
    country_id = fields.Many2one(
        "res.country", required=True, default=lambda self: self.env.ref("base.cn", raise_if_not_found=False))
    state_id = fields.Many2one(
        "res.country.state", string="Province", index=True, domain="[('country_id', '=', country_id)]")
    prefecture_id = fields.Many2one(
        "trace.prefecture", string="City", index=True, domain="[('state_id', '=?', state_id)]")
    county_id = fields.Many2one(
        "trace.county", index=True,
        domain="[('state_id', '=?', state_id), ('prefecture_id', '=?', prefecture_id)]")
    level = fields.Selection(LEVELS, compute="_compute_level", store=True)

    @api.depends("country_id", "state_id", "prefecture_id", "county_id")
    def _compute_level(self):
        for line in self:
            line.level = ("county" if line.county_id else "prefecture" if line.prefecture_id
                          else "state" if line.state_id else "country")

    @api.depends("level", "country_id", "state_id", "prefecture_id", "county_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = " / ".join(
                r.name for r in (line.country_id, line.state_id, line.prefecture_id, line.county_id) if r)

    @api.model
    def _fill_parent_levels(self, vals):
        """The coarser levels of a line, taken from the finest one written."""
        vals = dict(vals)
        if vals.get("county_id"):
            county = self.env["trace.county"].browse(vals["county_id"])
            vals.setdefault("prefecture_id", county.prefecture_id.id)
            vals.setdefault("state_id", county.state_id.id)
        if vals.get("prefecture_id"):
            vals.setdefault("state_id", self.env["trace.prefecture"].browse(vals["prefecture_id"]).state_id.id)
        if vals.get("state_id"):
            vals.setdefault("country_id", self.env["res.country.state"].browse(vals["state_id"]).country_id.id)
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._fill_parent_levels(vals) for vals in vals_list])

    @api.onchange("county_id")
    def _onchange_county_id(self):
        if self.county_id:
            self.prefecture_id = self.county_id.prefecture_id
            self.state_id = self.county_id.state_id

    @api.onchange("prefecture_id")
    def _onchange_prefecture_id(self):
        if self.prefecture_id:
            self.state_id = self.prefecture_id.state_id
            if self.county_id.prefecture_id != self.prefecture_id:
                self.county_id = False

    @api.onchange("state_id")
    def _onchange_state_id(self):
        if self.state_id:
            self.country_id = self.state_id.country_id
            if self.prefecture_id.state_id != self.state_id:
                self.prefecture_id = False
            if self.county_id.state_id != self.state_id:
                self.county_id = False

    @api.constrains("country_id", "state_id", "prefecture_id", "county_id")
    def _check_levels(self):
        for line in self:
            if line.state_id and line.state_id.country_id != line.country_id:
                raise ValidationError(self.env._(
                    "The province %(state)s is not in %(country)s.",
                    state=line.state_id.name, country=line.country_id.name))
            if line.prefecture_id and line.prefecture_id.state_id != line.state_id:
                raise ValidationError(self.env._(
                    "The city %(city)s is not in the province %(state)s.",
                    city=line.prefecture_id.name, state=line.state_id.name or "-"))
            county = line.county_id
            if county and (county.state_id != line.state_id or county.prefecture_id != line.prefecture_id):
                raise ValidationError(self.env._(
                    "The county %(county)s is not in %(where)s.",
                    county=county.name, where=" ".join(filter(None, [
                        line.state_id.name, line.prefecture_id.name])) or "-"))

    def _covers(self, country=None, state=None, prefecture=None, county=None):
        """Whether one of these lines covers a place given by its levels (records, possibly empty).

        A line covers the place when every level the line gives is the place's: a line of
        江苏省 covers 苏州市 and 吴中区; a line of 吴中区 covers neither 苏州市 nor 姑苏区.
        """
        for line in self:
            if line.country_id != country:
                continue
            if line.state_id and line.state_id != state:
                continue
            if line.prefecture_id and line.prefecture_id != prefecture:
                continue
            if line.county_id and line.county_id != county:
                continue
            return True
        return False
