"""The org chart file on its own: CSV errors on their line, cell shapes, and the offline check."""

from __future__ import annotations

import textwrap

import pytest

from bot.people.org_csv import OrgFileError, check_org_file, parse_org_csv


def csv(text: str) -> str:
    return textwrap.dedent(text).lstrip()


def test_an_unclosed_quote_is_a_csv_error_on_its_line_not_a_strange_slack_id():
    parsed = parse_org_csv('slack_id,manager_slack_id,team\nU1,U2,Sales\nU3,"U4,U2,Sup\nU5,U1,Ops\n')
    assert [(r.line, r.slack_id) for r in parsed.rows] == [(2, "U1")]
    assert [str(p) for p in parsed.problems] == [
        "line 3: can't be read as CSV: a quoted value starts on this line and its closing quote (\") is "
        "missing, so nothing from here on could be read"
    ]


def test_a_stray_character_after_a_closing_quote_is_a_csv_error_on_its_line():
    parsed = parse_org_csv('slack_id,team\nU1,Sales\nU2,"Ops"x\nU3,Ops\n')
    assert [r.slack_id for r in parsed.rows] == ["U1"]
    assert len(parsed.problems) == 1 and str(parsed.problems[0]).startswith("line 3: can't be read as CSV (")


def test_slack_ids_and_emails_must_look_like_them():
    parsed = parse_org_csv(
        csv(
            """\
            slack_id,email,manager_slack_id,manager_email
            "U4,U2,Sup",,,
            u123,,,
            U7,,UX Team,
            ,ana.acme.test,,
            ,bo@acme.test,,carla
            W0ENTERPRISE,,U1,
            """
        )
    )
    assert [str(p) for p in parsed.problems] == [
        "line 2: slack_id “U4,U2,Sup” is not a Slack user id (U… or W…, capital letters and digits)",
        "line 3: slack_id “u123” is not a Slack user id (U… or W…, capital letters and digits)",
        "line 4: manager_slack_id “UX Team” is not a Slack user id (U… or W…, capital letters and digits)",
        "line 5: email “ana.acme.test” is not an email address",
        "line 6: manager_email “carla” is not an email address",
    ]
    assert [r.slack_id for r in parsed.rows] == ["W0ENTERPRISE"]


def test_the_offline_check_reports_by_line_and_finds_loops_inside_the_file():
    report = check_org_file(
        csv(
            """\
            slack_id,email,manager_slack_id,manager_email,team,shoe size
            UANA,ana@acme.test,UBOB,,Sales,38
            UBOB,,,carla@acme.test,Sales,
            ,carla@acme.test,UANA,,Ops,
            UDEV,,UANA,,Ops,
            UEVE,,UEVE,,Ops,
            ,ANA@acme.test,,,Ops,
            UFAY,,UGUS,,Ops,
            UGUS,,UFAY,,Ops,
            UHAL,,,,,x
            """
        ),
        source="org.csv",
    )
    assert not report.ok
    assert [str(p) for p in report.problems] == [
        "line 6: UEVE is listed as their own manager",
        "line 7: ana@acme.test is already on line 2",
    ]
    assert [[row.line for row in loop] for loop in report.loops] == [[2, 3, 4], [8, 9]]
    lines = report.lines()
    assert lines[0] == (
        "Checked org.csv: 9 row(s) read, 7 ready to import, 2 bad. Nothing was saved and Slack was not asked."
    )
    assert "Ignored column(s) I don't know: shoe size." in lines
    assert "  UANA → UBOB → carla@acme.test → UANA (lines 2, 3, 4)" in lines
    assert "  UFAY → UGUS → UFAY (lines 8, 9)" in lines


def test_a_clean_file_passes_the_check():
    report = check_org_file("email,manager_email\nana@acme.test,bob@acme.test\nbob@acme.test,\n")
    assert report.ok and report.good == 2 and report.loops == []


def test_a_file_that_cannot_be_imported_at_all_still_raises():
    with pytest.raises(OrgFileError, match="`email` or a `slack_id` column"):
        check_org_file("name\nAna\n")
