from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

# Fields of a dealer's place in the network: only a Traceability Administrator changes them.
DEALER_FIELDS = ("trace_is_dealer", "trace_parent_dealer_id", "trace_territory_ids")


class ResPartner(models.Model):
    _inherit = "res.partner"

    trace_is_dealer = fields.Boolean(
        string="Dealer", index=True,
        help="This partner sells our products in an authorised territory (经销商).")
    trace_parent_dealer_id = fields.Many2one(
        "res.partner", string="Parent Dealer", index=True, ondelete="restrict",
        domain="[('trace_is_dealer', '=', True), ('id', '!=', id)]",
        help="The dealer this dealer buys from; empty for a top-level dealer.")
    trace_child_dealer_ids = fields.One2many(
        "res.partner", "trace_parent_dealer_id", string="Sub-dealers")
    trace_dealer_level = fields.Integer(
        string="Dealer Level", compute="_compute_trace_dealer_level", store=True, recursive=True,
        help="1 for a top-level dealer, 2 for its sub-dealers, and so on; 0 for a partner that is no dealer.")
    trace_territory_ids = fields.One2many(
        "trace.dealer.territory", "partner_id", string="Authorised Territory")
    trace_territory_summary = fields.Char(
        string="Territory", compute="_compute_trace_territory_summary")
    trace_dealer_editable = fields.Boolean(string="Can Edit Dealers", compute="_compute_trace_dealer_editable")
    # The county of the address: l10n_cn_city's cities are county-level places, but 287 counties
    # have no city there (districts created or renamed since, development zones) and a city may be
    # linked to several counties, so the city alone cannot always tell the county.
    trace_county_id = fields.Many2one(
        "trace.county", string="County", index="btree_not_null", ondelete="restrict",
        domain="[('state_id', '=?', state_id), ('prefecture_id', '=?', trace_city_prefecture_id),"
        " '|', ('city_id', '=', False), ('city_id', '=?', city_id)]",
        help="The county-level division (区, 县, 县级市...) of this address.")
    trace_city_prefecture_id = fields.Many2one(related="city_id.trace_prefecture_id")

    # Also on "trace_is_dealer", a field of every form that shows this one: a computed field with
    # no field dependency is left at False on a new record's form (the first onchange starts all
    # fields at their default and recomputes only those that depend on a field).
    @api.depends("trace_is_dealer")
    @api.depends_context("uid")
    def _compute_trace_dealer_editable(self):
        self.trace_dealer_editable = self.env.user.has_group("product_trace.group_trace_manager")

    @api.depends("trace_is_dealer", "trace_parent_dealer_id.trace_dealer_level")
    def _compute_trace_dealer_level(self):
        for partner in self:
            if not partner.trace_is_dealer:
                partner.trace_dealer_level = 0
            else:
                partner.trace_dealer_level = partner.trace_parent_dealer_id.trace_dealer_level + 1

    @api.depends("trace_territory_ids.display_name")
    def _compute_trace_territory_summary(self):
        for partner in self:
            partner.trace_territory_summary = "; ".join(partner.trace_territory_ids.mapped("display_name"))

    @api.constrains("trace_parent_dealer_id", "trace_is_dealer")
    def _check_trace_parent_dealer(self):
        for partner in self:
            parent = partner.trace_parent_dealer_id
            if not parent:
                continue
            if not partner.trace_is_dealer:
                raise ValidationError(self.env._(
                    "%(partner)s has a parent dealer but is not a dealer.", partner=partner.display_name))
            if not parent.trace_is_dealer:
                raise ValidationError(self.env._(
                    "The parent dealer %(parent)s of %(partner)s is not a dealer.",
                    parent=parent.display_name, partner=partner.display_name))
        if self._has_cycle("trace_parent_dealer_id"):
            raise ValidationError(self.env._(
                "A dealer cannot be its own parent dealer, directly or through other dealers."))

    @api.constrains("trace_is_dealer")
    def _check_trace_dealer_children(self):
        for partner in self:
            if not partner.trace_is_dealer and partner.trace_child_dealer_ids:
                raise ValidationError(self.env._(
                    "%(partner)s is the parent dealer of %(children)s and must stay a dealer.",
                    partner=partner.display_name,
                    children=", ".join(partner.trace_child_dealer_ids.mapped("display_name"))))

    @api.model
    def _address_fields(self):
        # the county is part of the address: contacts of a company take it with the rest
        return super()._address_fields() + ["trace_county_id"]

    @api.onchange("trace_county_id")
    def _onchange_trace_county_id(self):
        county = self.trace_county_id
        if not county:
            return
        if not self.country_id:
            self.country_id = county.country_id
        if not self.state_id:
            self.state_id = county.state_id
        if not self.city_id and county.city_id:
            self.city_id = county.city_id

    @api.onchange("state_id")
    def _onchange_state_trace_county(self):
        if self.trace_county_id and self.trace_county_id.state_id != self.state_id:
            self.trace_county_id = False

    @api.onchange("city_id")
    def _onchange_city_trace_county(self):
        if not self.city_id:
            return
        if self.trace_county_id and not self._trace_county_fits_city(self.trace_county_id, self.city_id):
            self.trace_county_id = False
        if not self.trace_county_id:
            self.trace_county_id = self.city_id._trace_single_county()

    @api.model
    def _trace_county_fits_city(self, county, city):
        """Whether ``county`` can be the county of an address in the address city ``city``: a
        county of another city cannot, nor one of another prefecture-level city."""
        if county.city_id:
            return county.city_id == city
        return not city.trace_prefecture_id or county.prefecture_id == city.trace_prefecture_id

    @api.constrains("trace_county_id", "country_id", "state_id", "city_id")
    def _check_trace_county(self):
        for partner in self:
            county = partner.trace_county_id
            if not county:
                continue
            if partner.country_id and partner.country_id != county.country_id:
                raise ValidationError(self.env._(
                    "The county %(county)s is in %(country)s, but the address of %(partner)s is in %(other)s.",
                    county=county.display_name, country=county.country_id.name,
                    partner=partner.display_name, other=partner.country_id.name))
            if partner.state_id and partner.state_id != county.state_id:
                raise ValidationError(self.env._(
                    "The county %(county)s is in the province %(state)s, but the address of %(partner)s "
                    "is in %(other)s.",
                    county=county.display_name, state=county.state_id.name,
                    partner=partner.display_name, other=partner.state_id.name))
            if partner.city_id and not self._trace_county_fits_city(county, partner.city_id):
                raise ValidationError(self.env._(
                    "The county %(county)s is not in the city %(city)s of the address of %(partner)s.",
                    county=county.display_name, city=partner.city_id.name, partner=partner.display_name))

    def _trace_address_county(self):
        """The county of this address: the one set on it, else the county its city stands for
        when that is exactly one; empty rather than a guess."""
        self.ensure_one()
        return self.trace_county_id or self.city_id._trace_single_county()

    def _trace_address_place(self):
        """``(province, city, county)`` of this address (records, possibly empty): the county as
        :meth:`_trace_address_county` tells it, the city (prefecture) from the county or else
        from the address city, the province from the address or else from either."""
        self.ensure_one()
        county = self._trace_address_county()
        prefecture = county.prefecture_id if county else self.city_id.trace_prefecture_id
        return self.state_id or county.state_id or prefecture.state_id, prefecture, county

    def _trace_check_dealer_access(self, vals_list):
        """Only a Traceability Administrator places partners in the dealer network.

        res.partner's own access lets many users write partners; the dealer fields decide later
        diversion checks, so they need more. Empty values on create (a partner created as no
        dealer) pass; any write of these fields does not.
        """
        if self.env.su or self.env.user.has_group("product_trace.group_trace_manager"):
            return
        if any(vals.get(name) for vals in vals_list for name in DEALER_FIELDS):
            raise AccessError(self.env._(
                "Only a Traceability Administrator can change dealers, their parent dealers and territories."))

    @api.model_create_multi
    def create(self, vals_list):
        self._trace_check_dealer_access(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._trace_check_dealer_access([{name: True for name in DEALER_FIELDS if name in vals}])
        return super().write(vals)

    def _trace_territory_covers(self, state=None, city=None, county=None, prefecture=None):
        """Whether an address lies in this dealer's authorised territory.

        ``state`` is a ``res.country.state``, ``city`` an address city (``res.city`` of
        ``l10n_cn_city``), ``county`` a ``trace.county``, ``prefecture`` a ``trace.prefecture``;
        any may be left out. The finest level given decides the coarser ones: an address city
        stands for its county, a county for its city and province. A province line covers all
        its cities and counties; a county line covers that county only.
        """
        self.ensure_one()
        county = county or (city._trace_single_county() if city else None)
        prefecture = prefecture or (city.trace_prefecture_id if city else None)
        if county:
            prefecture = prefecture or county.prefecture_id
            state = state or county.state_id
        if prefecture:
            state = state or prefecture.state_id
        if city and not state:
            state = city.state_id
        country = state.country_id if state else (city.country_id if city else None)
        empty = {"country": self.env["res.country"], "state": self.env["res.country.state"],
                 "prefecture": self.env["trace.prefecture"], "county": self.env["trace.county"]}
        return self.trace_territory_ids._covers(
            country=country or empty["country"], state=state or empty["state"],
            prefecture=prefecture or empty["prefecture"], county=county or empty["county"])

    def _trace_territory_covers_address(self, address):
        """Whether the address of ``address`` (a partner: province, city and county) lies in this
        dealer's territory."""
        self.ensure_one()
        address.ensure_one()
        return self._trace_territory_covers(
            state=address.state_id, city=address.city_id, county=address._trace_address_county())
