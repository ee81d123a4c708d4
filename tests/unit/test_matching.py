"""Copilot matching: hard rules, explained scores, ranking and whole-round assignment."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from bot.rules.matching import listing, pricing, repair, rounds
from bot.rules.matching.candidates import choose_thresholds
from bot.rules.matching.columns import CopilotPool, MenteeTable, history_keys
from bot.rules.matching.explanations import explained_scores
from bot.rules.matching.facts import (
    LIFETIME_RULES,
    BlockReason,
    CopilotFacts,
    MatchHistory,
    MatchRules,
    MenteeFacts,
    OrgChart,
    blocking_reason,
    explain_block,
    find_manager_cycles,
    in_reporting_line,
    standing_reason,
)
from bot.rules.matching.listing import candidate_graph
from bot.rules.matching.pairs import Pairs
from bot.rules.matching.ranking import rank_candidates, score_match
from bot.rules.matching.round_input import RoundInput
from bot.rules.matching.rounds import RoundResult, assign_round, greedy_round, reprice, solve_optimally
from bot.rules.matching.scoring import MATCH_BONUS, MAX_SCORE
from bot.rules.matching.solver import best_assignment, check_duals, dual_prices
from tests.matching_worlds import (
    all_allowed_pairs,
    build_world,
    check_exact_round,
    check_round,
    exact_objective,
)

NO_HISTORY = MatchHistory()
RULES = MatchRules()
FLAT_ORG = OrgChart({})


def mentee(person_id: int = 1, request_id: int | None = None, **changes: object) -> MenteeFacts:
    base = MenteeFacts(
        request_id=request_id if request_id is not None else 1000 + person_id,
        person_id=person_id,
        topics=frozenset({"code review", "public speaking"}),
        team="payments",
        level=3,
        utc_offset_minutes=0,
    )
    return replace(base, **changes)


def volunteer(person_id: int = 2, **changes: object) -> CopilotFacts:
    base = CopilotFacts(
        person_id=person_id,
        topics=frozenset({"code review", "public speaking"}),
        team="search",
        level=3,
        utc_offset_minutes=0,
        capacity=2,
        current_load=0,
    )
    return replace(base, **changes)


def block(
    m: MenteeFacts | None = None,
    v: CopilotFacts | None = None,
    org: OrgChart = FLAT_ORG,
    history: MatchHistory = NO_HISTORY,
    rules: MatchRules = RULES,
) -> BlockReason | None:
    return blocking_reason(m or mentee(), v or volunteer(), org, history, rules)


# --- Hard rules ------------------------------------------------------------------------------------

# 1 <- 2 <- 3 <- 4 (4 reports to 3, 3 to 2, 2 to 1)
CHAIN = OrgChart({1: None, 2: 1, 3: 2, 4: 3})


def test_an_ordinary_pair_is_allowed() -> None:
    assert block() is None


def test_self_is_blocked_even_when_they_volunteer() -> None:
    assert block(mentee(person_id=7), volunteer(person_id=7)) is BlockReason.SELF


def test_own_manager_is_blocked() -> None:
    assert block(mentee(person_id=4), volunteer(person_id=3), org=CHAIN) is BlockReason.REPORTING_LINE


def test_managers_manager_is_blocked_with_unlimited_depth() -> None:
    assert block(mentee(person_id=4), volunteer(person_id=1), org=CHAIN) is BlockReason.REPORTING_LINE


def test_a_manager_never_mentors_a_report_whatever_the_depth() -> None:
    """The depth setting cannot drop any of the mentee's managers: 3 is 4's manager, 2 and 1 above."""
    for depth in (1, 2, 3, None):
        rules = MatchRules(reporting_line_depth=depth)
        for manager in (3, 2, 1):
            assert block(mentee(person_id=4), volunteer(person_id=manager), CHAIN, rules=rules) is (
                BlockReason.REPORTING_LINE
            ), (depth, manager)
            assert in_reporting_line(CHAIN, 4, manager, depth)


def test_depth_limits_how_far_down_the_mentees_reports_are_blocked() -> None:
    two_levels = MatchRules(reporting_line_depth=2)
    assert block(mentee(person_id=1), volunteer(person_id=3), CHAIN, rules=two_levels) is (
        BlockReason.REPORTING_LINE
    )
    assert block(mentee(person_id=1), volunteer(person_id=4), CHAIN, rules=two_levels) is None
    assert in_reporting_line(CHAIN, 1, 3, 2) and not in_reporting_line(CHAIN, 1, 4, 2)


def test_an_unknown_manager_is_never_no_manager() -> None:
    """2 was forgotten: 3 and 4 (below it) are matched with nobody until an admin sets the chart."""
    org = OrgChart({1: None, 2: None, 3: 2, 4: 3, 5: None}, unknown=frozenset({2}))
    assert block(mentee(person_id=4), volunteer(person_id=5), org) is BlockReason.MANAGER_UNKNOWN
    assert block(mentee(person_id=5), volunteer(person_id=3), org) is BlockReason.MANAGER_UNKNOWN
    assert block(mentee(person_id=5), volunteer(person_id=1), org) is None
    pool = [volunteer(person_id=p) for p in (1, 3, 5)]
    assert [
        c.volunteer_id for c in rank_candidates(mentee(person_id=4), pool, org, MatchHistory(), RULES)
    ] == []
    assert {
        c.volunteer_id for c in rank_candidates(mentee(person_id=5), pool, org, MatchHistory(), RULES)
    } == {1}


def test_a_report_is_blocked_downward_too() -> None:
    assert block(mentee(person_id=1), volunteer(person_id=4), org=CHAIN) is BlockReason.REPORTING_LINE


def test_peers_under_one_manager_are_not_in_each_others_line() -> None:
    org = OrgChart({1: None, 2: 1, 3: 1})
    assert block(mentee(person_id=2), volunteer(person_id=3), org=org) is None


def test_full_copilot_is_blocked() -> None:
    assert block(v=volunteer(capacity=2, current_load=2)) is BlockReason.NO_CAPACITY


def test_paused_copilot_is_blocked() -> None:
    assert block(v=volunteer(paused=True)) is BlockReason.PAUSED


def test_deactivated_copilot_is_blocked() -> None:
    assert block(v=volunteer(deactivated=True)) is BlockReason.DEACTIVATED


def test_bot_is_blocked() -> None:
    assert block(v=volunteer(is_bot=True)) is BlockReason.BOT


def test_guests_are_blocked_unless_allowed() -> None:
    assert block(v=volunteer(is_guest=True)) is BlockReason.GUEST
    assert block(m=mentee(is_guest=True)) is BlockReason.GUEST
    allow = MatchRules(allow_guests=True)
    assert block(mentee(is_guest=True), volunteer(is_guest=True), rules=allow) is None


def test_recent_decline_is_blocked() -> None:
    history = MatchHistory(recently_declined=frozenset({(1, 2)}))
    assert (
        block(mentee(person_id=1), volunteer(person_id=2), history=history) is BlockReason.RECENTLY_DECLINED
    )
    assert block(mentee(person_id=1), volunteer(person_id=3), history=history) is None


def test_current_pair_is_blocked() -> None:
    history = MatchHistory(current_pairs=frozenset({(1, 2)}))
    assert block(mentee(person_id=1), volunteer(person_id=2), history=history) is BlockReason.ALREADY_PAIRED


def test_time_zone_gap_over_the_limit_is_blocked() -> None:
    london, tokyo, new_york = 0, 9 * 60, -5 * 60
    assert (
        block(mentee(utc_offset_minutes=london), volunteer(utc_offset_minutes=tokyo))
        is BlockReason.TIME_ZONE_GAP
    )
    assert block(mentee(utc_offset_minutes=london), volunteer(utc_offset_minutes=new_york)) is None
    # Auckland (+13) and Honolulu (-10) are 23 hours apart on paper but 1 hour apart on the clock.
    assert block(mentee(utc_offset_minutes=13 * 60), volunteer(utc_offset_minutes=-10 * 60)) is None


@pytest.mark.parametrize(
    ("preference", "mentee_team", "volunteer_team", "open_to_other_teams", "blocked"),
    [
        ("same", "payments", "search", True, True),
        ("same", "payments", "payments", True, False),
        ("same", None, None, True, True),
        ("other", "payments", "payments", True, True),
        ("other", "payments", "search", True, False),
        ("either", "payments", "search", False, True),
        ("either", "payments", "payments", False, False),
        ("either", "payments", "search", True, False),
    ],
)
def test_team_preference(
    preference: str,
    mentee_team: str | None,
    volunteer_team: str | None,
    open_to_other_teams: bool,
    blocked: bool,
) -> None:
    m = mentee(team=mentee_team, team_preference=preference)
    v = volunteer(team=volunteer_team, open_to_other_teams=open_to_other_teams)
    assert block(m, v) is (BlockReason.TEAM_PREFERENCE if blocked else None)


def test_every_reason_has_a_kind_named_explanation() -> None:
    for reason in BlockReason:
        text = explain_block(reason, "Sam")
        assert text.endswith(".") and "{" not in text
        if reason is not BlockReason.SELF:
            assert "Sam" in text
    assert explain_block(BlockReason.REPORTING_LINE, "Sam").startswith("Sam is in your reporting line.")
    assert "Sam is already mentoring as many people as they offered to" in explain_block(
        BlockReason.NO_CAPACITY, "Sam"
    )


# --- Hard rules: edges (the mutation pass, issue 17) ---------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "depth"),
    [(0, 24, None), (0, 1, 0), (23, 24, 3), (9, 17, 1)],
)
def test_match_rules_accept_the_edges_of_the_workday_and_depth(
    start: int, end: int, depth: int | None
) -> None:
    rules = MatchRules(workday_start_hour=start, workday_end_hour=end, reporting_line_depth=depth)
    assert (rules.workday_start_hour, rules.workday_end_hour) == (start, end)


@pytest.mark.parametrize(
    ("start", "end", "depth", "message"),
    [
        (-1, 17, None, "workday must satisfy 0 <= start hour < end hour <= 24"),
        (9, 9, None, "workday must satisfy 0 <= start hour < end hour <= 24"),
        (10, 9, None, "workday must satisfy 0 <= start hour < end hour <= 24"),
        (9, 25, None, "workday must satisfy 0 <= start hour < end hour <= 24"),
        (9, 17, -1, "reporting_line_depth must be None or >= 0"),
    ],
)
def test_match_rules_refuse_a_broken_workday_or_a_negative_depth(
    start: int, end: int, depth: int | None, message: str
) -> None:
    with pytest.raises(ValueError) as raised:
        MatchRules(workday_start_hour=start, workday_end_hour=end, reporting_line_depth=depth)
    assert str(raised.value) == message


def test_reporting_line_depth_counts_levels_exactly() -> None:
    assert CHAIN.reporting_line(4) == (3, 2, 1)
    assert CHAIN.reporting_line(4, depth=0) == ()
    assert CHAIN.reporting_line(4, depth=1) == (3,)
    assert CHAIN.reporting_line(4, depth=2) == (3, 2)
    assert CHAIN.reporting_line(4, depth=3) == (3, 2, 1)
    assert CHAIN.reporting_line(4, depth=9) == (3, 2, 1)
    assert CHAIN.reporting_line(1) == ()
    assert CHAIN.reporting_line(99) == ()


def test_a_self_managed_person_has_an_empty_line_and_no_reporting_block() -> None:
    org = OrgChart({5: 5, 6: None})
    assert org.reporting_line(5) == ()
    assert not in_reporting_line(org, 5, 5, None)
    assert block(mentee(person_id=5), volunteer(person_id=6), org=org) is None


def test_depth_zero_keeps_only_the_managers_out() -> None:
    """Depth 0: none of the mentee's reports are kept out, every manager still is."""
    zero = MatchRules(reporting_line_depth=0)
    for report in (2, 3, 4):
        assert block(mentee(person_id=1), volunteer(person_id=report), CHAIN, rules=zero) is None
        assert not in_reporting_line(CHAIN, 1, report, 0)
    for manager in (1, 2, 3):
        assert block(mentee(person_id=4), volunteer(person_id=manager), CHAIN, rules=zero) is (
            BlockReason.REPORTING_LINE
        )


