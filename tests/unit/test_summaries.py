"""The pure summary rules: health, scope, the pulse threshold, weekly snapshots, the chart."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from PIL import Image

from bot.oversight.chart import health_chart
from bot.rules.summary_figures import (
    MeetingFacts,
    PairingFacts,
    PersonFacts,
    ProgramFacts,
    PulseFacts,
    Scope,
    health_of,
    summarize,
    weekly_health,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def pairing(pid: int, mentee: int = 1, copilot: int = 2, state: str = "active", **fields) -> PairingFacts:  # type: ignore[no-untyped-def]
    values = dict(
        id=pid,
        mentee_id=mentee,
        copilot_id=copilot,
        request_id=None,
        state=state,
        cadence="weekly",
        cross_team=False,
        created_at=NOW - timedelta(days=60),
        activated_at=NOW - timedelta(days=50),
        last_met_at=None,
        next_checkin_at=None,
        ended_at=None,
        end_reason=None,
    )
    values.update(fields)
    return PairingFacts(**values)


def test_a_checkin_is_overdue_only_when_due_has_passed_without_a_meeting_since():
    due = NOW - timedelta(days=1)
    p = pairing(1, next_checkin_at=due)
    assert health_of(p, None, NOW) == "overdue"
    assert health_of(p, due - timedelta(days=3), NOW) == "overdue"
    assert health_of(p, due + timedelta(hours=1), NOW) == "on_track"
    assert health_of(pairing(1, next_checkin_at=NOW + timedelta(days=1)), None, NOW) == "on_track"
    assert health_of(pairing(1, state="stalled"), None, NOW) == "stalled"
    assert health_of(pairing(1, state="ended"), None, NOW) is None


def test_the_pulse_figure_needs_three_people_and_scope_filters_pairings():
    people = {i: PersonFacts(i, f"U{i}", f"P{i}", None, "UTC", False) for i in range(1, 9)}
    facts = ProgramFacts(people=people, pairings=[pairing(1, 1, 2), pairing(2, 3, 4), pairing(3, 5, 6)])
    before = NOW - timedelta(days=3)  # answered last week: counted from this Monday on
    facts.pulses = [PulseFacts(1, 1, 4, before), PulseFacts(1, 2, 2, before)]
    mine = Scope("mine", frozenset({1, 3}))
    summary = summarize(facts, mine, NOW)
    assert {r.id for r in summary.rows} == {1, 2}
    assert summary.pulse is None
    facts.pulses.append(PulseFacts(2, 3, 5, before))
    figure = summarize(facts, mine, NOW).pulse
    assert figure is not None and (figure.low, figure.high, figure.people_at_least) == (3, 4, 3)
    # A pulse from a pairing outside the scope never counts.
    facts.pulses.append(PulseFacts(3, 5, 1, before))
    assert summarize(facts, mine, NOW).pulse == figure


def test_weekly_snapshots_rebuild_the_past_from_dates():
    facts = ProgramFacts(
        pairings=[
            pairing(1, created_at=NOW - timedelta(days=20), activated_at=NOW - timedelta(days=10)),
            pairing(2, ended_at=NOW - timedelta(days=15), state="ended"),
        ],
        meetings=[MeetingFacts(2, NOW - timedelta(days=45))],
    )
    weeks = weekly_health(facts, Scope("all"), NOW)
    assert len(weeks) == 12 and weeks[-1].week_start == NOW.date()
    three_weeks_ago = weeks[-4].counts
    assert three_weeks_ago["setting_expectations"] == 0 and sum(three_weeks_ago.values()) == 1
    two_weeks_ago = weeks[-3].counts
    assert two_weeks_ago["setting_expectations"] == 1 and sum(two_weeks_ago.values()) == 1
    assert weeks[-1].counts["on_track"] == 1 and sum(weeks[-1].counts.values()) == 1
    assert weeks[-7].counts["on_track"] == 1  # pairing 2 had met within 30 days then


def test_the_chart_is_a_png_even_with_no_pairings():
    for weeks in ([], weekly_health(ProgramFacts(pairings=[pairing(1)]), Scope("all"), NOW)):
        png = health_chart(weeks, "Pairings by health")
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert Image.open(io.BytesIO(png)).size == (720, 360)
