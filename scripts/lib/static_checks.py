"""Static checks of the addons, run by scripts/test.

Each check is counted: one per file and kind (XML, CSV, manifest, translation, view syntax),
plus one per tool run (ruff, pylint-odoo). Prints one line per failure and, last, a JSON line
``{"passed": N, "failed": N}`` that scripts/test reads.
"""

from __future__ import annotations

import ast
import csv
import json
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[2]
ADDONS = ROOT / "addons"
ACCESS_HEADER = ["id", "name", "model_id:id", "group_id:id", "perm_read", "perm_write", "perm_create", "perm_unlink"]
# Enterprise modules a Community product must never depend on
ENTERPRISE = {
    "web_enterprise", "stock_barcode", "iot", "quality", "quality_control", "mrp_workorder", "mrp_plm",
    "sign", "documents", "helpdesk", "planning", "approvals", "web_studio", "barcodes_gs1_nomenclature_enterprise",
    "stock_barcode_mrp", "pos_iot", "delivery_iot", "account_accountant", "industry_fsm",
}
# pylint-odoo checks that must never fail (OCA's mandatory set for 18.0)
PYLINT_MANDATORY = ",".join([
    "attribute-deprecated", "attribute-string-redundant", "consider-merging-classes-inherited",
    "context-overridden", "development-status-allowed", "external-request-timeout", "invalid-commit",
    "license-allowed", "manifest-author-string", "manifest-behind-migrations", "manifest-data-duplicated",
    "manifest-deprecated-key", "manifest-external-assets", "manifest-maintainers-list", "manifest-required-key",
    "manifest-superfluous-key", "manifest-version-format", "method-compute", "method-inverse", "method-required-super",
    "method-search", "missing-readme", "missing-return", "no-raise-unlink", "no-wizard-in-models",
    "no-write-in-compute", "odoo-addons-relative-import", "odoo-exception-warning", "print-used",
    "renamed-field-parameter", "resource-not-exist", "sql-injection", "test-folder-imported", "translation-contains-variable",
    "translation-field", "translation-format-interpolation", "translation-format-truncated",
    "translation-fstring-interpolation", "translation-not-lazy", "translation-positional-used",
    "translation-required", "translation-too-few-args", "translation-too-many-args",
    "translation-unsupported-format", "use-vim-comment", "website-manifest-key-not-valid-uri",
])


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok: bool, what: str, detail: str = "") -> None:
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {what}" + (f": {detail}" if detail else ""))


def addons() -> list[Path]:
    return sorted(p.parent for p in ADDONS.glob("*/__manifest__.py"))