def test_depth_one_keeps_out_the_direct_reports_only() -> None:
    one = MatchRules(reporting_line_depth=1)
    assert block(mentee(person_id=2), volunteer(person_id=3), CHAIN, rules=one) is BlockReason.REPORTING_LINE
    assert block(mentee(person_id=2), volunteer(person_id=4), CHAIN, rules=one) is None
    assert in_reporting_line(CHAIN, 2, 3, 1) and not in_reporting_line(CHAIN, 2, 4, 1)


def test_a_cycle_still_keeps_every_manager_in_it_out() -> None:
    """Bad data: 1 -> 2 -> 3 -> 1. Everyone in the loop manages everyone else, at any depth."""
    org = OrgChart({1: 2, 2: 3, 3: 1})
    for depth in (0, 1, None):
        rules = MatchRules(reporting_line_depth=depth)
        for m, v in ((1, 2), (1, 3), (2, 1), (3, 2)):
            assert block(mentee(person_id=m), volunteer(person_id=v), org, rules=rules) is (
                BlockReason.REPORTING_LINE
            ), (depth, m, v)
    assert not in_reporting_line(org, 1, 1, None)


def test_the_same_person_is_never_in_their_own_reporting_line() -> None:
    assert not in_reporting_line(CHAIN, 3, 3, None)
    assert not in_reporting_line(CHAIN, 3, 3, 0)


