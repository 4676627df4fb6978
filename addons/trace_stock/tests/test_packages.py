from odoo import Command
from odoo.addons.product_trace.tests.common import TraceCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestPackages(TraceCase):
    """Scanned transfers at a company that keeps Odoo packages named after its pallets and cases:
    the move lines come from the package that holds the units, the package moves whole when all
    of it leaves, a pallet received where packages are in use arrives in its own package, and the
    quants per lot and package stay true."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.units, cls.cases, cls.pallets = cls._active_batch(units=48, cases=2, pallets=1)
        cls.Code._pack({cls.cases[0].name: cls.units[:24].mapped("name"), cls.cases[1].name: cls.units[24:].mapped("name")})
        cls.Code._pack({cls.pallets.name: cls.cases.mapped("name")})
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock = cls.warehouse.lot_stock_id
        cls.customers = cls.env.ref("stock.stock_location_customers")
        cls.transit = cls.env["stock.location"].create(
            {"name": "CDB to RDB1", "usage": "transit", "location_id": cls.env.ref("stock.stock_location_locations_virtual").id}
        )
        cls.rdb = cls.env["stock.warehouse"].create({"name": "Suzhou RDB", "code": "RDB1", "company_id": cls.company.id})
        cls.dealer = cls.env["res.partner"].create({"name": "Suzhou Tea Dealer"})
        cls.Package = cls.env["stock.quant.package"]
        cls.Quant = cls.env["stock.quant"]

    def keep_packages(self):
        """Inventory > Settings > Packages, as the setting does it: every internal user gets the group."""
        self.env.ref("base.group_user").write({"implied_ids": [Command.link(self.env.ref("stock.group_tracking_lot").id)]})
        self.assertTrue(self.env.user.has_group("stock.group_tracking_lot"))

    def put(self, quantity, location=None, package=None, lot=None):
        self.Quant._update_available_quantity(self.product, location or self.stock, quantity, lot_id=lot or self.lot,
                                              package_id=package)

    def transfer(self, picking_type, source, destination, scans, quantity=48):
        """A transfer of ``quantity`` scanned with ``scans`` (``[(code, unpack)]``), validated."""
        picking = self.env["stock.picking"].create(
            {"picking_type_id": picking_type.id, "location_id": source.id, "location_dest_id": destination.id,
             "partner_id": self.dealer.id,
             "move_ids": [Command.create({"name": "tea", "product_id": self.product.id, "product_uom_qty": quantity,
                                          "product_uom": self.product.uom_id.id, "location_id": source.id,
                                          "location_dest_id": destination.id})]})
        picking.action_confirm()
        for code, unpack in scans:
            answer = picking.trace_scan(code.name, unpack=unpack)
            self.assertTrue(answer["ok"], answer)
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        return picking

    def deliver(self, scans, quantity=48):
        return self.transfer(self.warehouse.out_type_id, self.stock, self.customers, scans, quantity)

    @staticmethod
    def lines(picking):
        """``[(lot, quantity, source package, destination package)]`` of the transfer's move lines."""
        return sorted(
            (line.lot_id.name, line.quantity, line.package_id.name or "", line.result_package_id.name or "")
            for line in picking.move_ids.move_line_ids
        )

    def stock_at(self, location):
        """``[(lot, package, quantity)]`` of the product's quants at ``location``."""
        quants = self.Quant.search([("product_id", "=", self.product.id), ("location_id", "=", location.id)])
        return sorted((q.lot_id.name, q.package_id.name or "", q.quantity) for q in quants if q.quantity)

    def test_a_pallet_held_in_its_package_leaves_in_it(self):
        self.keep_packages()
        pallet = self.Package.create({"name": self.pallets.name})
        self.put(48, package=pallet)
        picking = self.deliver([(self.pallets, False)])
        self.assertEqual(self.lines(picking), [("L2611A", 48.0, pallet.name, pallet.name)], "the package moves whole")
        self.assertEqual(picking.package_level_ids.package_id, pallet)
        self.assertEqual(self.stock_at(self.stock), [], "nothing left behind, nothing negative")
        self.assertEqual(self.stock_at(self.customers), [("L2611A", pallet.name, 48.0)])
        self.assertEqual(pallet.location_id, self.customers)

    def test_a_case_unpacked_from_its_pallet_package_leaves_the_package_and_the_rest_moves_whole(self):
        self.keep_packages()
        pallet = self.Package.create({"name": self.pallets.name})
        self.put(48, package=pallet)
        first = self.deliver([(self.cases[0], True)], quantity=24)
        self.assertEqual(self.lines(first), [("L2611A", 24.0, pallet.name, "")], "taken out of the pallet's package")
        self.assertEqual(self.stock_at(self.stock), [("L2611A", pallet.name, 24.0)])
        self.assertEqual(self.stock_at(self.customers), [("L2611A", "", 24.0)])
        second = self.deliver([(self.cases[1], True)], quantity=24)
        self.assertEqual(self.lines(second), [("L2611A", 24.0, pallet.name, pallet.name)], "the rest is the package")
        self.assertEqual(self.stock_at(self.stock), [])
        self.assertEqual(self.stock_at(self.customers), [("L2611A", "", 24.0), ("L2611A", pallet.name, 24.0)])

    def test_a_package_added_whole_but_scanned_in_part_does_not_move_whole(self):
        self.keep_packages()
        self.warehouse.out_type_id.show_entire_packs = True
        pallet = self.Package.create({"name": self.pallets.name})
        self.put(48, package=pallet)
        # the user adds the whole package to the delivery (its Packages tab): Odoo makes its moves
        picking = self.env["stock.picking"].create(
            {"picking_type_id": self.warehouse.out_type_id.id, "location_id": self.stock.id,
             "location_dest_id": self.customers.id, "partner_id": self.dealer.id,
             "package_level_ids_details": [Command.create({"package_id": pallet.id, "company_id": self.company.id})]})
        picking.action_confirm()
        self.assertEqual((picking.move_ids.package_level_id.package_id, picking.move_ids.product_uom_qty), (pallet, 48))
        self.assertTrue(picking.trace_scan(self.cases[0].name, unpack=True)["ok"])
        backorder = picking.button_validate()
        self.env[backorder["res_model"]].with_context(**backorder["context"]).create({}).process()
        self.assertEqual(self.lines(picking), [("L2611A", 24.0, pallet.name, "")])
        self.assertFalse(picking.package_level_ids, "the scanned lines say what moved: not the whole package")
        self.assertEqual(self.stock_at(self.stock), [("L2611A", pallet.name, 24.0)])

    def test_mixed_case_packages_and_loose_stock_make_one_line_per_lot_and_package(self):
        self.keep_packages()
        lot_b = self.env["stock.lot"].create({"name": "L2611B", "product_id": self.product.id})
        batch_b = self.batch.copy({"lot_id": lot_b.id, "line_id": self.line.id})
        batch_b.issue_codes(3)
        batch_b.action_confirm()
        loose = self.Code.search([("batch_id", "=", batch_b.id)])
        cases = self.Package.create([{"name": self.cases[0].name}, {"name": self.cases[1].name}])
        self.put(24, package=cases[0])
        self.put(24, package=cases[1])
        self.put(3, lot=lot_b)
        # a package named after a pallet that holds another lot is not where the pallet's units are
        self.put(5, package=self.Package.create({"name": self.pallets.name}), lot=lot_b)
        picking = self.deliver([(self.pallets, False)] + [(code, False) for code in loose], quantity=51)
        self.assertEqual(
            self.lines(picking),
            sorted([("L2611A", 24.0, cases[0].name, cases[0].name), ("L2611A", 24.0, cases[1].name, cases[1].name),
                    ("L2611B", 3.0, "", "")]),
        )
        self.assertEqual(self.stock_at(self.stock), [("L2611B", self.pallets.name, 5.0)])
        self.assertEqual(
            self.stock_at(self.customers),
            sorted([("L2611A", cases[0].name, 24.0), ("L2611A", cases[1].name, 24.0), ("L2611B", "", 3.0)]),
        )

    def test_a_pallet_received_where_packages_are_used_arrives_in_its_package(self):
        self.keep_packages()
        self.put(48)
        self.transfer(self.warehouse.int_type_id, self.stock, self.transit, [(self.pallets, False)])
        self.assertFalse(self.Package.search([("name", "=", self.pallets.name)]), "loose stock ships loose")
        self.rdb.in_type_id.show_entire_packs = True
        # a case taken out of the pallet arrives loose; the pallet (the other case) in its package
        receipt = self.transfer(self.rdb.in_type_id, self.transit, self.rdb.lot_stock_id,
                                [(self.cases[1], True), (self.pallets, False)])
        pallet = self.Package.search([("name", "=", self.pallets.name)])
        self.assertEqual(len(pallet), 1, "created")
        self.assertEqual(self.lines(receipt), [("L2611A", 24.0, "", ""), ("L2611A", 24.0, "", pallet.name)])
        self.assertEqual(receipt.package_level_ids.package_id, pallet)
        self.assertEqual(self.stock_at(self.rdb.lot_stock_id), [("L2611A", "", 24.0), ("L2611A", pallet.name, 24.0)])
        self.assertEqual(self.stock_at(self.transit), [])

    def test_a_pallet_package_goes_cdb_to_rdb_whole(self):
        self.keep_packages()
        pallet = self.Package.create({"name": self.pallets.name})
        self.put(48, package=pallet)
        out = self.transfer(self.warehouse.int_type_id, self.stock, self.transit, [(self.pallets, False)])
        self.assertEqual(self.lines(out), [("L2611A", 48.0, pallet.name, pallet.name)])
        self.assertEqual(pallet.location_id, self.transit)
        self.rdb.in_type_id.show_entire_packs = True
        receipt = self.transfer(self.rdb.in_type_id, self.transit, self.rdb.lot_stock_id, [(self.pallets, False)])
        self.assertEqual(self.lines(receipt), [("L2611A", 48.0, pallet.name, pallet.name)])
        self.assertEqual(self.Package.search_count([("name", "=", self.pallets.name)]), 1, "the same package, not a copy")
        self.assertEqual(self.stock_at(self.rdb.lot_stock_id), [("L2611A", pallet.name, 48.0)])
        self.assertEqual((self.stock_at(self.stock), self.stock_at(self.transit)), ([], []))

    def test_a_package_that_keeps_stock_elsewhere_is_not_split_over_two_places(self):
        self.keep_packages()
        self.put(48)
        self.transfer(self.warehouse.int_type_id, self.stock, self.transit, [(self.pallets, False)])
        other = self.env["stock.location"].create({"name": "Shelf 9", "location_id": self.rdb.lot_stock_id.id})
        pallet = self.Package.create({"name": self.pallets.name})
        self.put(2, location=other, package=pallet)
        self.rdb.in_type_id.show_entire_packs = True
        receipt = self.transfer(self.rdb.in_type_id, self.transit, self.rdb.lot_stock_id, [(self.pallets, False)])
        self.assertEqual(self.lines(receipt), [("L2611A", 48.0, "", "")], "Odoo keeps a package in one place")
        self.assertEqual(self.stock_at(other), [("L2611A", pallet.name, 2.0)])

    def test_without_the_packages_setting_nothing_changes(self):
        self.put(48)
        self.rdb.in_type_id.show_entire_packs = True  # the operation type would move packages...
        self.transfer(self.warehouse.int_type_id, self.stock, self.transit, [(self.pallets, False)])
        receipt = self.transfer(self.rdb.in_type_id, self.transit, self.rdb.lot_stock_id, [(self.pallets, False)])
        self.assertEqual(self.lines(receipt), [("L2611A", 48.0, "", "")], "...but the company keeps none")
        self.assertFalse(self.Package.search([("name", "=", self.pallets.name)]))
        self.assertFalse(receipt.package_level_ids)

    def test_a_receipt_whose_operation_type_moves_no_packages_receives_loose(self):
        self.keep_packages()
        self.put(48)
        self.transfer(self.warehouse.int_type_id, self.stock, self.transit, [(self.pallets, False)])
        self.assertFalse(self.rdb.in_type_id.show_entire_packs)
        receipt = self.transfer(self.rdb.in_type_id, self.transit, self.rdb.lot_stock_id, [(self.pallets, False)])
        self.assertEqual(self.lines(receipt), [("L2611A", 48.0, "", "")])
        self.assertFalse(self.Package.search([("name", "=", self.pallets.name)]))
