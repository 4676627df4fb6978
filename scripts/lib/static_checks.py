"""Static checks of the addons, run by scripts/test.

Each suite counts its own checks, one per thing looked at:

- ruff: one check per linted tree (tracekit, tests, bench, scripts, each addon);
- pylint-odoo: one check per addon (the mandatory checks of ``.pylintrc-mandatory``);
- xml: one per ``*.xml`` file (well-formed, no duplicate record ids in the addon);
- views: one per ``*.xml`` file (Odoo 18 syntax: no ``<tree``, no ``attrs=``/``states=``);
- csv: one per ``*.csv`` file (well-formed, access files with their header and 8 columns);
- manifests: one per addon and rule (version, licence, keys, files listed, Community-only depends, readme);
- i18n: one per addon (``i18n/zh_CN.po`` parses, every msgid translated, placeholders kept, .pot covered);
- python: one per addon ``*.py`` outside tests (no ``cr.commit()``).

Prints one line per failure and, last, one JSON line
``{"suites": [{"name": ..., "passed": N, "failed": N}, ...]}`` that scripts/test reads.
The addons folder is ``addons/`` of the repository, or ``TRACE_ADDONS_PATH``.
"""

from __future__ import annotations

import ast
import csv
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[2]
ADDONS = Path(os.environ.get("TRACE_ADDONS_PATH") or ROOT / "addons").resolve()
PYLINTRC = ROOT / ".pylintrc-mandatory"
ACCESS_HEADER = [
    "id", "name", "model_id:id", "group_id:id", "perm_read", "perm_write", "perm_create", "perm_unlink",
]
VERSION = re.compile(r"18\.0\.\d+\.\d+\.\d+")
# Odoo Enterprise modules: a Community product must never depend on one of them.
ENTERPRISE = {
    "web_enterprise", "web_studio", "web_mobile", "web_gantt", "web_cohort", "web_map", "web_grid",
    "stock_barcode", "stock_barcode_mrp", "stock_barcode_quality_control", "stock_accountant",
    "stock_enterprise", "iot", "pos_iot", "delivery_iot", "quality", "quality_control", "quality_mrp",
    "quality_iot", "mrp_workorder", "mrp_workorder_iot", "mrp_plm", "mrp_maintenance", "account_accountant",
    "account_reports", "sign", "documents", "helpdesk", "planning", "approvals", "industry_fsm",
    "marketing_automation", "social", "voip", "appointment", "timesheet_grid", "sale_subscription",
    "sale_enterprise", "knowledge", "spreadsheet_edition", "hr_payroll", "data_cleaning",
}
# An assets entry that names a file: a path string, or the last element of these operations.
ASSET_FILE_OPERATIONS = {"prepend", "append", "remove", "before", "after", "replace"}


class Suite:
    def __init__(self, name: str):
        self.name = name
        self.passed = 0
        self.failed = 0

    def check(self, ok: bool, what: str, detail: str = "") -> bool:
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL [{self.name}] {what}" + (f": {detail}" if detail else ""))
        return ok


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def addons() -> list[Path]:
    return sorted(p.parent for p in ADDONS.glob("*/__manifest__.py"))


