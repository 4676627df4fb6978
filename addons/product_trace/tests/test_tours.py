from odoo.tests import HttpCase, tagged

from .common import TraceCase


@tagged("post_install", "-at_install")
class TestFactoryTours(HttpCase, TraceCase):
    """The factory screens in a real browser (Debian chromium), as the admin uses them."""

    def batch_url(self, batch):
        return "/odoo/action-product_trace.trace_batch_action/%s" % batch.id

    def test_print_labels_from_the_batch_form(self):
        self._active_batch(units=4, cases=2, pallets=1)
        self.start_tour(self.batch_url(self.batch), "product_trace_print_labels", login="admin", timeout=120)

    def test_a_large_label_run_goes_to_the_background(self):
        self._active_batch(units=1001, cases=0, pallets=0)
        self.start_tour(self.batch_url(self.batch), "product_trace_print_labels_background", login="admin",
                        timeout=120)
        run = self.env["trace.label.run"].search([("batch_id", "=", self.batch.id)])
        self.assertEqual((run.level, run.label_count, run.state), ("unit", 1001, "queued"))

    def test_the_pack_wizard_refuses_a_mixed_case(self):
        units, cases, _pallets = self._active_batch(units=2, cases=1, pallets=0)
        jasmine = self.env["product.product"].create(
            {"name": "Jasmine Tea", "barcode": "6901234567939", "is_storable": True, "tracking": "lot"}
        )
        other = self.env["trace.batch"].create(
            {"product_id": jasmine.id, "lot_id": self.env["stock.lot"].create(
                {"name": "J1", "product_id": jasmine.id}).id, "quantity": 1, "production_date": "2026-11-21"}
        )
        other.issue_codes(1)
        other.action_confirm()
        stranger = self.Code.search([("batch_id", "=", other.id)])
        # readable names for the tour to type (the registry's serials are random)
        for code, name in ((cases[0], "TOURCASE1"), (units[0], "TOURUNIT1"), (stranger, "TOURSTRANGER1")):
            self.env.cr.execute("UPDATE trace_code SET name = %s WHERE id = %s", [name, code.id])
        self.Code.invalidate_model(["name"])
        self.start_tour("/odoo/action-product_trace.trace_pack_wizard_action", "product_trace_pack_refuses_mixed_case",
                        login="admin", timeout=120)
        self.assertTrue(cases[0].mixed)
        self.assertEqual(stranger.parent_id, cases[0])

    def test_the_home_screen_and_the_systray_trace_a_code(self):
        units, _cases, _pallets = self._active_batch(units=3, cases=0, pallets=0)
        self.env.cr.execute("UPDATE trace_code SET name = 'TOURHOME1' WHERE id = %s", [units[0].id])
        self.Code.invalidate_model(["name"])
        self.start_tour("/odoo/action-product_trace.action_trace_home", "product_trace_home_search", login="admin",
                        timeout=120)