@pytest.mark.parametrize(
    ("a", "b", "broken"),
    [
        (0, 8 * 60, False),  # exactly the limit is allowed
        (0, 8 * 60 + 1, True),
        (8 * 60, 0, False),
        (0, -8 * 60 - 1, True),
        (0, 16 * 60, False),  # 16 hours ahead is 8 hours behind
        (0, 16 * 60 - 1, True),
        (12 * 60, -12 * 60, False),  # the same clock
        (14 * 60, -12 * 60, False),  # Kiribati and Baker Island: 26 hours apart on paper, 2 on the clock
        (0, 24 * 60, False),
    ],
)
def test_the_time_zone_gap_is_measured_round_the_clock_up_to_the_limit(a: int, b: int, broken: bool) -> None:
    reason = block(mentee(utc_offset_minutes=a), volunteer(utc_offset_minutes=b))
    assert reason is (BlockReason.TIME_ZONE_GAP if broken else None)


def test_the_time_zone_limit_is_in_hours_and_can_be_fractional() -> None:
    rules = MatchRules(max_tz_gap_hours=1.5)
    assert block(mentee(utc_offset_minutes=0), volunteer(utc_offset_minutes=90), rules=rules) is None
    assert block(mentee(utc_offset_minutes=0), volunteer(utc_offset_minutes=91), rules=rules) is (
        BlockReason.TIME_ZONE_GAP
    )
    zero = MatchRules(max_tz_gap_hours=0)
    assert block(mentee(utc_offset_minutes=60), volunteer(utc_offset_minutes=60), rules=zero) is None
    assert block(mentee(utc_offset_minutes=60), volunteer(utc_offset_minutes=61), rules=zero) is (
        BlockReason.TIME_ZONE_GAP
    )


def test_a_copilot_with_room_left_is_not_full() -> None:
    assert block(v=volunteer(capacity=2, current_load=1)) is None
    assert block(v=volunteer(capacity=2, current_load=3)) is BlockReason.NO_CAPACITY
    assert volunteer(capacity=2, current_load=3).remaining_capacity == 0
    assert volunteer(capacity=3, current_load=1).remaining_capacity == 2


def test_a_volunteer_closed_to_other_teams_still_takes_their_own_team() -> None:
    closed = volunteer(team="payments", open_to_other_teams=False)
    assert block(mentee(team="payments", team_preference="same"), closed) is None
    assert block(mentee(team="payments", team_preference="other"), closed) is BlockReason.TEAM_PREFERENCE
    assert block(mentee(team=None), volunteer(team=None, open_to_other_teams=False)) is (
        BlockReason.TEAM_PREFERENCE
    )
    # "other" with unknown teams: a shared team is not confirmed, so nothing is ruled out
    assert block(mentee(team=None, team_preference="other"), volunteer(team=None)) is None


# Everything broken at once, in the order blocking_reason reports it.
ALL_BROKEN_ORDER = [
    BlockReason.SELF,
    BlockReason.DEACTIVATED,
    BlockReason.BOT,
    BlockReason.GUEST,
    BlockReason.PAUSED,
    BlockReason.NO_CAPACITY,
    BlockReason.REPORTING_LINE,
    BlockReason.MANAGER_UNKNOWN,
    BlockReason.ALREADY_PAIRED,
    BlockReason.RECENTLY_DECLINED,
    BlockReason.TEAM_PREFERENCE,
    BlockReason.TIME_ZONE_GAP,
]


def _everything_broken() -> tuple[MenteeFacts, CopilotFacts, OrgChart, MatchHistory]:
    # 4 reports to 3 (the volunteer), whose own manager 9 is a forgotten account.
    org = OrgChart({4: 3, 3: 9}, unknown=frozenset({9}))
    m = mentee(person_id=4, is_guest=True, team="payments", team_preference="same", utc_offset_minutes=0)
    v = volunteer(
        person_id=3,
        deactivated=True,
        is_bot=True,
        is_guest=True,
        paused=True,
        capacity=1,
        current_load=1,
        team="search",
        utc_offset_minutes=10 * 60,
    )
    history = MatchHistory(recently_declined=frozenset({(4, 3)}), current_pairs=frozenset({(4, 3)}))
    return m, v, org, history


