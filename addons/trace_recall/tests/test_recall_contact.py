import re
from datetime import timedelta

from odoo import fields
from odoo.addons.trace_outbox.tests.common import SmsGateway, WechatServer, configure, configure_wechat
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_recall import RecallCase


@tagged("post_install", "-at_install")
class TestRecallContact(RecallCase):
    """A consumer asks on the verification page to be told of a recall of the unit: a number and
    a consent, for that unit only; the recall lists them to its managers; the retention deletes
    them."""

    def test_a_consumer_asks_on_the_page_and_the_recall_lists_them(self):
        page = self.url_open(self.link(self.units_b[0]))
        self.assertIn('id="tp-recall-contact"', page.text)
        token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
        form = {"serial": self.units_b[0].name, "token": token, "phone": "+86 138-0013-8000", "consent": "1"}
        for bad in ({"consent": None}, {"consent": "yes"}, {"phone": "call me"}, {"phone": "1" * 40},
                    {"token": "x" * 32}, {"serial": self.units_b[1].name}, {"phone": None}):
            with self.subTest(bad=bad):
                data = {key: value for key, value in dict(form, **bad).items() if value is not None}
                response = self.url_open("/trace/recall-contact", data=data)
                self.assertEqual(response.status_code, 400)
                self.assertIn("Not recorded", response.text)
        self.assertFalse(self.env["trace.recall.contact"].search([]), "nothing recorded by a bad request")
        for _again in range(2):
            response = self.url_open("/trace/recall-contact", data=form)
            self.assertEqual(response.status_code, 200)
            self.assertIn("Thank you", response.text)
        contact = self.env["trace.recall.contact"].search([])
        self.assertEqual((contact.code_id, contact.phone), (self.units_b[0], "+8613800138000"), "once per number")
        # the position may still be shared with the same verification, once
        self.assertTrue(self.Verification.sudo()._locate_verification(self.units_b[0].name, token, 43.88, 125.35))
        # a recall of that unit's material lists the number to its managers only
        recall = self.new_recall()
        self.assertEqual(recall.contact_count, 1)
        self.assertIn("1 consumers asked there", recall.scope_html)
        action = recall.with_user(self.manager).action_view_contacts()
        listed = self.env[action["res_model"]].with_user(self.manager).search(action["domain"])
        self.assertEqual(listed.phone, "+8613800138000")
        self.assertFalse(self.new_recall(supplier_lot="SUP-99").contact_count, "another lot's recall: nobody")
        with self.assertRaises(AccessError):
            self.env["trace.recall.contact"].with_user(self.user).search([])
        with self.assertRaises(AccessError):
            listed.with_user(self.manager).write({"phone": "+861"})

    def test_the_token_lasts_an_hour_and_the_retention_deletes_the_numbers(self):
        token = self.verify(self.units_b[1])["token"]
        Contact = self.env["trace.recall.contact"].sudo()
        self.env.cr.execute("UPDATE trace_verification SET verify_date = verify_date - interval '2 hours'")
        self.assertFalse(Contact._record(self.units_b[1].name, token, "13800138000", "en_US"), "an hour later")
        token = self.verify(self.units_b[2])["token"]
        self.assertTrue(Contact._record(self.units_b[2].name, token, "13800138000", "en_US"))
        for number in ("13800138001", "13800138002"):
            self.assertTrue(Contact._record(self.units_b[2].name, token, number, "en_US"))
        self.assertFalse(Contact._record(self.units_b[2].name, token, "13800138003", "en_US"), "three per unit")
        self.assertTrue(Contact._record(self.units_b[2].name, token, "13800138000", "en_US"), "one of them again")
        self.company.trace_verification_retention = 30
        self.env["trace.verification"].sudo()._gc_verifications()
        self.assertTrue(Contact.search([]))
        Contact.search([]).sudo().write({"consent_date": fields.Datetime.now() - timedelta(days=31)})
        self.env["trace.verification"].sudo()._gc_verifications()
        self.assertFalse(Contact.search([]))

    def test_a_confirmed_recall_texts_its_consumers_and_dealers_through_the_outbox(self):
        token = self.verify(self.units_b[0], lang="zh_CN")["token"]
        self.env["trace.recall.contact"].sudo()._record(self.units_b[0].name, token, "13800138000", "zh_CN")
        self.dealer_a.mobile = "+86 139 0000 0001"
        self.dealer_b.trace_wechat_openid = "oDEALERB"
        recall = self.new_recall()
        recall.with_user(self.manager).action_confirm()
        with WechatServer("wx-tea", "app-secret") as wechat, SmsGateway("k3y") as gateway:
            configure_wechat(self.company, wechat)
            configure(self.company, gateway)
            self.env["trace.recall"]._cron_notify_dealers()
            Outbox = self.env["trace.outbox"]
            messages = Outbox.search([("res_model", "=", "trace.recall"), ("res_id", "=", recall.id),
                                      ("channel", "=", "sms")])
            self.assertEqual(sorted(messages.mapped("recipient")), ["+86 139 0000 0001", "13800138000"],
                             "dealer A by its mobile, the consumer who asked; dealer B has no number")
            consumer = messages.filtered(lambda m: m.recipient == "13800138000")
            self.assertIn(recall.name, consumer.body)
            self.assertIn("Do not drink this tea", consumer.body)
            [notice] = Outbox.search([("res_id", "=", recall.id), ("channel", "=", "wechat")])
            self.assertEqual(notice.recipient, "oDEALERB", "dealer B follows the official account")
            Outbox._cron_send()
            self.assertEqual(set((messages | notice).mapped("state")), {"sent"})
            self.assertEqual(len(gateway.received), 2)
            [sent] = wechat.sent
            self.assertEqual((sent["touser"], sent["template_id"], sent["data"]["keyword1"]["value"]),
                             ("oDEALERB", "TPL-RECALL", recall.name))
            self.assertIn("4 affected units", sent["data"]["remark"]["value"])
        # lifting tells the dealers again, not the consumers
        recall.with_user(self.manager)._lift("Residue within the limit on a second analysis.")
        self.env["trace.recall"]._cron_notify_dealers()
        lifted = Outbox.search([("res_id", "=", recall.id), ("key", "like", "%-lift-%"), ("channel", "=", "sms")])
        self.assertEqual(lifted.recipient, "+86 139 0000 0001")
