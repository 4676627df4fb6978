from odoo.addons.trace_public_portal.tests.test_dealer_portal import DealerCase
from odoo.tests import new_test_user


class DiversionCase(DealerCase):
    """The dealer network of the portal's tests (dealer A in Shanghai with the first case,
    dealer B with the second), dealer B now placed in 长春 (吉林); an inspector (a portal user
    with the inspector group), a Traceability Manager and a User. The company's default rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.shanghai = ref("trace_dealer.trace_prefecture_310100")
        cls.changchun = ref("trace_dealer.trace_prefecture_220100")
        cls.suzhou = ref("trace_dealer.trace_prefecture_320500")
        cls.nanguan = ref("trace_dealer.trace_county_220102")
        cls.dealer_b.write({"state_id": ref("base.state_cn_JL").id, "country_id": ref("base.cn").id,
                            "trace_county_id": cls.nanguan.id})
        cls.inspector = new_test_user(cls.env, "inspector.i", groups="base.group_portal,trace_diversion.group_trace_inspector")
        cls.manager = new_test_user(cls.env, "diversion.manager",
                                    groups="base.group_user,product_trace.group_trace_manager")
        cls.trace_user = new_test_user(cls.env, "diversion.user", groups="base.group_user,product_trace.group_trace_user")
        cls.Rule = cls.env["trace.diversion.rule"]
        cls.Alert = cls.env["trace.diversion.alert"]
        cls.Scan = cls.env["trace.market.scan"]
        cls.rules = cls.Rule.search([("company_id", "=", cls.company.id)])
        if not cls.rules:
            cls.company._trace_diversion_default_rules()
            cls.rules = cls.Rule.search([("company_id", "=", cls.company.id)])
        cls.inspection_rule = cls.rules.filtered(lambda r: r.source == "inspection")
        cls.dealer_rule = cls.rules.filtered(lambda r: r.source == "dealer_scan")
        cls.consumer_rule = cls.rules.filtered(lambda r: r.source == "consumer")

    def inspect(self, code, city, user=None, **kwargs):
        return self.Scan.with_user(user or self.inspector)._trace_inspect(code.name, city.id, **kwargs)

    def evaluate(self):
        return self.Rule._trace_evaluate(self.company)
