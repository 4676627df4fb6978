from odoo.tests import Form, TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestBatchFromProduction(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.stock = cls.warehouse.lot_stock_id
        cls.supplier = cls.env["res.partner"].create({"name": "Leaf Farm Co-op"})
        cls.tea = cls.env["product.product"].create(
            {"name": "Tea drink", "barcode": "6901234567922", "is_storable": True, "tracking": "lot"}
        )
        cls.leaf = cls.env["product.product"].create({"name": "Leaf", "is_storable": True, "tracking": "lot"})
        cls.leaf_lot = cls.env["stock.lot"].create({"name": "LEAF-9", "product_id": cls.leaf.id, "ref": "FARM-LOT-42"})
        receipt = cls.env["stock.picking"].create(
            {
                "picking_type_id": cls.warehouse.in_type_id.id,
                "partner_id": cls.supplier.id,
                "location_id": cls.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": cls.stock.id,
                "move_ids": [
                    (0, 0, {"name": "leaf", "product_id": cls.leaf.id, "product_uom_qty": 5,
                            "product_uom": cls.leaf.uom_id.id,
                            "location_id": cls.env.ref("stock.stock_location_suppliers").id,
                            "location_dest_id": cls.stock.id})
                ],
            }
        )
        receipt.action_confirm()
        receipt.move_ids.move_line_ids = [(5, 0, 0), (0, 0, {
            "product_id": cls.leaf.id, "lot_id": cls.leaf_lot.id, "quantity": 5,
            "location_id": cls.env.ref("stock.stock_location_suppliers").id,
            "location_dest_id": cls.stock.id, "product_uom_id": cls.leaf.uom_id.id,
        })]
        receipt.move_ids.picked = True
        receipt.button_validate()
        cls.bom = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.tea.product_tmpl_id.id,
                "product_qty": 1,
                "bom_line_ids": [(0, 0, {"product_id": cls.leaf.id, "product_qty": 0.5})],
            }
        )

    def test_batch_gets_lot_and_raw_materials_with_supplier_from_the_order(self):
        form = Form(self.env["mrp.production"])
        form.product_id = self.tea
        form.bom_id = self.bom
        form.product_qty = 4
        production = form.save()
        production.action_confirm()
        production.action_assign()
        tea_lot = self.env["stock.lot"].create({"name": "TEA-1", "product_id": self.tea.id})
        form = Form(production)
        form.lot_producing_id = tea_lot
        form.qty_producing = 4
        production = form.save()
        production.move_raw_ids.picked = True

        action = production.action_create_trace_batch()
        batch = self.env["trace.batch"].browse(action["res_id"])
        self.assertEqual(batch.production_id, production)
        self.assertEqual(batch.lot_id, tea_lot)
        self.assertEqual(batch.quantity, 4)
        component = batch.component_ids
        self.assertEqual(len(component), 1)
        self.assertEqual(
            (component.product_id, component.lot_id, component.supplier_id, component.supplier_lot),
            (self.leaf, self.leaf_lot, self.supplier, "FARM-LOT-42"),
        )
        self.assertEqual(production.action_create_trace_batch()["res_id"], batch.id)

        production.button_mark_done()
        self.assertEqual(production.state, "done")
        self.assertEqual(batch.component_ids.lot_id, self.leaf_lot)
        self.assertEqual(batch.component_ids.quantity, 2)
        # the trace of a unit of the batch reaches the supplier lot
        self.env.company.trace_resolver_url = "https://id.tea.test"
        batch.issue_codes(2)
        batch.action_confirm()
        code = self.env["trace.code"].search([("batch_id", "=", batch.id)], limit=1)
        data = self.env["trace.code"].trace(code.name)
        self.assertEqual(data["batch"]["components"][0]["supplier_lot"], "FARM-LOT-42")
        self.assertEqual(data["batch"]["components"][0]["supplier"], "Leaf Farm Co-op")
