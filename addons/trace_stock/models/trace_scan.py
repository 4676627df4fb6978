from odoo import fields, models
from odoo.addons.product_trace.const import LEVELS
from odoo.addons.product_trace.tools import drop_foreign_keys


class TraceScan(models.Model):
    """A code scanned into a transfer (a unit, or a case or pallet standing for its contents).
    Written by the transfer's scan methods only."""

    _name = "trace.scan"
    _description = "Scanned Code"
    _order = "id desc"
    _check_company_auto = True

    picking_id = fields.Many2one("stock.picking", required=True, readonly=True, ondelete="cascade", index=True)
    # precomputed: the scan's INSERT carries it, no UPDATE after it on the scan's hot path
    company_id = fields.Many2one(related="picking_id.company_id", store=True, precompute=True)
    code_id = fields.Many2one("trace.code", required=True, readonly=True)
    level = fields.Selection(LEVELS, required=True, readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    lot_id = fields.Many2one("stock.lot", readonly=True)
    unit_count = fields.Integer(string="Units", readonly=True)
    unpacked_from_id = fields.Many2one(
        "trace.code",
        readonly=True,
        help="The case or pallet this code was unpacked from when it was scanned alone: at validation its "
        "units still leave the stock package named after that container.",
    )
    user_id = fields.Many2one("res.users", string="Scanned By", readonly=True, default=lambda self: self.env.user)
    device = fields.Char(readonly=True)

    _sql_constraints = [("picking_code_uniq", "unique(picking_id, code_id)", "This code is scanned in this transfer.")]


class TraceScanUnit(models.Model):
    """Every code a scan stands for (the scanned code and all it holds), while its transfer is
    open: one open transfer per code, which the unique index enforces between devices."""

    _name = "trace.scan.unit"
    _description = "Code Held by an Open Transfer"
    _log_access = False

    code_id = fields.Many2one("trace.code", required=True, readonly=True)
    scan_id = fields.Many2one("trace.scan", required=True, readonly=True, ondelete="cascade", index=True)
    picking_id = fields.Many2one("stock.picking", required=True, readonly=True, ondelete="cascade", index=True)
    level = fields.Selection(LEVELS, required=True, readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    lot_id = fields.Many2one("stock.lot", readonly=True)

    _sql_constraints = [("code_uniq", "unique(code_id)", "This code is held by another open transfer.")]

    def _auto_init(self):
        result = super()._auto_init()
        # a pallet's scan writes ~1,500 rows: no foreign-key trigger per row to the code, product
        # and lot tables (codes are never deleted); the scan's key stays, its cascade frees the rows
        self.pool.post_init(drop_foreign_keys, self, ("code_id", "picking_id", "product_id", "lot_id"))
        return result
