# res.partner is split into one file per job (conventions): this one holds a dealer's stock and recipients.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

# the levels of a dealer's stock counted on its portal
STOCK_LEVELS = ("unit", "case", "pallet")


class ResPartner(models.Model):
    _inherit = "res.partner"

    trace_dealer_location_id = fields.Many2one(
        "stock.location", string="Dealer Stock Location", company_dependent=True, readonly=True,
        help="Where this dealer's stock is (a location under Partners/Dealers, created when the dealer first "
        "receives or ships on the portal).")
    trace_shop_dealer_id = fields.Many2one(
        "res.partner", string="Supplying Dealer", index="btree_not_null", ondelete="restrict",
        domain="[('trace_is_dealer', '=', True), ('id', '!=', id)]",
        help="This partner is a shop that the dealer supplies: the dealer can ship to it from the portal.")
    trace_shop_ids = fields.One2many("res.partner", "trace_shop_dealer_id", string="Shops")

    @api.constrains("trace_shop_dealer_id", "trace_is_dealer")
    def _check_trace_shop_dealer(self):
        for partner in self:
            dealer = partner.trace_shop_dealer_id
            if not dealer:
                continue
            if partner.trace_is_dealer:
                raise ValidationError(self.env._(
                    "%(partner)s is a dealer: make it a sub-dealer of %(dealer)s rather than one of its shops.",
                    partner=partner.display_name, dealer=dealer.display_name))
            if not dealer.trace_is_dealer:
                raise ValidationError(self.env._(
                    "The supplying dealer %(dealer)s of the shop %(partner)s is not a dealer.",
                    dealer=dealer.display_name, partner=partner.display_name))

    def _trace_check_shop_access(self, vals_list):
        """Only a Traceability Administrator says which shops a dealer supplies: a dealer ships to
        them from the portal, and the codes it ships there stay bound to it."""
        if self.env.su or self.env.user.has_group("product_trace.group_trace_manager"):
            return
        if any(vals.get("trace_shop_dealer_id") for vals in vals_list):
            raise AccessError(self.env._("Only a Traceability Administrator can change the shops of dealers."))

    @api.model_create_multi
    def create(self, vals_list):
        self._trace_check_shop_access(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if "trace_shop_dealer_id" in vals:
            self._trace_check_shop_access([{"trace_shop_dealer_id": True}])
        return super().write(vals)

    # The dealer's portal -------------------------------------------------------------------------

    def _trace_dealer_location(self, company):
        """The dealer's stock location at ``company``, created the first time under
        *Partners/Dealers*. The dealer's row is locked and written in the same transaction, so a
        concurrent first receipt waits, fails to serialize and is retried by Odoo: it then finds
        the location (the unique index on dealer and company is the last line)."""
        self.ensure_one()
        dealer = self.sudo().with_company(company)
        if dealer.trace_dealer_location_id:
            return dealer.trace_dealer_location_id
        self.env.cr.execute("SELECT id FROM res_partner WHERE id = %s FOR NO KEY UPDATE", [dealer.id])
        dealer.invalidate_recordset(["trace_dealer_location_id"])
        location = dealer.trace_dealer_location_id or self.env["stock.location"].sudo().with_context(
            active_test=False).search([("trace_dealer_id", "=", dealer.id), ("company_id", "=", company.id)], limit=1)
        if not location:
            location = self.env["stock.location"].sudo().create(
                {
                    "name": dealer.name,
                    "usage": "customer",
                    "location_id": self.env.ref("trace_public_portal.stock_location_dealers").id,
                    "company_id": company.id,
                    "trace_dealer_id": dealer.id,
                }
            )
        dealer.trace_dealer_location_id = location
        return location

    def _trace_dealer_locations(self):
        """The dealer's stock locations (one per company it received from)."""
        self.ensure_one()
        return self.env["stock.location"].sudo().search([("trace_dealer_id", "=", self.id)])

    def _trace_dealer_recipients(self):
        """Whom the dealer can ship to from its portal: its sub-dealers and its shops."""
        self.ensure_one()
        return (self.trace_child_dealer_ids | self.trace_shop_ids).filtered("active").sorted("name")

    def _trace_dealer_stock(self):
        """The dealer's stock as its portal shows it: ``[{"product_id", "product", "lot",
        "location", "units", "cases", "pallets"}]`` per location, product and lot, counted from
        the codes held in stock there (units packed in a case count as units, and the case as
        a case)."""
        self.ensure_one()
        locations = self._trace_dealer_locations()
        if not locations:
            return []
        groups = self.env["trace.code"].sudo()._read_group(
            [("location_id", "in", locations.ids), ("custody", "=", "in_stock"), ("holder_id", "!=", False),
             ("level", "in", STOCK_LEVELS)],
            ["location_id", "product_id", "lot_id", "level"], ["__count"],
        )
        rows = {}
        for location, product, lot, level, count in groups:
            row = rows.setdefault((location.id, product.id, lot.id), {
                "product_id": product.id, "product": product.display_name, "lot": lot.name or "",
                "location": location.display_name, "units": 0, "cases": 0, "pallets": 0})
            row["%ss" % level] += count
        return sorted(rows.values(), key=lambda row: (row["product"], row["lot"], row["location"]))

    def _trace_dealer_units_in_stock(self, company):
        """``{product id: units}`` the dealer holds in stock at ``company``."""
        self.ensure_one()
        location = self.sudo().with_company(company).trace_dealer_location_id
        if not location:
            return {}
        groups = self.env["trace.code"].sudo()._read_group(
            [("location_id", "=", location.id), ("custody", "=", "in_stock"), ("holder_id", "!=", False),
             ("level", "=", "unit")],
            ["product_id"], ["__count"],
        )
        return {product.id: count for product, count in groups}
