# res.company is split into one file per job (conventions): this one holds the dealers' operation types.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models

# sequence prefixes of the dealers' operation types
DEALER_SEQUENCE_CODES = {"receipt": "DR", "shipment": "DS"}


class ResCompany(models.Model):
    _inherit = "res.company"

    trace_dealer_receipt_type_id = fields.Many2one(
        "stock.picking.type", string="Dealer Receipt Type", readonly=True,
        help="The operation type of dealers' receipts (scan in on the portal), created with the first one.")
    trace_dealer_shipment_type_id = fields.Many2one(
        "stock.picking.type", string="Dealer Shipment Type", readonly=True,
        help="The operation type of dealers' shipments to their sub-dealers and shops, created with the first one.")

    def _trace_dealer_picking_type(self, kind):
        """This company's operation type for dealer ``kind`` (``receipt`` or ``shipment``),
        created the first time. The company row is locked and written in the same transaction:
        a concurrent first use waits, fails to serialize and is retried by Odoo, and then finds
        the type instead of creating a second one (the unique index is the last line)."""
        self.ensure_one()
        field = "trace_dealer_%s_type_id" % kind
        company = self.sudo()
        if company[field]:
            return company[field]
        self.env.cr.execute("SELECT id FROM res_company WHERE id = %s FOR NO KEY UPDATE", [company.id])
        company.invalidate_recordset([field])
        if company[field]:
            return company[field]
        Type = self.env["stock.picking.type"].sudo()
        existing = Type.with_context(active_test=False).search(
            [("company_id", "=", company.id), ("trace_dealer_kind", "=", kind)], limit=1)
        if existing:
            company[field] = existing
            return existing
        customers = self.env.ref("stock.stock_location_customers")
        dealers = self.env.ref("trace_public_portal.stock_location_dealers")
        warehouse = self.env["stock.warehouse"].sudo().search([("company_id", "=", company.id)], limit=1)
        receipt = kind == "receipt"
        picking_type = Type.with_company(company).create(
            {
                "name": self.env._("Dealer Receipts") if receipt else self.env._("Dealer Shipments"),
                "code": "incoming" if receipt else "outgoing",
                "trace_dealer_kind": kind,
                "sequence_code": DEALER_SEQUENCE_CODES[kind],
                "company_id": company.id,
                "warehouse_id": warehouse.id or False,
                "default_location_src_id": customers.id if receipt else dealers.id,
                "default_location_dest_id": dealers.id if receipt else customers.id,
                # a dealer receives and ships lots that exist: never new ones
                "use_create_lots": False,
                "use_existing_lots": True,
            }
        )
        company[field] = picking_type
        return picking_type
