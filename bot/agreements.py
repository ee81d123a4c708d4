"""The expectation-setting questionnaire a mentee and mentor fill in before a pairing goes active.

Each person answers the same questions on their own. ``compare_answers`` turns the two sets of
answers into agreed terms plus the differences they still need to talk through; each difference
is resolved by one person proposing a value and the other accepting it (or counter-proposing).
Once nothing is open, ``final_terms`` gives the agreement both people confirm.

Answers and terms are plain JSON-able dicts keyed by the question keys below, because that is
how they are stored. Pure module: no Slack or database code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

Role = Literal["mentee", "mentor"]
QuestionKind = Literal["choice", "number_or_date", "text", "bool", "days", "time_window"]
Owner = Literal["both", "mentee", "mentor"]
Option = tuple[Any, str, str]  # (stored value, label, one-line help)

# --- what is asked ----------------------------------------------------------------------------------

RELATIONSHIP_KINDS: dict[str, tuple[str, str]] = {
    "copilot": (
        "Copilot (peer mentoring)",
        "A colleague who helps you grow through regular conversations.",
    ),
    "networking": (
        "Networking contact",
        "Information and introductions when you need them, with no regular meetings.",
    ),
    "coaching": (
        "Coaching on one skill",
        "Focused practice and feedback on one specific skill until you have it.",
    ),
    "sponsorship": (
        "Sponsorship",
        "Someone who advocates for you and puts your name forward when you're not in the room.",
    ),
}

CADENCE_OPTIONS: tuple[Option, ...] = (
    ("weekly", "Every week", "Good for a short, intense stretch of work on something."),
    ("biweekly", "Every two weeks", "The usual rhythm: time to try things between conversations."),
    ("monthly", "Every month", "A lighter touch; check-in reminders come every four weeks."),
)
MEETING_MINUTES_OPTIONS: tuple[Option, ...] = (
    (30, "30 minutes", "Enough for a focused check-in."),
    (45, "45 minutes", "Room for one topic in depth."),
    (60, "1 hour", "Room to go deep or cover several topics."),
)
MEETING_FORMAT_OPTIONS: tuple[Option, ...] = (
    ("in_person", "In person", "Meet face to face, e.g. over coffee."),
    ("video", "Video call", "Cameras on, from wherever you are."),
    ("chat", "Chat", "Written conversations in Slack, at a set time."),
)
LENGTH_OPTIONS: tuple[Option, ...] = (
    ("meetings", "A number of meetings", "Between 1 and 52 meetings."),
    ("end_date", "Until a date", "Up to two years from today."),
)
ORGANISER_OPTIONS: tuple[Option, ...] = (
    ("mentee", "The mentee", "Usual choice: mentoring is driven by the mentee."),
    ("mentor", "The mentor", "The mentor sends the invitations."),
    ("alternate", "We take turns", "Whoever didn't set up the last meeting sets up the next one."),
)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_OPTIONS: tuple[Option, ...] = tuple((number, name, "") for number, name in enumerate(WEEKDAY_NAMES))


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    kind: QuestionKind
    options: tuple[Option, ...]
    required: bool
    owner: Owner
    compared: bool
    help: str = ""

    def asked_of(self, role: Role) -> bool:
        return self.owner in ("both", role)


QUESTIONS: tuple[Question, ...] = (
    Question(
        "relationship_kind",
        "What kind of relationship are you looking for?",
        "choice",
        tuple((key, label, help_text) for key, (label, help_text) in RELATIONSHIP_KINDS.items()),
        required=True,
        owner="both",
        compared=True,
    ),
    Question(
        "cadence",
        "How often would you like to meet?",
        "choice",
        CADENCE_OPTIONS,
        required=True,
        owner="both",
        compared=True,
    ),
    Question(
        "meeting_minutes",
        "How long should each meeting be?",
        "choice",
        MEETING_MINUTES_OPTIONS,
        required=True,
        owner="both",
        compared=True,
    ),
    Question(
        "meeting_format",
        "How would you like to meet?",
        "choice",
        MEETING_FORMAT_OPTIONS,
        required=True,
        owner="both",
        compared=True,
    ),
    Question(
        "length",
        "How long should the mentoring last?",
        "number_or_date",
        LENGTH_OPTIONS,
        required=True,
        owner="both",
        compared=True,
    ),
    Question(
        "organiser",
        "Who sets up the meetings?",
        "choice",
        ORGANISER_OPTIONS,
        required=False,  # defaults to the mentee
        owner="both",
        compared=True,
    ),
    Question(
        "goals",
        "What would you like to work on?",
        "text",
        (),
        required=True,
        owner="mentee",
        compared=False,
        help="A few sentences are plenty. Your mentor reads this before your first meeting.",
    ),
    Question(
        "offer",
        "What can you offer?",
        "text",
        (),
        required=True,
        owner="mentor",
        compared=False,
        help="Experience, skills or perspective you're happy to share.",
    ),
    Question(
        "expectations",
        "What do you expect from the other person?",
        "text",
        (),
        required=False,
        owner="both",
        compared=False,
        help="E.g. come prepared with a topic, tell me if you need to cancel.",
    ),
    Question(
        "confidentiality",
        "I'll keep what we discuss between us",
        "bool",
        (),
        required=True,
        owner="both",
        compared=False,
    ),
    Question(
        "preferred_days",
        "Which days suit you best?",
        "days",
        DAY_OPTIONS,
        required=False,
        owner="both",
        compared=True,
    ),
    Question(
        "time_window",
        "What time of day suits you? (your local time)",
        "time_window",
        (),
        required=False,
        owner="both",
        compared=True,
    ),
)

QUESTION_BY_KEY: dict[str, Question] = {question.key: question for question in QUESTIONS}
COMPARED_KEYS: tuple[str, ...] = tuple(question.key for question in QUESTIONS if question.compared)

TEXT_MAX_CHARS = 2000
GOALS_MIN_CHARS = 20
MAX_MEETINGS = 52
MIN_WINDOW_MINUTES = 30  # shortest useful meeting slot

_CHOICE_ERRORS = {
    "relationship_kind": "Pick the kind of relationship you're looking for",
    "cadence": "Pick how often you'd like to meet",
    "meeting_minutes": "Pick how long each meeting should be",
    "meeting_format": "Pick how you'd like to meet",
    "organiser": "Pick who sets up the meetings",
}
_OPTIONS_BY_KEY: dict[str, tuple[Option, ...]] = {q.key: q.options for q in QUESTIONS if q.kind == "choice"}
_TIME_PATTERN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_TRUE_STRINGS = frozenset({"true", "yes", "on", "1"})


# --- validation -----------------------------------------------------------------------------------


class _Invalid(Exception):
    """Internal: a single field's answer is unusable; the message is shown to the person."""


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], (), {})


