from unittest.mock import patch

from odoo import Command
from odoo.addons.trace_public_portal.tests.common import PublicCase
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import config


class RecallCase(PublicCase):
    """Two finished lots made from the supplier lot SUP-77 (the registry's batch and a second
    one), a third from another lot; a case of the first at dealer A, four units of the second at
    a shop of dealer B; a Traceability Manager and a User."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.dealer_a = Partner.create({"name": "Dealer A", "trace_is_dealer": True, "is_company": True})
        cls.dealer_b = Partner.create({"name": "Dealer B", "trace_is_dealer": True, "is_company": True})
        cls.shop = Partner.create({"name": "Tea Shop of B", "is_company": True, "trace_shop_dealer_id": cls.dealer_b.id})
        leaf = cls.batch.component_ids.product_id
        # a second finished lot made from the same supplier lot, a third from another one
        cls.lot_b = cls.env["stock.lot"].create({"name": "L2612B", "product_id": cls.product.id})
        cls.lot_c = cls.env["stock.lot"].create({"name": "L2612C", "product_id": cls.product.id})
        cls.batch_b, cls.batch_c = (
            cls.env["trace.batch"].create({
                "product_id": cls.product.id, "lot_id": lot.id, "quantity": 10, "production_date": "2026-11-22",
                "line_id": cls.line.id,
                "component_ids": [Command.create({"product_id": leaf.id, "supplier_id": cls.supplier.id,
                                                  "supplier_lot": supplier_lot, "quantity": 1})],
            })
            for lot, supplier_lot in ((cls.lot_b, "SUP-77"), (cls.lot_c, "SUP-99"))
        )
        for batch in cls.batch_b | cls.batch_c:
            batch.issue_codes(10)
            batch.action_confirm()
            cls.env["stock.quant"]._update_available_quantity(cls.product, cls.stock, 10, lot_id=batch.lot_id)
        cls.units_b = cls.Code.search([("batch_id", "=", cls.batch_b.id)], order="id")
        cls.units_c = cls.Code.search([("batch_id", "=", cls.batch_c.id)], order="id")
        # dealer A holds a case of the first lot, dealer B's shop four units of the second
        cls.ship(cls.cases[0], cls.dealer_a, 24)
        cls.ship(cls.units_b[:4], cls.shop, 4)
        cls.manager = new_test_user(cls.env, "recall_manager", groups="base.group_user,product_trace.group_trace_manager,stock.group_stock_user")
        cls.user = new_test_user(cls.env, "recall_user", groups="base.group_user,product_trace.group_trace_user,stock.group_stock_user")

    def new_recall(self, **values):
        """A draft recall of SUP-77, as the manager makes it."""
        return self.env["trace.recall"].with_user(self.manager).create({
            "origin": "material", "supplier_lot": "SUP-77", "supplier_id": self.supplier.id,
            "reason": "Pesticide residue above the limit in leaf lot SUP-77.",
            "notice": "Do not drink this tea. Return it to the shop for a refund.", **values})


@tagged("post_install", "-at_install")
class TestRecall(RecallCase):
    """A recall from a supplier's lot through the two finished lots made from it: the scope in
    one step (lots, holders, dealers, verifications), blocking on the scan screen and the
    consumer page, one message per dealer with its own count, lifting with a reason."""

    def test_the_scope_of_a_supplier_lot_in_one_step(self):
        self.verify(self.units[0], address="175.16.199.10")
        recall = self.new_recall()
        self.assertEqual(recall.affected_batch_ids, self.batch | self.batch_b)
        self.assertEqual(recall.affected_lot_ids, self.lot | self.lot_b)
        self.assertEqual(recall.unit_count, 48 + 10)
        self.assertEqual(recall.market_count, 24 + 4)
        self.assertEqual(recall.returned_count, 0)
        self.assertEqual(recall.verified_count, 1)
        self.assertEqual(recall.dealer_ids, self.dealer_a | self.dealer_b, "a shop's dealer is told for it")
        scope = recall._scope()
        self.assertEqual([(d["name"], d["unit"]) for d in scope["dealers"]], [("Dealer A", 24), ("Dealer B", 4)])
        held = {(h["holder"], h["unit"], h["case"]) for h in scope["holders"] if h["holder"]}
        self.assertEqual(held, {("Dealer A", 24, 1), ("Tea Shop of B", 4, 0)})
        self.assertIn("Tea Shop of B", recall.scope_html)
        # the same scope from the raw-material lot, from the finished lots, from the batches
        for values in ({"supplier_lot": False, "supplier_id": False, "material_lot_id": self.leaf_lot.id},
                       {"origin": "lot", "lot_ids": [Command.set((self.lot | self.lot_b).ids)]},
                       {"origin": "batch", "batch_ids": [Command.set((self.batch | self.batch_b).ids)]}):
            with self.subTest(values=values):
                other = self.new_recall(**values)
                expected = self.batch if values.get("material_lot_id") else self.batch | self.batch_b
                self.assertEqual(other.affected_batch_ids, expected)
        # another supplier with the same lot number is someone else's lot
        self.assertFalse(self.new_recall(supplier_id=self.dealer_a.id).affected_batch_ids)

    def test_confirming_blocks_every_scan_but_returns_and_shows_on_the_consumer_page(self):
        recall = self.new_recall()
        with self.assertRaises(AccessError):
            recall.with_user(self.user).action_confirm()
        with self.assertRaises(AccessError):
            recall.with_user(self.manager).write({"state": "active"})
        self.assertFalse(self.batch.trace_blocked)
        recall.with_user(self.manager).action_confirm()
        self.assertEqual(recall.state, "active")
        self.assertTrue(recall.name.startswith("RC/"))
        self.assertTrue(self.batch.trace_blocked and self.batch_b.trace_blocked)
        self.assertFalse(self.batch_c.trace_blocked)
        with self.assertRaises(UserError):
            recall.with_user(self.manager).write({"supplier_lot": "SUP-99"})
        with self.assertRaises(UserError):
            recall.with_user(self.manager).write({"affected_batch_ids": [Command.set(self.batch_c.ids)]})
        with self.assertRaises(AccessError):
            self.new_recall().with_user(self.manager).write({"affected_batch_ids": [Command.set(self.batch_c.ids)]})
        with self.assertRaises(AccessError):
            self.new_recall(affected_batch_ids=[Command.set(self.batch_c.ids)])
        with self.assertRaises(AccessError):
            self.batch.with_user(self.manager).write({"trace_blocked": False})
        # the scan screen refuses the recalled goods, not the others
        delivery = self.env["stock.picking"].create({
            "picking_type_id": self.warehouse.out_type_id.id, "location_id": self.stock.id,
            "location_dest_id": self.customers.id, "partner_id": self.dealer_b.id,
            "move_ids": [Command.create({"name": "tea", "product_id": self.product.id, "product_uom_qty": 30,
                                         "product_uom": self.product.uom_id.id, "location_id": self.stock.id,
                                         "location_dest_id": self.customers.id})]})
        delivery.action_confirm()
        before = self.snapshot()
        self.assertEqual(delivery.trace_scan(self.cases[1].name, unpack=True)["error"], "blocked")
        self.assertEqual(delivery.trace_scan(self.units_b[5].name)["error"], "blocked")
        self.assertEqual(self.snapshot(), before)
        self.assertTrue(delivery.trace_scan(self.units_c[0].name)["ok"])
        # the consumer page names the recall and says what to do
        answer = self.verify(self.units[3])
        self.assertTrue(answer["recalled"])
        self.assertEqual(answer["recall"]["name"], recall.name)
        self.assertEqual(answer["recall"]["notice"], "Do not drink this tea. Return it to the shop for a refund.")
        self.assertNotIn("recall", self.verify(self.units_c[1]))
        with patch.dict(config.options, {"test_enable": False, "test_file": False}):
            page = self.url_open(self.link(self.units_b[6])).text
        self.assertIn('id="tp-recall"', page)
        self.assertIn("Return it to the shop for a refund.", page)
        self.assertIn(recall.name, page)
        # dealer A brings its case back: a return is the one move recalled goods still make
        self.assertTrue(self.dealer_return(self.cases[0], self.dealer_a, 24))
        self.assertEqual((recall.market_count, recall.returned_count), (4, 24))

    def dealer_return(self, case, dealer, quantity):
        delivery = self.env["stock.picking"].search(
            [("partner_id", "=", dealer.id), ("state", "=", "done")], limit=1)
        wizard = self.env["stock.return.picking"].with_context(
            active_id=delivery.id, active_model="stock.picking").create({})
        wizard.product_return_moves.quantity = quantity
        returned = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
        answer = returned.trace_scan(case.name)
        self.assertTrue(answer["ok"], answer)
        returned.button_validate()
        self.env.invalidate_all()
        return returned.state == "done"

    def test_each_dealer_is_told_its_own_count_only(self):
        recall = self.new_recall()
        recall.with_user(self.manager).action_confirm()
        self.assertEqual(recall.notify_pending, "confirm", "told in the background, right after")
        self.assertFalse(recall.message_ids.filtered(lambda m: m.partner_ids))
        self.env["trace.recall"]._cron_notify_dealers()
        self.assertFalse(recall.notify_pending)
        messages = recall.message_ids.filtered(lambda m: m.partner_ids)
        by_dealer = {message.partner_ids: message for message in messages}
        self.assertEqual(set(by_dealer), {self.dealer_a, self.dealer_b})
        self.assertIn("24 affected units", by_dealer[self.dealer_a].body)
        self.assertIn("4 affected units", by_dealer[self.dealer_b].body)
        self.assertNotIn("Dealer B", by_dealer[self.dealer_a].body)
        self.assertIn(recall.reason, by_dealer[self.dealer_a].body)

    def test_lifting_needs_a_reason_and_keeps_what_another_recall_blocks(self):
        recall = self.new_recall()
        recall.with_user(self.manager).action_confirm()
        self.env["trace.recall"]._cron_notify_dealers()
        narrower = self.new_recall(origin="batch", batch_ids=[Command.set(self.batch_b.ids)])
        narrower.with_user(self.manager).action_confirm()
        with self.assertRaises(UserError):
            recall.with_user(self.manager)._lift("  ")
        with self.assertRaises(AccessError):
            recall.with_user(self.user)._lift("Second analysis clean.")
        wizard = self.env["trace.recall.lift"].with_user(self.manager).create(
            {"recall_id": recall.id, "reason": "Second analysis clean."})
        wizard.action_lift()
        self.env["trace.recall"]._cron_notify_dealers()
        self.assertEqual(recall.state, "lifted")
        self.assertEqual((recall.lift_uid, recall.lift_reason), (self.manager, "Second analysis clean."))
        self.assertFalse(self.batch.trace_blocked)
        self.assertTrue(self.batch_b.trace_blocked, "still held by the other active recall")
        log = recall.message_ids.filtered(lambda m: "Recall lifted by" in (m.body or ""))
        self.assertEqual(len(log), 1)
        self.assertIn("Second analysis clean.", log.body)
        told = recall.message_ids.filtered(lambda m: m.partner_ids and "is lifted" in (m.body or ""))
        self.assertEqual(told.partner_ids, self.dealer_a | self.dealer_b)
        self.assertFalse(self.verify(self.units[7])["recalled"])
        self.assertEqual(self.verify(self.units_b[7])["recall"]["name"], narrower.name)
        with self.assertRaises(UserError):
            recall.unlink()

    def test_a_recall_lifted_before_the_dealers_heard_of_it_tells_them_nothing(self):
        recall = self.new_recall()
        recall.with_user(self.manager).action_confirm()
        recall.with_user(self.manager)._lift("Confirmed by mistake.")
        self.env["trace.recall"]._cron_notify_dealers()
        self.assertFalse(recall.message_ids.filtered(lambda m: m.partner_ids))
        self.assertFalse(self.batch.trace_blocked)

    def test_the_dealers_portal_names_the_recall_with_its_own_count(self):
        users = {}
        for login, dealer in (("dealer.a.portal", self.dealer_a), ("dealer.b.portal", self.dealer_b)):
            users[login] = new_test_user(self.env, login, groups="base.group_portal")
            users[login].partner_id.parent_id = dealer
        self.authenticate("dealer.a.portal", "dealer.a.portal")
        self.assertNotIn("o_trace_dealer_recall", self.url_open("/my/trace").text)
        recall = self.new_recall()
        recall.with_user(self.manager).action_confirm()
        page = self.url_open("/my/trace").text
        self.assertIn("o_trace_dealer_recall", page)
        self.assertIn(recall.name, page)
        self.assertIn("you hold 24 affected units", page)
        self.authenticate("dealer.b.portal", "dealer.b.portal")
        page = self.url_open("/my/trace").text
        self.assertIn("you hold 4 affected units", page, "its shop's units count for it")
        self.assertNotIn("you hold 24", page)

    def test_a_recall_of_nothing_cannot_be_confirmed(self):
        recall = self.new_recall(supplier_lot="NO-SUCH-LOT")
        self.assertFalse(recall.affected_batch_ids)
        self.assertIn("Nothing is affected", recall.scope_html)
        with self.assertRaises(UserError):
            recall.with_user(self.manager).action_confirm()


@tagged("post_install", "-at_install")
class TestRecallTour(RecallCase):
    def test_a_manager_recalls_a_supplier_lot_on_one_screen(self):
        self.start_tour("/odoo/action-trace_recall.action_trace_recall", "trace_recall_screen",
                        login="recall_manager", timeout=180)
        recall = self.env["trace.recall"].search([("supplier_lot", "=", "SUP-77")])
        self.assertEqual(recall.state, "active")
        self.assertEqual(recall.affected_lot_ids, self.lot | self.lot_b)
        self.assertTrue(self.batch.trace_blocked and self.batch_b.trace_blocked)
