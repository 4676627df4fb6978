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