def check_manifest(report: Report, addon: Path) -> None:
    name = addon.name
    try:
        manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
    except (SyntaxError, ValueError) as error:
        report.check(False, f"{name}/__manifest__.py", f"not a literal dict: {error}")
        return
    report.check(bool(re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", manifest.get("version", ""))),
                 f"{name} manifest version", repr(manifest.get("version")))
    report.check(manifest.get("license") == "LGPL-3", f"{name} manifest license", repr(manifest.get("license")))
    report.check("description" not in manifest, f"{name} manifest", "has a 'description' key (use readme/)")
    bad = sorted(set(manifest.get("depends", [])) & ENTERPRISE)
    report.check(not bad, f"{name} depends", f"Enterprise modules {bad}")
    for key in ("data", "demo"):
        for file in manifest.get(key, []):
            report.check((addon / file).is_file(), f"{name} manifest {key}", f"{file} does not exist")
    report.check((addon / "readme" / "DESCRIPTION.md").is_file(), f"{name}/readme/DESCRIPTION.md", "missing")
    report.check((addon / "static" / "description" / "icon.png").is_file(), f"{name} icon", "missing")


def check_xml(report: Report, path: Path) -> None:
    rel = path.relative_to(ROOT)
    try:
        ElementTree.parse(path)
    except ElementTree.ParseError as error:
        report.check(False, str(rel), f"not well-formed: {error}")
        return
    text = path.read_text()
    report.check(not re.search(r"<tree[\s>]", text), str(rel), "pre-18 <tree> view (use <list>)")
    report.check(" attrs=" not in text and " states=" not in text, str(rel), "pre-18 attrs=/states=")


def check_csv(report: Report, path: Path) -> None:
    rel = path.relative_to(ROOT)
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    if path.name == "ir.model.access.csv":
        report.check(bool(rows) and rows[0] == ACCESS_HEADER, str(rel), f"header {rows[:1]}")
        widths = {len(row) for row in rows}
        report.check(widths == {8}, str(rel), f"rows of {sorted(widths)} columns")
        ids = [row[0] for row in rows[1:]]
        report.check(len(ids) == len(set(ids)), str(rel), "duplicate ids")
    else:
        widths = {len(row) for row in rows if row}
        report.check(len(widths) <= 1, str(rel), f"rows of {sorted(widths)} columns")


def check_po(report: Report, addon: Path) -> None:
    import polib

    path = addon / "i18n" / "zh_CN.po"
    if not path.is_file():
        report.check(False, f"{addon.name}/i18n/zh_CN.po", "missing")
        return
    try:
        po = polib.pofile(str(path))
    except (OSError, ValueError) as error:
        report.check(False, str(path.relative_to(ROOT)), f"does not parse: {error}")
        return
    untranslated = [e.msgid for e in po if not e.msgstr and not e.obsolete]
    report.check(not untranslated, str(path.relative_to(ROOT)), f"{len(untranslated)} untranslated: {untranslated[:3]}")
    placeholder = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")
    wrong = [e.msgid for e in po if e.msgstr and sorted(placeholder.findall(e.msgid)) != sorted(placeholder.findall(e.msgstr))]
    report.check(not wrong, str(path.relative_to(ROOT)), f"placeholders differ in {wrong[:3]}")
    pot = addon / "i18n" / f"{addon.name}.pot"
    if pot.is_file():
        missing = {e.msgid for e in polib.pofile(str(pot))} - {e.msgid for e in po}
        report.check(not missing, str(path.relative_to(ROOT)), f"{len(missing)} terms of the .pot missing: {sorted(missing)[:3]}")


def check_no_commit(report: Report, path: Path) -> None:
    if "/tests/" in str(path):
        return
    report.check("cr.commit()" not in path.read_text(), str(path.relative_to(ROOT)), "cr.commit() in business code")


def run_tool(report: Report, what: str, command: list[str]) -> None:
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    output = (result.stdout + result.stderr).strip()
    report.check(result.returncode == 0, what, "\n" + output[-6000:] if output else f"exit {result.returncode}")


def main() -> int:
    report = Report()
    venv_bin = Path(sys.executable).parent
    for addon in addons():
        check_manifest(report, addon)
        check_po(report, addon)
        for path in sorted(addon.rglob("*.xml")):
            check_xml(report, path)
        for path in sorted(addon.rglob("*.csv")):
            check_csv(report, path)
        for path in sorted(addon.rglob("*.py")):
            check_no_commit(report, path)
    run_tool(report, "ruff", [str(venv_bin / "ruff"), "check", "tracekit", "tests", "bench", "addons", "scripts"])
    if addons():
        run_tool(report, "pylint-odoo (mandatory checks)", [
            str(venv_bin / "pylint"), "--load-plugins=pylint_odoo", "--disable=all",
            f"--enable={PYLINT_MANDATORY}", "--valid-odoo-versions=18.0",
            "--manifest-required-authors=Trace Product Authors", "--score=n", "--reports=n",
            *[str(a.relative_to(ROOT)) for a in addons()],
        ])
    print(json.dumps({"passed": report.passed, "failed": report.failed}))
    return 0 if not report.failed else 1


if __name__ == "__main__":
    sys.exit(main())
