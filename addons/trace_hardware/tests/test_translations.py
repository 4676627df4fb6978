from collections import Counter

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestChineseMenus(TransactionCase):
    def test_no_two_traceability_menus_read_the_same_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["product_trace", "trace_hardware"], ["zh_CN"], overwrite=True)
        root = self.env.ref("product_trace.menu_trace_root")
        menus = self.env["ir.ui.menu"].with_context(lang="zh_CN").search([("id", "child_of", root.id)])
        names = Counter(menu.name for menu in menus)
        self.assertEqual([name for name, count in names.items() if count > 1], [])
        self.assertEqual(self.env.ref("trace_hardware.menu_trace_hw").with_context(lang="zh_CN").name, "产线设备")

    def test_the_apps_list_shows_the_modules_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        modules = ["product_trace", "product_trace_mrp", "trace_hardware"]
        self.env["ir.module.module"]._load_module_terms(modules, ["zh_CN"], overwrite=True)
        for name, title in (("product_trace", "产品追溯：码注册中心"), ("trace_hardware", "产品追溯：产线硬件")):
            module = self.env["ir.module.module"].with_context(lang="zh_CN").search([("name", "=", name)])
            self.assertEqual(module.shortdesc, title)
            self.assertRegex(module.summary, r"[\u4e00-\u9fff]")

    def test_events_read_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["product_trace"], ["zh_CN"], overwrite=True)
        event = self.env["trace.event"].sudo().create(
            {"event_type": "aggregation", "action": "ADD", "biz_step": "packing", "disposition": "in_progress",
             "company_id": self.env.company.id})
        event = event.with_context(lang="zh_CN")
        for text in (event.biz_step_label, event.disposition_label, event.name):
            self.assertRegex(text, r"^[\u4e00-\u9fff]", "a Chinese label, not a raw CBV value")
        self.assertNotIn("packing", event.name)
        self.assertNotIn("in_progress", event.disposition_label)
