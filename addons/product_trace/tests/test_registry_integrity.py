import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import TraceCase

REGISTRY_MODELS = ("trace.code", "trace.code.tree", "trace.event", "trace.code.count", "trace.code.issue")


class TestRegistryIntegrity(TraceCase):
    """Only the registry's methods write the registry: no group, no context key, no ORM path."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.units, cls.cases, cls.pallets = cls._active_batch(units=48, cases=2, pallets=1)
        cls.Code._pack({cls.cases[0].name: cls.units[:24].mapped("name")})
        cls.user = new_test_user(cls.env, "trace_user_rpc", groups="product_trace.group_trace_user,stock.group_stock_user")
        cls.manager = new_test_user(cls.env, "trace_manager_rpc",
                                    groups="product_trace.group_trace_manager,stock.group_stock_user")

    def _existing(self, model):
        return self.env[model].sudo().search([], limit=1)

    def _attempts(self, model, record):
        """What a user could try over RPC on ``model``: create, write, unlink, with the old flag."""
        values = {
            "trace.code": {"name": "FORGED0000000000", "product_id": self.product.id, "company_id": self.company.id,
                           "activation": "active"},
            "trace.code.tree": {"code_id": self.units[30].id, "parent_id": self.cases[1].id,
                                "pack_date": "2026-11-20 10:00:00"},
            "trace.event": {"event_type": "object", "action": "DELETE", "biz_step": "destroying",
                            "company_id": self.company.id},
            "trace.code.count": {"batch_id": self.batch.id, "company_id": self.company.id, "level": "unit",
                                 "state": "active", "delta": 1000},
            "trace.code.issue": {"batch_id": self.batch.id, "quantity": 5, "request_key": "forged-issue"},
        }[model]
        changes = {
            "trace.code": {"activation": "void", "product_id": self.product.id},
            "trace.code.tree": {"parent_id": self.cases[1].id},
            "trace.event": {"biz_step": "destroying"},
            "trace.code.count": {"delta": 1000},
            "trace.code.issue": {"quantity_done": 0, "state": "queued"},
        }[model]
        yield "create", lambda env: env[model].create(values)
        yield "create (flag)", lambda env: env[model].with_context(trace_code_registry=True).create(values)
        yield "write", lambda env: record.with_env(env).write(changes)
        yield "write (flag)", lambda env: record.with_env(env).with_context(trace_code_registry=True).write(changes)
        yield "unlink", lambda env: record.with_env(env).unlink()

    def test_users_and_managers_cannot_write_registry_tables(self):
        before = self.snapshot()
        for user in (self.user, self.manager):
            env = self.env(user=user)
            for model in REGISTRY_MODELS:
                record = self._existing(model)
                self.assertTrue(record, model)
                for what, attempt in self._attempts(model, record):
                    with self.subTest(user=user.login, model=model, attempt=what):
                        with self.assertRaises(AccessError), self.env.cr.savepoint():
                            attempt(env)
        self.assertEqual(self.snapshot(), before)

    def test_even_the_superuser_cannot_write_codes_or_the_tree_through_the_orm(self):
        before = self.snapshot()
        for model in ("trace.code", "trace.code.tree"):
            record = self._existing(model)
            for what, attempt in self._attempts(model, record):
                if what.startswith("unlink") and model == "trace.code.tree":
                    continue  # the tree's rows leave only by unpacking; checked below
                with self.subTest(model=model, attempt=what):
                    with self.assertRaises(UserError), self.env.cr.savepoint():
                        attempt(self.env(su=True))
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self._existing("trace.code.tree").sudo().unlink()
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self.env["trace.event"].sudo().search([], limit=1).write({"biz_step": "destroying"})
        self.assertEqual(self.snapshot(), before)

    def test_the_packing_tree_is_a_model_with_access_rules(self):
        tree = self.env["trace.code.tree"].search([("parent_id", "=", self.cases[0].id)])
        self.assertEqual(tree.code_id, self.units[:24])
        self.assertEqual(self.env["trace.code.tree"].with_user(self.user).search_count([]), len(
            self.env["trace.code.tree"].search([])))
        self.assertTrue(self.env["ir.model"]._get("trace.code.tree"))
        # the set-based path still writes it: packing shows through the model at once
        self.Code._pack({self.cases[1].name: self.units[24:26].mapped("name")})
        self.assertEqual(self.env["trace.code.tree"].search([("parent_id", "=", self.cases[1].id)]).code_id,
                         self.units[24:26])

    def test_code_and_tree_tables_have_no_foreign_keys_by_design(self):
        for table in ("trace_code", "trace_code_tree"):
            self.env.cr.execute(
                "SELECT count(*) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'", [table]
            )
            self.assertEqual(self.env.cr.fetchone()[0], 0, table)

    def test_records_that_codes_name_cannot_be_deleted(self):
        before = self.snapshot()
        for record in (self.product, self.product.product_tmpl_id, self.lot, self.batch, self.company):
            with self.subTest(record=record), self.assertRaises(UserError), self.env.cr.savepoint():
                record.unlink()
        self.assertEqual(self.snapshot(), before)
        self.env.cr.execute("SELECT confdeltype FROM pg_constraint WHERE conrelid = 'trace_code_count'::regclass"
                            " AND contype = 'f'")
        self.assertEqual({row[0] for row in self.env.cr.fetchall()}, {"r"}, "counts restrict, never cascade")
        # a product without codes can still go
        spare = self.env["product.product"].create({"name": "Spare", "type": "consu"})
        spare.unlink()

    def test_a_batch_with_codes_keeps_what_its_codes_print(self):
        other_lot = self.env["stock.lot"].create({"name": "L2611B", "product_id": self.product.id})
        other_product = self.env["product.product"].create({"name": "Black Tea", "type": "consu",
                                                            "barcode": "6901234567939"})
        before = self.snapshot()
        for vals in ({"lot_id": other_lot.id}, {"product_id": other_product.id, "lot_id": False},
                     {"expiry_date": "2028-01-01"}, {"production_date": "2026-11-21"},
                     {"company_id": self.env["res.company"].create({"name": "Other Co"}).id}):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "has codes"), self.env.cr.savepoint():
                self.batch.write(vals)
        self.assertEqual(self.snapshot(), before)
        # writing the same values, or other fields, is fine
        self.batch.write({"lot_id": self.lot.id, "expiry_date": "2027-11-19", "quantity": 60})
        # a batch without codes can change
        fresh = self.env["trace.batch"].create({"product_id": self.product.id, "production_date": "2026-11-20"})
        fresh.write({"lot_id": other_lot.id, "expiry_date": "2028-01-01"})

    def test_a_lot_with_codes_keeps_its_name_and_product(self):
        for vals in ({"name": "RENAMED"}, {"product_id": self.env["product.product"].create(
                {"name": "X", "type": "consu", "tracking": "lot"}).id}):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "printed codes"), \
                    self.env.cr.savepoint():
                self.lot.write(vals)
        self.lot.write({"name": self.lot.name, "note": "kept"})

    def test_issuing_needs_write_access_to_the_batch(self):
        before = self.snapshot()
        reader = new_test_user(self.env, "trace_reader", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.batch.with_user(reader).issue_codes(5)
        self.assertEqual(self.snapshot(), before)
        issue = self.batch.with_user(self.user).issue_codes(5, request_key="user-issue")
        self.assertEqual((issue.quantity_done, issue.state, issue.env.uid), (5, "done", self.user.id))

    def test_issuance_cron_marks_a_failing_request_and_goes_on(self):
        Issue = self.env["trace.code.issue"].sudo()
        broken_product = self.env["product.product"].create({"name": "No GTIN", "type": "consu"})
        broken = self.env["trace.batch"].create({"product_id": broken_product.id, "production_date": "2026-11-20"})
        first = Issue.create({"batch_id": broken.id, "quantity": 3, "request_key": "cron-broken"})
        second = Issue.create({"batch_id": self.batch.id, "quantity": 4, "request_key": "cron-fine"})
        Issue._cron_run()
        Issue._cron_run()
        self.assertEqual((first.state, second.state, second.quantity_done), ("failed", "done", 4))
        self.assertIn("GTIN", first.message)


@tagged("post_install", "-at_install")
class TestRegistryOverRpc(TraceCase, HttpCase):
    """The same refusals through Odoo's JSON-RPC, as a script with a user's password would try."""

    def _call(self, model, method, args, kwargs=None):
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "model": model, "method": method, "args": args, "kwargs": kwargs or {}}}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_rpc_writes_on_the_registry_are_access_errors(self):
        units, _cases, _pallets = self._active_batch(units=4, cases=1, pallets=0)
        for login, groups in (("rpc_user", "product_trace.group_trace_user,stock.group_stock_user"),
                              ("rpc_manager", "product_trace.group_trace_manager,stock.group_stock_user")):
            new_test_user(self.env, login, password=login + "-pass", groups=groups)
            self.authenticate(login, login + "-pass")
            before = self.snapshot()
            context = {"trace_code_registry": True}
            calls = [
                ("trace.code", "write", [units[:1].ids, {"activation": "void"}]),
                ("trace.code", "create", [{"name": "FORGED", "product_id": self.product.id}]),
                ("trace.event", "create", [{"event_type": "object", "action": "DELETE", "biz_step": "destroying"}]),
                ("trace.code.count", "create", [{"batch_id": self.batch.id, "company_id": self.company.id,
                                                 "level": "unit", "state": "active", "delta": 99}]),
                ("trace.code.tree", "create", [{"code_id": units[1].id, "parent_id": units[0].id,
                                                "pack_date": "2026-11-20 10:00:00"}]),
            ]
            for model, method, args in calls:
                with self.subTest(login=login, model=model, method=method):
                    answer = self._call(model, method, args, {"context": context})
                    self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.AccessError", answer)
            self.assertEqual(self.snapshot(), before)
            # reading stays open to them
            self.assertEqual(self._call("trace.code", "search_count", [[("batch_id", "=", self.batch.id)]])["result"],
                             len(units) + 1)

    def test_a_parameter_named_self_is_ignored_not_a_server_error(self):
        """Odoo 18 passes query and JSON parameters as keyword arguments to the controller
        method, whose own first argument is ``self``: ``?self=1`` was a 500 on every route."""
        self.assertEqual(self.url_open("/web/login?self=1").status_code, 200)
        self.authenticate("admin", "admin")
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "self": 1, "model": "trace.code", "method": "search_count", "args": [[]], "kwargs": {}}}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("result", response.json())