def test_each_rule_reports_its_own_reason_in_order() -> None:
    """Ignoring the rules reported so far, the next one comes out: each rule has its own reason."""
    m, v, org, history = _everything_broken()
    ignored: frozenset[BlockReason] = frozenset()
    for expected in ALL_BROKEN_ORDER[1:]:
        ignored |= {ALL_BROKEN_ORDER[ALL_BROKEN_ORDER.index(expected) - 1]}
        assert blocking_reason(m, v, org, history, RULES, ignore=ignored) is expected, expected
    assert blocking_reason(m, v, org, history, RULES, ignore=frozenset(ALL_BROKEN_ORDER)) is None
    self_pair = replace(v, person_id=4)
    assert blocking_reason(m, self_pair, org, history, RULES) is BlockReason.SELF


def test_each_rule_alone_is_the_reason_given() -> None:
    cases = [
        (mentee(), volunteer(deactivated=True), FLAT_ORG, NO_HISTORY, BlockReason.DEACTIVATED),
        (mentee(), volunteer(is_bot=True), FLAT_ORG, NO_HISTORY, BlockReason.BOT),
        (mentee(), volunteer(paused=True), FLAT_ORG, NO_HISTORY, BlockReason.PAUSED),
        (mentee(), volunteer(capacity=1, current_load=1), FLAT_ORG, NO_HISTORY, BlockReason.NO_CAPACITY),
        (
            mentee(person_id=1),
            volunteer(person_id=2),
            OrgChart({1: 9}, unknown=frozenset({9})),
            NO_HISTORY,
            BlockReason.MANAGER_UNKNOWN,
        ),
        (
            mentee(person_id=1),
            volunteer(person_id=2),
            OrgChart({2: 9}, unknown=frozenset({9})),
            NO_HISTORY,
            BlockReason.MANAGER_UNKNOWN,
        ),
    ]
    for m, v, org, history, expected in cases:
        assert block(m, v, org, history) is expected, expected


def test_ignore_skips_only_the_named_rules() -> None:
    history = MatchHistory(recently_declined=frozenset({(1, 2)}))
    m, v = mentee(person_id=1), volunteer(person_id=2)
    assert blocking_reason(m, v, FLAT_ORG, history, RULES) is BlockReason.RECENTLY_DECLINED
    assert (
        blocking_reason(m, v, FLAT_ORG, history, RULES, ignore=frozenset({BlockReason.RECENTLY_DECLINED}))
        is None
    )
    assert (
        blocking_reason(m, v, FLAT_ORG, history, RULES, ignore=frozenset({BlockReason.PAUSED}))
        is BlockReason.RECENTLY_DECLINED
    )


def test_standing_reason_reports_only_the_lifetime_rules_in_order() -> None:
    assert {
        BlockReason.SELF,
        BlockReason.DEACTIVATED,
        BlockReason.BOT,
        BlockReason.GUEST,
        BlockReason.REPORTING_LINE,
    } == LIFETIME_RULES
    m, v, org, _ = _everything_broken()
    assert standing_reason(m, v, org, RULES) is BlockReason.DEACTIVATED
    v = replace(v, deactivated=False)
    assert standing_reason(m, v, org, RULES) is BlockReason.BOT
    v = replace(v, is_bot=False)
    assert standing_reason(m, v, org, RULES) is BlockReason.GUEST
    assert standing_reason(m, v, org, MatchRules(allow_guests=True)) is BlockReason.REPORTING_LINE
    v = replace(v, is_guest=False)
    m = replace(m, is_guest=False)
    assert standing_reason(m, v, org, RULES) is BlockReason.REPORTING_LINE
    # paused, full, a forgotten manager, a team or a time zone do not end a pairing
    assert standing_reason(m, replace(v, person_id=5), org, RULES) is None
    assert standing_reason(m, replace(v, person_id=4), org, RULES) is BlockReason.SELF


def test_standing_reason_follows_the_reporting_line_depth() -> None:
    """The reporting line in a standing pairing: managers always, reports only within the depth."""
    one = MatchRules(reporting_line_depth=1)
    assert standing_reason(mentee(person_id=4), volunteer(person_id=1), CHAIN, one) is (
        BlockReason.REPORTING_LINE
    )
    assert standing_reason(mentee(person_id=1), volunteer(person_id=2), CHAIN, one) is (
        BlockReason.REPORTING_LINE
    )
    assert standing_reason(mentee(person_id=1), volunteer(person_id=3), CHAIN, one) is None
    assert standing_reason(mentee(person_id=1), volunteer(person_id=3), CHAIN, RULES) is (
        BlockReason.REPORTING_LINE
    )


# --- Org chart cycles ------------------------------------------------------------------------------


def test_find_manager_cycles_reports_each_cycle_once() -> None:
    managers = {1: 2, 2: 3, 3: 1, 4: 1, 5: 5, 6: None, 7: 6, 8: 9, 9: 8}
    assert find_manager_cycles(managers) == [[1, 2, 3], [5], [8, 9]]
    assert find_manager_cycles({1: None, 2: 1}) == []


def test_chain_walks_stop_on_a_cycle() -> None:
    org = OrgChart({1: 2, 2: 3, 3: 1, 4: 1})
    assert org.reporting_line(4) == (1, 2, 3)
    assert org.reporting_line(1) == (2, 3)
    assert org.reports_under(1) == {2, 3, 4}
    assert in_reporting_line(org, 4, 3, None)
    assert not in_reporting_line(org, 4, 99, None)
    assert block(mentee(person_id=4), volunteer(person_id=99), org=org) is None


# --- Scores ----------------------------------------------------------------------------------------


def test_a_perfect_match_scores_the_maximum_and_explains_every_part() -> None:
    score = score_match(mentee(), volunteer(), NO_HISTORY, RULES)
    assert score.total == MAX_SCORE == 100
    assert [p.key for p in score.parts] == ["topics", "working_hours", "level", "team", "load", "new_pair"]
    assert sum(p.points for p in score.parts) == pytest.approx(score.total)
    assert score.part("topics").reason == "You both care about code review and public speaking."
    assert score.part("working_hours").reason == "Your working days line up completely (8 hours)."
    assert score.part("new_pair").reason == "You haven't been paired before."


