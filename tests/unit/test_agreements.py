from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.messages.expectations.wording import (
    describe_difference,
    explain_kind_mismatch,
    format_terms,
    format_value,
)
from bot.rules.agreements.comparison import Comparison, Difference, compare_answers
from bot.rules.agreements.proposals import (
    Proposal,
    accept_proposal,
    apply_resolution,
    counter_propose,
    final_terms,
    is_complete,
    open_fields,
    propose,
    term_end_reached,
)
from bot.rules.agreements.questionnaire import COMPARED_KEYS, QUESTION_BY_KEY, QUESTIONS, RELATIONSHIP_KINDS
from bot.rules.agreements.validation import TEXT_MAX_CHARS, validate_answers, validate_field

TODAY = date(2026, 5, 12)


def mentee_answers(**changes: Any) -> dict[str, Any]:
    answers = {
        "relationship_kind": "copilot",
        "cadence": "biweekly",
        "meeting_minutes": 45,
        "meeting_format": "video",
        "length": {"meetings": 6},
        "organiser": "mentee",
        "goals": "Get better at giving feedback to senior colleagues.",
        "expectations": "Honest feedback, even when it stings.",
        "confidentiality": True,
        "preferred_days": [1, 3],
        "time_window": {"start": "09:00", "end": "12:00"},
    }
    return answers | changes


def copilot_answers(**changes: Any) -> dict[str, Any]:
    answers = mentee_answers()
    del answers["goals"]
    answers["offer"] = "Ten years of leading teams, and plenty of mistakes to learn from."
    answers["expectations"] = "Come with a topic."
    return answers | changes


# --- questions ------------------------------------------------------------------------------------


def test_questions_cover_every_field_in_order() -> None:
    assert [q.key for q in QUESTIONS] == [
        "relationship_kind",
        "cadence",
        "meeting_minutes",
        "meeting_format",
        "length",
        "organiser",
        "goals",
        "offer",
        "expectations",
        "confidentiality",
        "preferred_days",
        "time_window",
    ]
    assert COMPARED_KEYS == (
        "relationship_kind",
        "cadence",
        "meeting_minutes",
        "meeting_format",
        "length",
        "organiser",
        "preferred_days",
        "time_window",
    )
    assert QUESTION_BY_KEY["goals"].owner == "mentee"
    assert QUESTION_BY_KEY["offer"].owner == "copilot"
    kind_options = QUESTION_BY_KEY["relationship_kind"].options
    assert [value for value, _label, _help in kind_options] == list(RELATIONSHIP_KINDS)
    assert all(label and help_text for _value, label, help_text in kind_options)


# --- validation ------------------------------------------------------------------------------------


def test_valid_answers_are_cleaned() -> None:
    raw = mentee_answers(
        meeting_minutes="45",  # Slack sends select values as strings
        length={"meetings": "6", "end_date": ""},
        organiser=None,
        goals="  Get better at giving feedback to senior colleagues.  ",
        preferred_days=["3", "1", "3"],
        time_window={"start": "9:00", "end": "12:00"},
    )
    answers, errors = validate_answers(raw, "mentee", TODAY)
    assert errors == {}
    assert answers == mentee_answers()
    assert "offer" not in answers


def test_blank_optional_answers_get_no_preference_values() -> None:
    raw = copilot_answers(organiser="", expectations=None, preferred_days=None, time_window={})
    answers, errors = validate_answers(raw, "copilot", TODAY)
    assert errors == {}
    assert answers["organiser"] == "mentee"
    assert answers["expectations"] == ""
    assert answers["preferred_days"] == []
    assert answers["time_window"] is None


