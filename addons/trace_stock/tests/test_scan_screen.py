from odoo import Command
from odoo.addons.product_trace.tests.common import TraceCase
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestScanScreen(HttpCase, TraceCase):
    """The scan screen in a real browser (Debian chromium), as warehouse staff use it."""

    def test_scan_a_delivery_until_complete_and_validate(self):
        units, cases, pallets = self._active_batch(units=49, cases=2, pallets=1)
        self.Code._pack({cases[0].name: units[:24].mapped("name"), cases[1].name: units[24:48].mapped("name")})
        self.Code._pack({pallets.name: cases.mapped("name")})
        for code, name in ((pallets, "TOURPALLET1"), (cases[0], "TOURCASE1"), (units[48], "TOURUNIT1")):
            self.env.cr.execute("UPDATE trace_code SET name = %s WHERE id = %s", [name, code.id])
        self.Code.invalidate_model(["name"])
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1)
        stock, customers = warehouse.lot_stock_id, self.env.ref("stock.stock_location_customers")
        self.env["stock.quant"]._update_available_quantity(self.product, stock, 49, lot_id=self.lot)
        picking = self.env["stock.picking"].create(
            {"picking_type_id": warehouse.out_type_id.id, "location_id": stock.id, "location_dest_id": customers.id,
             "partner_id": self.env["res.partner"].create({"name": "Wuxi Dealer"}).id,
             "move_ids": [Command.create({"name": "tea", "product_id": self.product.id, "product_uom_qty": 30,
                                          "product_uom": self.product.uom_id.id, "location_id": stock.id,
                                          "location_dest_id": customers.id})]})
        picking.action_confirm()
        self.start_tour("/odoo/action-stock.action_picking_tree_all/%s" % picking.id, "trace_stock_scan_screen",
                        login="admin", timeout=180)
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.move_ids.filtered(lambda m: m.state == "done").quantity, 25)
        self.assertEqual(set((units[:24] | units[48]).mapped("custody")), {"delivered"})
        self.assertFalse(units[24].custody, "the rest stays where it was")
