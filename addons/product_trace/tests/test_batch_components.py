from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import TraceCase


@tagged("post_install", "-at_install")
class TestBatchComponents(TraceCase):
    """Raw materials typed on a batch: a new lot is made for the row's product, a lot of another
    product is refused, and a running batch keeps its raw materials."""

    def test_a_lot_typed_on_a_new_row_is_made_for_the_rows_product(self):
        sugar = self.env["product.product"].create({"name": "Rock sugar", "type": "consu", "tracking": "lot"})
        with Form(self.batch) as form, form.component_ids.new() as row:
            row.product_id = sugar
            # what the many2one's "Create ..." does with the row's context
            context = {"default_product_id": sugar.id, "default_company_id": self.company.id}
            lot_id, _name = self.env["stock.lot"].with_context(**context).name_create("SUGAR-2611")
            row.lot_id = self.env["stock.lot"].browse(lot_id)
            row.quantity = 2
        component = self.batch.component_ids.filtered(lambda c: c.product_id == sugar)
        self.assertEqual((component.lot_id.name, component.lot_id.product_id), ("SUGAR-2611", sugar))
        view = self.env.ref("product_trace.trace_batch_view_form").arch_db
        self.assertIn("'default_product_id': product_id", view)

    def test_a_lot_of_another_product_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "is a lot of"):
            self.batch.component_ids.write({"lot_id": self.lot.id})

    def test_a_confirmed_batch_keeps_its_raw_materials(self):
        self._active_batch(units=2, cases=0, pallets=0)
        with self.assertRaisesRegex(UserError, "cannot be removed"):
            self.batch.component_ids.unlink()
        self.assertTrue(self.batch.component_ids)
