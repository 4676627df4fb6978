from lxml import etree
from odoo.exceptions import ValidationError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval


@tagged("post_install", "-at_install")
class TestPartnerCounty(TransactionCase):
    """The county of a partner's address: chosen in the address block, consistent with the
    province and city, inherited by the contacts of a company like the rest of the address."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.cn = ref("base.cn")
        cls.jiangsu, cls.zhejiang = ref("base.state_cn_JS"), ref("base.state_cn_ZJ")
        cls.suzhou = ref("trace_dealer.trace_prefecture_320500")
        cls.wuzhong = ref("trace_dealer.trace_county_320506")  # linked to the address city 苏州市吴中区
        cls.wujiang = ref("trace_dealer.trace_county_320509")  # 苏州市吴江区, another city of 苏州市
        cls.gusu = ref("trace_dealer.trace_county_320508")  # created in 2012: no address city
        cls.park = ref("trace_dealer.trace_county_320576")  # 苏州工业园区, no address city
        cls.xuanwu = ref("trace_dealer.trace_county_320102")  # 南京市玄武区
        cls.shangcheng = ref("trace_dealer.trace_county_330102")  # 杭州市上城区
        cls.wuzhong_city = ref("l10n_cn_city.china_city_215100")
        cls.pingjiang_city = cls.env["res.city"].search([("name", "=", "苏州市平江区")])  # merged into 姑苏区

    def address(self, **vals):
        return self.env["res.partner"].create({"name": "Shop", "country_id": self.cn.id, **vals})

    def test_data_of_the_cases_below(self):
        self.assertEqual(self.wuzhong.city_id, self.wuzhong_city)
        self.assertEqual(self.wujiang.prefecture_id, self.suzhou)
        self.assertTrue(self.wujiang.city_id)
        self.assertFalse(self.gusu.city_id | self.park.city_id)
        self.assertEqual(len(self.pingjiang_city), 1)
        self.assertFalse(self.pingjiang_city.trace_county_ids)

    def test_choosing_a_county_fills_an_empty_province_and_city(self):
        with Form(self.env["res.partner"]) as form:
            form.name = "Shop"
            form.country_id = self.cn
            form.trace_county_id = self.wuzhong
            self.assertEqual(form.state_id, self.jiangsu)
            self.assertEqual(form.city_id, self.wuzhong_city)
            # the city's own onchange runs in turn (l10n_cn_city: its name and postcode)
            self.assertEqual((form.city, form.zip), ("苏州市吴中区", "215100"))
        partner = form.record
        self.assertEqual((partner.trace_county_id, partner.state_id, partner.city_id),
                         (self.wuzhong, self.jiangsu, self.wuzhong_city))

    def test_choosing_a_county_keeps_a_province_and_city_already_given(self):
        with Form(self.env["res.partner"]) as form:
            form.name = "Shop"
            form.country_id = self.cn
            form.city_id = self.pingjiang_city
            self.assertEqual(form.state_id, self.jiangsu)
            self.assertFalse(form.trace_county_id, "苏州市平江区 stands for no county today")
            form.trace_county_id = self.gusu
            self.assertEqual(form.city_id, self.pingjiang_city)
        self.assertEqual(form.record.trace_county_id, self.gusu)

    def test_choosing_a_city_that_is_one_county_sets_that_county(self):
        with Form(self.env["res.partner"]) as form:
            form.name = "Shop"
            form.country_id = self.cn
            form.city_id = self.wuzhong_city
            self.assertEqual(form.trace_county_id, self.wuzhong)
            form.city_id = self.wujiang.city_id
            self.assertEqual(form.trace_county_id, self.wujiang, "the county follows the city")

    def test_another_province_or_city_clears_a_county_that_no_longer_fits(self):
        partner = self.address(state_id=self.jiangsu.id, trace_county_id=self.gusu.id)
        with Form(partner) as form:
            form.city_id = self.pingjiang_city
            self.assertEqual(form.trace_county_id, self.gusu, "a county with no city fits the cities of its province")
            form.city_id = self.wuzhong_city
            self.assertEqual(form.trace_county_id, self.gusu, "... and of its prefecture-level city")
            form.trace_county_id = self.wuzhong
            form.city_id = self.wujiang.city_id
            self.assertEqual(form.trace_county_id, self.wujiang, "吴中区 is another city's county: replaced")
            form.state_id = self.zhejiang
            self.assertFalse(form.trace_county_id)
        self.assertFalse(partner.trace_county_id)

    def test_a_county_of_another_province_is_refused(self):
        partner = self.address(state_id=self.zhejiang.id)
        with self.assertRaises(ValidationError) as caught:
            partner.write({"trace_county_id": self.wuzhong.id})
        message = str(caught.exception)
        self.assertIn("吴中区", message)
        self.assertIn("江苏省", message)
        self.assertIn("浙江省", message)
        self.assertFalse(partner.trace_county_id)
        with self.assertRaises(ValidationError):
            self.address(state_id=self.zhejiang.id, trace_county_id=self.wuzhong.id)
        partner = self.address(state_id=self.jiangsu.id, trace_county_id=self.wuzhong.id)
        with self.assertRaises(ValidationError):
            partner.write({"state_id": self.zhejiang.id})
        self.assertEqual(partner.state_id, self.jiangsu)

    def test_a_county_of_another_city_or_country_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self.address(state_id=self.jiangsu.id, city_id=self.wuzhong_city.id, trace_county_id=self.wujiang.id)
        self.assertIn("is not in the city 苏州市吴中区", str(caught.exception))
        with self.assertRaises(ValidationError):
            self.address(state_id=self.jiangsu.id, city_id=self.pingjiang_city.id, trace_county_id=self.wuzhong.id)
        with self.assertRaises(ValidationError) as caught:
            self.env["res.partner"].create({"name": "Shop", "country_id": self.env.ref("base.fr").id,
                                            "trace_county_id": self.wuzhong.id})
        self.assertIn("China", str(caught.exception))
        # a county with no address city of its own fits any city of its province's city
        partner = self.address(state_id=self.jiangsu.id, city_id=self.wuzhong_city.id, trace_county_id=self.park.id)
        self.assertEqual(partner.trace_county_id, self.park)

    def test_choices_are_narrowed_by_province_and_city(self):
        partner = self.env["res.partner"]
        domain = partner._fields["trace_county_id"].domain

        def choices(**values):
            names = {"state_id": False, "city_id": False, "trace_city_prefecture_id": False, **values}
            return self.env["trace.county"].search(safe_eval(domain, names))

        in_wuzhong = choices(state_id=self.jiangsu.id, city_id=self.wuzhong_city.id,
                             trace_city_prefecture_id=self.wuzhong_city.trace_prefecture_id.id)
        self.assertEqual(self.wuzhong_city.trace_prefecture_id, self.suzhou)
        self.assertTrue(self.wuzhong | self.gusu | self.park <= in_wuzhong)
        self.assertFalse(self.wujiang & in_wuzhong, "吴江区 is the county of another city")
        self.assertEqual(in_wuzhong.prefecture_id, self.suzhou)
        in_pingjiang = choices(state_id=self.jiangsu.id, city_id=self.pingjiang_city.id)
        self.assertIn(self.gusu, in_pingjiang)
        self.assertFalse(self.wuzhong & in_pingjiang)
        self.assertEqual(in_pingjiang.state_id, self.jiangsu)
        in_jiangsu = choices(state_id=self.jiangsu.id)
        self.assertTrue(self.wuzhong | self.wujiang | self.gusu | self.xuanwu <= in_jiangsu)
        self.assertFalse(self.shangcheng & in_jiangsu)

    def test_contacts_of_a_company_inherit_its_county(self):
        company = self.address(is_company=True, state_id=self.jiangsu.id, city_id=self.wuzhong_city.id,
                               trace_county_id=self.wuzhong.id)
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": company.id, "type": "contact"})
        delivery = self.env["res.partner"].create(
            {"name": "Warehouse", "parent_id": company.id, "type": "delivery", "country_id": self.cn.id,
             "state_id": self.jiangsu.id, "trace_county_id": self.park.id})
        self.assertEqual(contact.trace_county_id, self.wuzhong)
        company.write({"city_id": self.pingjiang_city.id, "trace_county_id": self.gusu.id})
        self.assertEqual((contact.city_id, contact.trace_county_id), (self.pingjiang_city, self.gusu))
        self.assertEqual(delivery.trace_county_id, self.park, "an address of its own keeps its county")
        with Form(self.env["res.partner"]) as form:
            form.name = "New buyer"
            form.parent_id = company
            self.assertEqual(form.trace_county_id, self.gusu)

    def test_county_field_follows_the_address_city_in_the_partner_form(self):
        """On a line of its own after city, province and postcode, before the country, whatever
        order the company's address format gives the city, province and postcode."""
        view = self.env.ref("base.view_partner_form")
        for country in (self.env.ref("base.us"), self.cn):
            self.env.company.country_id = country
            self.env.registry.clear_cache("templates")  # views are cached per company, not per country
            arch = etree.fromstring(self.env["res.partner"].get_view(view.id)["arch"])
            for block in arch.xpath("//div[hasclass('o_address_format')]"):
                names = [field.get("name") for field in block.iter("field")]
                county = names.index("trace_county_id")
                self.assertGreater(county, max(names.index(name) for name in ("city_id", "city", "state_id", "zip")))
                self.assertEqual(names[county + 1], "country_id")
                node = block.xpath(".//field[@name='trace_county_id']")[0]
                self.assertEqual(node.get("invisible"), "country_code != 'CN' and not trace_county_id")
            self.assertEqual(len(arch.xpath("//div[hasclass('o_address_format')]//field[@name='trace_county_id']")), 2,
                             "the partner's address and its contacts' addresses")
