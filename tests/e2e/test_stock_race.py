"""Two devices scan the same pallet into two open deliveries at the same moment, each in its own
database transaction, as two HTTP requests would: exactly one wins, the other gets a refusal,
nothing is held twice, and neither sees an exception."""

from __future__ import annotations

import json
import subprocess

from .conftest import ADDONS, HERE


def test_two_devices_scanning_one_pallet_at_once_one_wins(odoo_line):
    run = subprocess.run([odoo_line.python, str(HERE / "stock_race.py"), odoo_line.db, str(ADDONS)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    answers = result["answers"]
    assert all("exception" not in answer for answer in answers), answers
    assert sorted(answer["ok"] for answer in answers) == [False, True], answers
    loser = next(answer for answer in answers if not answer["ok"])
    assert loser["error"] == "elsewhere", loser
    assert list(result["held"].values()) == [25], result  # the pallet and its 24 units, once
    assert list(result["scans"].values()) == [1], result