def test_many_pairs_explained_at_once_read_as_each_pair_alone() -> None:
    # explained_scores puts each distinct part into words once for a whole round; every pair must
    # still read exactly as score_match words it alone. Unknown teams and levels, loads and
    # capacities vary, so pairs that differ only in one of them sit side by side.
    world = build_world(300, 80, seed=11)
    rng = np.random.default_rng(11)
    mentees = [
        replace(m, team=None if rng.random() < 0.2 else m.team, level=None if rng.random() < 0.2 else m.level)
        for m in world.mentees
    ]
    volunteers = [
        replace(
            v,
            team=None if rng.random() < 0.2 else v.team,
            level=None if rng.random() < 0.1 else v.level,
            capacity=int(rng.integers(0, 4)),
            current_load=int(rng.integers(0, 3)),
        )
        for v in world.volunteers
    ]
    pool = CopilotPool.build(volunteers)
    table = MenteeTable.build(mentees, pool)
    m = np.repeat(np.arange(len(mentees)), len(volunteers))
    v = np.tile(np.arange(len(volunteers)), len(mentees))
    past = history_keys(world.history.past_pairs, table, pool)
    together = explained_scores(table, m, pool, v, past, RULES)
    assert len({id(score) for score in together}) < len(together) // 2  # shared, not one per pair
    for i in rng.choice(m.size, size=1500, replace=False).tolist():
        alone = score_match(mentees[m[i]], volunteers[v[i]], world.history, RULES)
        assert together[i] == alone
        assert type(together[i].total) is float
        assert all(type(part.points) is float for part in together[i].parts)


def test_score_parts_follow_the_facts() -> None:
    m = mentee(topics=frozenset({"code review", "public speaking", "hiring"}), level=3)
    v = volunteer(topics=frozenset({"code review"}), utc_offset_minutes=-2 * 60, level=5, current_load=1)
    history = MatchHistory(past_pairs=frozenset({(m.person_id, v.person_id)}))
    score = score_match(m, v, history, RULES)
    assert score.part("topics").points == pytest.approx(35 / 3, abs=0.01)
    assert score.part("topics").reason == "You both care about code review."
    assert score.part("working_hours").points == pytest.approx(15.0)
    assert score.part("working_hours").reason == "Your working days overlap by 6 hours."
    assert score.part("level").points == pytest.approx(7.5)
    assert score.part("load").points == pytest.approx(5.0)
    assert score.part("load").reason == "The copilot is mentoring 1 of up to 2 people right now."
    assert score.part("new_pair").points == 0
    assert score.part("new_pair").reason == "You've been paired before."
    assert 0 <= score.total <= MAX_SCORE


def test_prefer_senior_rewards_a_copilot_one_or_two_levels_ahead() -> None:
    senior = MatchRules(prefer_senior=True)
    ahead = score_match(mentee(level=3), volunteer(level=5), NO_HISTORY, senior).part("level")
    peer = score_match(mentee(level=3), volunteer(level=3), NO_HISTORY, senior).part("level")
    assert ahead.points == 15 and peer.points < ahead.points
    assert "2 levels ahead" in ahead.reason
    peers_preferred = score_match(mentee(level=3), volunteer(level=5), NO_HISTORY, RULES).part("level")
    assert (
        peers_preferred.points
        < score_match(mentee(level=3), volunteer(level=3), NO_HISTORY, RULES).part("level").points
    )


def test_no_overlapping_hours_scores_zero_for_hours() -> None:
    part = score_match(
        mentee(utc_offset_minutes=0), volunteer(utc_offset_minutes=12 * 60), NO_HISTORY, RULES
    ).part("working_hours")
    assert part.points == 0
    assert "don't overlap" in part.reason


# --- Ranking ---------------------------------------------------------------------------------------


def test_ranking_is_best_first_and_skips_blocked_volunteers() -> None:
    volunteers = [
        volunteer(10, topics=frozenset({"hiring"})),
        volunteer(11),
        volunteer(12, paused=True),
        volunteer(13, current_load=1),
        volunteer(1),  # the mentee themselves
    ]
    ranked = rank_candidates(mentee(person_id=1), volunteers, FLAT_ORG, NO_HISTORY, RULES)
    assert [c.volunteer_id for c in ranked] == [11, 13, 10]
    assert [c.score.total for c in ranked] == sorted((c.score.total for c in ranked), reverse=True)
    assert (
        rank_candidates(mentee(person_id=1), volunteers, FLAT_ORG, NO_HISTORY, RULES, limit=1)[0].volunteer_id
        == 11
    )


def test_ties_are_broken_by_the_seed_deterministically() -> None:
    volunteers = [volunteer(person_id) for person_id in range(10, 40)]  # all identical scores

    def order(seed: int) -> list[int]:
        rules = MatchRules(seed=seed)
        return [
            c.volunteer_id
            for c in rank_candidates(mentee(), volunteers, FLAT_ORG, NO_HISTORY, rules, limit=30)
        ]

    assert order(0) == order(0)
    assert order(0) != order(1)
    assert sorted(order(0)) == list(range(10, 40))
    assert order(0) == [
        c.volunteer_id
        for c in rank_candidates(
            mentee(), CopilotPool.build(volunteers), FLAT_ORG, NO_HISTORY, MatchRules(seed=0), limit=30
        )
    ]


# --- Rounds ----------------------------------------------------------------------------------------


