"""A mentoring cohort end to end over signed HTTP: an admin opens it, the announcement's buttons take
sign-ups through the usual forms, the close pairs the cohort in one round (after a dry run the admin can
review), every pair shares the start and planned end, the mid-point survey is answered privately, and the
admin's report shows averages only from three answers on, never a comment."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import event, select

from bot.cohorts.report import COLUMNS
from bot.copilots.rounds import run_round
from bot.demo.slack_standin import SlackStandIn
from storage.models import (
    Cohort,
    CohortSurvey,
    CopilotProfile,
    MentoringRequest,
    Offer,
    Pairing,
    Person,
    private_columns,
)
from tests.flows.copilots import (
    all_text,
    buttons,
    dms_to,
    eventually,
    offer_message_of,
    pairings,
    request_values,
    tick,
    volunteer_values,
)
from tests.harness import ADMIN, TEAM_ID, RunningBot
from tests.worlds import make

MENTEES = ("UMIA", "UNOA", "UOLI")
COPILOTS = ("UVIC", "UWEN", "UXAV")
OUTSIDE_VOLUNTEER = "UYUL"  # volunteers outside the cohort: its round never asks them
CHANNEL = "CMENTOR"
SECRET = "SECRET-SURVEY-COMMENT-4r8"
TOPICS = ("Giving feedback", "Public speaking")


@pytest.fixture
def people(admin_bot: RunningBot, slack: SlackStandIn) -> None:
    now = admin_bot.clock.now()
    slack.add_channel(CHANNEL, "mentoring")
    with admin_bot.runtime.db.transaction() as session:
        make.person(session, ADMIN, now, name="ada", slack=slack, org_team="People")
        for n, user in enumerate(MENTEES):
            make.person(session, user, now, slack=slack, org_team=f"Support{n}", level=2)
        for n, user in enumerate((*COPILOTS, OUTSIDE_VOLUNTEER)):
            make.person(session, user, now, slack=slack, org_team=f"Platform{n}", level=2)


def _date(day: date) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": day.isoformat()}


def cohort_values(opens: date, closes: date, starts: date, channel: str | None = CHANNEL) -> dict[str, Any]:
    return {
        "name": {"name": {"type": "plain_text_input", "value": "Spring cohort"}},
        "opens": {"opens": _date(opens)},
        "closes": {"closes": _date(closes)},
        "starts": {"starts": _date(starts)},
        "length": {"length": {"type": "static_select", "selected_option": {"value": "6"}}},
        "channel": {"channel": {"type": "conversations_select", "selected_conversation": channel}},
    }


def _errors(reply: Any) -> dict[str, str]:
    answer = json.loads(reply.text)
    assert answer["response_action"] == "errors", answer
    return answer["errors"]


def _button(message: dict[str, Any], action_id: str) -> str:
    return buttons(message)[action_id]


def _home_text(bot: RunningBot, user: str) -> str:
    before = len(bot.slack.calls_to("views.publish"))
    assert bot.event({"type": "app_home_opened", "user": user, "tab": "home"}).status == 200
    published = bot.slack.wait_for("views.publish", before + 1)[-1].args["view"]
    return all_text({"blocks": published["blocks"]})


def _answer_survey(bot: RunningBot, user: str, useful: str, recommend: str, comment: str = "") -> None:
    [survey_dm] = [m for m in dms_to(bot.slack, user) if "cohort_survey_open" in buttons(m)]
    opened = len(bot.slack.calls_to("views.open"))
    bot.click("cohort_survey_open", user=user, value=_button(survey_dm, "cohort_survey_open"))
    form = bot.slack.wait_for("views.open", opened + 1)[-1].args["view"]
    assert form["callback_id"] == "cohort_survey_form"
    values = {
        "useful": {"useful": {"type": "radio_buttons", "selected_option": {"value": useful}}},
        "recommend": {"recommend": {"type": "radio_buttons", "selected_option": {"value": recommend}}},
        "comment": {"comment": {"type": "plain_text_input", "value": comment}},
    }
    assert bot.submit(form, values, user=user).status == 200


def _answered(bot: RunningBot) -> int:
    with bot.runtime.db.transaction() as session:
        return len(
            list(session.scalars(select(CohortSurvey.id).where(CohortSurvey.answered_at.is_not(None))))
        )


def test_a_cohort_opens_signs_up_pairs_in_one_round_and_surveys_privately(
    admin_bot: RunningBot, slack: SlackStandIn, people: None
):
    bot = admin_bot
    today = bot.clock.now().date()  # Monday 2 March 2026, 10:00 in Berlin
    closes, starts = date(2026, 3, 6), date(2026, 3, 16)

    # The admin's form refuses what can't work, on the field.
    bot.command("admin cohort open", user=ADMIN)
    form = slack.wait_for("views.open")[-1].args["view"]
    assert form["callback_id"] == "cohort_form"
    errors = _errors(bot.submit(form, cohort_values(today, date(2026, 3, 1), starts, "CNOWHERE"), user=ADMIN))
    assert set(errors) == {"closes", "channel"}
    assert "before they open" in errors["closes"] and "can't find that channel" in errors["channel"]
    assert set(_errors(bot.submit(form, cohort_values(today, closes, closes), user=ADMIN))) == {"starts"}
    slack.add_channel("CQUIET", "quiet", bot_is_member=False)
    outside = _errors(bot.submit(form, cohort_values(today, closes, starts, "CQUIET"), user=ADMIN))
    assert "invite me there first" in outside["channel"]
    stranger = bot.submit(form, cohort_values(today, closes, starts), user=MENTEES[0])
    assert "Only program admins" in _errors(stranger)["name"]

    assert bot.submit(form, cohort_values(today, closes, starts), user=ADMIN).text in ("", "null")
    cohort = eventually(lambda: _cohort(bot))
    assert (cohort.starts_on, cohort.ends_on, cohort.state) == (starts, date(2026, 9, 16), "signing_up")

    # The announcement goes to the channel with both buttons.
    tick(bot)
    [announced] = [c.args for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == CHANNEL]
    assert "Spring cohort" in all_text(announced)
    assert buttons(announced) == {
        "cohort_sign_up_mentee": str(cohort.id),
        "cohort_sign_up_copilot": str(cohort.id),
    }
    posted = {"ts": "1700000000.000900", "channel": CHANNEL, "text": ""}

    # Sign-ups come in through the buttons: the existing forms, tagged with the cohort.
    for user in MENTEES:
        opened = len(slack.calls_to("views.open"))
        bot.click("cohort_sign_up_mentee", user=user, value=str(cohort.id), message=posted)
        view = slack.wait_for("views.open", opened + 1)[-1].args["view"]
        assert view["callback_id"] == "request_form" and "Spring cohort" in all_text(
            {"blocks": view["blocks"]}
        )
        assert bot.submit(view, request_values(topics=TOPICS), user=user).status == 200
    for user in COPILOTS:
        opened = len(slack.calls_to("views.open"))
        bot.click("cohort_sign_up_copilot", user=user, value=str(cohort.id), message=posted)
        view = slack.wait_for("views.open", opened + 1)[-1].args["view"]
        assert view["callback_id"] == "volunteer_form"
        assert bot.submit(view, volunteer_values(topics=TOPICS), user=user).status == 200
    opened = len(slack.calls_to("views.open"))
    bot.command("volunteer", user=OUTSIDE_VOLUNTEER)
    view = slack.wait_for("views.open", opened + 1)[-1].args["view"]
    bot.submit(view, volunteer_values(topics=TOPICS, capacity="3"), user=OUTSIDE_VOLUNTEER)
    eventually(lambda: len(_rows(bot, MentoringRequest)) == 3 and len(_rows(bot, CopilotProfile)) == 4)
    assert {r.cohort_id for r in _rows(bot, MentoringRequest)} == {cohort.id}
    assert {p.cohort_id for p in _rows(bot, CopilotProfile)} == {cohort.id, None}
    confirmations = [c.args["text"] for c in slack.calls_to("chat.postEphemeral")]
    assert sum("signed up for the cohort" in t for t in confirmations) == 3

    # Before the close nobody is asked, not even by the program's own round; the admin can preview.
    tick(bot)
    assert run_round(bot.runtime, TEAM_ID).pairs == () and _rows(bot, Offer) == []
    bot.click("cohort_preview", user=ADMIN, value=str(cohort.id), view={"id": "VHOME", "type": "home"})
    preview = eventually(lambda: [m for m in dms_to(slack, ADMIN) if "Preview" in m["text"]])
    assert "3 pairs would be offered" in all_text(preview[0]) and _rows(bot, Offer) == []

    # The close (Saturday 10:00 in Berlin) pairs the cohort in one round, among its own volunteers.
    bot.tick(datetime(2026, 3, 7, 9, 0, tzinfo=UTC))
    offers = _rows(bot, Offer)
    copilot_ids = _person_ids(bot, COPILOTS)
    assert len(offers) == 3 and {o.copilot_id for o in offers} == set(copilot_ids.values())
    assert _cohort(bot).state == "paired"
    assert any("is paired: 3 copilots asked" in m["text"] for m in dms_to(slack, ADMIN))
    for offer in offers:
        user = next(u for u, pid in copilot_ids.items() if pid == offer.copilot_id)
        bot.click("offer_accept", user=user, value=str(offer.id), message=offer_message_of(bot, offer.id))
    formed = eventually(lambda: len(pairings(bot)) == 3 and pairings(bot))
    assert {p.request_id for p in formed} == {r.id for r in _rows(bot, MentoringRequest)}

    # Every pair hears the same start and planned end (after their kickoff: one post a second per chat).
    tick(bot)
    tick(bot)
    dated = [
        all_text(c.args)
        for c in slack.calls_to("chat.postMessage")
        if "pair of the cohort" in all_text(c.args)
    ]
    assert len(dated) == 3 and all("Mon 16 Mar 2026" in t and "Wed 16 Sep 2026" in t for t in dated)

    # The pairs agree their expectations (tests/flows/test_expectations.py drives that form): here at once.
    with bot.runtime.db.transaction() as session:
        for pairing in session.scalars(select(Pairing)):
            pairing.state, pairing.activated_at = "active", datetime(2026, 3, 16, 9, 0, tzinfo=UTC)

    # The mid-point (16 June, 10:00 in Berlin): one private survey to each of the six people.
    bot.tick(datetime(2026, 6, 16, 8, 0, tzinfo=UTC))
    surveyed = [
        u for u in (*MENTEES, *COPILOTS) for m in dms_to(slack, u) if "cohort_survey_open" in buttons(m)
    ]
    assert sorted(surveyed) == sorted((*MENTEES, *COPILOTS))

    # Nobody answers someone else's survey.
    [mia_survey] = [m for m in dms_to(slack, MENTEES[0]) if "cohort_survey_open" in buttons(m)]
    bot.click("cohort_survey_open", user=COPILOTS[0], value=_button(mia_survey, "cohort_survey_open"))
    refusal = eventually(lambda: [c for c in slack.calls_to("response_url") if "someone else" in str(c.args)])
    assert refusal and _answered(bot) == 0

    _answer_survey(bot, MENTEES[0], "5", "4", comment=SECRET)
    _answer_survey(bot, COPILOTS[0], "3", "4")
    eventually(lambda: _answered(bot) == 2)
    with bot.runtime.db.transaction() as session:
        stored = session.scalar(select(CohortSurvey.comment).where(CohortSurvey.comment.is_not(None)))
    assert stored == SECRET
    two = _home_text(bot, ADMIN)
    assert "Pairs formed: 3" in two and "2 of 6 answered" in two
    assert "Useful: not shown (fewer than 3 answers)" in two and "out of 5" not in two

    _answer_survey(bot, MENTEES[1], "4", "5")
    eventually(lambda: _answered(bot) == 3)
    with _watching(bot) as statements:
        three = _home_text(bot, ADMIN)
        bot.click("cohort_export_csv", user=ADMIN, value=str(cohort.id), view={"id": "VHOME", "type": "home"})
        slack.wait_for("files.completeUploadExternal")
    assert (
        "3 of 6 answered" in three
        and "Useful: 4 out of 5" in three
        and "Would recommend: 4.3 out of 5" in three
    )
    assert "Mentoring cohorts" not in _home_text(bot, MENTEES[0])  # admins only
    (content,) = slack.uploads.values()
    [row] = list(csv.DictReader(io.StringIO(content.decode())))
    assert tuple(row) == COLUMNS
    assert (row["pairs_formed"], row["midpoint_answered"], row["midpoint_useful_avg"]) == ("3", "3", "4.0")
    assert row["end_asked"] == "0"

    # No survey comment leaves its row: not in App Home, the CSV, any Slack call at all, or a query.
    every_call = [json.dumps(c.args, default=str) for c in slack.calls]
    assert not [call for call in every_call if SECRET in call]
    assert SECRET not in content.decode() and SECRET not in three
    assert statements and not [s for s in statements if "cohort_surveys.comment" in s]


def test_forget_me_deletes_the_persons_survey_answers(
    admin_bot: RunningBot, slack: SlackStandIn, people: None
):
    from bot.people.forgetting import forget_person

    now = admin_bot.clock.now()
    with admin_bot.runtime.db.transaction() as session:
        mia, vic = (session.scalar(select(Person).where(Person.slack_user_id == u)) for u in ("UMIA", "UVIC"))
        assert mia and vic
        cohort = Cohort(
            team_id=TEAM_ID,
            name="Autumn",
            tz="UTC",
            opens_on=now.date(),
            closes_on=now.date(),
            starts_on=now.date(),
            ends_on=now.date(),
            length_months=3,
            closes_at=now,
            state="paired",
            created_at=now,
        )
        session.add(cohort)
        pairing = make.pairing(session, mia, vic, now, state="active")
        session.flush()
        for person in (mia, vic):
            session.add(
                CohortSurvey(
                    team_id=TEAM_ID,
                    cohort_id=cohort.id,
                    pairing_id=pairing.id,
                    person_id=person.id,
                    stage="midpoint",
                    useful=4,
                    recommend=4,
                    comment=SECRET,
                    asked_at=now,
                    answered_at=now,
                )
            )
    forget_person(admin_bot.runtime, TEAM_ID, "UMIA")
    with admin_bot.runtime.db.transaction() as session:
        left = session.execute(select(CohortSurvey.person_id, CohortSurvey.comment)).all()
    assert [p for p, _ in left] == [vic.id]


def _cohort(bot: RunningBot) -> Cohort | None:
    with bot.runtime.db.transaction() as session:
        return session.scalar(select(Cohort))


def _rows(bot: RunningBot, model: Any) -> list[Any]:
    with bot.runtime.db.transaction() as session:
        return list(session.scalars(select(model)))


def _person_ids(bot: RunningBot, users: tuple[str, ...]) -> dict[str, int]:
    with bot.runtime.db.transaction() as session:
        return {
            p.slack_user_id: p.id
            for p in session.scalars(select(Person).where(Person.slack_user_id.in_(users)))
        }


@contextmanager
def _watching(bot: RunningBot) -> Iterator[list[str]]:
    """Every SELECT about cohorts the engine runs inside the block (App Home, the CSV)."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT") and "cohort" in statement.lower():
            statements.append(statement.lower())

    assert private_columns()["cohort_surveys"] == ["comment"]
    event.listen(bot.runtime.db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(bot.runtime.db.engine, "before_cursor_execute", record)


def test_the_cohort_csv_defuses_a_name_a_spreadsheet_would_run(admin_bot: RunningBot):
    from bot.cohorts.report import export_cohort

    now = admin_bot.clock.now()
    with admin_bot.runtime.db.transaction() as session:
        cohort = Cohort(
            team_id=TEAM_ID,
            name='=HYPERLINK("http://evil.example","x")',
            tz="UTC",
            opens_on=now.date(),
            closes_on=now.date(),
            starts_on=now.date(),
            ends_on=now.date(),
            length_months=3,
            closes_at=now,
            state="paired",
            created_at=now,
        )
        session.add(cohort)
        session.flush()
        cohort_id = cohort.id
    export = export_cohort(admin_bot.runtime, TEAM_ID, cohort_id)
    assert export is not None and export_cohort(admin_bot.runtime, "TOTHER", cohort_id) is None
    [row] = list(csv.reader(io.StringIO(export.csv_text)))[1:]
    assert row[0] == "'" + cohort.name and row[1] == "paired"