def test_the_other_persons_own_field_is_dropped() -> None:
    answers, errors = validate_answers(copilot_answers(goals="x"), "copilot", TODAY)
    assert errors == {}
    assert "goals" not in answers
    answers, errors = validate_answers(mentee_answers(offer=42), "mentee", TODAY)
    assert errors == {}
    assert "offer" not in answers


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("relationship_kind", None, "Pick the kind of relationship you're looking for"),
        ("relationship_kind", "friendship", "Pick the kind of relationship you're looking for"),
        ("cadence", None, "Pick how often you'd like to meet"),
        ("cadence", "daily", "Pick how often you'd like to meet"),
        ("meeting_minutes", 90, "Pick how long each meeting should be"),
        ("meeting_minutes", True, "Pick how long each meeting should be"),
        ("meeting_format", "carrier_pigeon", "Pick how you'd like to meet"),
        ("organiser", "hr", "Pick who sets up the meetings"),
        ("length", None, "Say how long the mentoring should last: a number of meetings or an end date"),
        ("length", {}, "Say how long the mentoring should last: a number of meetings or an end date"),
        (
            "length",
            {"meetings": 6, "end_date": "2026-09-01"},
            "Choose either a number of meetings or an end date",
        ),
        ("length", {"meetings": 0}, "The number of meetings must be a whole number from 1 to 52"),
        ("length", {"meetings": 53}, "The number of meetings must be a whole number from 1 to 52"),
        ("length", {"meetings": "six"}, "The number of meetings must be a whole number from 1 to 52"),
        ("length", {"end_date": "2026-05-12"}, "The end date must be in the future"),
        ("length", {"end_date": "2025-01-01"}, "The end date must be in the future"),
        ("length", {"end_date": "2028-05-13"}, "The end date can be at most two years from today"),
        ("length", {"end_date": "2026-02-30"}, "Enter the end date as a date, e.g. 2026-06-30"),
        ("goals", "", "Tell your copilot what you'd like to work on"),
        ("goals", "Get better.", "Say a little more about your goals (at least 20 characters)"),
        ("goals", "x" * 2001, "Please keep this under 2000 characters (it's 2001 now)"),
        ("goals", ["not", "text"], "Please write your answer as text"),
        ("expectations", "x" * 2001, "Please keep this under 2000 characters (it's 2001 now)"),
        ("confidentiality", False, "Please tick this: it's what makes the conversation safe"),
        ("confidentiality", None, "Please tick this: it's what makes the conversation safe"),
        ("preferred_days", [7], "Pick days from Monday to Sunday"),
        ("preferred_days", "Monday", "Pick days from Monday to Sunday"),
        ("time_window", {"start": "09:00"}, "Give both a start and an end time"),
        ("time_window", {"start": "9am", "end": "11am"}, "Enter times as HH:MM, e.g. 09:30"),
        ("time_window", {"start": "25:00", "end": "26:00"}, "Enter times as HH:MM, e.g. 09:30"),
        ("time_window", {"start": "12:00", "end": "09:00"}, "The end time must be after the start time"),
        ("time_window", {"start": "12:00", "end": "12:15"}, "Leave at least 30 minutes between the start"),
        ("time_window", "mornings", "Enter a start and an end time, e.g. 09:30 to 12:00"),
    ],
)
def test_mentee_validation_errors(key: str, value: Any, message: str) -> None:
    answers, errors = validate_answers(mentee_answers(**{key: value}), "mentee", TODAY)
    assert list(errors) == [key]
    assert errors[key].startswith(message)
    assert key not in answers


def test_copilot_validation_errors() -> None:
    _answers, errors = validate_answers(copilot_answers(offer="   "), "copilot", TODAY)
    assert errors == {"offer": "Tell your mentee what you can offer"}
    # Goals length rules are for the mentee only.
    _answers, errors = validate_answers(copilot_answers(goals="short"), "copilot", TODAY)
    assert errors == {}


def test_end_date_boundaries() -> None:
    for end_date in ("2026-05-13", "2028-05-12"):
        answers, errors = validate_answers(mentee_answers(length={"end_date": end_date}), "mentee", TODAY)
        assert errors == {}
        assert answers["length"] == {"end_date": end_date}
    answers, errors = validate_answers(mentee_answers(length={"end_date": date(2026, 9, 1)}), "mentee", TODAY)
    assert answers["length"] == {"end_date": "2026-09-01"}
    # Two years after 29 February is 28 February.
    _answers, errors = validate_answers(
        mentee_answers(length={"end_date": "2030-03-01"}), "mentee", date(2028, 2, 29)
    )
    assert "length" in errors


@pytest.mark.parametrize("raw", [{}, None, "nonsense", {"cadence": object(), "length": [1, 2]}])
def test_validation_never_raises(raw: Any) -> None:
    answers, errors = validate_answers(raw, "mentee", TODAY)
    assert "relationship_kind" in errors
    assert "confidentiality" in errors
    assert isinstance(answers, dict)