def _clean_choice(key: str, value: Any) -> Any:
    for option_value, _label, _help in _OPTIONS_BY_KEY[key]:
        # Slack select menus send every value back as a string.
        if value == option_value or (isinstance(value, str) and value.strip() == str(option_value)):
            return option_value
    raise _Invalid(_CHOICE_ERRORS[key])


def _two_years_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 2)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 2, day=28)


def _parse_count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _clean_length(value: Any, today: date) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise _Invalid("Say how long the mentoring should last: a number of meetings or an end date")
    meetings = value.get("meetings")
    end_date = value.get("end_date")
    if not _is_blank(meetings) and not _is_blank(end_date):
        raise _Invalid("Choose either a number of meetings or an end date, not both")
    if not _is_blank(meetings):
        count = _parse_count(meetings)
        if count is None or not 1 <= count <= MAX_MEETINGS:
            raise _Invalid(f"The number of meetings must be a whole number from 1 to {MAX_MEETINGS}")
        return {"meetings": count}
    if not _is_blank(end_date):
        if isinstance(end_date, date):
            ends = end_date
        else:
            try:
                ends = date.fromisoformat(str(end_date).strip())
            except ValueError:
                raise _Invalid("Enter the end date as a date, e.g. 2026-06-30") from None
        if ends <= today:
            raise _Invalid("The end date must be in the future")
        if ends > _two_years_after(today):
            raise _Invalid("The end date can be at most two years from today")
        return {"end_date": ends.isoformat()}
    raise _Invalid("Say how long the mentoring should last: a number of meetings or an end date")


def _clean_text(key: str, value: Any, role: Role) -> str:
    if value is not None and not isinstance(value, str):
        raise _Invalid("Please write your answer as text")
    text = (value or "").strip()
    if len(text) > TEXT_MAX_CHARS:
        raise _Invalid(f"Please keep this under {TEXT_MAX_CHARS} characters (it's {len(text)} now)")
    if key == "goals" and role == "mentee":
        if not text:
            raise _Invalid("Tell your mentor what you'd like to work on")
        if len(text) < GOALS_MIN_CHARS:
            raise _Invalid(f"Say a little more about your goals (at least {GOALS_MIN_CHARS} characters)")
    if key == "offer" and role == "mentor" and not text:
        raise _Invalid("Tell your mentee what you can offer")
    return text


