"""The org chart CSV import: parsing, bad rows by line, idempotent re-import, loops, Slack lookups."""

from __future__ import annotations

import textwrap

import pytest

from bot.cli import main
from bot.demo.slack_standin import SlackStandIn
from bot.people.directory import find_person
from bot.people.org_csv import OrgFileError, parse_org_csv
from bot.people.org_import import import_org
from bot.runtime import Runtime
from storage.models import Person
from tests.harness import BOT_TOKEN, TEAM_ID

T = TEAM_ID


@pytest.fixture
def staff(slack: SlackStandIn) -> None:
    slack.add_user("UANA", name="ana", real_name="Ana Ruiz", email="ana@acme.test")
    slack.add_user("UBOB", name="bob", real_name="Bob Lee", email="bob@acme.test")
    slack.add_user("UCARLA", name="carla", real_name="Carla Diaz", email="carla@acme.test")
    slack.add_user("UDEV", name="dev", real_name="Dev Patel", email="dev@acme.test")
    slack.add_user("UHELPER", name="helper", is_bot=True, email="helper@acme.test")


def csv(text: str) -> str:
    return textwrap.dedent(text).lstrip()


def org_of(runtime: Runtime, user_id: str) -> tuple[str | None, str | None, str | None, int | None]:
    with runtime.db.transaction() as session:
        person = find_person(session, T, user_id)
        assert person is not None
        manager = session.get(Person, person.manager_id) if person.manager_id else None
        return (manager.slack_user_id if manager else None, person.org_team, person.title, person.level)


# --- parsing -------------------------------------------------------------------------------------


def test_parsing_reports_bad_rows_by_line_and_keeps_the_good_ones():
    parsed = parse_org_csv(
        csv(
            """\
            Email,Manager Email,Team,Title,Level,Favourite colour
            ana@acme.test,bob@acme.test,Sales,"Account
            executive",3,green
            ,bob@acme.test,Sales,,2,
            bob@acme.test,,Sales,Head of sales,senior,

            carla@acme.test,,Support,,-1,
            DEV@ACME.TEST,carla@acme.test,Support,Engineer,,
            """
        )
    )
    assert [(r.line, r.email, r.title, r.level) for r in parsed.rows] == [
        (2, "ana@acme.test", "Account\nexecutive", 3),
        (8, "dev@acme.test", "Engineer", None),
    ]
    assert [str(p) for p in parsed.problems] == [
        "line 4: no email or slack_id, so I can't tell who this is",
        "line 5: level must be a whole number, not “senior”",
        "line 7: level must be between 0 and 99, not -1",
    ]
    assert parsed.ignored_columns == ["Favourite colour"]
    assert parsed.sets_manager and "level" in parsed.columns


def test_a_file_without_an_id_column_is_refused_whole():
    with pytest.raises(OrgFileError, match="email` or a `slack_id` column"):
        parse_org_csv("name,manager\nAna,Bob\n")
    with pytest.raises(OrgFileError, match="empty"):
        parse_org_csv("")


def test_a_byte_order_mark_from_excel_is_ignored():
    parsed = parse_org_csv("\ufeffslack_id,team\nU1,Sales\n")
    assert [(r.slack_id, r.team) for r in parsed.rows] == [("U1", "Sales")]


# --- importing -----------------------------------------------------------------------------------

FIRST = csv(
    """\
    email,manager_email,team,title,level
    ana@acme.test,bob@acme.test,Sales,Account executive,3
    bob@acme.test,carla@acme.test,Sales,Head of sales,5
    carla@acme.test,,Leadership,COO,8
    """
)


