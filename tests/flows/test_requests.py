"""Asking for a copilot: the form, one open request per person, status and cancel, named colleagues, rounds."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.copilots.rounds import run_round
from bot.demo.slack_standin import SlackStandIn
from storage.models import MentoringRequest, Offer, OutboxMessage
from tests.flows.copilots import (
    all_text,
    buttons,
    dms_to,
    eventually,
    offers_for,
    open_form,
    request_row,
    request_values,
    request_via_form,
    tick,
)
from tests.harness import RunningBot
from tests.worlds import make
from tests.worlds.line import ADMIN, BOSS, MENTEE, OTHER, PEER


def responses(slack: SlackStandIn) -> list[dict]:
    return [c.args for c in slack.calls_to("response_url")]


def test_form_errors_are_shown_on_their_fields_and_nothing_is_stored(org: RunningBot):
    view = open_form(org, "request", MENTEE)
    assert view["callback_id"] == "request_form" and len(view["title"]["text"]) <= 24
    assert "Your goals will be shown to the proposed copilot." in all_text(view)
    reply = org.submit(view, request_values(goals="help me", topics=()), user=MENTEE).json()
    assert reply["response_action"] == "errors"
    assert set(reply["errors"]) == {"goals", "topics"}
    assert "at least 20 characters" in reply["errors"]["goals"]
    too_long = org.submit(view, request_values(goals="x" * 2001, length="y" * 101), user=MENTEE).json()
    assert set(too_long["errors"]) == {"goals", "length"}
    with org.runtime.db.transaction() as session:
        assert session.scalar(select(MentoringRequest.id)) is None


def test_one_open_request_per_person_and_status_with_cancel(org: RunningBot, slack: SlackStandIn):
    request_id = request_via_form(org, MENTEE, topics=("Public speaking",))
    tick(org)
    [offer] = offers_for(org, request_id)
    assert len(dms_to(slack, PEER)) == 1

    org.command("request", user=MENTEE)
    again = eventually(lambda: responses(slack))[-1]
    assert "You already have an open request" in all_text(again)
    assert buttons(again) == {"request_cancel": str(request_id)}
    assert len(slack.calls_to("views.open")) == 1  # no second form

    org.command("status", user=MENTEE)
    status = eventually(lambda: len(responses(slack)) >= 2 and responses(slack))[-1]
    assert "waiting for their answer" in all_text(status) and "Public speaking" in all_text(status)

    org.click("request_cancel", user=OTHER, value=str(request_id))
    assert (
        "only they can cancel"
        in eventually(lambda: len(responses(slack)) >= 3 and responses(slack))[-1]["text"]
    )
    assert request_row(org, request_id).status == "offered"

    org.click("request_cancel", user=MENTEE, value=str(request_id))
    done = eventually(lambda: len(responses(slack)) >= 4 and responses(slack))[-1]
    assert "cancelled" in done["text"] and done["replace_original"] in (True, "true")
    assert request_row(org, request_id).status == "cancelled"
    assert offers_for(org, request_id)[0].status == "withdrawn"
    tick(org)
    assert "withdrawn" in dms_to(slack, PEER)[-1]["text"]

    org.click("request_cancel", user=MENTEE, value=str(request_id))
    assert "already closed" in eventually(lambda: len(responses(slack)) >= 5 and responses(slack))[-1]["text"]
    # The copilot's old Accept button changes nothing now.
    org.click("offer_accept", user=PEER, value=str(offer.id))
    assert "withdrawn" in eventually(lambda: len(responses(slack)) >= 6 and responses(slack))[-1]["text"]

    # With the old one closed, a new request is welcome.
    assert request_via_form(org, MENTEE, topics=("Public speaking",), newer_than=request_id)


def test_a_named_copilot_in_the_reporting_line_is_explained_kindly(org: RunningBot, slack: SlackStandIn):
    org.command(f"request <@{BOSS}|bea>", user=MENTEE)
    opened = slack.wait_for("views.open")[0].args["view"]
    copilot = next(b for b in opened["blocks"] if b.get("block_id") == "copilot")
    assert copilot["element"]["initial_user"] == BOSS
    updated = slack.wait_for("views.update")[0].args
    note = all_text(updated["view"])
    assert "Bea is in your reporting line" in note

    reply = org.submit(opened, request_values(copilot=BOSS), user=MENTEE).json()
    assert "reporting line" in reply["errors"]["copilot"]


def test_when_nobody_fits_the_request_waits_and_admins_get_counts_only(org: RunningBot, slack: SlackStandIn):
    # Pete pauses, so the only volunteer left is Mia's manager's manager.
    org.command("volunteer off", user=PEER)
    assert "paused" in eventually(lambda: responses(slack))[0]["text"]
    request_id = request_via_form(org, MENTEE, goals="Learn to give hard feedback kindly to my team")
    assert request_row(org, request_id).status == "open"
    assert offers_for(org, request_id) == []
    tick(org)
    assert not any("offer_accept" in buttons(m) for m in dms_to(slack, BOSS))  # no offer for Bea
    assert "Nobody is available right now" in dms_to(slack, MENTEE)[-1]["text"]
    [admin_note] = [m for m in dms_to(slack, ADMIN) if "copilot request" in m["text"]]
    text = all_text(admin_note)
    assert "1 copilot request is waiting" in text
    assert "Mia" not in text and MENTEE not in text and "feedback" not in text.lower()


def test_a_named_colleague_who_never_volunteered_still_gets_asked(org: RunningBot, slack: SlackStandIn):
    view = open_form(org, "request @olu", MENTEE)
    assert (
        next(b for b in view["blocks"] if b.get("block_id") == "copilot")["element"]["initial_user"] == OTHER
    )
    assert slack.calls_to("views.update") == []
    org.submit(view, request_values(copilot=OTHER, topics=("Public speaking",)), user=MENTEE)
    request_id = eventually(lambda: org_request(org))
    tick(org)
    [offer] = offers_for(org, request_id)
    copilot_dm = dms_to(slack, OTHER)[0]
    assert "asked for you by name" in all_text(copilot_dm)
    assert buttons(copilot_dm)["offer_accept"] == str(offer.id)


def org_request(bot: RunningBot) -> int | None:
    with bot.runtime.db.transaction() as session:
        return session.scalar(select(MentoringRequest.id))


def test_unknown_handle_opens_the_form_and_says_so(org: RunningBot, slack: SlackStandIn):
    view = open_form(org, "request @nobody-here", MENTEE)
    assert "initial_user" not in next(b for b in view["blocks"] if b.get("block_id") == "copilot")["element"]
    assert "couldn't find @nobody-here" in eventually(lambda: responses(slack))[0]["text"]


def _waiting_requests(bot: RunningBot, slack: SlackStandIn, count: int) -> list[int]:
    """`count` open requests nobody has been asked for yet (as after a quiet week)."""
    now = bot.clock.now()
    ids = []
    with bot.runtime.db.transaction() as session:
        for i in range(count):
            mentee = make.person(session, f"UNEW{i}", now, name=f"new{i}", slack=slack, org_team="Sales")
            request = MentoringRequest(
                team_id=bot.team_id,
                mentee_id=mentee.id,
                goals="Grow into presenting to the whole company",
                topics=["Public speaking"],
                cadence="biweekly",
                status="open",
                created_at=now,
            )
            session.add(request)
            session.flush()
            ids.append(request.id)
    return ids


def _snapshot(bot: RunningBot) -> tuple[list, int]:
    with bot.runtime.db.transaction() as session:
        statuses = list(
            session.execute(
                select(MentoringRequest.id, MentoringRequest.status).order_by(MentoringRequest.id)
            )
        )
        return [tuple(r) for r in statuses], len(list(session.scalars(select(OutboxMessage.id))))


def test_match_round_dry_run_prints_pairs_and_changes_nothing(
    org: RunningBot, slack: SlackStandIn, database_url: str, monkeypatch, tmp_path, capsys
):
    from bot.cli import main

    ids = _waiting_requests(org, slack, 4)  # Pete can take two, Bea one
    before = _snapshot(org)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "test-signing-secret")
    monkeypatch.setenv("SLACK_API_URL", slack.api_url)
    assert main(["match", "--round", "--dry-run", "--team", org.team_id]) == 0
    out = capsys.readouterr().out
    assert "DRY RUN" in out and "3 would be offered, 1 still waiting" in out
    assert (
        out.count("-> Pete") == 2
        and out.count("-> Bea") == 1
        and "You both care about Public speaking." in out
    )
    assert _snapshot(org) == before
    assert main(["match", "--round", "--dry-run", "--team", org.team_id]) == 0
    assert capsys.readouterr().out == out  # the same seed proposes the same round

    report = run_round(org.runtime, org.team_id)
    assert len(report.pairs) == 3 and len(report.waiting) == 1
    statuses = dict(_snapshot(org)[0])
    assert sorted(statuses[i] for i in ids) == ["offered", "offered", "offered", "open"]
    tick(org)
    tick(org)  # two offers to one person go out a moment apart
    assert len(dms_to(slack, PEER)) == 2
    assert run_round(org.runtime, org.team_id).pairs == ()  # nothing left that anyone fits


def test_admin_runs_a_round_from_app_home(org: RunningBot, slack: SlackStandIn):
    _waiting_requests(org, slack, 1)
    org.event({"type": "app_home_opened", "user": ADMIN, "tab": "home"})
    home = all_text(slack.wait_for("views.publish")[0].args["view"])
    assert "1* request waiting" in home and "Run a matching round" in home

    org.click("matching_round", user=MENTEE, value="round")
    assert "Only program admins" in eventually(lambda: dms_to(slack, MENTEE))[0]["text"]
    with org.runtime.db.transaction() as session:
        assert session.scalar(select(Offer.id)) is None

    org.click("matching_round", user=ADMIN, value="round")
    assert "1 copilot asked, 0 requests still waiting" in eventually(lambda: dms_to(slack, ADMIN))[0]["text"]
    home = all_text(slack.wait_for("views.publish", 2)[-1].args["view"])
    assert "0* requests waiting" in home and "1* offer waiting" in home
    org.clock.advance(timedelta(minutes=1))
