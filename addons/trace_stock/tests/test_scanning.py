from unittest.mock import patch

from odoo import Command
from odoo.addons.product_trace.tests.common import TraceCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestScanning(TraceCase):
    """Transfers scanned until complete: what counts, what is refused (changing nothing), the move
    lines per lot, the custody of every code and the shipping event."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.units, cls.cases, cls.pallets = cls._active_batch(units=48, cases=2, pallets=1)
        cls.Code._pack({cls.cases[0].name: cls.units[:24].mapped("name"), cls.cases[1].name: cls.units[24:].mapped("name")})
        cls.Code._pack({cls.pallets.name: cls.cases.mapped("name")})
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock = cls.warehouse.lot_stock_id
        cls.customers = cls.env.ref("stock.stock_location_customers")
        cls.env["stock.quant"]._update_available_quantity(cls.product, cls.stock, 48, lot_id=cls.lot)
        cls.dealer = cls.env["res.partner"].create({"name": "Suzhou Tea Dealer"})

    def delivery(self, quantity=48, product=None, partner=None):
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "location_id": self.stock.id,
                "location_dest_id": self.customers.id,
                "partner_id": (partner or self.dealer).id,
                "move_ids": [Command.create({"name": "tea", "product_id": (product or self.product).id,
                                             "product_uom_qty": quantity, "product_uom": (product or self.product).uom_id.id,
                                             "location_id": self.stock.id, "location_dest_id": self.customers.id})],
            }
        )
        picking.action_confirm()
        return picking

    def held(self):
        self.env.cr.execute("SELECT picking_id, code_id FROM trace_scan_unit ORDER BY 1, 2")
        return self.env.cr.fetchall(), self.snapshot()

    def test_a_pallet_counts_for_everything_on_it_and_validates_per_lot(self):
        picking = self.delivery()
        answer = picking.trace_scan(self.pallets._digital_link())
        self.assertTrue(answer["ok"], answer)
        self.assertEqual((answer["level"], answer["units"]), ("pallet", 48))
        self.assertEqual(answer["summary"]["lines"][0]["missing"], 0)
        self.assertTrue(answer["summary"]["complete"])
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        lines = picking.move_ids.move_line_ids
        self.assertEqual([(line.lot_id, line.quantity) for line in lines], [(self.lot, 48.0)], "one line per lot")
        codes = self.units | self.cases | self.pallets
        self.assertEqual(set(codes.mapped("custody")), {"delivered"})
        self.assertEqual(codes.location_id, self.customers)
        self.assertEqual(codes.holder_id, self.dealer)
        shipping = self.env["trace.event"].search([("biz_step", "=", "shipping")])
        self.assertEqual(len(shipping), 1)
        self.assertEqual(shipping.quantity, 48)
        self.assertEqual(shipping.biz_transaction_list, [["urn:epcglobal:cbv:btt:desadv", picking.name]])
        self.assertIn(shipping, self.units[0]._history_events(), "a unit's trace shows its pallet's shipping")
        self.assertFalse(self.env["trace.scan.unit"].search([]), "the codes are free for the next transfer")

    def test_one_scan_reads_the_transfer_once_in_a_pinned_number_of_queries(self):
        """The scan round trip reads the transfer's demand and scanned units once, for its checks
        and for the summary it answers with; its queries are pinned so that they cannot grow."""
        picking = self.delivery()
        self.assertTrue(picking.trace_scan(self.cases[0].name, unpack=True)["ok"])
        Picking = type(picking)
        reads = {"_trace_demand": 0, "_trace_scanned": 0}

        def counted(name):
            original = getattr(Picking, name)

            def method(record, *args, **kwargs):
                reads[name] += 1
                return original(record, *args, **kwargs)
            return patch.object(Picking, name, method)

        with counted("_trace_demand"), counted("_trace_scanned"):
            for text, ok, queries in ((self.cases[1].name, True, 25), (self.units[0].name, False, 17)):
                reads.update(dict.fromkeys(reads, 0))
                self.env.invalidate_all()  # each scan is a request of its own, with a cold cache
                with self.assertQueryCount(queries):
                    answer = picking.trace_scan(text, unpack=True)
                self.assertEqual(answer["ok"], ok, answer)
                self.assertEqual(reads, {"_trace_demand": 1, "_trace_scanned": 1}, text)
                self.assertEqual(answer["summary"]["lines"][0]["scanned"], 48)

    def test_units_of_two_lots_make_one_move_line_each(self):
        lot_b = self.env["stock.lot"].create({"name": "L2611B", "product_id": self.product.id})
        batch_b = self.batch.copy({"lot_id": lot_b.id, "line_id": self.line.id})
        batch_b.issue_codes(3)
        batch_b.action_confirm()
        other = self.Code.search([("batch_id", "=", batch_b.id)])
        self.env["stock.quant"]._update_available_quantity(self.product, self.stock, 3, lot_id=lot_b)
        picking = self.delivery(quantity=27)
        self.assertTrue(picking.trace_scan(self.cases[0].name, unpack=True)["ok"])
        for code in other:
            self.assertTrue(picking.trace_scan(code.name)["ok"])
        picking.button_validate()
        lines = sorted((line.lot_id.name, line.quantity) for line in picking.move_ids.move_line_ids)
        self.assertEqual(lines, [("L2611A", 24.0), ("L2611B", 3.0)])

    def test_each_refusal_is_typed_and_changes_nothing(self):
        picking = self.delivery(quantity=30)
        other_product = self.env["product.product"].create({"name": "Mug", "is_storable": True})
        self.assertTrue(picking.trace_scan(self.cases[0].name, unpack=True)["ok"])  # 24 of 30
        draft = self.batch.copy({"line_id": self.line.id})
        draft.issue_codes(1)
        fresh = self.Code.search([("batch_id", "=", draft.id)])
        self.assertEqual(fresh.activation, "issued")
        second = self.delivery(quantity=5)
        cases = {
            "unknown_code": (picking, "ZZZZZZZZZZZZZZZZZZZZ", False),
            "not_active": (picking, fresh.name, False),
            # the unpacking it asked for is undone with the refusal
            "over_demand": (picking, self.cases[1].name, True),
            "already_scanned": (picking, self.cases[0].name, False),
            "packed": (second, self.cases[1].name, False),
            "elsewhere": (second, self.units[0].name, True),
        }
        for kind, (target, text, unpack) in cases.items():
            before = self.held()
            answer = target.trace_scan(text, unpack=unpack)
            self.assertEqual((answer["ok"], answer["error"]), (False, kind), (kind, answer["message"]))
            self.assertTrue(answer["message"])
            self.assertEqual(self.held(), before, kind)
        # a unit inside a scanned case is scanned already
        self.assertEqual(picking.trace_scan(self.units[1].name, unpack=True)["error"], "already_scanned")
        mugs = self.delivery(quantity=5, product=other_product)
        self.assertEqual(mugs.trace_scan(self.units[30].name, unpack=True)["error"], "wrong_product")
        self.assertEqual(picking.trace_scan(["not", "text"])["error"], "invalid")

    def test_a_case_taken_out_of_its_pallet_is_an_unpacking(self):
        picking = self.delivery(quantity=24)
        answer = picking.trace_scan(self.cases[0].name)
        self.assertEqual(answer["error"], "packed")
        self.assertTrue(answer["can_unpack"])
        answer = picking.trace_scan(self.cases[0].name, unpack=True)
        self.assertTrue(answer["ok"], answer)
        self.assertFalse(self.cases[0].parent_id)
        unpacking = self.env["trace.event"].search([("biz_step", "=", "unpacking")])
        self.assertEqual(unpacking.parent_code_id, self.pallets)

    def test_wrong_lot_where_the_order_fixes_one(self):
        other_lot = self.env["stock.lot"].create({"name": "L-OTHER", "product_id": self.product.id})
        picking = self.delivery(quantity=48)
        picking.move_ids.trace_lot_id = other_lot
        before = self.held()
        self.assertEqual(picking.trace_scan(self.pallets.name)["error"], "wrong_lot")
        self.assertEqual(self.held(), before)

    def test_blocked_lots_and_codes_do_not_move(self):
        picking = self.delivery()
        self.lot.sudo().trace_blocked = True
        self.assertEqual(picking.trace_scan(self.pallets.name)["error"], "blocked")
        self.lot.sudo().trace_blocked = False
        self.env.cr.execute("UPDATE trace_code SET blocked = true WHERE id = %s", [self.units[5].id])
        self.assertEqual(picking.trace_scan(self.pallets.name)["error"], "blocked")

    def test_a_blocked_batch_does_not_move_but_comes_back_from_the_market(self):
        """A recall blocks whole batches: nothing ships them any more, but the return that brings
        recalled units back from the market is the one scan they still pass."""
        picking = self.delivery()
        picking.trace_scan(self.pallets.name)
        picking.button_validate()
        self.batch.sudo().trace_blocked = True
        onward = self.delivery()
        self.assertEqual(onward.trace_scan(self.pallets.name)["error"], "blocked")
        wizard = self.env["stock.return.picking"].with_context(active_id=picking.id, active_model="stock.picking").create({})
        wizard.product_return_moves.quantity = 24
        returned = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
        self.assertTrue(returned._trace_is_return())
        self.assertTrue(returned.trace_scan(self.cases[0].name, unpack=True)["ok"])
        returned.button_validate()
        self.assertEqual(set(self.units[:24].mapped("custody")), {"returned"})
        # and from the return location it goes nowhere
        self.assertFalse(self.delivery()._trace_is_return())

    def test_unscan_frees_the_code(self):
        picking = self.delivery()
        picking.trace_scan(self.pallets.name)
        answer = picking.trace_unscan(self.pallets.name)
        self.assertTrue(answer["ok"])
        self.assertEqual(answer["summary"]["lines"][0]["scanned"], 0)
        self.assertFalse(self.env["trace.scan.unit"].search([]))
        self.assertEqual(picking.trace_unscan(self.pallets.name)["error"], "not_scanned")
        self.assertTrue(self.delivery().trace_scan(self.pallets.name)["ok"], "free for another transfer")

    def test_shipped_codes_cannot_leave_again_nor_arrive_where_they_never_went(self):
        picking = self.delivery()
        picking.trace_scan(self.pallets.name)
        picking.button_validate()
        self.env["stock.quant"]._update_available_quantity(self.product, self.stock, 48, lot_id=self.lot)
        again = self.delivery()
        self.assertEqual(again.trace_scan(self.pallets.name)["error"], "shipped")
        receipt = self.env["stock.picking"].create(
            {"picking_type_id": self.warehouse.in_type_id.id, "location_id": self.env.ref("stock.stock_location_suppliers").id,
             "location_dest_id": self.stock.id,
             "move_ids": [Command.create({"name": "tea", "product_id": self.product.id, "product_uom_qty": 48,
                                          "product_uom": self.product.uom_id.id,
                                          "location_id": self.env.ref("stock.stock_location_suppliers").id,
                                          "location_dest_id": self.stock.id})]})
        receipt.action_confirm()
        self.assertEqual(receipt.trace_scan(self.pallets.name)["error"], "not_here")

    def test_a_customer_return_restores_the_codes(self):
        picking = self.delivery()
        picking.trace_scan(self.pallets.name)
        picking.button_validate()
        wizard = self.env["stock.return.picking"].with_context(active_id=picking.id, active_model="stock.picking").create({})
        wizard.product_return_moves.quantity = 24
        returned = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
        answer = returned.trace_scan(self.cases[0].name, unpack=True)
        self.assertTrue(answer["ok"], answer)
        returned.button_validate()
        self.assertEqual(set(self.units[:24].mapped("custody")), {"returned"})
        self.assertEqual(self.units[:24].location_id, returned.location_dest_id)
        self.assertEqual(set(self.units[24:].mapped("custody")), {"delivered"})
        receiving = self.env["trace.event"].search([("biz_step", "=", "receiving")])
        self.assertEqual(receiving.quantity, 24)

    def test_a_scan_that_loses_the_race_is_a_refusal(self):
        """Two devices scan the same code into two transfers at once: the unique index lets one
        win; the other, whose checks passed before the winner's insert, gets a refusal."""
        first, second = self.delivery(), self.delivery()
        self.assertTrue(first.trace_scan(self.pallets.name)["ok"])
        original = type(second)._trace_check_codes
        type(second)._trace_check_codes = lambda self, code, rows: None  # the checks ran before the winner
        try:
            answer = second.trace_scan(self.pallets.name)
        finally:
            type(second)._trace_check_codes = original
        self.assertEqual((answer["ok"], answer["error"]), (False, "elsewhere"))
        self.assertEqual(self.env["trace.scan"].search_count([("picking_id", "=", second.id)]), 0)

    def test_the_trace_shows_where_a_code_went_and_the_lot_who_holds_it(self):
        picking = self.delivery(quantity=24)
        picking.trace_scan(self.cases[0].name, unpack=True)
        picking.button_validate()
        data = self.units[0]._trace_data()
        self.assertEqual(data["custody"]["state"], "delivered")
        self.assertEqual(data["custody"]["holder"], self.dealer.display_name)
        [hop] = data["logistics"]
        self.assertEqual((hop["from"], hop["to"], hop["transfer"]), (self.stock.complete_name,
                                                                     self.customers.complete_name, picking.name))
        html = self.env["trace.home"].trace_page(self.units[0].name)["html"]
        self.assertIn(picking.name, html)
        holders = {(h["custody"], h["holder"]): (h["unit"], h["case"], h["pallet"]) for h in self.lot._trace_holders()}
        self.assertEqual(holders[("Delivered", self.dealer.display_name)], (24, 1, 0))
        self.assertEqual(holders[("At the factory", None)], (24, 1, 1))

    def test_a_unit_goes_cdb_to_rdb_to_dealer_hop_by_hop_with_in_transit(self):
        rdb = self.env["stock.warehouse"].create({"name": "Suzhou RDB", "code": "RDB1", "company_id": self.company.id})
        transit = self.env["stock.location"].create({"name": "CDB to RDB1", "usage": "transit",
                                                     "location_id": self.env.ref("stock.stock_location_locations_virtual").id})

        def transfer(picking_type, source, destination, quantity=48):
            picking = self.env["stock.picking"].create(
                {"picking_type_id": picking_type.id, "location_id": source.id, "location_dest_id": destination.id,
                 "partner_id": self.dealer.id,
                 "move_ids": [Command.create({"name": "tea", "product_id": self.product.id, "product_uom_qty": quantity,
                                              "product_uom": self.product.uom_id.id, "location_id": source.id,
                                              "location_dest_id": destination.id})]})
            picking.action_confirm()
            self.assertTrue(picking.trace_scan(self.pallets.name)["ok"], picking.name)
            picking.button_validate()
            self.assertEqual(picking.state, "done")
            return picking

        out = transfer(self.warehouse.int_type_id, self.stock, transit)
        self.assertEqual((self.units[0].custody, self.units[0].location_id), ("in_transit", transit))
        receipt = transfer(rdb.in_type_id, transit, rdb.lot_stock_id)
        self.assertEqual((self.units[0].custody, self.units[0].location_id), ("in_stock", rdb.lot_stock_id))
        delivered = transfer(rdb.out_type_id, rdb.lot_stock_id, self.customers)
        self.assertEqual((self.units[0].custody, self.units[0].holder_id), ("delivered", self.dealer))
        hops = self.units[0]._trace_data()["logistics"]
        self.assertEqual([hop["transfer"] for hop in hops], [out.name, receipt.name, delivered.name])
        self.assertEqual([hop["to"] for hop in hops], [transit.complete_name, rdb.lot_stock_id.complete_name,
                                                       self.customers.complete_name])

    def test_a_case_unscanned_out_of_a_scanned_pallet_leaves_the_pallet_and_the_transfer(self):
        picking = self.delivery()
        self.assertTrue(picking.trace_scan(self.pallets.name)["ok"])
        answer = picking.trace_unscan(self.cases[1].name)
        self.assertTrue(answer["ok"], answer)
        self.assertEqual((answer["units"], answer["unpacked"]), (-24, True))
        self.assertEqual(answer["summary"]["lines"][0]["scanned"], 24)
        self.assertFalse(self.cases[1].parent_id, "an unpacking")
        self.assertEqual(picking.trace_scan_ids.unit_count, 24)
        backorder = picking.button_validate()  # 24 of 48: Odoo asks about a backorder
        self.env[backorder["res_model"]].with_context(**backorder["context"]).create({}).process()
        self.assertEqual(picking.state, "done")
        self.assertEqual(set(self.units[:24].mapped("custody")), {"delivered"})
        self.assertFalse(self.units[24].custody)
        self.assertEqual(picking.trace_unscan(self.cases[1].name)["error"], "closed")
