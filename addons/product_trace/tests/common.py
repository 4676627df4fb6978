from odoo.tests import TransactionCase


class TraceCase(TransactionCase):
    """A company with a resolver and a GS1 prefix, a product with a GTIN and a case packaging,
    a lot, a line, and a batch with raw materials."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {"trace_resolver_url": "https://id.tea.test", "trace_gs1_company_prefix": "6901234"}
        )
        cls.Code = cls.env["trace.code"]
        cls.product = cls.env["product.product"].create(
            {"name": "Green Tea 500 ml", "barcode": "6901234567922", "type": "consu",
             "is_storable": True, "tracking": "lot"}
        )
        cls.env["product.packaging"].create(
            {"name": "Case of 24", "product_id": cls.product.id, "qty": 24,
             "barcode": "16901234567929", "trace_level": "case"}
        )
        cls.lot = cls.env["stock.lot"].create({"name": "L2611A", "product_id": cls.product.id})
        factory = cls.env["trace.factory"].create({"name": "Plant", "code": "P1", "gln": "6901234000009"})
        workshop = cls.env["trace.workshop"].create({"name": "Filling", "code": "F", "factory_id": factory.id})
        cls.line = cls.env["trace.production.line"].create({"name": "Line A", "code": "P1-A", "workshop_id": workshop.id})
        cls.supplier = cls.env["res.partner"].create({"name": "Leaf Supplier"})
        leaf = cls.env["product.product"].create({"name": "Tea leaf", "type": "consu", "tracking": "lot"})
        cls.leaf_lot = cls.env["stock.lot"].create({"name": "LEAF-1", "product_id": leaf.id})
        cls.batch = cls.env["trace.batch"].create(
            {
                "product_id": cls.product.id,
                "lot_id": cls.lot.id,
                "quantity": 48,
                "production_date": "2026-11-20",
                "expiry_date": "2027-11-19",
                "line_id": cls.line.id,
                "component_ids": [
                    (0, 0, {"product_id": leaf.id, "lot_id": cls.leaf_lot.id, "supplier_id": cls.supplier.id,
                            "supplier_lot": "SUP-77", "quantity": 3})
                ],
            }
        )

    @classmethod
    def _active_batch(cls, units=48, cases=2, pallets=1):
        cls.batch.issue_codes(units)
        cls.batch.action_confirm()
        if cases:
            cls.batch.issue_codes(cases, level="case")
        if pallets:
            cls.batch.issue_codes(pallets, level="pallet")
        codes = cls.Code.search([("batch_id", "=", cls.batch.id)], order="id")
        return (
            codes.filtered(lambda c: c.level == "unit"),
            codes.filtered(lambda c: c.level == "case"),
            codes.filtered(lambda c: c.level == "pallet"),
        )

    def snapshot(self):
        """Everything the registry holds, to prove that a refused operation wrote nothing."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            """SELECT c.id, c.name, c.activation, t.parent_id, t.pack_date
                 FROM trace_code c LEFT JOIN trace_code_tree t ON t.code_id = c.id ORDER BY c.id"""
        )
        codes = cr.fetchall()
        cr.execute("SELECT count(*) FROM trace_event")
        events = cr.fetchone()
        cr.execute("SELECT batch_id, level, state, sum(delta) FROM trace_code_count GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")
        counts = cr.fetchall()
        return codes, events, counts