def test_emails_are_resolved_through_slack_once_and_rows_are_stored(runtime, client, slack, staff):
    report = import_org(runtime, T, client, FIRST, source="org.csv")

    assert report.ok and report.problems == [] and report.cycles == []
    assert report.rows_read == 3 and len(report.changes) == 3 and report.unchanged == 0
    assert "line 2: Ana Ruiz: manager (none) → Bob Lee; team (none) → Sales" in report.changes[0]
    looked_up = sorted(c.args["email"] for c in slack.calls_to("users.lookupByEmail"))
    assert looked_up == ["ana@acme.test", "bob@acme.test", "carla@acme.test"]  # bob once, though named twice
    assert org_of(runtime, "UANA") == ("UBOB", "Sales", "Account executive", 3)
    assert org_of(runtime, "UBOB") == ("UCARLA", "Sales", "Head of sales", 5)
    assert org_of(runtime, "UCARLA") == (None, "Leadership", "COO", 8)
    assert (
        report.lines()[0]
        == "Imported org.csv into workspace T0001: 3 row(s) read, 3 changed, 0 unchanged, 0 bad."
    )


def test_re_import_is_idempotent_and_reports_what_changed(runtime, client, slack, staff, clock):
    import_org(runtime, T, client, FIRST)
    slack.clear()

    again = import_org(runtime, T, client, FIRST)
    assert again.changes == [] and again.unchanged == 3 and again.ok
    assert slack.calls_to("users.lookupByEmail") == []  # fresh rows answer for their emails

    clock.advance(days=3)  # stale now: emails are asked of Slack again
    moved = import_org(
        runtime,
        T,
        client,
        csv(
            """\
            email,manager_email,team,title,level
            ana@acme.test,carla@acme.test,Support,Account executive,3
            bob@acme.test,carla@acme.test,Sales,Head of sales,5
            carla@acme.test,,Leadership,COO,
            """
        ),
    )
    assert moved.changes == [
        "line 2: Ana Ruiz: manager Bob Lee → Carla Diaz; team Sales → Support",
        "line 4: Carla Diaz: level 8 → (none)",
    ]
    assert moved.unchanged == 1
    assert len(slack.calls_to("users.lookupByEmail")) == 3
    assert org_of(runtime, "UANA") == ("UCARLA", "Support", "Account executive", 3)


def test_columns_left_out_are_left_alone(runtime, client, staff):
    import_org(runtime, T, client, FIRST)
    report = import_org(runtime, T, client, "slack_id,team\nUANA,Support\n")
    assert report.changes == ["line 2: Ana Ruiz: team Sales → Support"]
    assert org_of(runtime, "UANA") == ("UBOB", "Support", "Account executive", 3)


def test_bad_rows_are_reported_by_line_and_good_rows_still_load(runtime, client, staff):
    report = import_org(
        runtime,
        T,
        client,
        csv(
            """\
            email,slack_id,manager_email,manager_slack_id,team,level
            ana@acme.test,,bob@acme.test,,Sales,3
            nobody@acme.test,,bob@acme.test,,Sales,2
            ,UCARLA,carla@acme.test,,Ops,
            ,UDEV,ghost@acme.test,,Ops,
            ,UNOSUCH,,,Ops,
            helper@acme.test,,,,Bots,
            ,UDEV,,UNOSUCH,Ops,
            dev@acme.test,,,UBOB,Ops,x
            ana@acme.test,,,UCARLA,Ops,
            ,UBOB,,UCARLA,Sales,5
            """
        ),
    )
    assert [str(p) for p in report.problems] == [
        "line 3: unknown email nobody@acme.test: no one in this Slack workspace has it",
        "line 4: Carla Diaz is listed as their own manager",
        "line 5: manager not found: unknown email ghost@acme.test: no one in this Slack workspace has it",
        "line 6: no Slack user UNOSUCH in this workspace (user_not_found)",
        "line 7: helper@acme.test is a bot, not a person",
        "line 8: manager not found: no Slack user UNOSUCH in this workspace (user_not_found)",
        "line 9: level must be a whole number, not “x”",
        "line 10: Ana Ruiz is already on line 2",
    ]
    assert not report.ok
    assert org_of(runtime, "UANA") == ("UBOB", "Sales", None, 3)
    assert org_of(runtime, "UBOB") == ("UCARLA", "Sales", None, 5)
    assert (
        "Bad rows (skipped; fix them and import the file again). The good rows were saved." in report.lines()
    )