def _clean_confidentiality(value: Any) -> bool:
    if value is True or (isinstance(value, str) and value.strip().lower() in _TRUE_STRINGS):
        return True
    raise _Invalid("Please tick this: it's what makes the conversation safe")


def _clean_days(value: Any) -> list[int]:
    if _is_blank(value):
        return []
    if isinstance(value, str | bytes | Mapping) or not hasattr(value, "__iter__"):
        raise _Invalid("Pick days from Monday to Sunday")
    days = set()
    for item in value:
        day = _parse_count(item)
        if day is None or not 0 <= day <= 6:
            raise _Invalid("Pick days from Monday to Sunday")
        days.add(day)
    return sorted(days)


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _clean_time(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if len(text) == 4 and text[1] == ":":  # "9:30" from a hand-typed answer
        text = "0" + text
    if not _TIME_PATTERN.match(text):
        raise _Invalid("Enter times as HH:MM, e.g. 09:30")
    return text


def _clean_time_window(value: Any) -> dict[str, str] | None:
    if _is_blank(value):
        return None
    if not isinstance(value, Mapping):
        raise _Invalid("Enter a start and an end time, e.g. 09:30 to 12:00")
    start, end = value.get("start"), value.get("end")
    if _is_blank(start) and _is_blank(end):
        return None
    if _is_blank(start) or _is_blank(end):
        raise _Invalid("Give both a start and an end time")
    start, end = _clean_time(start), _clean_time(end)
    if _minutes(end) <= _minutes(start):
        raise _Invalid("The end time must be after the start time")
    if _minutes(end) - _minutes(start) < MIN_WINDOW_MINUTES:
        raise _Invalid(f"Leave at least {MIN_WINDOW_MINUTES} minutes between the start and end time")
    return {"start": start, "end": end}


def validate_field(key: str, value: Any, role: Role, today: date) -> tuple[Any, str | None]:
    """Clean one answer. Returns ``(cleaned value, None)`` or ``(None, human error message)``.

    Also used to check a value proposed while resolving a difference.
    """
    question = QUESTION_BY_KEY.get(key)
    if question is None:
        return None, f"Unknown question {key!r}"
    try:
        if question.kind == "choice":
            if _is_blank(value):
                if key == "organiser":
                    return "mentee", None
                raise _Invalid(_CHOICE_ERRORS[key])
            return _clean_choice(key, value), None
        if question.kind == "number_or_date":
            return _clean_length(value, today), None
        if question.kind == "text":
            return _clean_text(key, value, role), None
        if question.kind == "bool":
            return _clean_confidentiality(value), None
        if question.kind == "days":
            return _clean_days(value), None
        return _clean_time_window(value), None
    except _Invalid as error:
        return None, str(error)
    except Exception:  # odd payloads must never break the modal submission
        return None, "That answer couldn't be read; please try again"


def validate_answers(
    raw: Mapping[str, Any], role: Role, today: date
) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean one person's questionnaire. Returns ``(answers, errors keyed by question key)``.

    Only the questions asked of ``role`` are kept (a mentor's "goals" is dropped, for example).
    Optional questions left blank come back as their "no preference" value: ``organiser``
    "mentee", ``expectations`` "", ``preferred_days`` [] and ``time_window`` None.
    """
    if not isinstance(raw, Mapping):
        raw = {}
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in QUESTIONS:
        if not question.asked_of(role):
            continue
        cleaned, error = validate_field(question.key, raw.get(question.key), role, today)
        if error is None:
            answers[question.key] = cleaned
        else:
            errors[question.key] = error
    return answers, errors


# --- comparing the two sets of answers ------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    key: str
    mentee_value: Any
    mentor_value: Any
    dangerous: bool = False  # a mismatch that means they want different things, not just a detail


@dataclass(frozen=True)
class Comparison:
    agreed: dict[str, Any]
    differences: tuple[Difference, ...]

    @property
    def difference_keys(self) -> tuple[str, ...]:
        return tuple(difference.key for difference in self.differences)

    def difference(self, key: str) -> Difference | None:
        return next((d for d in self.differences if d.key == key), None)


def _window_overlap(
    mentee_window: Mapping[str, str], mentor_window: Mapping[str, str], mentor_shift: int
) -> dict[str, str] | None:
    """The longest stretch both windows share, in the mentee's local time, if ≥ 30 minutes."""
    mentee_start, mentee_end = _minutes(mentee_window["start"]), _minutes(mentee_window["end"])
    best: tuple[int, int] | None = None
    # The mentor's window, moved into the mentee's clock, may land on the previous or next day.
    for day_shift in (-1440, 0, 1440):
        start = max(mentee_start, _minutes(mentor_window["start"]) + mentor_shift + day_shift)
        end = min(mentee_end, _minutes(mentor_window["end"]) + mentor_shift + day_shift)
        if end - start >= MIN_WINDOW_MINUTES and (best is None or end - start > best[1] - best[0]):
            best = (start, end)
    if best is None:
        return None
    return {"start": _hhmm(best[0]), "end": _hhmm(best[1])}


def compare_answers(
    mentee: Mapping[str, Any],
    mentor: Mapping[str, Any],
    *,
    mentee_utc_offset_minutes: int = 0,
    mentor_utc_offset_minutes: int = 0,
) -> Comparison:
    """Compare two cleaned questionnaires (from ``validate_answers``) field by field.

    Time windows are each person's local time; pass both UTC offsets when the two are in
    different time zones. An agreed time window is always expressed in the mentee's local time.
    """
    agreed: dict[str, Any] = {}
    differences: list[Difference] = []

    def differ(key: str) -> None:
        differences.append(
            Difference(key, mentee.get(key), mentor.get(key), dangerous=key == "relationship_kind")
        )

    for key in ("relationship_kind", "cadence", "meeting_minutes", "meeting_format", "length", "organiser"):
        default = "mentee" if key == "organiser" else None
        mentee_value, mentor_value = mentee.get(key, default), mentor.get(key, default)
        if mentee_value is not None and mentee_value == mentor_value:
            agreed[key] = mentee_value
        else:
            differ(key)

    mentee_days, mentor_days = (
        set(mentee.get("preferred_days") or ()),
        set(mentor.get("preferred_days") or ()),
    )
    if not mentee_days or not mentor_days:
        agreed["preferred_days"] = sorted(mentee_days or mentor_days)
    elif mentee_days & mentor_days:
        agreed["preferred_days"] = sorted(mentee_days & mentor_days)
    else:
        differ("preferred_days")

    mentee_window, mentor_window = mentee.get("time_window"), mentor.get("time_window")
    if not mentee_window or not mentor_window:
        if mentor_window and mentee_utc_offset_minutes != mentor_utc_offset_minutes:
            mentor_window = _window_overlap(
                {"start": "00:00", "end": "23:59"},
                mentor_window,
                mentee_utc_offset_minutes - mentor_utc_offset_minutes,
            )
        agreed["time_window"] = mentee_window or mentor_window or None
    else:
        overlap = _window_overlap(
            mentee_window, mentor_window, mentee_utc_offset_minutes - mentor_utc_offset_minutes
        )
        if overlap is None:
            differ("time_window")
        else:
            agreed["time_window"] = overlap

    agreed["goals"] = mentee.get("goals", "")
    agreed["offer"] = mentor.get("offer", "")
    agreed["expectations"] = {
        "mentee": mentee.get("expectations", ""),
        "mentor": mentor.get("expectations", ""),
    }
    agreed["confidentiality"] = (
        mentee.get("confidentiality") is True and mentor.get("confidentiality") is True
    )

    order = {key: index for index, key in enumerate(COMPARED_KEYS)}
    return Comparison(agreed=agreed, differences=tuple(sorted(differences, key=lambda d: order[d.key])))


# --- resolving differences ----------------------------------------------------------------------

Terms = dict[str, Any]


@dataclass(frozen=True)
class Proposal:
    """One person's suggested value for a field they disagreed on; the other accepts or counters."""

    key: str
    value: Any
    proposed_by: Role

    @property
    def awaiting(self) -> Role:
        """Who needs to respond to this proposal."""
        return "mentor" if self.proposed_by == "mentee" else "mentee"


def propose(key: str, value: Any, proposed_by: Role, today: date) -> tuple[Proposal | None, str | None]:
    """Validate a proposed value. Returns ``(proposal, None)`` or ``(None, human error message)``."""
    if key not in COMPARED_KEYS:
        return None, f"{key!r} isn't something you need to agree on"
    cleaned, error = validate_field(key, value, proposed_by, today)
    if error is not None:
        return None, error
    return Proposal(key, cleaned, proposed_by), None


def counter_propose(previous: Proposal, value: Any, today: date) -> tuple[Proposal | None, str | None]:
    """The person the ``previous`` proposal was waiting on suggests something else instead."""
    return propose(previous.key, value, previous.awaiting, today)


def apply_resolution(resolved: Mapping[str, Any], key: str, value: Any) -> Terms:
    """A new ``resolved`` mapping with ``key`` settled as ``value`` (the input is not changed)."""
    if key not in COMPARED_KEYS:
        raise ValueError(f"{key!r} is not a compared field")
    return {**resolved, key: value}


def accept_proposal(resolved: Mapping[str, Any], proposal: Proposal, accepted_by: Role) -> Terms:
    """The other person accepts ``proposal``: the field is settled."""
    if accepted_by != proposal.awaiting:
        raise ValueError("A proposal has to be accepted by the other person")
    return apply_resolution(resolved, proposal.key, proposal.value)


def open_fields(comparison: Comparison, resolved: Mapping[str, Any]) -> list[str]:
    """Compared fields that still differ and have not been settled, in question order."""
    return [key for key in comparison.difference_keys if key not in resolved]


def is_complete(comparison: Comparison, resolved: Mapping[str, Any]) -> bool:
    return not open_fields(comparison, resolved)


def final_terms(comparison: Comparison, resolved: Mapping[str, Any]) -> Terms:
    """The full agreement: agreed fields plus settled differences. Raises ValueError if any is open."""
    still_open = open_fields(comparison, resolved)
    if still_open:
        raise ValueError(f"Not agreed yet: {', '.join(still_open)}")
    settled = {key: value for key, value in resolved.items() if key in COMPARED_KEYS}
    return {**comparison.agreed, **settled}


def term_end_reached(terms: Mapping[str, Any], meetings_held: int, today: date) -> bool:
    """True once the agreed number of meetings has been held or the day after the end date arrives."""
    length = terms.get("length")
    if not isinstance(length, Mapping):
        return False
    if "meetings" in length:
        return meetings_held >= int(length["meetings"])
    if "end_date" in length:
        return today > date.fromisoformat(str(length["end_date"]))
    return False


# --- wording ------------------------------------------------------------------------------------

_VALUE_WORDS: dict[str, dict[Any, str]] = {
    "relationship_kind": {
        "copilot": "a copilot (peer mentoring)",
        "networking": "a networking contact",
        "coaching": "coaching on one skill",
        "sponsorship": "sponsorship",
    },
    "cadence": {"weekly": "every week", "biweekly": "every two weeks", "monthly": "every month"},
    "meeting_minutes": {30: "30 minutes", 45: "45 minutes", 60: "1 hour"},
    "meeting_format": {"in_person": "in person", "video": "on video", "chat": "over chat"},
    "organiser": {
        "mentee": "the mentee sets up meetings",
        "mentor": "the mentor sets up meetings",
        "alternate": "take turns setting up meetings",
    },
}


def _join_words(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _long_date(iso_day: str) -> str:
    day = date.fromisoformat(iso_day)
    return f"{day.day} {day:%B %Y}"


def format_value(key: str, value: Any) -> str:
    """Human wording for a stored answer or term, e.g. ("cadence", "biweekly") -> "every two weeks"."""
    try:
        if value is None or value == "":
            return {"preferred_days": "any day", "time_window": "any time"}.get(key, "no answer")
        if key in _VALUE_WORDS:
            return _VALUE_WORDS[key].get(value, str(value))
        if key == "length":
            if "meetings" in value:
                count = int(value["meetings"])
                return f"{count} meeting" if count == 1 else f"{count} meetings"
            return f"until {_long_date(value['end_date'])}"
        if key == "preferred_days":
            return _join_words([WEEKDAY_NAMES[day] for day in value]) or "any day"
        if key == "time_window":
            return f"between {value['start']} and {value['end']}"
        if key == "confidentiality":
            return "yes, what we discuss stays between us" if value is True else "not agreed"
        if key == "expectations" and isinstance(value, Mapping):
            return " / ".join(text for text in value.values() if text) or "no answer"
    except (KeyError, TypeError, ValueError, IndexError):
        pass
    return str(value)


def describe_difference(diff: Difference, mentee_name: str, mentor_name: str, viewer: Role) -> str:
    """One difference side by side, from ``viewer``'s side: "You said every week, Sam said every month."

    Views should show the question label with it; for the relationship kind, show
    ``explain_kind_mismatch`` too.
    """
    if viewer == "mentee":
        mine, theirs, other_name = diff.mentee_value, diff.mentor_value, mentor_name
    else:
        mine, theirs, other_name = diff.mentor_value, diff.mentee_value, mentee_name
    sentence = f"You said {format_value(diff.key, mine)}, {other_name} said {format_value(diff.key, theirs)}"
    if diff.key == "preferred_days" and mine and theirs:
        sentence += ": no day in common"
    elif diff.key == "time_window" and mine and theirs:
        sentence += f" (each in your own time): less than {MIN_WINDOW_MINUTES} minutes in common"
    return sentence + "."


_KIND_MISMATCH_WHY: dict[frozenset[str], str] = {
    frozenset({"copilot", "networking"}): (
        "A copilot expects regular conversations about growth; a networking contact expects to be "
        "a one-off source of information and introductions, with no regular meetings."
    ),
    frozenset({"copilot", "coaching"}): (
        "A copilot relationship is broad and follows the mentee's goals over many conversations; "
        "coaching works on one specific skill and usually ends once that skill is there."
    ),
    frozenset({"copilot", "sponsorship"}): (
        "A copilot helps you grow through conversations; a sponsor puts their own reputation behind "
        "you in rooms you're not in, which is a much bigger commitment and can't be assumed."
    ),
    frozenset({"networking", "coaching"}): (
        "A networking contact shares information and introductions when asked; coaching means "
        "regular, focused practice and feedback on one skill."
    ),
    frozenset({"networking", "sponsorship"}): (
        "A networking contact shares information and introductions; a sponsor actively puts your "
        "name forward for opportunities, a commitment they need to choose knowingly."
    ),
    frozenset({"coaching", "sponsorship"}): (
        "Coaching builds one specific skill through practice and feedback; sponsorship is someone "
        "advocating for you when you're not in the room."
    ),
}


def explain_kind_mismatch(mentee_kind: str, mentor_kind: str) -> str:
    """Why it matters that the two picked different kinds of relationship. Empty if they match."""
    if mentee_kind == mentor_kind:
        return ""
    mentee_words = format_value("relationship_kind", mentee_kind)
    mentor_words = format_value("relationship_kind", mentor_kind)
    why = _KIND_MISMATCH_WHY.get(
        frozenset({mentee_kind, mentor_kind}),
        "These are different kinds of relationship with different commitments.",
    )
    return (
        f"You're picturing different things: the mentee is looking for {mentee_words}, "
        f"the mentor expects {mentor_words}. {why} "
        "If you go ahead with different pictures, one of you will feel let down and the other "
        "over-committed, so agree on one kind first: it decides how often you meet, what you "
        "talk about and what each of you is signing up for."
    )


def format_terms(terms: Mapping[str, Any], mentee_name: str, mentor_name: str) -> list[tuple[str, str]]:
    """(label, value) lines for the "agreed terms" summary, in question order; missing terms skipped."""
    labels = {
        "relationship_kind": "Kind of relationship",
        "cadence": "How often",
        "meeting_minutes": "Each meeting",
        "meeting_format": "How you'll meet",
        "length": "How long",
        "organiser": "Who sets up meetings",
        "preferred_days": "Days",
        "time_window": f"Time of day ({mentee_name}'s time)",
        "goals": f"{mentee_name}'s goals",
        "offer": f"What {mentor_name} offers",
        "confidentiality": "Confidentiality",
    }
    organisers = {
        "mentee": mentee_name,
        "mentor": mentor_name,
        "alternate": f"{mentee_name} and {mentor_name} take turns",
    }
    lines: list[tuple[str, str]] = []
    for question in QUESTIONS:
        key = question.key
        value = terms.get(key)
        if key not in terms or (question.kind == "text" and not value):
            continue
        if key == "organiser" and value in organisers:
            lines.append((labels[key], organisers[value]))
        elif key == "expectations":
            expectations = value if isinstance(value, Mapping) else {"mentee": value}
            if expectations.get("mentee"):
                lines.append((f"What {mentee_name} expects from {mentor_name}", str(expectations["mentee"])))
            if expectations.get("mentor"):
                lines.append((f"What {mentor_name} expects from {mentee_name}", str(expectations["mentor"])))
        else:
            lines.append((labels[key], format_value(key, value)))
    return lines