def test_round_beats_greedy_when_first_come_first_served_strands_someone() -> None:
    # Ana (asks first) likes Ben a bit more than Cy; Dee can only have Ben (Cy is her manager).
    ben = volunteer(20, capacity=1)
    cy = volunteer(30, capacity=1, level=4)
    ana = mentee(1, request_id=101)
    dee = mentee(2, request_id=102)
    org = OrgChart({2: 30})
    greedy = greedy_round([ana, dee], [ben, cy], org, NO_HISTORY, RULES)
    best = assign_round([ana, dee], [ben, cy], org, NO_HISTORY, RULES)

    assert [(p.request_id, p.volunteer_id) for p in greedy.pairs] == [(101, 20)]
    assert greedy.unmatched == (102,)
    assert [(p.request_id, p.volunteer_id) for p in best.pairs] == [(101, 30), (102, 20)]
    assert best.unmatched == ()
    ana_cy = score_match(ana, cy, NO_HISTORY, RULES).total
    dee_ben = score_match(dee, ben, NO_HISTORY, RULES).total
    assert (ana_cy, dee_ben) == (96.25, 100.0)  # Cy is one level apart: 15 x 0.75 level points
    assert best.total_score == 196.25 and greedy.total_score == 100.0
    assert best.objective == 196.25 + 2 * MATCH_BONUS


def test_round_prefers_a_higher_total_when_counts_are_equal() -> None:
    # Both can have either copilot; the optimum puts each with the copilot who shares their topic.
    a = mentee(1, topics=frozenset({"rust"}))
    b = mentee(2, topics=frozenset({"go"}))
    go = volunteer(20, topics=frozenset({"go", "rust"}), capacity=1)
    rust = volunteer(30, topics=frozenset({"rust"}), capacity=1, current_load=0)
    result = assign_round([a, b], [go, rust], FLAT_ORG, NO_HISTORY, RULES)
    assert {(p.mentee_id, p.volunteer_id) for p in result.pairs} == {(1, 30), (2, 20)}


def test_round_respects_remaining_capacity() -> None:
    mentees = [mentee(person_id) for person_id in range(1, 9)]
    volunteers = [volunteer(100, capacity=3, current_load=1), volunteer(101, capacity=1)]
    result = assign_round(mentees, volunteers, FLAT_ORG, NO_HISTORY, RULES)
    counts = {v: sum(p.volunteer_id == v for p in result.pairs) for v in (100, 101)}
    assert counts == {100: 2, 101: 1}
    assert len(result.unmatched) == 5
    assert sorted([p.request_id for p in result.pairs] + list(result.unmatched)) == [
        m.request_id for m in mentees
    ]


def test_round_never_pairs_someone_with_themselves() -> None:
    both = 5
    result = assign_round([mentee(both)], [volunteer(both)], FLAT_ORG, NO_HISTORY, RULES)
    assert result.pairs == () and result.unmatched == (1005,)


def test_round_is_deterministic() -> None:
    mentees = [mentee(p, topics=frozenset({"a", "b", "c"} - {"abc"[p % 3]})) for p in range(1, 30)]
    volunteers = [volunteer(100 + p, topics=frozenset({"abc"[p % 3]}), capacity=1 + p % 3) for p in range(12)]
    runs = [assign_round(mentees, volunteers, FLAT_ORG, NO_HISTORY, MatchRules(seed=3)) for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]


def test_empty_round() -> None:
    assert assign_round([], [], FLAT_ORG, NO_HISTORY, RULES) == RoundResult(pairs=(), unmatched=())
    assert assign_round([mentee()], [], FLAT_ORG, NO_HISTORY, RULES).unmatched == (1001,)


# --- Property test ---------------------------------------------------------------------------------

TOPICS = ("code review", "hiring", "public speaking", "rust", "career")
OFFSETS = (-480, -300, 0, 60, 330, 600)


@st.composite
def worlds(
    draw: st.DrawFn,
) -> tuple[list[MenteeFacts], list[CopilotFacts], OrgChart, MatchHistory, MatchRules]:
    people = draw(st.integers(2, 14))
    managers = {p: draw(st.one_of(st.none(), st.integers(0, people - 1))) for p in range(people)}
    person = st.integers(0, people - 1)
    topics = st.frozensets(st.sampled_from(TOPICS), max_size=3)
    team = st.one_of(st.none(), st.sampled_from(("a", "b", "c")))
    volunteer_ids = draw(st.lists(person, max_size=7, unique=True))
    volunteers = []
    for p in volunteer_ids:
        capacity = draw(st.integers(1, 5))
        volunteers.append(
            CopilotFacts(
                person_id=p,
                topics=draw(topics),
                team=draw(team),
                level=draw(st.one_of(st.none(), st.integers(1, 8))),
                utc_offset_minutes=draw(st.sampled_from(OFFSETS)),
                capacity=capacity,
                current_load=draw(st.integers(0, capacity)),
                open_to_other_teams=draw(st.booleans()),
                paused=draw(st.booleans()) and draw(st.booleans()),
                deactivated=draw(st.integers(0, 9)) == 0,
                is_bot=draw(st.integers(0, 9)) == 0,
                is_guest=draw(st.integers(0, 9)) == 0,
            )
        )
    mentees = [
        MenteeFacts(
            request_id=500 + i,
            person_id=draw(person),
            topics=draw(topics),
            team=draw(team),
            level=draw(st.one_of(st.none(), st.integers(1, 8))),
            utc_offset_minutes=draw(st.sampled_from(OFFSETS)),
            team_preference=draw(st.sampled_from(("same", "other", "either"))),
            is_guest=draw(st.integers(0, 9)) == 0,
        )
        for i in range(draw(st.integers(0, 9)))
    ]
    pairs = st.frozensets(st.tuples(person, person), max_size=6)
    history = MatchHistory(recently_declined=draw(pairs), current_pairs=draw(pairs), past_pairs=draw(pairs))
    rules = MatchRules(
        reporting_line_depth=draw(st.one_of(st.none(), st.integers(0, 3))),
        max_tz_gap_hours=draw(st.sampled_from((3.0, 8.0, 12.0))),
        allow_guests=draw(st.booleans()),
        prefer_senior=draw(st.booleans()),
        seed=draw(st.integers(0, 5)),
    )
    return mentees, volunteers, OrgChart(managers), history, rules