# --- comparison -----------------------------------------------------------------------------------


def test_identical_answers_agree_on_everything() -> None:
    comparison = compare_answers(mentee_answers(), copilot_answers())
    assert comparison.differences == ()
    assert comparison.agreed == {
        "relationship_kind": "copilot",
        "cadence": "biweekly",
        "meeting_minutes": 45,
        "meeting_format": "video",
        "length": {"meetings": 6},
        "organiser": "mentee",
        "preferred_days": [1, 3],
        "time_window": {"start": "09:00", "end": "12:00"},
        "goals": "Get better at giving feedback to senior colleagues.",
        "offer": "Ten years of leading teams, and plenty of mistakes to learn from.",
        "expectations": {"mentee": "Honest feedback, even when it stings.", "copilot": "Come with a topic."},
        "confidentiality": True,
    }


@pytest.mark.parametrize(
    ("key", "mentee_value", "copilot_value"),
    [
        ("cadence", "weekly", "monthly"),
        ("meeting_minutes", 30, 60),
        ("meeting_format", "in_person", "chat"),
        ("organiser", "mentee", "alternate"),
        ("length", {"meetings": 6}, {"meetings": 10}),
        ("length", {"end_date": "2026-09-01"}, {"end_date": "2026-10-01"}),
        ("length", {"meetings": 6}, {"end_date": "2026-09-01"}),
    ],
)
def test_misaligned_fields_become_differences(key: str, mentee_value: Any, copilot_value: Any) -> None:
    comparison = compare_answers(
        mentee_answers(**{key: mentee_value}), copilot_answers(**{key: copilot_value})
    )
    assert comparison.differences == (Difference(key, mentee_value, copilot_value, dangerous=False),)
    assert key not in comparison.agreed


def test_same_end_date_is_agreed() -> None:
    length = {"end_date": "2026-09-01"}
    comparison = compare_answers(mentee_answers(length=length), copilot_answers(length=length))
    assert comparison.agreed["length"] == length


def test_relationship_kind_mismatch_is_dangerous() -> None:
    comparison = compare_answers(mentee_answers(), copilot_answers(relationship_kind="networking"))
    assert comparison.differences == (
        Difference("relationship_kind", "copilot", "networking", dangerous=True),
    )


def test_differences_come_in_question_order() -> None:
    comparison = compare_answers(
        mentee_answers(time_window={"start": "09:00", "end": "10:00"}, cadence="weekly"),
        copilot_answers(time_window={"start": "14:00", "end": "15:00"}, relationship_kind="coaching"),
    )
    assert comparison.difference_keys == ("relationship_kind", "cadence", "time_window")


@pytest.mark.parametrize(
    ("mentee_days", "copilot_days", "agreed"),
    [
        ([], [], []),
        ([], [0, 4], [0, 4]),
        ([2], [], [2]),
        ([0, 1, 2], [1, 2, 3], [1, 2]),
    ],
)
def test_preferred_days(mentee_days: list[int], copilot_days: list[int], agreed: list[int]) -> None:
    comparison = compare_answers(
        mentee_answers(preferred_days=mentee_days), copilot_answers(preferred_days=copilot_days)
    )
    assert comparison.differences == ()
    assert comparison.agreed["preferred_days"] == agreed


def test_preferred_days_without_a_common_day_differ() -> None:
    comparison = compare_answers(mentee_answers(preferred_days=[0, 1]), copilot_answers(preferred_days=[3]))
    assert comparison.difference_keys == ("preferred_days",)


@pytest.mark.parametrize(
    ("mentee_window", "copilot_window", "agreed"),
    [
        (None, None, None),
        ({"start": "09:00", "end": "12:00"}, None, {"start": "09:00", "end": "12:00"}),
        (None, {"start": "13:00", "end": "15:00"}, {"start": "13:00", "end": "15:00"}),
        (
            {"start": "09:00", "end": "12:00"},
            {"start": "11:00", "end": "14:00"},
            {"start": "11:00", "end": "12:00"},
        ),
        (
            {"start": "09:00", "end": "12:00"},
            {"start": "11:30", "end": "14:00"},
            {"start": "11:30", "end": "12:00"},
        ),
    ],
)
def test_time_window_overlap(mentee_window: Any, copilot_window: Any, agreed: Any) -> None:
    comparison = compare_answers(
        mentee_answers(time_window=mentee_window), copilot_answers(time_window=copilot_window)
    )
    assert comparison.differences == ()
    assert comparison.agreed["time_window"] == agreed


