import shutil
import subprocess
import tempfile
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..models import trace_label_report as report_module
from ..models import trace_label_run as run_module
from ..wizards import trace_label_wizard as wizard_module
from .common import TraceCase

CHINESE_NAME = "红枣枸杞茶 250 ml"


@tagged("post_install", "-at_install")
class TestLabelPdf(TraceCase):
    """The label sheets as wkhtmltopdf prints them, read back with pdftotext."""

    def setUp(self):
        super().setUp()
        report = self.env["ir.actions.report"]
        if report.get_wkhtmltopdf_state() != "ok" or not shutil.which("pdftotext"):
            self.skipTest("wkhtmltopdf and pdftotext (Debian: wkhtmltopdf, poppler-utils) are needed to read labels")
        self.product.name = CHINESE_NAME
        # wkhtmltopdf would fetch the report's style sheets from this very server, whose request
        # waits for the test's open transaction: point it where nothing answers (the labels'
        # text and fonts do not depend on those style sheets)
        self.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")

    def pdf_text(self, report_ref, ids):
        pdf, kind = self.env["ir.actions.report"].with_context(force_report_rendering=True)._render_qweb_pdf(
            report_ref, ids
        )
        self.assertEqual(kind, "pdf")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(pdf)
            handle.flush()
            return subprocess.run(["pdftotext", "-enc", "UTF-8", handle.name, "-"], capture_output=True, text=True,
                                  check=True).stdout

    def test_unit_labels_print_a_chinese_product_name_as_written(self):
        units, _cases, _pallets = self._active_batch(units=4, cases=0, pallets=0)
        text = self.pdf_text("product_trace.action_report_trace_batch_unit_labels", self.batch.ids)
        self.assertEqual(text.count(CHINESE_NAME), 4, text[:500])
        self.assertIn(units[0].name, text)

    def test_code_labels_print_a_chinese_product_name_as_written(self):
        units, _cases, _pallets = self._active_batch(units=3, cases=0, pallets=0)
        text = self.pdf_text("product_trace.action_report_trace_code_labels", units.ids)
        self.assertEqual(text.count(CHINESE_NAME), 3, text[:500])


