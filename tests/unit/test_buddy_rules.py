"""Who may be a new hire's buddy and who fits best (bot.rules.buddies), and the buddy agenda's days."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.rules.buddies import (
    CHECKLIST,
    AgendaPhase,
    agenda_phases,
    buddy_block,
    checkin_days,
    rank_buddies,
    still_allowed,
    tick_item,
)
from bot.rules.matching.facts import (
    BlockReason,
    CopilotFacts,
    MatchHistory,
    MatchRules,
    MenteeFacts,
    OrgChart,
)

NEW = 1
MANAGER, SKIP, PEER, OTHER, REPORT, FAR = 10, 11, 20, 30, 40, 50
# SKIP manages MANAGER manages NEW and PEER; OTHER is under SKIP's peer; REPORT reports to NEW.
ORG = OrgChart(
    {NEW: MANAGER, PEER: MANAGER, MANAGER: SKIP, SKIP: None, OTHER: 12, 12: None, REPORT: NEW, FAR: None}
)


def hire(team: str | None = "Support", offset: int = 60) -> MenteeFacts:
    return MenteeFacts(
        request_id=0, person_id=NEW, topics=frozenset(), team=team, level=None, utc_offset_minutes=offset
    )


def volunteer(
    person_id: int, *, team: str | None = "Design", offset: int = 60, capacity: int = 2, load: int = 0, **kw
) -> CopilotFacts:
    return CopilotFacts(
        person_id=person_id,
        topics=frozenset(),
        team=team,
        level=None,
        utc_offset_minutes=offset,
        capacity=capacity,
        current_load=load,
        **kw,
    )


def test_the_whole_reporting_line_is_out_whatever_the_depth_and_managers_always():
    rules = MatchRules(reporting_line_depth=1)  # the program keeps only one level out for copilots
    for manager in (MANAGER, SKIP):
        assert (
            buddy_block(hire(), volunteer(manager), ORG, MatchHistory(), rules) is BlockReason.REPORTING_LINE
        )
    # Nor anyone the new hire manages.
    assert buddy_block(hire(), volunteer(REPORT), ORG, MatchHistory(), rules) is BlockReason.REPORTING_LINE
    assert buddy_block(hire(), volunteer(PEER), ORG, MatchHistory(), rules) is None
    ranked = rank_buddies(
        hire(), [volunteer(p) for p in (SKIP, MANAGER, REPORT, PEER)], ORG, MatchHistory(), rules
    )
    assert [c.person_id for c in ranked] == [PEER]


def test_the_mentoring_hard_rules_hold_for_buddies_too():
    rules = MatchRules()
    assert buddy_block(hire(), volunteer(PEER, load=2), ORG, MatchHistory(), rules) is BlockReason.NO_CAPACITY
    assert buddy_block(hire(), volunteer(PEER, paused=True), ORG, MatchHistory(), rules) is BlockReason.PAUSED
    assert (
        buddy_block(hire(), volunteer(PEER, deactivated=True), ORG, MatchHistory(), rules)
        is BlockReason.DEACTIVATED
    )
    asked = MatchHistory(recently_declined=frozenset({(NEW, PEER)}))
    assert buddy_block(hire(), volunteer(PEER), ORG, asked, rules) is BlockReason.RECENTLY_DECLINED
    unknown = OrgChart(ORG.managers, unknown=frozenset({SKIP}))
    assert buddy_block(hire(), volunteer(FAR), unknown, MatchHistory(), rules) is BlockReason.MANAGER_UNKNOWN


def test_working_hours_must_overlap():
    rules = MatchRules(max_tz_gap_hours=24)  # even where the program allows any gap
    # 9-17 in UTC+1 and 9-17 in UTC-10 (11 hours apart) never meet during the workday.
    assert (
        buddy_block(hire(), volunteer(FAR, offset=-600), ORG, MatchHistory(), rules)
        is BlockReason.TIME_ZONE_GAP
    )
    assert buddy_block(hire(), volunteer(FAR, offset=-240), ORG, MatchHistory(), rules) is None


def test_same_team_then_a_nearby_team_then_lighter_load_first():
    rules = MatchRules()
    same_team = volunteer(FAR, team="Support", load=1)
    sibling = volunteer(PEER, team="Design", load=1)  # shares the new hire's manager
    far = volunteer(OTHER, team="Sales", load=1)
    order = rank_buddies(hire(), [far, sibling, same_team], ORG, MatchHistory(), rules)
    assert [c.person_id for c in order] == [FAR, PEER, OTHER]
    busy, free = volunteer(OTHER, team="Sales", load=1), volunteer(FAR, team="Sales", load=0)
    assert [c.person_id for c in rank_buddies(hire(), [busy, free], ORG, MatchHistory(), rules)] == [
        FAR,
        OTHER,
    ]


def test_a_closer_time_zone_beats_a_distant_one():
    rules = MatchRules()
    near, distant = volunteer(OTHER, team="Sales", offset=60), volunteer(FAR, team="Sales", offset=-300)
    assert [c.person_id for c in rank_buddies(hire(), [distant, near], ORG, MatchHistory(), rules)] == [
        OTHER,
        FAR,
    ]


def test_a_running_pairing_is_held_to_the_lifetime_rules_only():
    rules = MatchRules()
    full = volunteer(PEER, load=5, capacity=1)  # capacity is about new matches
    assert still_allowed(hire(), full, ORG, rules) is None
    moved = OrgChart({**ORG.managers, NEW: PEER})  # the buddy became the new hire's manager
    assert still_allowed(hire(), full, moved, rules) is BlockReason.REPORTING_LINE


def test_weekly_for_the_first_month_then_every_two_weeks_before_the_term_ends():
    assert checkin_days(90) == [7, 14, 21, 28, 42, 56, 70, 84]
    assert checkin_days(30) == [7, 14, 21, 28]
    assert checkin_days(14) == [7]


@given(st.integers(min_value=14, max_value=365))
def test_check_ins_fall_inside_the_term_in_order(term: int):
    days = checkin_days(term)
    assert days == sorted(set(days)) and all(0 < d < term for d in days)
    assert all(b - a == 7 for a, b in itertools.pairwise(days) if b <= 28)


def test_ticking_keeps_the_checklist_order_and_ignores_unknown_items():
    assert tick_item([], "ritual", True) == ["ritual"]
    assert tick_item(["ritual"], "tools", True) == ["tools", "ritual"]
    assert tick_item(["tools", "ritual"], "tools", False) == ["ritual"]
    assert tick_item(["tools"], "bogus", True) == ["tools"]
    assert set(CHECKLIST) == {"tools", "people", "ritual"}


def test_every_checklist_item_has_its_words():
    from bot.messages.buddies import CHECKLIST_LABELS

    assert tuple(CHECKLIST_LABELS) == CHECKLIST


def test_the_agenda_ahead_is_the_weekly_month_then_every_two_weeks_on_the_check_in_days():
    start = date(2026, 3, 2)
    assert agenda_phases(start, 90, start) == [
        AgendaPhase(date(2026, 3, 9), 1, 4),
        AgendaPhase(date(2026, 4, 13), 2, 4),
    ]
    # A buddy found in the third week: the weekly meetings left, then the rest.
    assert agenda_phases(start, 90, date(2026, 3, 18)) == [
        AgendaPhase(date(2026, 3, 23), 1, 2),
        AgendaPhase(date(2026, 4, 13), 2, 4),
    ]
    assert agenda_phases(start, 90, date(2026, 4, 20)) == [AgendaPhase(date(2026, 4, 27), 2, 3)]
    assert agenda_phases(start, 90, date(2026, 6, 1)) == []
    for term in range(14, 366, 7):  # the same days the check-ins fall on, whatever the term
        phases = agenda_phases(start, term, start)
        dates = [p.first + timedelta(weeks=p.interval_weeks * n) for p in phases for n in range(p.count)]
        assert dates == [start + timedelta(days=d) for d in checkin_days(term)]