def exact_best_objective(mentees, volunteers, org, history, rules) -> float:
    """Independent check: linear_sum_assignment over one column per free seat plus a 'no copilot' column each."""
    seats = [v for v in volunteers for _ in range(v.remaining_capacity)]
    if not mentees:
        return 0.0
    value = np.full((len(mentees), len(seats) + len(mentees)), -1e9)
    for i, m in enumerate(mentees):
        value[i, len(seats) + i] = 0.0
        for j, v in enumerate(seats):
            if blocking_reason(m, v, org, history, rules) is None:
                value[i, j] = score_match(m, v, history, rules).total + MATCH_BONUS
    rows, cols = linear_sum_assignment(value, maximize=True)
    return float(value[rows, cols].sum())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_round_properties(world) -> None:
    mentees, volunteers, org, history, rules = world
    result = assign_round(mentees, volunteers, org, history, rules)
    greedy = greedy_round(mentees, volunteers, org, history, rules)
    by_request = {m.request_id: m for m in mentees}
    by_person = {v.person_id: v for v in volunteers}

    requests = [p.request_id for p in result.pairs]
    assert len(requests) == len(set(requests))
    assert sorted(requests + list(result.unmatched)) == sorted(by_request)
    for pair in result.pairs:
        m, v = by_request[pair.request_id], by_person[pair.volunteer_id]
        assert pair.mentee_id == m.person_id
        assert blocking_reason(m, v, org, history, rules) is None
        assert pair.score == score_match(m, v, history, rules)
    for v in volunteers:
        assert sum(p.volunteer_id == v.person_id for p in result.pairs) <= v.remaining_capacity

    assert result.objective >= greedy.objective - 1e-6
    # The round is optimal over every allowed pairing: the same value as an independent exact solver.
    assert result.objective == pytest.approx(exact_best_objective(mentees, volunteers, org, history, rules))
    assert result == assign_round(mentees, volunteers, org, history, rules)

    for m in mentees[:2]:
        ranked = rank_candidates(m, volunteers, org, history, rules, limit=len(volunteers))
        allowed = {v.person_id for v in volunteers if blocking_reason(m, v, org, history, rules) is None}
        assert {c.volunteer_id for c in ranked} == allowed


# --- Exactness at scale: against an independent assignment solver --------------------------------


@pytest.mark.parametrize(
    ("requests", "volunteers", "seed", "max_capacity", "rules"),
    [
        (300, 80, 1, 3, MatchRules()),
        (1200, 300, 2, 3, MatchRules(seed=4)),
        (2500, 500, 3, 3, MatchRules(reporting_line_depth=2, max_tz_gap_hours=5)),
        (2000, 600, 4, 5, MatchRules(prefer_senior=True, allow_guests=True, seed=9)),
    ],
)
def test_round_equals_an_exact_solve_of_every_allowed_pairing(
    requests: int, volunteers: int, seed: int, max_capacity: int, rules: MatchRules
) -> None:
    world = build_world(requests, volunteers, seed=seed, max_capacity=max_capacity)
    result = assign_round(world.mentees, world.volunteers, world.org, world.history, rules)
    check_round(world, rules, result)
    round_input = RoundInput.build(world.mentees, world.volunteers, world.org, world.history, rules)
    everything = all_allowed_pairs(round_input)
    # The brute-force pair list agrees with the one-pair rules on a sample.
    sample = np.random.default_rng(seed).choice(everything.values.size, size=300, replace=False)
    for i in sample.tolist():
        m = world.mentees[int(everything.mentee_rows[i])]
        v = world.volunteers[int(everything.copilot_rows[i])]
        assert blocking_reason(m, v, world.org, world.history, rules) is None
        assert everything.values[i] == round(score_match(m, v, world.history, rules).total * 100) + 10_000
    assert round(result.objective * 100) == exact_objective(round_input, everything)
    assert result == assign_round(world.mentees, world.volunteers, world.org, world.history, rules)


def test_a_round_proven_by_repricing_equals_an_exact_solve() -> None:
    # In this world a pricing pass finds pairs that beat only the prices, not the answer: the round is
    # proven by new prices for the same answer instead of another solve, and is still the optimum.
    world = build_world(1000, 200, seed=5, max_capacity=5)
    rules = MatchRules()
    timings: dict[str, float] = {}
    result = assign_round(world.mentees, world.volunteers, world.org, world.history, rules, timings=timings)
    assert timings["repriced"] >= 1
    check_exact_round(world, rules, result)


@pytest.mark.parametrize(
    ("shortcut", "requests", "volunteers", "seed"),
    [
        ("repaired", 1200, 300, 2),
        ("repaired", 2000, 600, 4),
        ("repaired", 3000, 700, 5),
        ("regions", 1200, 300, 2),
        ("regions", 3000, 700, 5),
    ],
)
def test_a_round_taking_a_shortcut_still_equals_an_exact_solve(
    shortcut: str, requests: int, volunteers: int, seed: int, monkeypatch
) -> None:
    # Rounds this small take neither shortcut on their own: their new pairs reach most of the graph,
    # and regions wait for 30,000 requests. Here every pass may repair, or every round starts by region.
    if shortcut == "repaired":
        monkeypatch.setattr(repair, "MAX_SHARE", 1.0)
    else:
        monkeypatch.setattr(rounds, "REGIONAL_REQUESTS", 0)
    world = build_world(requests, volunteers, seed=seed, max_capacity=4)
    rules = MatchRules(seed=seed)
    timings: dict[str, float] = {}
    result = assign_round(world.mentees, world.volunteers, world.org, world.history, rules, timings=timings)
    assert timings[shortcut] >= 1
    check_exact_round(world, rules, result)
    assert result == assign_round(world.mentees, world.volunteers, world.org, world.history, rules)


