import json
import re

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import PublicCase


class DealerCase(PublicCase):
    """The chain CDB -> RDB -> dealers: the pallet is moved from the company's central warehouse
    to a regional one, whose deliveries ship its first case to dealer A and its second to dealer
    B. A has a sub-dealer A1; A1 and A have a shop each. Each dealer has a portal user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        shanghai = cls.env.ref("base.state_cn_SH")
        zhejiang = cls.env.ref("base.state_cn_ZJ")
        cls.dealer_a = Partner.create({"name": "Dealer A", "trace_is_dealer": True, "is_company": True,
                                       "state_id": shanghai.id, "country_id": shanghai.country_id.id})
        cls.dealer_a1 = Partner.create({"name": "Dealer A1", "trace_is_dealer": True, "is_company": True,
                                        "trace_parent_dealer_id": cls.dealer_a.id})
        cls.dealer_b = Partner.create({"name": "Dealer B", "trace_is_dealer": True, "is_company": True})
        cls.shop_a1 = Partner.create({"name": "Tea Shop Hangzhou", "is_company": True, "state_id": zhejiang.id,
                                      "country_id": zhejiang.country_id.id, "trace_shop_dealer_id": cls.dealer_a1.id})
        cls.shop_a = Partner.create({"name": "Tea Shop Pudong", "is_company": True,
                                     "trace_shop_dealer_id": cls.dealer_a.id})
        cls.user_a = cls._dealer_user("dealer.a", cls.dealer_a)
        cls.user_a1 = cls._dealer_user("dealer.a1", cls.dealer_a1)
        cls.user_b = cls._dealer_user("dealer.b", cls.dealer_b)
        cls.customer_user = new_test_user(cls.env, "customer.c", groups="base.group_portal")

        cls.rdb = cls.env["stock.warehouse"].create({"name": "RDB East", "code": "RDB", "company_id": cls.company.id})
        cls.to_rdb = cls._transfer(cls.warehouse.int_type_id, cls.stock, cls.rdb.lot_stock_id, None, cls.pallets, 48)
        cls.to_a = cls._transfer(cls.rdb.out_type_id, cls.rdb.lot_stock_id, cls.customers, cls.dealer_a,
                                 cls.cases[0], 24)
        cls.to_b = cls._transfer(cls.rdb.out_type_id, cls.rdb.lot_stock_id, cls.customers, cls.dealer_b,
                                 cls.cases[1], 24)
        cls.case_a, cls.case_b = cls.cases
        cls.units_a, cls.units_b = cls.units[:24], cls.units[24:]

    @classmethod
    def _dealer_user(cls, login, dealer):
        user = new_test_user(cls.env, login, groups="base.group_portal")
        user.partner_id.parent_id = dealer
        return user

    # -- as the portal does it, without HTTP (the controllers call these with sudo) --------------

    def receive(self, delivery, user, dealer, codes=(), validate=True):
        """``user`` of ``dealer`` scans ``codes`` into its receipt of ``delivery`` and validates."""
        receipt = delivery.with_user(user).sudo()._trace_dealer_receive(dealer)
        for code in codes:
            answer = receipt._trace_dealer_scan(code.name, unpack=True)
            self.assertTrue(answer["ok"], answer)
        if validate:
            self.assertTrue(receipt._trace_dealer_validate()["ok"])
        return receipt

    def ship_on(self, user, dealer, recipient, codes, quantity, validate=True):
        Picking = self.env["stock.picking"].with_user(user).sudo()
        shipment = Picking._trace_dealer_create_shipment(dealer, recipient, {self.product.id: quantity}, self.company)
        for code in codes:
            answer = shipment._trace_dealer_scan(code.name, unpack=True)
            self.assertTrue(answer["ok"], answer)
        if validate:
            self.assertTrue(shipment._trace_dealer_validate()["ok"])
        return shipment

    # -- over HTTP ---------------------------------------------------------------------------------

    def login(self, user):
        self.authenticate(user.login, user.login)
        page = self.url_open("/my/account")
        self.assertEqual(page.status_code, 200)
        self.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def post_json(self, path, payload=None, csrf=True, body=None, content_type="application/json"):
        if body is None:
            body = json.dumps(dict(payload or {}, **({"csrf_token": self.csrf} if csrf else {})))
        return self.url_open(path, data=body, headers={"Content-Type": content_type})

    def scan_url(self, picking, action=""):
        return "/my/trace/scan/%s%s" % (picking.id, "/" + action if action else "")

    def custody(self, codes):
        codes.invalidate_recordset()
        return {(code.custody, code.location_id, code.holder_id, code.dealer_id) for code in codes}


@tagged("post_install", "-at_install")
class TestDealerPortal(DealerCase):
    """Scan in, scan out to a sub-dealer and to a shop, the registry's refusals, un-scan,
    validation and the chain in the logistics trace."""

    def test_a_dealer_location_is_not_company_stock(self):
        location = self.dealer_a._trace_dealer_location(self.company)
        self.assertEqual(location.usage, "customer", "a dealer's stock is not valued as the company's")
        self.assertEqual(location.location_id, self.env.ref("trace_public_portal.stock_location_dealers"))
        self.assertFalse(location.parent_path.startswith(self.customers.parent_path), "not under Customers")
        self.assertEqual(self.dealer_a._trace_dealer_location(self.company), location, "created once")
        self.assertEqual(self.dealer_a.with_company(self.company).trace_dealer_location_id, location)
        on_hand = self.product.with_company(self.company).qty_available
        self.receive(self.to_a, self.user_a, self.dealer_a, [self.case_a])
        self.product.invalidate_recordset()
        self.assertEqual(self.product.with_company(self.company).qty_available, on_hand,
                         "a dealer's receipt changes nothing of the company's stock")

    def test_scan_in_puts_the_codes_in_my_stock_held_by_me(self):
        self.login(self.user_a)
        response = self.url_open("/my/trace/receipts/%s/receive" % self.to_a.id, data={"csrf_token": self.csrf},
                                 allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        receipt = self.to_a.trace_dealer_receipt_id
        self.assertTrue(receipt.location_dest_id.trace_dealer_id == self.dealer_a)
        self.assertTrue(response.headers["Location"].endswith(self.scan_url(receipt)))
        self.assertEqual((receipt.trace_dealer_id, receipt.trace_dealer_origin_id, receipt.picking_type_code),
                         (self.dealer_a, self.to_a, "incoming"))
        page = self.url_open(self.scan_url(receipt))
        self.assertEqual(page.status_code, 200)
        self.assertIn("trace_public_portal.dealer_scan", page.text)
        answer = self.post_json(self.scan_url(receipt, "scan"), {"text": self.case_a.name, "source": "camera"}).json()
        self.assertEqual((answer["ok"], answer["units"], answer["level"]), (True, 24, "case"), answer)
        self.assertTrue(answer["summary"]["complete"])
        self.assertNotIn("product_id", json.dumps(answer), "a whitelist: no internal ids")
        # un-scan and scan again; another device reads the same state
        answer = self.post_json(self.scan_url(receipt, "unscan"), {"text": self.case_a.name}).json()
        self.assertEqual((answer["ok"], answer["units"], answer["summary"]["lines"][0]["scanned"]), (True, -24, 0))
        self.assertTrue(self.post_json(self.scan_url(receipt, "scan"), {"text": self.case_a.name,
                                                                         "source": "camera"}).json()["ok"])
        state = self.url_open(self.scan_url(receipt, "state")).json()
        self.assertEqual([(scan["code"], scan["units"]) for scan in state["scans"]], [(self.case_a.name, 24)])
        answer = self.post_json(self.scan_url(receipt, "validate")).json()
        self.assertTrue(answer["ok"], answer)
        self.assertTrue(answer["summary"]["done"])
        location = self.dealer_a.with_company(self.company).trace_dealer_location_id
        self.assertEqual(self.custody(self.units_a | self.case_a), {("in_stock", location, self.dealer_a, self.dealer_a)})
        self.assertEqual(receipt.state, "done")
        quant = self.env["stock.quant"].search([("location_id", "=", location.id), ("lot_id", "=", self.lot.id)])
        self.assertEqual(quant.quantity, 24)
        # the receiving event names the dealer's user: the dealer is the actor
        event = self.env["trace.event"].search([("biz_step", "=", "receiving"), ("location_id", "=", location.id)])
        self.assertEqual(event.user_id, self.user_a)
        self.assertEqual(receipt.trace_scan_ids.user_id, self.user_a)
        self.assertEqual(receipt.trace_scan_ids.device, "portal-camera")
        # My stock: 24 units and a case of the lot
        page = self.url_open("/my/trace").text
        self.assertIn('id="tp-dealer-stock"', page)
        row = re.search(r'id="tp-dealer-stock">(.*?)</tbody>', page, re.S).group(1)
        self.assertIn("Green Tea 500 ml", row)
        self.assertIn("L2611A", row)
        self.assertEqual(re.findall(r'<td class="text-end[^"]*">(\d+)</td>', row), ["24", "1", "0"])
        # and the shipment is received in the list
        page = self.url_open("/my/trace/receipts").text
        self.assertIn("Received", page)

    def test_scan_out_to_a_sub_dealer_who_scans_in(self):
        self.receive(self.to_a, self.user_a, self.dealer_a, [self.case_a])
        self.login(self.user_a)
        page = self.url_open("/my/trace/shipments/new").text
        self.assertIn("Dealer A1", page)
        self.assertIn("Tea Shop Pudong", page)
        self.assertNotIn("Tea Shop Hangzhou", page, "A1's shop is not A's")
        self.assertNotIn("Dealer B", page)
        response = self.url_open("/my/trace/shipments/new", allow_redirects=False, data={
            "csrf_token": self.csrf, "recipient_id": str(self.dealer_a1.id), "qty-%s" % self.product.id: "24"})
        self.assertEqual(response.status_code, 303, response.text[:500])
        shipment = self.env["stock.picking"].search([("trace_dealer_id", "=", self.dealer_a.id),
                                                     ("picking_type_code", "=", "outgoing")])
        self.assertEqual((shipment.partner_id, shipment.state, shipment.location_id.trace_dealer_id),
                         (self.dealer_a1, "assigned", self.dealer_a))
        answer = self.post_json(self.scan_url(shipment, "scan"), {"text": self.case_a.name}).json()
        self.assertTrue(answer["ok"], answer)
        self.assertTrue(self.post_json(self.scan_url(shipment, "validate")).json()["ok"])
        self.assertEqual(self.custody(self.units_a), {("delivered", self.customers, self.dealer_a1, self.dealer_a1)},
                         "bound to the sub-dealer by the same binding as the company's shipments")
        # A still sees the codes (A1 is below it); the sub-dealer receives them
        self.assertEqual(self.env["trace.code"].with_user(self.user_a).search_count([("id", "in", self.units_a.ids)]), 24)
        self.login(self.user_a1)
        self.assertIn(shipment.name, self.url_open("/my/trace/receipts").text)
        self.url_open("/my/trace/receipts/%s/receive" % shipment.id, data={"csrf_token": self.csrf})
        receipt_a1 = shipment.trace_dealer_receipt_id
        self.assertEqual(receipt_a1.trace_dealer_id, self.dealer_a1)
        self.assertTrue(self.post_json(self.scan_url(receipt_a1, "scan"), {"text": self.case_a.name}).json()["ok"])
        self.assertTrue(self.post_json(self.scan_url(receipt_a1, "validate")).json()["ok"])
        location_a1 = self.dealer_a1.with_company(self.company).trace_dealer_location_id
        self.assertEqual(self.custody(self.units_a), {("in_stock", location_a1, self.dealer_a1, self.dealer_a1)})

    def test_scan_out_to_a_shop_keeps_the_codes_bound_to_the_dealer(self):
        self.receive(self.to_a, self.user_a, self.dealer_a, [self.case_a])
        shipment = self.ship_on(self.user_a, self.dealer_a, self.shop_a, [self.case_a], 24)
        self.assertEqual(shipment.state, "done")
        self.assertEqual(self.custody(self.units_a), {("delivered", self.customers, self.shop_a, self.dealer_a)},
                         "the shop holds them; they stay bound to the dealer that supplies it")
        self.assertEqual(self.env["trace.event"].search([("biz_step", "=", "shipping")], order="id desc",
                                                        limit=1).user_id, self.user_a)
        answer = self.verify(self.units_a[0], audience="dealer", dealer=self.dealer_a, user=self.user_a)
        self.assertIn(shipment.name, [hop["transfer"] for hop in answer["logistics"]],
                      "the dealer's page shows its own shipment to its shop")

    def test_the_chain_in_the_logistics_trace(self):
        """CDB -> RDB -> dealer -> sub-dealer -> shop: every hop, with who scanned it."""
        batch = self.env["trace.batch"].create(
            {"product_id": self.product.id, "lot_id": self.lot.id, "quantity": 12, "production_date": "2026-11-22",
             "line_id": self.line.id})
        batch.issue_codes(12)
        batch.action_confirm()
        batch.issue_codes(1, level="pallet")
        codes = self.Code.search([("batch_id", "=", batch.id)], order="id")
        units, pallet = codes.filtered(lambda c: c.level == "unit"), codes.filtered(lambda c: c.level == "pallet")
        self.Code._pack({pallet.name: units.mapped("name")})
        self.env["stock.quant"]._update_available_quantity(self.product, self.stock, 12, lot_id=self.lot)
        to_rdb = self._transfer(self.warehouse.int_type_id, self.stock, self.rdb.lot_stock_id, None, pallet, 12)
        to_a = self._transfer(self.rdb.out_type_id, self.rdb.lot_stock_id, self.customers, self.dealer_a, pallet, 12)
        receipt_a = self.receive(to_a, self.user_a, self.dealer_a, [pallet])
        to_a1 = self.ship_on(self.user_a, self.dealer_a, self.dealer_a1, [pallet], 12)
        receipt_a1 = self.receive(to_a1, self.user_a1, self.dealer_a1, [pallet])
        to_shop = self.ship_on(self.user_a1, self.dealer_a1, self.shop_a1, [pallet], 12)
        unit = units[0]
        unit.invalidate_recordset()
        hops = unit._trace_data()["logistics"]
        self.assertEqual([hop["transfer"] for hop in hops],
                         [to_rdb.name, to_a.name, receipt_a.name, to_a1.name, receipt_a1.name, to_shop.name])
        self.assertEqual([hop["who"] for hop in hops][2:],
                         [self.user_a.name, self.user_a.name, self.user_a1.name, self.user_a1.name])
        self.assertEqual([hop["step"] for hop in hops][2:], ["Receiving", "Shipping", "Receiving", "Shipping"])
        location_a = self.dealer_a.with_company(self.company).trace_dealer_location_id
        self.assertEqual((hops[2]["from"], hops[2]["to"]), (self.customers.complete_name, location_a.complete_name))
        self.assertEqual((unit.custody, unit.holder_id, unit.dealer_id, unit.territory_state_id),
                         ("delivered", self.shop_a1, self.dealer_a1, self.shop_a1.state_id))
        # A1 sees the unit's hops within its part of the network on the consumer page
        answer = self.verify(unit, audience="dealer", dealer=self.dealer_a1, user=self.user_a1)
        self.assertIn(receipt_a1.name, [hop["transfer"] for hop in answer["logistics"]])

    def test_refusals_are_the_registrys_and_change_nothing(self):
        receipt = self.to_a.with_user(self.user_a).sudo()._trace_dealer_receive(self.dealer_a)
        before = self.snapshot()
        refusals = {
            "NOT-A-CODE-OF-OURS": "unknown_code",
            self.units_b[0].name: "other_dealer",  # delivered to dealer B
            self.idle.name: "not_active",
        }
        for text, kind in refusals.items():
            answer = receipt._trace_dealer_scan(text, unpack=True)
            self.assertEqual((answer["ok"], answer["error"]), (False, kind), answer)
            self.assertTrue(answer["message"])
        self.assertEqual(self.snapshot(), before)
        self.assertFalse(receipt.trace_scan_ids)
        # over the demand: the receipt takes the 24 units shipped to A, not one more
        self.assertTrue(receipt._trace_dealer_scan(self.case_a.name)["ok"])
        receipt.move_ids.product_uom_qty = 23
        self.assertEqual(receipt._trace_dealer_scan(self.units_a[0].name, unpack=True)["error"], "already_scanned")
        receipt.trace_unscan(self.case_a.name)
        self.assertEqual(receipt._trace_dealer_scan(self.case_a.name)["error"], "over_demand")
        receipt.move_ids.product_uom_qty = 24
        self.assertTrue(receipt._trace_dealer_scan(self.case_a.name)["ok"])
        receipt._trace_dealer_validate()
        # scan out: what A does not hold here (still at Customers for B, or in B's stock) is refused
        shipment = self.ship_on(self.user_a, self.dealer_a, self.dealer_a1, [], 10, validate=False)
        for text, kind in {self.case_b.name: "not_here", self.case_a.name: "over_demand"}.items():
            answer = shipment._trace_dealer_scan(text)
            self.assertEqual((answer["ok"], answer["error"]), (False, kind), answer)
        self.receive(self.to_b, self.user_b, self.dealer_b, [self.case_b])
        self.assertEqual(shipment._trace_dealer_scan(self.units_b[0].name, unpack=True)["error"], "not_here",
                         "another dealer's stock")
        self.assertEqual(shipment._trace_dealer_scan(self.units_a[0].name)["error"], "packed")
        self.assertTrue(shipment._trace_dealer_scan(self.units_a[0].name)["can_unpack"])

    def test_shipments_are_made_of_what_i_hold_for_my_recipients(self):
        Picking = self.env["stock.picking"].with_user(self.user_a).sudo()
        quantities = {self.product.id: 5}
        with self.assertRaisesRegex(Exception, "not in your stock"):
            Picking._trace_dealer_create_shipment(self.dealer_a, self.dealer_a1, quantities, self.company)
        self.receive(self.to_a, self.user_a, self.dealer_a, [self.case_a])
        for recipient in (self.dealer_b, self.shop_a1, self.dealer_a):
            with self.assertRaisesRegex(Exception, "sub-dealers or shops"):
                Picking._trace_dealer_create_shipment(self.dealer_a, recipient, quantities, self.company)
        with self.assertRaisesRegex(Exception, "You hold 24 units"):
            Picking._trace_dealer_create_shipment(self.dealer_a, self.dealer_a1, {self.product.id: 25}, self.company)
        with self.assertRaisesRegex(Exception, "how many units"):
            Picking._trace_dealer_create_shipment(self.dealer_a, self.dealer_a1, {self.product.id: 0}, self.company)
        self.login(self.user_a)
        for form, message in [
            ({"recipient_id": "x"}, "Choose whom to ship to"),
            ({"recipient_id": str(self.dealer_b.id), "qty-%s" % self.product.id: "2"}, "sub-dealers or shops"),
            ({"recipient_id": str(self.dealer_a1.id), "qty-%s" % self.product.id: "-2"}, "whole numbers"),
            ({"recipient_id": str(self.dealer_a1.id), "qty-%s" % self.product.id: "1.5"}, "whole numbers"),
            ({"recipient_id": str(self.dealer_a1.id), "qty-999999999": "1"}, "not in your stock"),
            ({"recipient_id": str(self.dealer_a1.id), "qty-abc": "1"}, "unknown field"),
            ({"recipient_id": str(self.dealer_a1.id), "name": "x"}, "unknown field"),
            ({"recipient_id": "99999999999999"}, "Choose whom to ship to"),
        ]:
            response = self.url_open("/my/trace/shipments/new", data=dict(form, csrf_token=self.csrf),
                                     allow_redirects=False)
            self.assertEqual(response.status_code, 400, form)
            self.assertIn(message, response.text, form)
        self.assertFalse(self.env["stock.picking"].search([("trace_dealer_id", "=", self.dealer_a.id),
                                                           ("picking_type_code", "=", "outgoing")]))

    def test_unscan_and_validation_with_a_backorder(self):
        receipt = self.to_a.with_user(self.user_a).sudo()._trace_dealer_receive(self.dealer_a)
        self.assertEqual(receipt._trace_dealer_validate()["error"], "nothing_scanned")
        answer = receipt._trace_dealer_scan(self.case_a.name)
        self.assertEqual(answer["summary"]["lines"][0]["scanned"], 24)
        answer = receipt._trace_dealer_unscan(self.case_a.name)
        self.assertEqual((answer["ok"], answer["units"], answer["summary"]["lines"][0]["scanned"]), (True, -24, 0))
        self.assertEqual(receipt._trace_dealer_unscan(self.case_a.name)["error"], "not_scanned")
        for unit in self.units_a[:10]:
            self.assertTrue(receipt._trace_dealer_scan(unit.name, unpack=True)["ok"])
        answer = receipt._trace_dealer_validate()
        self.assertEqual((answer["ok"], answer["error"], answer["can_backorder"]), (False, "incomplete", True))
        self.assertIn("14", answer["message"])
        self.assertEqual(receipt.state, "assigned", "asking changed nothing")
        answer = receipt._trace_dealer_validate(backorder=True)
        self.assertTrue(answer["ok"], answer)
        backorder = self.env["stock.picking"].search([("backorder_id", "=", receipt.id)])
        self.assertEqual(answer["backorder"], backorder.name)
        self.assertEqual((backorder.trace_dealer_id, backorder.move_ids.product_uom_qty), (self.dealer_a, 14.0))
        location = self.dealer_a.with_company(self.company).trace_dealer_location_id
        self.assertEqual(self.custody(self.units_a[:10]), {("in_stock", location, self.dealer_a, self.dealer_a)})
        self.assertEqual({code.custody for code in self.units_a[10:]}, {"delivered"})
        # the rest is received in the backorder, which is the dealer's too
        self.assertTrue(backorder._trace_dealer_owned(self.dealer_a))
        self.assertEqual(receipt._trace_dealer_validate()["error"], "closed")
        # scanning the shipment in again opens the backorder, until all of it is received
        self.assertEqual(self.to_a.with_user(self.user_a).sudo()._trace_dealer_receive(self.dealer_a), backorder)
        self.assertEqual(self.to_a._trace_dealer_incoming_rows()[0]["receipt_id"], backorder.id)
        for unit in self.units_a[10:]:
            self.assertTrue(backorder._trace_dealer_scan(unit.name, unpack=True)["ok"])
        self.assertTrue(backorder._trace_dealer_validate()["ok"])
        self.assertTrue(self.to_a._trace_dealer_incoming_rows()[0]["received"])
        self.assertEqual(self.to_a.with_user(self.user_a).sudo()._trace_dealer_receive(self.dealer_a), receipt)

    def test_cancel_frees_the_codes(self):
        receipt = self.to_a.with_user(self.user_a).sudo()._trace_dealer_receive(self.dealer_a)
        self.assertTrue(receipt._trace_dealer_scan(self.case_a.name)["ok"])
        self.assertTrue(receipt._trace_dealer_cancel()["ok"])
        self.assertEqual(receipt.state, "cancel")
        self.assertFalse(self.env["trace.scan.unit"].sudo().search([("code_id", "=", self.case_a.id)]))
        again = self.to_a.with_user(self.user_a).sudo()._trace_dealer_receive(self.dealer_a)
        self.assertNotEqual(again, receipt, "a new receipt after a cancelled one")
        self.assertTrue(again._trace_dealer_scan(self.case_a.name)["ok"])

    def test_the_portal_home_has_the_dealer_entry(self):
        self.login(self.user_a)
        self.assertIn('href="/my/trace"', self.url_open("/my/home").text)
        self.assertEqual(self.make_jsonrpc_request("/my/counters", {"counters": ["trace_receipt_count"]})[
            "trace_receipt_count"], 1)
        self.authenticate("customer.c", "customer.c")
        self.assertNotIn('href="/my/trace"', self.url_open("/my/home").text)
        self.assertEqual(self.url_open("/my/trace").status_code, 404, "not a dealer")

    def test_shops_are_set_by_traceability_administrators(self):
        stock_user = new_test_user(self.env, "stock.s", groups="stock.group_stock_user,base.group_partner_manager")
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(stock_user).create({"name": "Shop", "trace_shop_dealer_id": self.dealer_b.id})
        with self.assertRaises(AccessError):
            self.shop_a.with_user(stock_user).write({"trace_shop_dealer_id": self.dealer_b.id})
        with self.assertRaises(ValidationError):
            self.dealer_b.trace_shop_dealer_id = self.dealer_a


@tagged("post_install", "-at_install")
class TestDealerPortalSecurity(DealerCase):
    """Another dealer, through every route: denied; every field of every request checked."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receipt_a = cls.to_a.with_user(cls.user_a).sudo()._trace_dealer_receive(cls.dealer_a)

    def test_record_rules_give_a_dealer_its_own_transfers(self):
        Picking = self.env["stock.picking"]
        self.assertEqual(Picking.with_user(self.user_a).search([]), self.to_a | self.receipt_a)
        self.assertEqual(Picking.with_user(self.user_b).search([]), self.to_b)
        self.assertFalse(Picking.with_user(self.user_a1).search([]))
        self.assertFalse(Picking.with_user(self.customer_user).search([]), "no dealer, no transfers")
        for user in (self.user_b, self.user_a1):
            with self.assertRaises(AccessError):
                self.receipt_a.with_user(user).read(["name"])
        with self.assertRaises(AccessError):
            self.receipt_a.with_user(self.user_a).write({"origin": "x"})
        with self.assertRaises(AccessError):
            self.receipt_a.with_user(self.user_a).trace_scan(self.case_a.name)
        with self.assertRaises(AccessError):
            Picking.with_user(self.user_a).create({"picking_type_id": self.receipt_a.picking_type_id.id})
        with self.assertRaises(AccessError):
            self.env["trace.scan"].with_user(self.user_a).search([])
        self.authenticate("dealer.b", "dealer.b")
        response = self.make_jsonrpc_request(
            "/web/dataset/call_kw/stock.picking/search_read",
            {"model": "stock.picking", "method": "search_read", "args": [[], ["name"]], "kwargs": {}})
        self.assertEqual([row["name"] for row in response], [self.to_b.name])

    def test_another_dealer_is_denied_on_every_route(self):
        self.assertTrue(self.receipt_a._trace_dealer_scan(self.case_a.name)["ok"])
        shipment_rdb = self.to_rdb
        before = self.snapshot()
        scans = self.receipt_a.trace_scan_ids
        for user in (self.user_b, self.user_a1, self.customer_user):
            self.login(user)
            for picking in (self.receipt_a, shipment_rdb, self.to_a):
                self.assertEqual(self.url_open(self.scan_url(picking)).status_code, 404, (user.login, picking.name))
                self.assertEqual(self.url_open(self.scan_url(picking, "state")).status_code, 404)
                for action, payload in [("scan", {"text": self.units_b[0].name}), ("unscan", {"text": self.case_a.name}),
                                        ("validate", {}), ("cancel", {})]:
                    response = self.post_json(self.scan_url(picking, action), payload)
                    self.assertEqual(response.status_code, 404, (user.login, picking.name, action))
                    self.assertEqual(response.json()["error"], "not_found")
            response = self.url_open("/my/trace/receipts/%s/receive" % self.to_a.id, data={"csrf_token": self.csrf},
                                     allow_redirects=False)
            self.assertEqual(response.status_code, 404)
            if user != self.customer_user:
                self.assertNotIn(self.to_a.name, self.url_open("/my/trace/receipts").text)
                self.assertNotIn(self.receipt_a.name, self.url_open("/my/trace/shipments").text)
                self.assertNotIn("Green Tea", self.url_open("/my/trace").text, "nothing in its stock")
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(self.receipt_a.trace_scan_ids, scans)
        self.assertEqual(self.receipt_a.state, "assigned")
        # the company's own transfers are no dealer's, even to the dealer they were shipped to
        self.login(self.user_a)
        for picking in (shipment_rdb, self.to_a):
            self.assertEqual(self.post_json(self.scan_url(picking, "scan"), {"text": self.case_a.name}).status_code, 404)
        self.assertEqual(self.url_open(self.scan_url(self.receipt_a)).status_code, 200)
        self.assertEqual(self.url_open("/my/trace/scan/99999999").status_code, 404)

    def test_wrong_requests_get_400_with_a_message(self):
        self.login(self.user_a)
        url = self.scan_url(self.receipt_a, "scan")
        before = self.snapshot()
        cases = [
            ({"text": ["not", "text"]}, 400),
            ({"text": 42}, 400),
            ({"text": ""}, 400),
            ({"text": "A" * 513}, 400),
            ({"text": "ABC\x00"}, 400),
            ({"text": self.case_a.name, "unpack": "yes"}, 400),
            ({"text": self.case_a.name, "source": "laser"}, 400),
            ({"text": self.case_a.name, "picking_id": 1}, 400),
            ({}, 400),
        ]
        for payload, status in cases:
            response = self.post_json(url, payload)
            self.assertEqual(response.status_code, status, payload)
            answer = response.json()
            self.assertEqual(answer["error"], "invalid_request", payload)
            self.assertTrue(answer["message"], payload)
        for body in ("[1, 2]", "not json", '"text"', "null", "{" * 5000):
            response = self.post_json(url, body=body)
            self.assertIn(response.status_code, (400, 413), body[:20])
            self.assertTrue(response.json()["message"])
        self.assertEqual(self.post_json(url, {"text": self.case_a.name}, csrf=False).status_code, 403)
        self.assertEqual(self.post_json(url, {"text": self.case_a.name, "csrf_token": "forged"}, csrf=False).status_code,
                         403)
        self.assertEqual(self.post_json(url, body=json.dumps({"text": "x", "csrf_token": self.csrf}),
                                        content_type="text/plain").status_code, 415)
        response = self.post_json(self.scan_url(self.receipt_a, "validate"), {"backorder": "no"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.post_json(self.scan_url(self.receipt_a, "unscan"), {"text": None}).status_code, 400)
        self.assertEqual(self.post_json(self.scan_url(self.receipt_a, "cancel"), {"now": True}).status_code, 400)
        self.assertEqual(self.url_open("/my/trace/scan/99999999999999999999").status_code, 404)
        self.assertEqual(self.url_open("/my/trace/receipts?page=abc").status_code, 200)
        self.assertEqual(self.snapshot(), before)
        self.assertFalse(self.receipt_a.trace_scan_ids)
        self.assertEqual(self.receipt_a.state, "assigned")
        # and a good one still works
        self.assertTrue(self.post_json(url, {"text": self.case_a.name, "unpack": False, "source": "keyboard"}).json()["ok"])


@tagged("post_install", "-at_install")
class TestDealerTour(DealerCase):
    """A dealer scans in a shipment on the portal page, in Debian's chromium."""

    def test_dealer_scan_in(self):
        receipt = self.to_a.with_user(self.user_a).sudo()._trace_dealer_receive(self.dealer_a)
        self.start_tour("/my/trace/scan/%s#code=%s" % (receipt.id, self.case_a.name), "trace_dealer_scan_in",
                        login="dealer.a")
        self.assertEqual(receipt.state, "done")
        location = self.dealer_a.with_company(self.company).trace_dealer_location_id
        self.assertEqual(self.custody(self.units_a), {("in_stock", location, self.dealer_a, self.dealer_a)})