def check_manifest(suite: Suite, addon: Path) -> None:
    name = addon.name
    try:
        manifest = ast.literal_eval((addon / "__manifest__.py").read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("not a dict")
    except (SyntaxError, ValueError) as error:
        suite.check(False, f"{name}/__manifest__.py", f"not a literal dict: {error}")
        return
    suite.check(bool(VERSION.fullmatch(str(manifest.get("version", "")))), f"{name} version",
                f"{manifest.get('version')!r} does not match 18.0.x.y.z")
    suite.check(manifest.get("license") == "LGPL-3", f"{name} license",
                f"{manifest.get('license')!r}, expected 'LGPL-3'")
    suite.check("description" not in manifest, f"{name} manifest",
                "has a 'description' key (use readme/DESCRIPTION.md)")
    bad = sorted(set(manifest.get("depends", [])) & ENTERPRISE)
    suite.check(not bad, f"{name} depends", f"on Odoo Enterprise modules {bad}")
    missing = [f"{key}: {file}" for key in ("data", "demo") for file in manifest.get(key, [])
               if not (addon / file).is_file()]
    suite.check(not missing, f"{name} data/demo files", f"listed but missing: {missing}")
    missing = [f"{bundle}: {path}" for bundle, entries in manifest.get("assets", {}).items()
               for path in asset_paths(entries) if not asset_exists(path)]
    suite.check(not missing, f"{name} assets", f"match no file: {missing}")
    readme = addon / "readme" / "DESCRIPTION.md"
    suite.check(readme.is_file(), rel(readme), "missing")
    icon = addon / "static" / "description" / "icon.png"
    suite.check(icon.is_file(), rel(icon), "missing")


def asset_paths(entries) -> list[str]:
    paths = []
    for entry in entries:
        if isinstance(entry, str):
            paths.append(entry)
        elif isinstance(entry, (list, tuple)) and entry and entry[0] in ASSET_FILE_OPERATIONS:
            paths.append(entry[-1])
    # only files that live in an addon of ours can be checked here
    return [p for p in paths if (ADDONS / p.split("/", 1)[0] / "__manifest__.py").is_file()]


def asset_exists(path: str) -> bool:
    if any(ch in path for ch in "*?["):
        return any(p.is_file() for p in ADDONS.glob(path))
    return (ADDONS / path).is_file()


def check_xml(xml: Suite, views: Suite, path: Path, ids: Counter) -> None:
    try:
        tree = ElementTree.parse(path)
    except ElementTree.ParseError as error:
        xml.check(False, rel(path), f"not well-formed: {error}")
        return
    for element in tree.iter():
        if element.tag in ("record", "template", "menuitem") and element.get("id"):
            ids[element.get("id")] += 1
    xml.check(True, rel(path))
    text = path.read_text(encoding="utf-8")
    problems = []
    if re.search(r"<tree[\s>/]", text):
        problems.append("<tree> (use <list>)")
    if re.search(r"\sattrs\s*=", text):
        problems.append("attrs= (use invisible=/readonly=/required=)")
    if re.search(r"\sstates\s*=\s*\"", text):
        problems.append("states= (use invisible=)")
    views.check(not problems, rel(path), "pre-18 view syntax: " + ", ".join(problems))


def check_csv(suite: Suite, path: Path) -> None:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [row for row in csv.reader(handle, strict=True) if row]
    except (csv.Error, UnicodeDecodeError) as error:
        suite.check(False, rel(path), f"not well-formed: {error}")
        return
    problems = []
    if path.name == "ir.model.access.csv":
        if not rows or rows[0] != ACCESS_HEADER:
            problems.append(f"header {rows[:1]}, expected {ACCESS_HEADER}")
        bad = [n + 1 for n, row in enumerate(rows) if len(row) != 8]
        if bad:
            problems.append(f"rows {bad[:5]} do not have 8 columns")
        ids = Counter(row[0] for row in rows[1:])
        if dup := sorted(i for i, n in ids.items() if n > 1):
            problems.append(f"duplicate ids {dup[:5]}")
    else:
        width = len(rows[0]) if rows else 0
        if bad := [n + 1 for n, row in enumerate(rows) if len(row) != width]:
            problems.append(f"rows {bad[:5]} do not have the header's {width} columns")
    suite.check(not problems, rel(path), "; ".join(problems))


PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdfr]|%[sdfr]|\{[A-Za-z_][A-Za-z0-9_]*\}")


def check_po(suite: Suite, addon: Path) -> None:
    import polib

    path = addon / "i18n" / "zh_CN.po"
    if not path.is_file():
        suite.check(False, rel(path), "missing: every addon ships Simplified Chinese")
        return
    try:
        po = polib.pofile(str(path))
    except (OSError, ValueError) as error:
        suite.check(False, rel(path), f"does not parse: {error}")
        return
    problems = []
    entries = [e for e in po if not e.obsolete and e.msgid]
    if untranslated := [e.msgid for e in entries if not (e.msgstr or any(e.msgstr_plural.values()))]:
        problems.append(f"{len(untranslated)} untranslated, e.g. {untranslated[:3]}")
    wrong = [e.msgid for e in entries if e.msgstr
             and sorted(PLACEHOLDER.findall(e.msgid)) != sorted(PLACEHOLDER.findall(e.msgstr))]
    if wrong:
        problems.append(f"placeholders differ in {wrong[:3]}")
    pot = addon / "i18n" / f"{addon.name}.pot"
    if pot.is_file():
        if missing := {e.msgid for e in polib.pofile(str(pot)) if e.msgid} - {e.msgid for e in entries}:
            problems.append(f"{len(missing)} terms of the .pot missing, e.g. {sorted(missing)[:3]}")
    suite.check(not problems, rel(path), "; ".join(problems))