@pytest.mark.parametrize(
    "copilot_window",
    [
        {"start": "11:45", "end": "14:00"},  # only 15 minutes in common
        {"start": "12:00", "end": "14:00"},  # touching, no overlap
        {"start": "15:00", "end": "17:00"},
    ],
)
def test_time_windows_without_enough_overlap_differ(copilot_window: dict[str, str]) -> None:
    comparison = compare_answers(mentee_answers(), copilot_answers(time_window=copilot_window))
    assert comparison.difference_keys == ("time_window",)


def test_time_windows_in_different_time_zones() -> None:
    # Mentee in New York (UTC-4) 09:00-12:00; copilot in Berlin (UTC+2) 14:00-17:00 = 08:00-11:00 New York.
    comparison = compare_answers(
        mentee_answers(time_window={"start": "09:00", "end": "12:00"}),
        copilot_answers(time_window={"start": "14:00", "end": "17:00"}),
        mentee_utc_offset_minutes=-240,
        copilot_utc_offset_minutes=120,
    )
    assert comparison.agreed["time_window"] == {"start": "09:00", "end": "11:00"}
    # Same clock times, six hours apart: no overlap.
    comparison = compare_answers(
        mentee_answers(),
        copilot_answers(),
        mentee_utc_offset_minutes=-240,
        copilot_utc_offset_minutes=120,
    )
    assert comparison.difference_keys == ("time_window",)
    # Only the copilot gave a window: it is moved into the mentee's clock.
    comparison = compare_answers(
        mentee_answers(time_window=None),
        copilot_answers(time_window={"start": "14:00", "end": "17:00"}),
        mentee_utc_offset_minutes=-240,
        copilot_utc_offset_minutes=120,
    )
    assert comparison.agreed["time_window"] == {"start": "08:00", "end": "11:00"}


def test_own_fields_are_kept_not_compared() -> None:
    comparison = compare_answers(
        mentee_answers(offer="ignored", expectations=""), copilot_answers(goals="ignored as well")
    )
    assert comparison.differences == ()
    assert comparison.agreed["goals"] == "Get better at giving feedback to senior colleagues."
    assert comparison.agreed["offer"] == "Ten years of leading teams, and plenty of mistakes to learn from."
    assert comparison.agreed["expectations"] == {"mentee": "", "copilot": "Come with a topic."}


def test_missing_required_answers_are_never_agreed() -> None:
    mentee = mentee_answers()
    copilot = copilot_answers()
    del mentee["cadence"], copilot["cadence"]
    comparison = compare_answers(mentee, copilot)
    assert comparison.difference_keys == ("cadence",)


# --- wording --------------------------------------------------------------------------------------


def test_describe_difference_from_both_sides() -> None:
    diff = Difference("cadence", "weekly", "monthly")
    assert (
        describe_difference(diff, "Alex", "Sam", "mentee")
        == "You said every week, Sam said every four weeks."
    )
    assert (
        describe_difference(diff, "Alex", "Sam", "copilot")
        == "You said every four weeks, Alex said every week."
    )
    biweekly = Difference("cadence", "biweekly", "weekly")
    assert describe_difference(biweekly, "Alex", "Sam", "mentee") == (
        "You said every two weeks, Sam said every week."
    )


@pytest.mark.parametrize(
    ("diff", "expected"),
    [
        (Difference("meeting_minutes", 30, 60), "You said 30 minutes, Sam said 1 hour."),
        (Difference("meeting_format", "in_person", "video"), "You said in person, Sam said on video."),
        (
            Difference("length", {"meetings": 6}, {"end_date": "2026-09-30"}),
            "You said 6 meetings, Sam said until Wed 30 Sep 2026.",
        ),
        (
            Difference("organiser", "mentee", "alternate"),
            "You said the mentee sets up meetings, Sam said take turns setting up meetings.",
        ),
        (
            Difference("preferred_days", [0, 1], [4]),
            "You said Monday and Tuesday, Sam said Friday: no day in common.",
        ),
        (
            Difference("relationship_kind", "copilot", "networking", dangerous=True),
            "You said a copilot (peer mentoring), Sam said a networking contact.",
        ),
    ],
)
def test_describe_difference_wording(diff: Difference, expected: str) -> None:
    assert describe_difference(diff, "Alex", "Sam", "mentee") == expected


