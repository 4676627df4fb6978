import threading
from unittest.mock import patch

import psycopg2
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from tracekit import codes as tk_codes

from ..models import trace_code_issue as issue_module
from ..tools import CopyPipe
from .common import TraceCase


@tagged("post_install", "-at_install")
class TestIssuance(TraceCase):
    def test_issue_creates_unique_random_verifiable_codes(self):
        issue = self.batch.issue_codes(100)
        self.assertEqual(issue.state, "done")
        codes = self.Code.search([("batch_id", "=", self.batch.id)])
        self.assertEqual(len(codes), 100)
        self.assertEqual(len(set(codes.mapped("name"))), 100)
        self.assertEqual(set(codes.mapped("state")), {"issued"})
        self.assertEqual(set(codes.mapped("gtin")), {"06901234567922"})
        minter = tk_codes.CodeMinter(self.company._trace_secret())
        self.assertTrue(all(minter.verify(name) for name in codes.mapped("name")))
        self.assertTrue(all(len(name) <= 20 for name in codes.mapped("name")))
        self.assertEqual(self.batch.units_issued, 100)
        self.assertFalse(codes[0].parent_id)

    def test_same_request_key_issues_once(self):
        first = self.batch.issue_codes(30, request_key="retry-1")
        again = self.batch.issue_codes(30, request_key="retry-1")
        self.assertEqual(first, again)
        self.assertEqual(self.Code.search_count([("batch_id", "=", self.batch.id)]), 30)

    def test_request_key_reused_for_another_quantity_is_refused(self):
        self.batch.issue_codes(5, request_key="k")
        with self.assertRaises(UserError):
            self.batch.issue_codes(6, request_key="k")

    def test_issue_zero_or_negative_is_refused_and_writes_nothing(self):
        before = self.snapshot()
        for quantity in (0, -5):
            with self.assertRaises(UserError):
                self.batch.issue_codes(quantity)
        with self.assertRaises(ValidationError):
            self.env["trace.code.issue"]._insert_codes(self.batch, 0)
        self.assertEqual(self.snapshot(), before)

    def test_issuance_in_slices_writes_every_code_once(self):
        with patch.object(issue_module, "MINT_SLICE", 7):
            self.batch.issue_codes(50)
        names = self.Code.search([("batch_id", "=", self.batch.id)]).mapped("name")
        self.assertEqual((len(names), len(set(names))), (50, 50))
        self.assertEqual(self.batch.units_issued, 50)

    def test_a_minting_failure_midway_writes_nothing_and_stops_the_producer(self):
        """The slices are minted in a thread while the COPY runs (CopyPipe): an error of the
        third slice fails the whole COPY, and no thread is left behind."""
        minter_class = type(self.company._trace_minter())
        original, calls = minter_class.mint, []

        def mint(minter, n):
            calls.append(n)
            if len(calls) == 3:
                raise RuntimeError("random source failed")
            return original(minter, n)

        before = self.snapshot()
        threads = threading.active_count()
        with patch.object(issue_module, "MINT_SLICE", 7), patch.object(minter_class, "mint", mint):
            with self.assertRaisesRegex(RuntimeError, "random source failed"):
                self.env["trace.code.issue"]._insert_codes(self.batch, 50)
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(self.Code.search_count([("batch_id", "=", self.batch.id)]), 0)
        self.assertEqual(threading.active_count(), threads)

    def test_a_failing_copy_writes_nothing(self):
        rows = ("%s\tnot-a-gtin-but-too-long-for-nothing\tno-such-level\n" % n for n in range(20000))
        with self.assertRaises(psycopg2.Error), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint(), CopyPipe(rows) as pipe:
                self.env.cr.copy_expert("COPY trace_code (name, gtin, level) FROM STDIN", pipe)
        self.assertEqual(self.Code.search_count([("batch_id", "=", self.batch.id)]), 0)

    def test_a_pipe_closed_early_stops_its_producer(self):
        """A COPY that stops reading (its connection lost) leaves no producer thread behind."""

        def endless():
            while True:
                yield "x" * 1000

        threads = threading.active_count()
        pipe = CopyPipe(endless())
        self.assertEqual(len(pipe.read(10)), 10)
        pipe.close()
        self.assertEqual(threading.active_count(), threads)

    def test_product_without_valid_gtin_cannot_get_codes(self):
        self.product.barcode = "6901234567923"  # wrong check digit
        before = self.snapshot()
        with self.assertRaisesRegex(UserError, "not a valid GTIN"):
            self.batch.issue_codes(10)
        self.assertEqual(self.snapshot(), before)

    def test_lot_name_that_cannot_travel_in_a_code_is_refused(self):
        self.lot.name = "LOT WITH SPACES 2026-11"
        before = self.snapshot()
        with self.assertRaisesRegex(UserError, "cannot be printed in a GS1 code"):
            self.batch.issue_codes(3)
        self.assertEqual(self.snapshot(), before)

    def test_case_codes_carry_packaging_gtin_and_pallets_are_ssccs(self):
        self.batch.issue_codes(2, level="case")
        self.batch.issue_codes(1, level="pallet")
        case = self.Code.search([("batch_id", "=", self.batch.id), ("level", "=", "case")], limit=1)
        pallet = self.Code.search([("batch_id", "=", self.batch.id), ("level", "=", "pallet")])
        self.assertEqual(case.gtin, "16901234567929")
        self.assertFalse(pallet.gtin)
        self.assertEqual(len(pallet.name), 18)
        self.assertTrue(pallet.name.startswith("06901234"))

    def test_large_issuance_runs_in_background_chunks_with_progress(self):
        Issue = self.env["trace.code.issue"]
        with patch("odoo.addons.product_trace.models.trace_batch.SYNC_LIMIT", 10), \
                patch("odoo.addons.product_trace.models.trace_code_issue.CHUNK_SIZE", 10):
            issue = self.batch.issue_codes(25)
            self.assertEqual(issue.state, "queued")
            self.assertTrue(self.batch.issuing)
            Issue._cron_run()
            self.assertEqual(issue.quantity_done, 10)
            self.assertAlmostEqual(issue.progress, 40.0)
            Issue._cron_run()
            Issue._cron_run()
            Issue._cron_run()  # nothing left: issues nothing more
        self.assertEqual(issue.state, "done")
        self.assertEqual(self.Code.search_count([("batch_id", "=", self.batch.id)]), 25)

    def test_confirm_activates_issued_units_with_one_commissioning_event(self):
        self.batch.issue_codes(10)
        self.batch.action_confirm()
        codes = self.Code.search([("batch_id", "=", self.batch.id)])
        self.assertEqual(set(codes.mapped("state")), {"active"})
        event = self.env["trace.event"].search([("batch_id", "=", self.batch.id), ("biz_step", "=", "commissioning")])
        self.assertEqual(len(event), 1)
        self.assertEqual((event.scope, event.quantity, event.action), ("batch", 10, "ADD"))
        self.assertEqual(self.batch.units_active, 10)
        self.assertEqual(self.batch.units_issued, 0)

    def test_line_mode_keeps_codes_waiting_until_read(self):
        self.batch.activation_mode = "line"
        self.batch.issue_codes(3)
        self.batch.action_confirm()
        codes = self.Code.search([("batch_id", "=", self.batch.id)])
        self.assertEqual(set(codes.mapped("state")), {"issued"})
        self.Code._activate_codes(codes[:2].mapped("name"), batch=self.batch, device="cam-1")
        self.assertEqual(sorted(codes.mapped("state")), ["active", "active", "issued"])
        with self.assertRaises(UserError):
            self.Code._activate_codes(codes[:1].mapped("name"))  # already active

    def test_codes_cannot_be_written_or_deleted_by_hand(self):
        self.batch.issue_codes(1)
        code = self.Code.search([("batch_id", "=", self.batch.id)])
        with self.assertRaises(UserError):
            code.write({"state": "active"})
        with self.assertRaises(UserError):
            code.unlink()

    def test_code_file_lists_every_code_with_its_digital_link(self):
        from tracekit import gs1

        self.batch.issue_codes(5)
        rows = list(self.batch._code_file_rows())
        self.assertEqual(len(rows), 5)
        for name, _level, gtin, _lot, _expiry, link, element in rows:
            data = gs1.parse_digital_link(link)
            self.assertEqual((data.serial, data.gtin, data.lot), (name, gtin, "L2611A"))
            self.assertEqual(gs1.parse_element_string(element).serial, name)
        action = self.batch.action_export_codes()
        self.assertIn("/web/content/", action["url"])

    def test_lot_counts_by_state(self):
        self.batch.issue_codes(7)
        counts = self.env["trace.code.count"]._counts_by_lot([self.lot.id], level="unit")
        self.assertEqual(counts, {self.lot.id: {"issued": 7}})
        self.env["trace.code.count"]._cron_compact()
        self.assertEqual(self.env["trace.code.count"]._counts_by_lot([self.lot.id]), {self.lot.id: {"issued": 7}})
        self.assertEqual(self.lot.trace_code_count, 7)
