"""`/mentor request @colleague` says only what concerns the asker: "in your reporting line" and the like,
and a neutral "not available right now" for a colleague's own state (paused, full, declined, left)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.demo.slack_standin import SlackStandIn
from bot.rules.matching.disclosure import NOT_AVAILABLE_TEXT, told_to_asker
from bot.rules.matching.facts import (
    BlockReason,
    CopilotFacts,
    MatchHistory,
    MatchRules,
    MenteeFacts,
    OrgChart,
    explain_block,
)
from tests.flows.copilots import all_text, request_values
from tests.harness import RunningBot
from tests.worlds.line import BOSS, MENTEE, PEER

NEUTRAL = "isn't available as a copilot right now"
ME = MenteeFacts(request_id=1, person_id=1, topics=frozenset({"x"}), team="a", level=3, utc_offset_minutes=0)
FREE = CopilotFacts(
    person_id=2, topics=frozenset({"x"}), team="b", level=3, utc_offset_minutes=0, capacity=2, current_load=0
)
FLAT, RULES = OrgChart({}), MatchRules()
BOSS_OF_ME = OrgChart({1: 2, 2: None})


def _note(bot: RunningBot, slack: SlackStandIn, colleague: str) -> str:
    before = len(slack.calls_to("views.update"))
    bot.command(f"request <@{colleague}>", user=MENTEE)
    return all_text(slack.wait_for("views.update", before + 1)[-1].args["view"])


def test_a_paused_colleague_reads_as_not_available_not_as_paused(
    org: RunningBot,
    slack: SlackStandIn,
):
    org.command("volunteer off", user=PEER)
    note = _note(org, slack, PEER)
    assert NEUTRAL in note and "paused" not in note.lower()
    opened = slack.calls_to("views.open")[-1].args["view"]
    reply = org.submit(opened, request_values(copilot=PEER), user=MENTEE).json()
    assert NEUTRAL in reply["errors"]["copilot"] and "paused" not in reply["errors"]["copilot"]


def test_the_askers_own_reason_comes_first_and_says_nothing_of_the_colleagues_state(
    org: RunningBot,
    slack: SlackStandIn,
):
    org.command("volunteer off", user=BOSS)  # Bea is Mia's manager's manager, and has now paused
    note = _note(org, slack, BOSS)
    assert "is in your reporting line" in note and "paused" not in note.lower()


@pytest.mark.parametrize(
    ("volunteer", "history", "mentee"),
    [
        (replace(FREE, paused=True), MatchHistory(), ME),
        (replace(FREE, current_load=2), MatchHistory(), ME),
        (replace(FREE, deactivated=True), MatchHistory(), ME),
        (replace(FREE, is_guest=True), MatchHistory(), ME),
        (FREE, MatchHistory(recently_declined=frozenset({(1, 2)})), ME),
    ],
    ids=["paused", "full", "left", "colleague_is_a_guest", "declined_recently"],
)
def test_a_colleagues_own_state_is_never_named(volunteer, history, mentee):
    assert told_to_asker(mentee, volunteer, FLAT, history, RULES) == NOT_AVAILABLE_TEXT


def test_what_concerns_the_asker_is_said_whatever_the_colleagues_state():
    for colleague in (FREE, replace(FREE, paused=True), replace(FREE, current_load=2)):
        said = told_to_asker(ME, colleague, BOSS_OF_ME, MatchHistory(), RULES)
        assert said == explain_block(BlockReason.REPORTING_LINE, "{name}")
    assert told_to_asker(replace(ME, is_guest=True), FREE, FLAT, MatchHistory(), RULES) == explain_block(
        BlockReason.GUEST, "{name}"
    )
    paired = MatchHistory(current_pairs=frozenset({(1, 2)}))
    assert told_to_asker(ME, replace(FREE, paused=True), FLAT, paired, RULES) == explain_block(
        BlockReason.ALREADY_PAIRED, "{name}"
    )
    assert told_to_asker(ME, FREE, FLAT, MatchHistory(), RULES) is None


def test_a_typo_never_points_a_non_admin_at_the_admin_tools(bot: RunningBot):
    for typo in ("admn", "adimn", "admin topcs", "admin setings"):
        before = len(bot.slack.calls_to("response_url"))
        reply = bot.command(typo, user="U1")
        said = reply.text
        if typo.startswith("admin "):
            said += str(bot.slack.wait_for("response_url", before + 1)[-1].args)
        assert "Did you mean `/mentor admin" not in said and "Did you mean /mentor admin" not in said, typo
        assert "topics" not in said and "settings" not in said.replace("setings", ""), typo
