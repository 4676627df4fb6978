from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import PublicCase


@tagged("post_install", "-at_install")
class TestDealerAnswers(PublicCase):
    """A logged-in dealer sees what a consumer sees plus the logistics within its own part of the
    network, for the codes shipped to it or below it, by record rules; never another dealer's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.dealer_a = Partner.create({"name": "Dealer A", "trace_is_dealer": True, "is_company": True})
        cls.dealer_a1 = Partner.create({"name": "Dealer A1", "trace_is_dealer": True, "is_company": True,
                                        "trace_parent_dealer_id": cls.dealer_a.id})
        cls.dealer_b = Partner.create({"name": "Dealer B", "trace_is_dealer": True, "is_company": True})
        cls.user_a = new_test_user(cls.env, "dealer.a", groups="base.group_portal")
        cls.user_a.partner_id.parent_id = cls.dealer_a
        cls.user_a1 = new_test_user(cls.env, "dealer.a1", groups="base.group_portal")
        cls.user_a1.partner_id.parent_id = cls.dealer_a1
        cls.user_b = new_test_user(cls.env, "dealer.b", groups="base.group_portal")
        cls.user_b.partner_id.parent_id = cls.dealer_b
        cls.to_a1 = cls.ship(cls.cases[0:1], cls.dealer_a1, 24)
        cls.to_b = cls.ship(cls.cases[1:2], cls.dealer_b, 24)
        cls.unit_a1, cls.unit_b = cls.units[0], cls.units[24]

    def test_the_network_path(self):
        self.assertEqual(self.dealer_a1.trace_dealer_path, "/%s/%s/" % (self.dealer_a.id, self.dealer_a1.id))
        self.dealer_a1.trace_parent_dealer_id = self.dealer_b
        self.assertEqual(self.dealer_a1.trace_dealer_path, "/%s/%s/" % (self.dealer_b.id, self.dealer_a1.id))
        self.assertFalse(self.env["res.partner"].create({"name": "Shop"}).trace_dealer_path)

    def test_record_rules_show_a_dealer_its_own_part_of_the_network(self):
        Code = self.env["trace.code"]
        shipped_a1 = set((self.units[:24] | self.cases[0]).ids)
        shipped_b = set((self.units[24:] | self.cases[1]).ids)
        self.assertEqual(set(Code.with_user(self.user_a).search([]).ids), shipped_a1, "its sub-dealer's codes too")
        self.assertEqual(set(Code.with_user(self.user_a1).search([]).ids), shipped_a1)
        self.assertEqual(set(Code.with_user(self.user_b).search([]).ids), shipped_b)
        with self.assertRaises(AccessError):
            self.unit_a1.with_user(self.user_b).read(["name"])
        with self.assertRaises(AccessError):
            self.unit_b.with_user(self.user_a1).read(["name"])
        with self.assertRaises(AccessError):
            Code.with_user(self.user_a).browse(self.unit_a1.id).write({})
        with self.assertRaises(AccessError):
            self.env["trace.event"].with_user(self.user_a).search([])

    def test_a_dealer_sees_the_logistics_within_its_network(self):
        answer = self.verify(self.unit_a1, audience="dealer", dealer=self.dealer_a, user=self.user_a)
        self.assertTrue(answer["found"])
        [hop] = answer["logistics"]
        self.assertEqual(hop["transfer"], self.to_a1.name)
        other = self.verify(self.unit_a1, audience="dealer", dealer=self.dealer_b, user=self.user_b)
        self.assertTrue(other["found"], "the consumer's answer")
        self.assertIsNone(other["logistics"], "but nothing of another dealer's network")
        self.assertNotIn(self.to_a1.name, str(other))

    def test_over_http_a_dealer_gets_its_page_and_another_dealer_the_consumer_page(self):
        self.authenticate("dealer.a", "dealer.a")
        page = self.url_open(self.link(self.unit_a1)).text
        self.assertIn('id="tp-logistics"', page)
        self.assertIn(self.to_a1.name, page)
        self.authenticate("dealer.b", "dealer.b")
        page = self.url_open(self.link(self.unit_a1)).text
        self.assertIn('id="tp-genuine"', page)
        self.assertNotIn('id="tp-logistics"', page)
        self.assertNotIn(self.to_a1.name, page)
        # and over RPC, as any portal user can try
        response = self.make_jsonrpc_request(
            "/web/dataset/call_kw/trace.code/search_read",
            {"model": "trace.code", "method": "search_read", "args": [[("id", "=", self.unit_a1.id)], ["name"]],
             "kwargs": {}},
        )
        self.assertEqual(response, [])