@tagged("post_install", "-at_install")
class TestLabelPrinting(TraceCase):
    """What the batch's Print Labels does for each level, for small and large runs, and the
    resolver that every printed code names."""

    def wizard(self, **values):
        return self.env["trace.label.wizard"].create(dict({"batch_id": self.batch.id}, **values))

    def test_each_level_prints_at_once_with_its_own_label(self):
        units, cases, pallets = self._active_batch(units=6, cases=2, pallets=1)
        Report = self.env["ir.actions.report"]
        for level, codes, marker in (("unit", units, b"o_trace_label_unit"), ("case", cases, b"o_trace_label_case"),
                                     ("pallet", pallets, b"o_trace_label_pallet")):
            wizard = self.wizard(level=level)
            self.assertEqual(wizard.label_count, len(codes))
            self.assertFalse(wizard.in_background)
            action = wizard.action_print()
            self.assertEqual(action["report_name"], "product_trace.report_trace_code_labels")
            self.assertEqual(action["context"]["active_ids"], codes.ids)
            html, _kind = Report._render_qweb_html("product_trace.report_trace_code_labels", codes.ids)
            self.assertEqual(html.count(marker), len(codes), level)
            self.assertIn(codes[0].name.encode(), html)

    def test_pallet_label_declares_its_contents(self):
        units, cases, pallets = self._active_batch(units=4, cases=2, pallets=1)
        self.Code._pack({cases[0].name: units[:2].mapped("name"), cases[1].name: units[2:].mapped("name")})
        self.Code._pack({pallets.name: cases.mapped("name")})
        # the case packaging has a GTIN: the pallet holds 2 trade items of it; a case holds 2 units
        self.assertEqual(pallets._label_contents(), ("16901234567929", 2))
        self.assertEqual(cases[0]._label_contents(), ("06901234567922", 2))

    def test_a_large_run_prints_in_the_background_in_parts(self):
        units, _cases, _pallets = self._active_batch(units=7, cases=0, pallets=0)
        with patch.object(run_module, "DIRECT_LIMIT", 5), patch.object(wizard_module, "DIRECT_LIMIT", 5), \
                patch.object(wizard_module, "LABELS_PER_PART", 3):
            wizard = self.wizard(level="unit")
            self.assertTrue(wizard.in_background)
            self.assertIn("3", wizard.summary)
            action = wizard.action_print()
        run = self.env["trace.label.run"].browse(action["res_id"])
        run.sudo().part_size = 3
        self.assertEqual((run.label_count, run.state), (7, "queued"))
        Run = self.env["trace.label.run"]
        for _ in range(3):
            Run._cron_run()
        self.assertEqual((run.state, run.done_count, len(run.part_ids)), ("done", 7, 3))
        self.assertEqual(run.progress, 100.0)
        self.assertEqual(run.part_ids.mapped("mimetype"), ["application/pdf"] * 3)
        self.assertIn("7 unit labels printed in 3 PDF files", self.batch.message_ids[0].body)

    def test_a_run_whose_resolver_was_removed_fails_with_the_reason(self):
        self._active_batch(units=3, cases=0, pallets=0)
        run = self.env["trace.label.run"]._start(self.batch, "unit")
        self.company.trace_resolver_url = False
        self.env["trace.label.run"]._cron_run()
        self.assertEqual(run.state, "failed")
        self.assertIn("Traceability > Configuration > Settings", run.message)

    def test_nobody_writes_label_runs_by_hand(self):
        self._active_batch(units=3, cases=0, pallets=0)
        run = self.env["trace.label.run"]._start(self.batch, "unit")
        user = new_test_user(self.env, "label_user", groups="product_trace.group_trace_user")
        with self.assertRaises(AccessError):
            run.with_user(user).write({"done_count": 3})
        with self.assertRaises(AccessError):
            self.env["trace.label.run"].with_user(user).create({"batch_id": self.batch.id, "level": "unit",
                                                                "label_count": 1})

    def test_code_file_per_level(self):
        units, cases, pallets = self._active_batch(units=5, cases=2, pallets=1)
        for level, codes in (("unit", units), ("case", cases), ("pallet", pallets)):
            rows = list(self.batch._code_file_rows(level))
            self.assertEqual(sorted(row[0] for row in rows), sorted(codes.mapped("name")), level)
            self.assertEqual({row[1] for row in rows}, {level})
        action = self.wizard(level="case", output="file").action_print()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        self.assertIn("-case-codes.csv", attachment.name)

    def test_no_codes_are_issued_or_printed_without_a_real_resolver(self):
        units, _cases, _pallets = self._active_batch(units=2, cases=0, pallets=0)
        for url, reason in ((False, "Set the Digital Link resolver"), ("https://trace.example.com", "example address"),
                            ("https://id.brand.example", "example address")):
            self.company.trace_resolver_url = url
            before = self.snapshot()
            with self.assertRaisesRegex(UserError, reason):
                self.batch.issue_codes(5)
            with self.assertRaisesRegex(UserError, reason):
                self.wizard(level="unit").action_print()
            with self.assertRaisesRegex(UserError, reason):
                self.env["ir.actions.report"]._render_qweb_html("product_trace.report_trace_code_labels", units.ids)
            with self.assertRaisesRegex(UserError, reason):
                self.batch.action_export_codes("unit")
            self.assertEqual(self.snapshot(), before)

    def test_settings_set_the_resolver(self):
        settings = self.env["res.config.settings"].create({"trace_resolver_url": "https://id.brand.test"})
        settings.execute()
        self.assertEqual(self.company.trace_resolver_url, "https://id.brand.test")
        menu = self.env.ref("product_trace.menu_trace_settings")
        self.assertEqual(menu.parent_id, self.env.ref("product_trace.menu_trace_config"))

    def test_the_batch_sheet_refuses_more_than_it_prints_at_once(self):
        self._active_batch(units=6, cases=0, pallets=0)
        with patch.object(report_module, "DIRECT_LIMIT", 5):
            with self.assertRaisesRegex(UserError, "Print Labels"):
                self.env["ir.actions.report"]._render_qweb_html(
                    "product_trace.report_trace_batch_unit_labels", self.batch.ids)