def test_lists_and_pricing_on_two_threads_are_those_of_one(monkeypatch) -> None:
    world = build_world(3000, 700, seed=5, max_capacity=4)
    round_input = RoundInput.build(world.mentees, world.volunteers, world.org, world.history, RULES)
    monkeypatch.setattr(listing, "_THREADED_LISTS", 10**9)
    monkeypatch.setattr(pricing, "_THREADED_PRICING", 10**9)
    one = candidate_graph(round_input)
    one_round = solve_optimally(round_input, one)
    monkeypatch.setattr(listing, "_THREADED_LISTS", 8)
    monkeypatch.setattr(pricing, "_THREADED_PRICING", 8)
    two = candidate_graph(round_input)
    for a, b in ((one.graph, two.graph), (one.known, two.known)):
        assert a.mentee_rows.tolist() == b.mentee_rows.tolist()
        assert a.copilot_rows.tolist() == b.copilot_rows.tolist()
        assert a.values.tolist() == b.values.tolist()
    assert one.thresholds.tolist() == two.thresholds.tolist()
    # The thresholds the listing chose are the ones pricing's shallow scans would choose.
    everyone = np.arange(round_input.bounds.copilots.size)
    chosen = choose_thresholds(round_input.groups, round_input.bounds, round_input.pool, one.wanted, everyone)
    assert two.shallow.tolist() == chosen.tolist()
    two_round = solve_optimally(round_input, two)
    assert two_round.graph.values.tolist() == one_round.graph.values.tolist()
    assert two_round.chosen.tolist() == one_round.chosen.tolist()


def test_the_certificate_finds_what_a_pruned_graph_misses() -> None:
    world = build_world(600, 150, seed=5, max_capacity=3)
    rules = MatchRules()
    round_input = RoundInput.build(world.mentees, world.volunteers, world.org, world.history, rules)
    everything = all_allowed_pairs(round_input)
    exact = exact_objective(round_input, everything)
    # One request per copilot: the pruned graph alone is well short of the optimum ...
    pruned = candidate_graph(round_input, per_seat=0, extra=1)
    remaining = round_input.pool.remaining
    first = best_assignment(
        pruned.graph.mentee_rows, pruned.graph.copilot_rows, pruned.graph.values, remaining
    )
    assert int(pruned.graph.values[first].sum()) < exact
    # ... and pricing adds the missing pairs until the optimum is proven.
    best = solve_optimally(round_input, pruned, per_seat=0, extra=1)
    assert best.passes >= 2
    assert int(best.graph.values[best.chosen].sum()) == exact
    # The final duals price out every allowed pair, including all those never put in the graph.
    duals = dual_prices(
        best.graph.mentee_rows,
        best.graph.copilot_rows,
        best.graph.values,
        best.chosen,
        len(round_input.table.profiles),
        remaining,
    )
    reduced = (
        everything.values - duals.request[everything.mentee_rows] - duals.copilot[everything.copilot_rows]
    )
    assert (reduced <= 0).all()
    graph_keys = set((best.graph.mentee_rows * len(round_input.pool) + best.graph.copilot_rows).tolist())
    outside = [
        k not in graph_keys
        for k in (everything.mentee_rows * len(round_input.pool) + everything.copilot_rows).tolist()
    ]
    assert sum(outside) > 0.9 * everything.values.size  # most pairs were certified without a solve


def test_a_flow_that_is_not_optimal_has_no_certificate() -> None:
    # Two requests, one seat each at two copilots; the chosen edge leaves a better pairing unused.
    m = np.array([0, 0, 1])
    v = np.array([0, 1, 0])
    values = np.array([15_000, 14_000, 19_000])
    remaining = np.array([1, 1])
    with pytest.raises(RuntimeError):
        duals = dual_prices(m, v, values, np.array([0]), 2, remaining)
        check_duals(m, v, values, np.array([0]), duals, remaining)
    best = best_assignment(m, v, values, remaining)
    duals = dual_prices(m, v, values, best, 2, remaining)
    check_duals(m, v, values, best, duals, remaining)
    assert int(values[best].sum()) == 14_000 + 19_000


def test_repricing_proves_an_answer_still_optimal_on_a_grown_graph_or_gives_up() -> None:
    # Two requests, one seat at each of two copilots, each request on its own copilot.
    solving = Pairs(np.array([0, 1]), np.array([0, 1]), np.array([15_000, 15_000]))
    chosen, remaining = np.array([0, 1]), np.array([1, 1])
    # A pair that changes nothing: the same answer, with prices that prove it on the grown graph.
    proof = reprice(solving, chosen, Pairs(np.array([0]), np.array([1]), np.array([14_000])), 2, remaining)
    assert proof is not None
    grown, grown_chosen, duals = proof
    assert grown.values.size == 3
    pairs = zip(
        grown.mentee_rows[grown_chosen].tolist(), grown.copilot_rows[grown_chosen].tolist(), strict=True
    )
    assert sorted(pairs) == [(0, 0), (1, 1)]
    check_duals(grown.mentee_rows, grown.copilot_rows, grown.values, grown_chosen, duals, remaining)
    # A pair that beats the answer (request 1 gains 4,000 at copilot 0 while request 0 loses only 1,000
    # moving to copilot 1's seat): no prices exist, so the round must be solved again.
    better = Pairs(np.array([0, 1]), np.array([1, 0]), np.array([14_000, 19_000]))
    assert reprice(solving, chosen, better, 2, remaining) is None


def test_reports_under_counts_levels_down_the_chart():
    # 1 leads 2, who leads 3, who leads 4; 5 also reports to 1.
    org = OrgChart({2: 1, 3: 2, 4: 3, 5: 1, 1: None})
    assert org.reports_under(1, depth=1) == {2, 5}
    assert org.reports_under(1, depth=2) == {2, 3, 5}
    assert org.reports_under(1) == {2, 3, 4, 5}
    assert org.reports_under(4) == set()
    # a manager cycle (bad data) is walked once
    assert OrgChart({1: 2, 2: 3, 3: 1}).reports_under(1) == {2, 3}


def test_a_manager_cycle_is_reported_without_the_people_who_lead_into_it():
    # 1 reports into the loop 2 -> 3 -> 2 but is not part of it.
    assert find_manager_cycles({1: 2, 2: 3, 3: 2}) == [[2, 3]]
    assert find_manager_cycles({1: 2, 2: None}) == []
