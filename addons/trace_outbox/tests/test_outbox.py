from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, freeze_time, new_test_user, tagged

from .common import SmsGateway, WechatServer, configure, configure_wechat


@tagged("post_install", "-at_install")
class TestOutbox(TransactionCase):
    """Messages written with their transaction, sent after it by the job, against a real local
    HTTP gateway: signed, once per key, retried, failed, sent again."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Outbox = cls.env["trace.outbox"]
        cls.manager = new_test_user(cls.env, "outbox_manager", groups="base.group_user,product_trace.group_trace_manager")
        cls.user = new_test_user(cls.env, "outbox_user", groups="base.group_user,product_trace.group_trace_user")

    def message(self, key="recall-1-dealer-7", **values):
        return dict({"key": key, "channel": "sms", "company_id": self.env.company.id, "recipient": "+8613800138000",
                     "body": "召回 RC/2026/0001：请停止销售。", "origin": "RC/2026/0001"}, **values)

    def test_a_message_is_sent_after_its_transaction_signed_and_once(self):
        with SmsGateway("s3cret") as gateway:
            configure(self.env.company, gateway)
            with self.assertRaises(RuntimeError), self.env.cr.savepoint():
                self.Outbox._enqueue([self.message("rolled-back")])
                raise RuntimeError("the decision is rolled back")
            self.assertFalse(self.Outbox.search([("key", "=", "rolled-back")]), "a rolled-back decision sends nothing")
            self.assertEqual(self.Outbox._enqueue([self.message(), self.message()]), 1)
            self.assertEqual(self.Outbox._enqueue([self.message()]), 0, "a key queued again is the same message")
            self.assertEqual(gateway.received, [], "nothing leaves before the job runs")
            self.assertTrue(self.env["ir.cron.trigger"].search(
                [("cron_id", "=", self.env.ref("trace_outbox.ir_cron_trace_outbox_send").id)]))
            self.Outbox._cron_send()
            message = self.Outbox.search([("key", "=", "recall-1-dealer-7")])
            self.assertEqual((message.state, message.provider_ref, message.attempts), ("sent", "GW-1", 1))
            [received] = gateway.received
            self.assertEqual((received["id"], received["to"], received["signed"]),
                             ("recall-1-dealer-7", "+8613800138000", True))
            self.assertEqual(received["text"], "【茶业】召回 RC/2026/0001：请停止销售。")
            self.Outbox._cron_send()
            self.assertEqual(len(gateway.received), 1, "a sent message is not sent again")

    def test_failures_are_retried_later_then_failed_and_sent_again_by_a_manager(self):
        with SmsGateway("s3cret") as gateway:
            configure(self.env.company, gateway)
            gateway.mode = "busy"
            self.Outbox._enqueue([self.message()])
            message = self.Outbox.search([])
            now = fields.Datetime.now()
            self.Outbox._cron_send()
            self.assertEqual((message.state, message.attempts), ("queued", 1))
            self.assertIn("busy", message.last_error)
            self.assertGreaterEqual(message.next_attempt, now + timedelta(seconds=50))
            self.Outbox._cron_send()
            self.assertEqual(message.attempts, 1, "not due yet")
            for minutes in (2, 10, 60, 300):
                with freeze_time(now + timedelta(minutes=minutes * 3)):
                    self.Outbox._cron_send()
            self.assertEqual((message.state, message.attempts), ("failed", 5))
            with self.assertRaises(AccessError):
                message.with_user(self.user).action_retry()
            gateway.mode = "ok"
            message.with_user(self.manager).action_retry()
            self.Outbox._cron_send()
            self.assertEqual((message.state, message.provider_ref), ("sent", "GW-1"))
            # a refusal of the number itself is not retried
            gateway.mode = "refuse"
            self.Outbox._enqueue([self.message("wrong-number", recipient="123")])
            self.Outbox._cron_send()
            wrong = self.Outbox.search([("key", "=", "wrong-number")])
            self.assertEqual((wrong.state, wrong.attempts), ("failed", 1))
            self.assertIn("invalid number", wrong.last_error)

    def test_a_bad_key_a_missing_gateway_and_the_registry_rule(self):
        self.env.company.sudo().write({"trace_sms_url": False, "trace_sms_key": False})
        self.Outbox._enqueue([self.message()])
        self.Outbox._cron_send()
        message = self.Outbox.search([])
        self.assertEqual((message.state, message.attempts), ("queued", 1), "kept until a gateway is configured")
        self.assertIn("No SMS gateway", message.last_error)
        with SmsGateway("s3cret") as gateway:
            configure(self.env.company, gateway)
            gateway.key = "another"
            with freeze_time(fields.Datetime.now() + timedelta(minutes=2)):
                self.Outbox._cron_send()
            self.assertEqual(gateway.received[-1]["signed"], False)
            self.assertEqual(message.state, "failed", "a gateway that refuses the signature refuses for good")
        with self.assertRaises(UserError):
            self.Outbox._enqueue([self.message(recipient="")])
        for user in (self.user, self.manager):
            with self.assertRaises(AccessError):
                self.Outbox.with_user(user).create(self.message("forged"))
            with self.assertRaises(AccessError):
                message.with_user(user).write({"state": "queued"})
        with self.assertRaises(AccessError):
            self.Outbox.with_user(self.user).search([])

    def test_wechat_template_messages_with_their_token(self):
        template = {"template_id": "TPL-RECALL", "data": {"first": {"value": "召回通知"}, "keyword1": {"value": "RC/1"}}}
        with WechatServer("wx123", "app-secret") as server:
            configure_wechat(self.env.company, server)
            self.Outbox._enqueue([self.message("wx-1", channel="wechat", recipient="oOPENID1", payload=template),
                                  self.message("wx-2", channel="wechat", recipient="oOPENID2", payload=template)])
            self.Outbox._cron_send()
            sent = self.Outbox.search([("key", "in", ("wx-1", "wx-2"))])
            self.assertEqual(set(sent.mapped("state")), {"sent"})
            self.assertEqual(len(server.tokens), 1, "one token for both: kept until it expires")
            self.assertEqual(server.sent[0], dict(template, touser="oOPENID1"))
            # an expired token is fetched again once; an account no longer followed is not retried
            server.expire_next = True
            server.unfollowed.add("oGONE")
            self.Outbox._enqueue([self.message("wx-3", channel="wechat", recipient="oOPENID3", payload=template),
                                  self.message("wx-4", channel="wechat", recipient="oGONE", payload=template)])
            self.Outbox._cron_send()
            third, gone = (self.Outbox.search([("key", "=", key)]) for key in ("wx-3", "wx-4"))
            self.assertEqual((third.state, third.attempts), ("sent", 1))
            self.assertEqual(server.tokens[-1], "TOKEN-3")
            self.assertEqual((gone.state, gone.attempts), ("failed", 1))
            self.assertIn("43004", gone.last_error)
            # a wrong secret: no token, kept for later
            self.env.company.sudo().write({"trace_wechat_secret": "wrong", "trace_wechat_token": False})
            self.Outbox._enqueue([self.message("wx-5", channel="wechat", recipient="oOPENID5", payload=template)])
            self.Outbox._cron_send()
            fifth = self.Outbox.search([("key", "=", "wx-5")])
            self.assertEqual(fifth.state, "queued")
            self.assertIn("invalid appsecret", fifth.last_error)