def test_describe_time_window_difference() -> None:
    diff = Difference("time_window", {"start": "09:00", "end": "10:00"}, {"start": "15:00", "end": "17:00"})
    assert describe_difference(diff, "Alex", "Sam", "copilot") == (
        "You said between 15:00 and 17:00, Alex said between 09:00 and 10:00 "
        "(each in your own time): less than 30 minutes in common."
    )


def test_explain_kind_mismatch() -> None:
    message = explain_kind_mismatch("copilot", "networking")
    assert "the mentee is looking for a copilot (peer mentoring)" in message
    assert "the copilot expects a networking contact" in message
    assert "regular conversations about growth" in message
    assert "information and introductions" in message
    assert explain_kind_mismatch("networking", "copilot") != message
    for mentee_kind in RELATIONSHIP_KINDS:
        for copilot_kind in RELATIONSHIP_KINDS:
            explanation = explain_kind_mismatch(mentee_kind, copilot_kind)
            assert bool(explanation) == (mentee_kind != copilot_kind)
            assert "different kinds of relationship" not in explanation  # every pair has its own reason
    assert explain_kind_mismatch("copilot", "unknown") != ""


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("relationship_kind", "sponsorship", "sponsorship"),
        ("cadence", "biweekly", "every two weeks"),
        ("meeting_minutes", 45, "45 minutes"),
        ("meeting_format", "chat", "over chat"),
        ("length", {"meetings": 1}, "1 meeting"),
        ("length", {"end_date": "2027-01-05"}, "until Tue 5 Jan 2027"),
        ("organiser", "copilot", "the copilot sets up meetings"),
        ("goals", "Learn to delegate", "Learn to delegate"),
        ("offer", "", "no answer"),
        ("expectations", {"mentee": "a", "copilot": "b"}, "a / b"),
        ("confidentiality", True, "yes, what we discuss stays between us"),
        ("preferred_days", [0, 2, 4], "Monday, Wednesday and Friday"),
        ("preferred_days", [], "any day"),
        ("time_window", {"start": "08:30", "end": "10:00"}, "between 08:30 and 10:00"),
        ("time_window", None, "any time"),
        ("cadence", "fortnightly", "fortnightly"),
        ("length", {"weeks": 3}, "{'weeks': 3}"),
    ],
)
def test_format_value(key: str, value: Any, expected: str) -> None:
    assert format_value(key, value) == expected


def test_format_terms() -> None:
    terms = compare_answers(
        mentee_answers(organiser="alternate"), copilot_answers(organiser="alternate")
    ).agreed
    lines = dict(format_terms(terms, "Alex", "Sam"))
    assert lines == {
        "Kind of relationship": "a copilot (peer mentoring)",
        "How often": "every two weeks",
        "Each meeting": "45 minutes",
        "How you'll meet": "on video",
        "How long": "6 meetings",
        "Who sets up meetings": "Alex and Sam take turns",
        "Alex's goals": "Get better at giving feedback to senior colleagues.",
        "What Sam offers": "Ten years of leading teams, and plenty of mistakes to learn from.",
        "What Alex expects from Sam": "Honest feedback, even when it stings.",
        "What Sam expects from Alex": "Come with a topic.",
        "Confidentiality": "yes, what we discuss stays between us",
        "Days": "Tuesday and Thursday",
        "Time of day (Alex's time)": "between 09:00 and 12:00",
    }
    assert format_terms({"organiser": "mentee"}, "Alex", "Sam") == [("Who sets up meetings", "Alex")]


# --- resolution -----------------------------------------------------------------------------------


def _disagreeing() -> Comparison:
    return compare_answers(
        mentee_answers(cadence="weekly", preferred_days=[0]),
        copilot_answers(cadence="monthly", preferred_days=[4], relationship_kind="coaching"),
    )