def check_no_commit(suite: Suite, path: Path, addon: Path) -> None:
    if "tests" in path.relative_to(addon).parts:
        return
    found = re.search(r"\bcr\.commit\(\)", path.read_text(encoding="utf-8"))
    suite.check(not found, rel(path), "cr.commit() in business code")


def run_json_tool(suite: Suite, command: list[str]) -> tuple[list, int] | None:
    """Run a linter that reports JSON; a crash or unreadable output is one failed check."""
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    try:
        return json.loads(result.stdout or "[]"), result.returncode
    except json.JSONDecodeError:
        suite.check(False, suite.name, (result.stdout + result.stderr).strip()[-3000:])
        return None


def report_by_unit(suite: Suite, units: list[Path], findings: list[tuple[Path, str]]) -> None:
    """One check per unit (a tree or an addon): passed when none of the findings lies in it."""
    by_unit = defaultdict(list)
    for where, text in findings:
        unit = next((u for u in units if where.is_relative_to(u)), None)
        by_unit[unit].append(f"{rel(where)}:{text}")
    for unit in units:
        lines = by_unit.get(unit, [])
        suite.check(not lines, f"{suite.name} {rel(unit)}", "\n  " + "\n  ".join(lines[:40]) if lines else "")
    if None in by_unit:
        suite.check(False, suite.name, "\n".join(by_unit[None]))


def run_ruff(suite: Suite, venv_bin: Path) -> None:
    trees = [ROOT / t for t in ("tracekit", "tests", "bench", "scripts") if (ROOT / t).is_dir()] + addons()
    ran = run_json_tool(suite, [str(venv_bin / "ruff"), "check", "--no-cache", "--output-format=json",
                                *map(str, trees)])
    if ran is None:
        return
    findings, returncode = ran
    if returncode not in (0, 1):
        suite.check(False, suite.name, f"ruff exit {returncode}")
    report_by_unit(suite, trees, [
        (Path(item["filename"]).resolve(), f"{item['location']['row']}: {item['code']} {item['message']}")
        for item in findings
    ])


def run_pylint(suite: Suite, venv_bin: Path) -> None:
    if not addons():
        return
    ran = run_json_tool(suite, [str(venv_bin / "pylint"), f"--rcfile={PYLINTRC}", "--output-format=json",
                                *map(str, addons())])
    if ran is None:
        return
    findings, returncode = ran
    if returncode & 32 or (returncode & 1 and not findings):  # usage error, or fatal without a message
        suite.check(False, suite.name, f"pylint exit {returncode}")
        return
    report_by_unit(suite, addons(), [
        ((ROOT / item["path"]).resolve(), f"{item['line']}: {item['symbol']} {item['message']}")
        for item in findings
    ])


def main() -> int:
    venv_bin = Path(sys.executable).parent
    suites = {name: Suite(name) for name in (
        "ruff", "pylint-odoo", "manifests", "xml", "views (18 syntax)", "csv", "i18n zh_CN", "no cr.commit",
    )}
    run_ruff(suites["ruff"], venv_bin)
    run_pylint(suites["pylint-odoo"], venv_bin)
    for addon in addons():
        check_manifest(suites["manifests"], addon)
        check_po(suites["i18n zh_CN"], addon)
        ids: Counter = Counter()
        for path in sorted(addon.rglob("*.xml")):
            check_xml(suites["xml"], suites["views (18 syntax)"], path, ids)
        duplicates = sorted(i for i, n in ids.items() if n > 1)
        suites["xml"].check(not duplicates, f"{addon.name} record ids", f"defined twice: {duplicates[:5]}")
        for path in sorted(addon.rglob("*.csv")):
            check_csv(suites["csv"], path)
        for path in sorted(addon.rglob("*.py")):
            check_no_commit(suites["no cr.commit"], path, addon)
    print(json.dumps({"suites": [vars(s) for s in suites.values()]}))
    return 1 if any(s.failed for s in suites.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
