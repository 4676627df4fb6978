import polib
from odoo.tests import tagged
from odoo.tools import html2plaintext
from odoo.tools.misc import file_path

from .common import TraceCase


def _msgstr(module):
    """The zh_CN translations of ``module``, by source text."""
    return {entry.msgid: entry.msgstr for entry in polib.pofile(file_path(f"{module}/i18n/zh_CN.po"))}


@tagged("post_install", "-at_install")
class TestDemoLanguage(TraceCase):
    """The demo chain is built in the administrator's language, whatever language the loader runs in.

    The XML loader calls the builder without a language, as the superuser, and before the module's
    translations are in the database: the test does the same (the superuser speaks English, the
    administrator Chinese, and product_trace's terms are not loaded for zh_CN)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env.ref("base.user_root").lang = "en_US"
        cls.admin = cls.env.ref("base.user_admin")
        cls.demo_lot = cls.env["stock.lot"].create({"name": "L2611Z", "product_id": cls.product.id})

    def _build(self, lang):
        self.admin.lang = lang
        vals = {
            "product_id": self.product.id,
            "lot_id": self.demo_lot.id,
            "quantity": 4,
            "production_date": "2026-11-20",
            "line_id": self.line.id,
        }
        # as the XML loader calls it: no language in the context
        return self.env["trace.batch"].with_context(lang=None)._demo_build_chain(
            vals, 4, 2, "product_trace.test_demo_language_batch"
        )

    def _bodies(self, batch):
        messages = batch.message_ids.filtered("body").sorted("id")
        return [html2plaintext(message.body) for message in messages]

    def test_chatter_of_the_demo_chain_is_in_the_admins_language(self):
        batch = self._build("zh_CN")
        ours, mail = _msgstr("product_trace"), _msgstr("mail")
        self.assertEqual(
            self._bodies(batch),
            [
                mail["%s created"] % ours["Production Batch"],
                ours["%(qty)s unit codes for %(batch)s"] % {"qty": 4, "batch": batch.name},
                ours["%(count)s unit codes activated."] % {"count": 4},
                ours["%(qty)s case codes for %(batch)s"] % {"qty": 2, "batch": batch.name},
                ours["%(qty)s pallet codes for %(batch)s"] % {"qty": 1, "batch": batch.name},
            ],
        )
        self.assertEqual(self.env.ref("product_trace.test_demo_language_batch"), batch)
        units = self.Code.search([("batch_id", "=", batch.id), ("level", "=", "unit")])
        self.assertEqual(len(units), 4)
        self.assertEqual(len(units.parent_id), 2, "4 units packed 2 per case")
        self.assertEqual(len(units.parent_id.parent_id), 1, "the cases on one pallet")

    def test_chatter_of_the_demo_chain_stays_english_for_an_english_admin(self):
        batch = self._build("en_US")
        self.assertEqual(
            self._bodies(batch),
            [
                "Production Batch created",
                f"4 unit codes for {batch.name}",
                "4 unit codes activated.",
                f"2 case codes for {batch.name}",
                f"1 pallet codes for {batch.name}",
            ],
        )