def test_manager_loops_are_reported_by_name_not_followed(runtime, client, staff):
    report = import_org(
        runtime,
        T,
        client,
        csv(
            """\
            email,manager_email
            ana@acme.test,bob@acme.test
            bob@acme.test,carla@acme.test
            carla@acme.test,ana@acme.test
            dev@acme.test,ana@acme.test
            """
        ),
    )
    assert report.problems == [] and not report.ok
    assert report.cycles == [["Ana Ruiz", "Bob Lee", "Carla Diaz"]]
    assert "  Ana Ruiz → Bob Lee → Carla Diaz → Ana Ruiz" in report.lines()


def test_the_command_line_prints_the_report_and_exits_1_on_bad_rows(
    runtime, staff, slack, database_url, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)  # no stray .env
    # main() points the root logger at the captured stderr, which pytest closes after this test.
    monkeypatch.setattr("bot.logs.configure", lambda *args, **kwargs: None)
    for name, value in {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": database_url,
    }.items():
        monkeypatch.setenv(name, value)
    good = tmp_path / "org.csv"
    good.write_text(FIRST, encoding="utf-8")
    assert main(["import-org", str(good)]) == 0  # the workspace comes from auth.test
    assert "3 changed" in capsys.readouterr().out
    assert org_of(runtime, "UANA")[0] == "UBOB"

    bad = tmp_path / "bad.csv"
    bad.write_text("email,team\nana@acme.test,Support\nnobody@acme.test,Sales\n", encoding="utf-8")
    assert main(["import-org", str(bad), "--team", T]) == 1
    out = capsys.readouterr().out
    assert "line 3: unknown email nobody@acme.test" in out and "The good rows were saved." in out
    assert org_of(runtime, "UANA")[1] == "Support"

    unusable = tmp_path / "names.csv"
    unusable.write_text("name\nAna\n", encoding="utf-8")
    assert main(["import-org", str(unusable), "--team", T]) == 2
    assert "nothing imported" in capsys.readouterr().err


def test_the_link_that_closes_a_loop_is_not_saved_and_the_report_says_which(runtime, client, staff):
    report = import_org(
        runtime,
        T,
        client,
        csv(
            """\
            email,manager_email,team
            ana@acme.test,bob@acme.test,Sales
            bob@acme.test,carla@acme.test,Sales
            carla@acme.test,ana@acme.test,Leadership
            """
        ),
    )
    assert report.cuts == ["line 4: Carla Diaz → Ana Ruiz was not saved; Carla Diaz's manager stays (none)"]
    assert org_of(runtime, "UANA")[0] == "UBOB" and org_of(runtime, "UBOB")[0] == "UCARLA"
    assert org_of(runtime, "UCARLA") == (None, "Leadership", None, None)  # the rest of the row was saved
    assert "line 4: Carla Diaz: team (none) → Leadership" in report.changes  # no manager change claimed
    lines = report.lines()
    loop_at = lines.index("  Ana Ruiz → Bob Lee → Carla Diaz → Ana Ruiz")
    assert lines[loop_at + 1] == "    " + report.cuts[0]
    with runtime.db.transaction() as session:
        from bot.people.org_import import _cycles_by_id

        assert _cycles_by_id(session, T) == []


def test_a_loop_closed_against_links_already_stored_keeps_the_old_manager(runtime, client, staff):
    import_org(runtime, T, client, FIRST)  # ana → bob → carla
    report = import_org(runtime, T, client, "email,manager_email\ncarla@acme.test,ana@acme.test\n")
    assert not report.ok and report.cycles == [["Ana Ruiz", "Bob Lee", "Carla Diaz"]]
    assert report.cuts == ["line 2: Carla Diaz → Ana Ruiz was not saved; Carla Diaz's manager stays (none)"]
    assert report.changes == [] and report.unchanged == 1
    assert org_of(runtime, "UCARLA")[0] is None

    # Moving Carla under Dev instead makes no loop: it is saved.
    fine = import_org(
        runtime, T, client, "email,manager_email\ncarla@acme.test,dev@acme.test\ndev@acme.test,\n"
    )
    assert fine.ok and fine.cuts == [] and org_of(runtime, "UCARLA")[0] == "UDEV"
