"""Kinds, subjects and dedupe keys: the names stored in every database, held to a list written by hand."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.outbox import Kind, Subject, keys

# kind → (stored name, subject). Stored names are in existing databases: changing one needs a migration.
KINDS = {
    Kind.CHECKIN_NUDGE: ("nudge_checkin", "checkin"),
    Kind.STALL_NUDGE: ("nudge_stalled", "pairing"),
    Kind.REPORT_BACK_FOLLOW_UP: ("nudge_report_back_follow_up", "report_back"),
    Kind.REPORT_BACK: ("report_back", "report_back"),
    Kind.PULSE: ("pulse", "pulse"),
    Kind.PAIRING_UNREACHABLE: ("pairing_unreachable", "pairing"),
    Kind.OFFER: ("offer", "offer"),
    Kind.OFFER_CLOSED: ("offer_closed", "offer"),
    Kind.REQUEST_UPDATE: ("request_update", "request"),
    Kind.ADMIN_WAITING: ("admin_waiting", "request"),
    Kind.PAIRING_MATCHED: ("pairing_matched", "pairing"),
    Kind.EXPECTATIONS_KICKOFF: ("expectations_kickoff", "pairing"),
    Kind.EXPECTATIONS_DIFFERENCES: ("expectations_differences", "pairing"),
    Kind.EXPECTATIONS_PROPOSAL: ("expectations_proposal", "pairing"),
    Kind.EXPECTATIONS_CONFIRM: ("expectations_confirm", "pairing"),
    Kind.EXPECTATIONS_AGREED: ("expectations_agreed", "pairing"),
    Kind.EXPECTATIONS_WITHDRAWN: ("expectations_withdrawn", "pairing"),
    Kind.EXPECTATIONS_REMINDER: ("nudge_expectations", "pairing"),
    Kind.FIRST_MEETING: ("first_meeting", "pairing"),
    Kind.TERM_END: ("term_end", "pairing"),
    Kind.PAIRING_PAUSED: ("pairing_paused", "pairing"),
    Kind.PAIRING_LAPSED: ("pairing_lapsed", "pairing"),
    Kind.PAIRING_ENDED: ("pairing_ended", "pairing"),
    Kind.CALENDAR: ("calendar", "pairing"),
    Kind.CALENDAR_FILE: ("calendar_file", "pairing"),
    Kind.INTRO: ("intro", "introduction"),
    Kind.INTRO_FOLLOW_UP: ("nudge_intro_followup", "introduction"),
    Kind.INTRO_REPORT: ("intro_report", "introduction"),
    Kind.PROMISE_DUE: ("nudge_promise", "promise"),
    Kind.KEEP_IN_TOUCH: ("nudge_keep_in_touch", "contact"),
    Kind.DIGEST: ("digest", "digest"),
    Kind.DIGEST_CHART: ("digest_chart", "digest"),
    Kind.ADMIN_ORG_GAP: ("admin_org_gap", "person"),
    Kind.COHORT_ANNOUNCEMENT: ("cohort_announcement", "cohort"),
    Kind.COHORT_PREVIEW: ("cohort_preview", "cohort"),
    Kind.COHORT_PAIRED: ("cohort_paired", "cohort"),
    Kind.COHORT_PAIRING: ("cohort_pairing", "cohort"),
    Kind.COHORT_SURVEY: ("cohort_survey", "cohort_survey"),
    Kind.BUDDY_OFFER: ("buddy_offer", "buddy_offer"),
    Kind.BUDDY_OFFER_CLOSED: ("buddy_offer_closed", "buddy_offer"),
    Kind.BUDDY_WAITING: ("buddy_waiting", "buddy_pairing"),
    Kind.BUDDY_WELCOME: ("buddy_welcome", "buddy_pairing"),
    Kind.BUDDY_CHECKIN: ("nudge_buddy_checkin", "buddy_pairing"),
    Kind.BUDDY_ENDED: ("buddy_ended", "buddy_pairing"),
    Kind.BUDDY_TERM_END: ("buddy_term_end", "buddy_pairing"),
    Kind.BUDDY_CALENDAR: ("buddy_calendar", "buddy_pairing"),
    Kind.BUDDY_CALENDAR_FILE: ("buddy_calendar_file", "buddy_pairing"),
    Kind.BUDDY_COPILOT_INVITATION: ("buddy_copilot_invitation", "buddy_pairing"),
}


def test_every_kind_has_its_stored_name_and_subject():
    assert {kind: (kind.value, kind.subject.label) for kind in Kind} == KINDS
    assert all(len(kind.value) <= 40 for kind in Kind)  # outbox.kind is String(40)


def test_only_the_chart_and_the_calendar_files_are_files_attached_to_another_kinds_conversation():
    assert {kind: kind.attaches_to for kind in Kind if kind.attaches_to} == {
        Kind.DIGEST_CHART: Kind.DIGEST,
        Kind.CALENDAR_FILE: Kind.CALENDAR,
        Kind.BUDDY_CALENDAR_FILE: Kind.BUDDY_CALENDAR,
    }


def test_a_stored_name_parses_back_and_an_unknown_one_is_none():
    assert all(Kind.parse(name) is kind for kind, (name, _) in KINDS.items())
    assert Kind.parse("nudge.checkin") is None


# subject → (model table, whether its rows belong to a pairing)
SUBJECTS = {
    "pairing": ("pairings", True),
    "checkin": ("checkins", True),
    "pulse": ("pulses", True),
    "report_back": ("report_backs", True),
    "offer": ("offers", False),
    "request": ("mentoring_requests", False),
    "introduction": ("introductions", False),
    "promise": ("promises", False),
    "contact": ("contacts", False),
    "digest": ("lead_digests", False),
    "person": ("people", False),
    "cohort": ("cohorts", False),
    "cohort_survey": ("cohort_surveys", False),
    "buddy_pairing": ("buddy_pairings", False),
    "buddy_offer": ("buddy_offers", False),
}


def test_each_subject_is_a_table_and_knows_whether_it_belongs_to_a_pairing():
    assert {s.label: (s.model.__tablename__, s.in_pairing) for s in Subject} == SUBJECTS  # type: ignore[attr-defined]


@pytest.mark.parametrize("subject", list(Subject), ids=lambda s: s.label)
def test_the_pairing_of_a_row_is_the_subject_itself_its_pairing_or_none(subject: Subject):
    record = SimpleNamespace(id=5, pairing_id=7)
    expected = {"pairing": 5, "checkin": 7, "pulse": 7, "report_back": 7}.get(subject.label)
    assert subject.pairing_id(record) == expected


def test_dedupe_keys_keep_the_texts_existing_rows_were_written_with():
    assert [
        keys.checkin(1, 2),
        keys.stall(1, "202603010900", 3),
        keys.pulse(1, 2, 3),
        keys.report_back(4),
        keys.report_back_follow_up(4),
        keys.unreachable(9, 3),
        keys.offer(7),
        keys.offer_closed(7, "withdrawn"),
        keys.request_offered(5, 7),
        keys.request_waiting(5, 0),
        keys.admin_waiting("UA", 5, 2),
        keys.pairing_event(1, "matched:mentee"),
        keys.expectations(1, 2, "kickoff"),
        keys.expectations_lapsed(1, 3),
        keys.expectations_reminder(1, 2, 3, "r1"),
        keys.term_end(1, 2, 3),
        keys.intro(8, "made"),
        keys.promise_due(6, 1),
        keys.keep_in_touch(9, date(2026, 3, 2)),
        keys.digest(1, "2026-W10"),
        keys.digest_chart(1, "2026-W10"),
        keys.calendar(1, 2),
        keys.calendar_file(1, 2),
    ] == [
        "checkin:1:2",
        "stall:1:202603010900:3",
        "pulse:1:2:3",
        "report_back:4",
        "report_back_follow_up:4",
        "unreachable:9:3",
        "offer:7",
        "offer:7:withdrawn",
        "request:5:offer:7",
        "request:5:waiting:0",
        "admin:UA:request:5:waiting:2",
        "pairing:1:matched:mentee",
        "expectations:1:2:kickoff",
        "expectations:1:lapsed:3",
        "expectations:1:2:3:r1",
        "term_end:1:2:3",
        "intro:8:made",
        "promise:6:due:1",
        "contact:9:touch:2026-03-02",
        "digest:1:2026-W10",
        "digest:1:2026-W10:chart",
        "calendar:1:2",
        "calendar:1:2:file",
    ]


def _migration_0006():  # type: ignore[no-untyped-def]
    path = Path(__file__).parents[2] / "storage/migrations/versions/0006_outbox_rows_name_their_subject.py"
    spec = importlib.util.spec_from_file_location("migration_0006", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_migration_0006_knows_every_kind_that_existed_before_it():
    """Its frozen copy of the kinds names a subject for each kind a row could have had (all but the chart)."""
    m = _migration_0006()
    born_after_0006 = {
        "admin_org_gap",
        "calendar",
        "calendar_file",
        *(kind.value for kind in Kind if kind.value.startswith(("cohort_", "buddy_", "nudge_buddy"))),
    }
    pairing_kinds = {kind.value for kind in Kind if kind.subject is Subject.PAIRING} - born_after_0006
    assert pairing_kinds == m.PAIRING_KINDS
    assert set(m.RESPELLED.values()) <= {kind.value for kind in Kind}
    named = pairing_kinds | set(m.ID_IN_KEY) | {"nudge_checkin", "pulse", "digest"}
    assert named == {kind.value for kind in Kind} - {"digest_chart"} - born_after_0006