def test_resolving_every_difference_completes_the_agreement() -> None:
    comparison = _disagreeing()
    resolved: dict[str, Any] = {}
    assert open_fields(comparison, resolved) == ["relationship_kind", "cadence", "preferred_days"]
    assert not is_complete(comparison, resolved)
    with pytest.raises(ValueError, match="relationship_kind, cadence, preferred_days"):
        final_terms(comparison, resolved)

    # The mentee proposes every two weeks; the copilot counters with monthly; the mentee accepts.
    proposal, error = propose("cadence", "biweekly", "mentee", TODAY)
    assert error is None
    assert proposal == Proposal("cadence", "biweekly", "mentee")
    assert proposal.awaiting == "copilot"
    counter, error = counter_propose(proposal, "monthly", TODAY)
    assert error is None
    assert counter == Proposal("cadence", "monthly", "copilot")
    with pytest.raises(ValueError):
        accept_proposal(resolved, counter, "copilot")  # can't accept your own proposal
    resolved = accept_proposal(resolved, counter, "mentee")
    assert resolved == {"cadence": "monthly"}
    assert open_fields(comparison, resolved) == ["relationship_kind", "preferred_days"]

    kind, _ = propose("relationship_kind", "copilot", "copilot", TODAY)
    assert kind is not None
    resolved = accept_proposal(resolved, kind, "mentee")
    resolved = apply_resolution(resolved, "preferred_days", [])  # "any day" settles it too
    assert is_complete(comparison, resolved)

    terms = final_terms(comparison, resolved)
    assert terms["cadence"] == "monthly"
    assert terms["relationship_kind"] == "copilot"
    assert terms["preferred_days"] == []
    assert terms["meeting_minutes"] == 45
    assert terms["goals"] == comparison.agreed["goals"]


def test_invalid_proposals_are_refused_with_a_message() -> None:
    assert propose("cadence", "daily", "mentee", TODAY) == (None, "Pick how often you'd like to meet")
    assert propose("length", {"meetings": 100}, "copilot", TODAY)[1] == (
        "The number of meetings must be a whole number from 1 to 52"
    )
    proposal, error = propose("goals", "Anything at all, really.", "mentee", TODAY)
    assert proposal is None
    assert error
    proposal, _ = propose("meeting_minutes", "30", "copilot", TODAY)
    assert proposal == Proposal("meeting_minutes", 30, "copilot")


def test_apply_resolution_does_not_change_its_input() -> None:
    resolved = {"cadence": "weekly"}
    updated = apply_resolution(resolved, "meeting_minutes", 60)
    assert resolved == {"cadence": "weekly"}
    assert updated == {"cadence": "weekly", "meeting_minutes": 60}
    with pytest.raises(ValueError):
        apply_resolution(resolved, "goals", "something")


# --- end of term ----------------------------------------------------------------------------------


def test_term_end_reached() -> None:
    by_meetings = {"length": {"meetings": 6}}
    assert not term_end_reached(by_meetings, 5, TODAY)
    assert term_end_reached(by_meetings, 6, TODAY)
    assert term_end_reached(by_meetings, 7, TODAY)
    by_date = {"length": {"end_date": "2026-06-30"}}
    assert not term_end_reached(by_date, 20, date(2026, 6, 29))
    assert not term_end_reached(by_date, 0, date(2026, 6, 30))  # the end date itself still counts
    assert term_end_reached(by_date, 0, date(2026, 7, 1))
    assert not term_end_reached({}, 100, TODAY)


# --- properties -----------------------------------------------------------------------------------


@st.composite
def time_windows(draw: st.DrawFn) -> dict[str, str] | None:
    if draw(st.booleans()):
        return None
    start = draw(st.integers(0, 23 * 60 + 29))
    end = draw(st.integers(start + 30, 23 * 60 + 59))
    return {"start": f"{start // 60:02d}:{start % 60:02d}", "end": f"{end // 60:02d}:{end % 60:02d}"}


