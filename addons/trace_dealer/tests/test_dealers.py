from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDealers(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.jiangsu = ref("base.state_cn_JS")
        cls.zhejiang = ref("base.state_cn_ZJ")
        cls.suzhou = ref("trace_dealer.trace_prefecture_320500")
        cls.wuzhong = ref("trace_dealer.trace_county_320506")
        cls.gusu = ref("trace_dealer.trace_county_320508")
        cls.xuanwu = ref("trace_dealer.trace_county_320102")  # 南京市玄武区
        Partner = cls.env["res.partner"]
        cls.top = Partner.create({"name": "Top dealer", "trace_is_dealer": True})
        cls.middle = Partner.create({"name": "Middle dealer", "trace_is_dealer": True,
                                     "trace_parent_dealer_id": cls.top.id})
        cls.bottom = Partner.create({"name": "Bottom dealer", "trace_is_dealer": True,
                                     "trace_parent_dealer_id": cls.middle.id})

    def territory(self, partner, **levels):
        return self.env["trace.dealer.territory"].create({"partner_id": partner.id, **levels})

    def test_level_follows_the_parent_chain(self):
        self.assertEqual((self.top.trace_dealer_level, self.middle.trace_dealer_level,
                          self.bottom.trace_dealer_level), (1, 2, 3))
        self.assertEqual(self.top.trace_child_dealer_ids, self.middle)
        self.bottom.trace_parent_dealer_id = self.top
        self.assertEqual(self.bottom.trace_dealer_level, 2)
        self.middle.trace_parent_dealer_id = False
        self.bottom.trace_parent_dealer_id = self.middle
        self.assertEqual((self.middle.trace_dealer_level, self.bottom.trace_dealer_level), (1, 2))
        self.assertEqual(self.env["res.partner"].create({"name": "Customer"}).trace_dealer_level, 0)

    def test_parent_dealer_cycles_are_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self.top.trace_parent_dealer_id = self.bottom
        self.assertIn("own parent dealer", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self.middle.trace_parent_dealer_id = self.middle
        self.assertIn("own parent dealer", str(caught.exception))
        self.top.invalidate_recordset()
        self.assertFalse(self.top.trace_parent_dealer_id)
        self.assertEqual(self.top.trace_dealer_level, 1)

    def test_parent_must_be_a_dealer_and_keeps_being_one(self):
        customer = self.env["res.partner"].create({"name": "Customer"})
        with self.assertRaises(ValidationError) as caught:
            self.bottom.trace_parent_dealer_id = customer
        self.assertIn("is not a dealer", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self.top.trace_is_dealer = False
        self.assertIn("must stay a dealer", str(caught.exception))

    def test_territory_line_takes_its_coarser_levels_from_the_finest(self):
        line = self.territory(self.bottom, county_id=self.wuzhong.id)
        self.assertEqual((line.country_id, line.state_id, line.prefecture_id),
                         (self.env.ref("base.cn"), self.jiangsu, self.suzhou))
        self.assertEqual(line.level, "county")
        with self.assertRaises(ValidationError):
            self.territory(self.bottom, state_id=self.zhejiang.id, county_id=self.wuzhong.id)

    def test_province_covers_its_cities_and_counties(self):
        self.territory(self.top, state_id=self.jiangsu.id)
        self.assertTrue(self.top._trace_territory_covers(state=self.jiangsu))
        self.assertTrue(self.top._trace_territory_covers(prefecture=self.suzhou))
        self.assertTrue(self.top._trace_territory_covers(county=self.wuzhong))
        self.assertTrue(self.top._trace_territory_covers(county=self.xuanwu))
        self.assertTrue(self.top._trace_territory_covers(city=self.wuzhong.city_id))
        self.assertFalse(self.top._trace_territory_covers(state=self.zhejiang))
        self.assertFalse(self.top._trace_territory_covers(
            county=self.env.ref("trace_dealer.trace_county_330102")))  # 杭州市上城区

    def test_city_covers_its_counties_only(self):
        self.territory(self.middle, prefecture_id=self.suzhou.id)
        self.assertTrue(self.middle._trace_territory_covers(county=self.gusu))
        self.assertTrue(self.middle._trace_territory_covers(city=self.wuzhong.city_id))
        self.assertFalse(self.middle._trace_territory_covers(county=self.xuanwu))
        self.assertFalse(self.middle._trace_territory_covers(state=self.jiangsu))

    def test_county_line_does_not_cover_a_neighbour_county(self):
        self.territory(self.bottom, county_id=self.wuzhong.id)
        self.assertTrue(self.bottom._trace_territory_covers(county=self.wuzhong))
        self.assertTrue(self.bottom._trace_territory_covers(state=self.jiangsu, city=self.wuzhong.city_id))
        self.assertFalse(self.bottom._trace_territory_covers(county=self.gusu))
        self.assertFalse(self.bottom._trace_territory_covers(prefecture=self.suzhou))
        self.assertFalse(self.bottom._trace_territory_covers(state=self.jiangsu))

    def test_several_lines_add_up(self):
        self.territory(self.bottom, county_id=self.wuzhong.id)
        self.territory(self.bottom, county_id=self.xuanwu.id)
        self.assertTrue(self.bottom._trace_territory_covers(county=self.xuanwu))
        self.assertFalse(self.bottom._trace_territory_covers(county=self.gusu))
        self.assertFalse(self.middle._trace_territory_covers(county=self.xuanwu))

    def test_address_of_a_partner(self):
        self.territory(self.middle, prefecture_id=self.suzhou.id)
        shop = self.env["res.partner"].create({
            "name": "Shop", "country_id": self.env.ref("base.cn").id, "state_id": self.jiangsu.id,
            "city_id": self.wuzhong.city_id.id})
        self.assertTrue(self.middle._trace_territory_covers_address(shop))
        shop.city_id = self.xuanwu.city_id
        self.assertFalse(self.middle._trace_territory_covers_address(shop))


@tagged("post_install", "-at_install")
class TestDealerAccess(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dealer = cls.env["res.partner"].create({"name": "Dealer", "trace_is_dealer": True})
        cls.line = cls.env["trace.dealer.territory"].create(
            {"partner_id": cls.dealer.id, "state_id": cls.env.ref("base.state_cn_JS").id})
        cls.user = new_test_user(cls.env, "dealer_user", groups="base.group_partner_manager,product_trace.group_trace_user")
        cls.manager = new_test_user(
            cls.env, "dealer_manager", groups="base.group_partner_manager,product_trace.group_trace_manager")

    def test_trace_user_reads_but_cannot_change_dealers_or_territories(self):
        dealer = self.dealer.with_user(self.user)
        self.assertEqual(dealer.trace_territory_ids.state_id.name, "江苏省")
        self.assertFalse(dealer.trace_dealer_editable)
        with self.assertRaises(AccessError):
            self.env["trace.dealer.territory"].with_user(self.user).create(
                {"partner_id": self.dealer.id, "state_id": self.env.ref("base.state_cn_ZJ").id})
        with self.assertRaises(AccessError):
            self.line.with_user(self.user).write({"state_id": self.env.ref("base.state_cn_ZJ").id})
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.user).create({"name": "New dealer", "trace_is_dealer": True})
        with self.assertRaises(AccessError):
            dealer.write({"trace_is_dealer": False})
        # the rest of the partner stays the user's to edit
        dealer.write({"phone": "0512-12345678"})
        self.assertEqual(self.dealer.phone, "0512-12345678")

    def test_trace_manager_changes_dealers_and_territories(self):
        env = self.env(user=self.manager)
        sub = env["res.partner"].create({"name": "Sub-dealer", "trace_is_dealer": True,
                                         "trace_parent_dealer_id": self.dealer.id})
        self.assertTrue(sub.trace_dealer_editable)
        line = env["trace.dealer.territory"].create(
            {"partner_id": sub.id, "prefecture_id": self.env.ref("trace_dealer.trace_prefecture_320500").id})
        line.write({"county_id": self.env.ref("trace_dealer.trace_county_320506").id})
        self.assertEqual(sub.trace_dealer_level, 2)
        self.assertTrue(sub._trace_territory_covers(county=self.env.ref("trace_dealer.trace_county_320506")))
        line.unlink()
        self.assertFalse(sub.trace_territory_ids)

    def test_dealer_fields_of_a_new_partner_are_editable_for_a_manager_only(self):
        with Form(self.env["res.partner"].with_user(self.manager)) as form:
            form.name = "New dealer"
            self.assertTrue(form.trace_dealer_editable)
            form.trace_is_dealer = True
            form.trace_parent_dealer_id = self.dealer
        self.assertEqual(form.record.trace_parent_dealer_id, self.dealer)
        form = Form(self.env["res.partner"].with_user(self.user))
        self.assertFalse(form.trace_dealer_editable)
        with self.assertRaises(AssertionError):
            form.trace_is_dealer = True