lengths = st.one_of(
    st.builds(lambda n: {"meetings": n}, st.integers(1, 52)),
    st.builds(
        lambda d: {"end_date": date.fromordinal(TODAY.toordinal() + d).isoformat()}, st.integers(1, 730)
    ),
)
texts = st.text(min_size=20, max_size=200).filter(lambda text: len(text.strip()) >= 20)
compared_answers = st.fixed_dictionaries(
    {
        "relationship_kind": st.sampled_from(list(RELATIONSHIP_KINDS)),
        "cadence": st.sampled_from(["weekly", "biweekly", "monthly"]),
        "meeting_minutes": st.sampled_from([30, 45, 60]),
        "meeting_format": st.sampled_from(["in_person", "video", "chat"]),
        "length": lengths,
        "organiser": st.sampled_from(["mentee", "copilot", "alternate"]),
        "preferred_days": st.lists(st.integers(0, 6), unique=True).map(sorted),
        "time_window": time_windows(),
    }
)
full_answers = st.builds(
    lambda compared, goals, offer, expectations: {
        **compared,
        "goals": goals,
        "offer": offer,
        "expectations": expectations,
        "confidentiality": True,
    },
    compared_answers,
    texts,
    texts,
    st.text(max_size=100),
)


@settings(max_examples=200)
@given(answers=full_answers)
def test_identical_valid_answers_never_differ(answers: dict[str, Any]) -> None:
    for role in ("mentee", "copilot"):
        _cleaned, errors = validate_answers(answers, role, TODAY)
        assert errors == {}
    comparison = compare_answers(answers, answers)
    assert comparison.differences == ()
    assert set(COMPARED_KEYS) <= set(comparison.agreed)


@settings(max_examples=200)
@given(mentee=full_answers, copilot=full_answers)
def test_differences_are_symmetric_when_swapping_sides(
    mentee: dict[str, Any], copilot: dict[str, Any]
) -> None:
    forward = compare_answers(mentee, copilot)
    swapped_mentee = mentee | {key: copilot[key] for key in COMPARED_KEYS}
    swapped_copilot = copilot | {key: mentee[key] for key in COMPARED_KEYS}
    backward = compare_answers(swapped_mentee, swapped_copilot)
    assert forward.difference_keys == backward.difference_keys
    for there, back in zip(forward.differences, backward.differences, strict=True):
        assert (there.mentee_value, there.copilot_value) == (back.copilot_value, back.mentee_value)
        assert there.dangerous == back.dangerous
    for key in COMPARED_KEYS:
        if key in forward.agreed:
            assert forward.agreed[key] == backward.agreed[key]


@settings(max_examples=200)
@given(mentee=full_answers, copilot=full_answers, pick_mentee=st.booleans())
def test_resolving_every_open_field_gives_complete_terms(
    mentee: dict[str, Any], copilot: dict[str, Any], pick_mentee: bool
) -> None:
    comparison = compare_answers(mentee, copilot)
    resolved: dict[str, Any] = {}
    for key in open_fields(comparison, resolved):
        proposer = "mentee" if pick_mentee else "copilot"
        proposal, error = propose(key, (mentee if pick_mentee else copilot)[key], proposer, TODAY)
        assert error is None
        assert proposal is not None
        resolved = accept_proposal(resolved, proposal, proposal.awaiting)
    assert is_complete(comparison, resolved)
    terms = final_terms(comparison, resolved)
    assert set(COMPARED_KEYS) <= set(terms)
    assert all(key in terms for key in ("goals", "offer", "expectations", "confidentiality"))
    assert format_terms(terms, "Alex", "Sam")


# --- edges the mutation pass found untested ---------------------------------------------------------------


def test_a_proposed_end_date_is_checked_against_today():
    proposal, error = propose("length", {"end_date": "2026-06-30"}, "mentee", TODAY)
    assert error is None and proposal == Proposal("length", {"end_date": "2026-06-30"}, "mentee")
    assert propose("length", {"end_date": "2026-05-12"}, "mentee", TODAY) == (
        None,
        "The end date must be in the future",
    )
    counter, error = counter_propose(proposal, {"end_date": "2026-07-31"}, TODAY)
    assert error is None and counter == Proposal("length", {"end_date": "2026-07-31"}, "copilot")


def test_two_years_from_a_leap_day_ends_on_the_28th():
    leap_day = date(2028, 2, 29)
    assert validate_field("length", {"end_date": "2030-02-28"}, "mentee", leap_day) == (
        {"end_date": "2030-02-28"},
        None,
    )
    assert validate_field("length", {"end_date": "2030-03-01"}, "mentee", leap_day) == (
        None,
        "The end date can be at most two years from today",
    )


def test_a_text_answer_may_be_exactly_the_limit_long():
    assert validate_field("offer", "x" * TEXT_MAX_CHARS, "copilot", TODAY) == ("x" * TEXT_MAX_CHARS, None)
    cleaned, error = validate_field("offer", "x" * (TEXT_MAX_CHARS + 1), "copilot", TODAY)
    assert cleaned is None and error is not None and f"under {TEXT_MAX_CHARS} characters" in error


@pytest.mark.parametrize(
    ("value", "agreed"), [(True, True), ("Yes", True), (" on ", True), ("no", False), (False, False)]
)
def test_confidentiality_is_agreed_only_by_a_yes(value: Any, agreed: bool):
    cleaned, error = validate_field("confidentiality", value, "mentee", TODAY)
    assert (cleaned is True) == agreed and (error is None) == agreed


def test_a_length_without_meetings_or_an_end_date_never_ends_the_term():
    assert term_end_reached({"length": {"weeks": 3}}, 99, TODAY) is False
    assert term_end_reached({"length": {"meetings": 3}}, 3, TODAY) is True


def test_a_comparison_finds_a_difference_by_its_question():
    comparison = _disagreeing()
    cadence = comparison.difference("cadence")
    assert cadence is not None and cadence.key == "cadence"
    assert comparison.difference("meeting_minutes") is None  # both said 45 minutes


def test_every_kind_mismatch_ends_with_the_same_advice_and_an_unknown_pair_gets_a_general_reason():
    advice = (
        "If you go ahead with different pictures, one of you will feel let down and the other "
        "over-committed, so agree on one kind first: it decides how often you meet, what you "
        "talk about and what each of you is signing up for."
    )
    for mentee_kind in RELATIONSHIP_KINDS:
        for copilot_kind in RELATIONSHIP_KINDS:
            if mentee_kind != copilot_kind:
                assert explain_kind_mismatch(mentee_kind, copilot_kind).endswith(advice)
    unknown = explain_kind_mismatch("copilot", "unknown")
    assert "These are different kinds of relationship with different commitments. If you go ahead" in unknown


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("preferred_days", None, "any day"),
        ("confidentiality", False, "not agreed"),
        ("expectations", {"mentee": "", "copilot": ""}, "no answer"),
    ],
)
def test_format_value_of_an_empty_or_refused_answer(key: str, value: Any, expected: str) -> None:
    assert format_value(key, value) == expected


def test_format_terms_names_the_organising_copilot_and_skips_empty_text():
    assert format_terms({"organiser": "copilot"}, "Alex", "Sam") == [("Who sets up meetings", "Sam")]
    assert format_terms({"goals": "", "offer": ""}, "Alex", "Sam") == []
    assert format_terms({"preferred_days": []}, "Alex", "Sam") == [("Days", "any day")]
    assert format_terms({"expectations": "Be on time"}, "Alex", "Sam") == [
        ("What Alex expects from Sam", "Be on time")
    ]


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        (
            {"start": "9:30", "end": "10:00"},
            ({"start": "09:30", "end": "10:00"}, None),
        ),  # exactly the minimum
        ({"start": "", "end": ""}, (None, None)),
        ({"start": "09:30", "end": ""}, (None, "Give both a start and an end time")),
        ({"start": "", "end": "10:00"}, (None, "Give both a start and an end time")),
        ({"start": "10:00", "end": "10:00"}, (None, "The end time must be after the start time")),
        ({"start": 930, "end": "10:00"}, (None, "Enter times as HH:MM, e.g. 09:30")),
    ],
)
def test_a_time_window_needs_both_ends_in_order(window: dict[str, Any], expected: tuple[Any, Any]):
    assert validate_field("time_window", window, "mentee", TODAY) == expected


def test_days_must_be_a_list_of_weekdays():
    assert validate_field("preferred_days", [4, 1, 1], "mentee", TODAY) == ([1, 4], None)
    for odd in (3, "Monday", {"day": 1}, [7]):
        assert validate_field("preferred_days", odd, "mentee", TODAY) == (
            None,
            "Pick days from Monday to Sunday",
        )
