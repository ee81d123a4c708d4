"""Human wording for answers and terms: one value, one difference, why two kinds of relationship clash,
and the lines of an agreement.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.messages.text import format_date
from bot.rules.agreements.comparison import Difference
from bot.rules.agreements.questionnaire import MIN_WINDOW_MINUTES, QUESTIONS, WEEKDAY_NAMES, Role
from bot.rules.cadence import CADENCES, cadence_name

_VALUE_WORDS: dict[str, dict[Any, str]] = {
    "relationship_kind": {
        "copilot": "a copilot (peer mentoring)",
        "networking": "a networking contact",
        "coaching": "coaching on one skill",
        "sponsorship": "sponsorship",
    },
    "cadence": {key: cadence_name(key) for key in CADENCES},
    "meeting_minutes": {30: "30 minutes", 45: "45 minutes", 60: "1 hour"},
    "meeting_format": {"in_person": "in person", "video": "on video", "chat": "over chat"},
    "organiser": {
        "mentee": "the mentee sets up meetings",
        "copilot": "the copilot sets up meetings",
        "alternate": "take turns setting up meetings",
    },
}


def _join_words(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


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
            return f"until {format_date(date.fromisoformat(value['end_date']), year=True)}"
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


def describe_difference(diff: Difference, mentee_name: str, copilot_name: str, viewer: Role) -> str:
    """One difference side by side, from ``viewer``'s side: "You said every week, Sam said every four weeks."

    Views should show the question label with it; for the relationship kind, show
    ``explain_kind_mismatch`` too.
    """
    if viewer == "mentee":
        mine, theirs, other_name = diff.mentee_value, diff.copilot_value, copilot_name
    else:
        mine, theirs, other_name = diff.copilot_value, diff.mentee_value, mentee_name
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


def explain_kind_mismatch(mentee_kind: str, copilot_kind: str) -> str:
    """Why it matters that the two picked different kinds of relationship. Empty if they match."""
    if mentee_kind == copilot_kind:
        return ""
    mentee_words = format_value("relationship_kind", mentee_kind)
    copilot_words = format_value("relationship_kind", copilot_kind)
    why = _KIND_MISMATCH_WHY.get(
        frozenset({mentee_kind, copilot_kind}),
        "These are different kinds of relationship with different commitments.",
    )
    return (
        f"You're picturing different things: the mentee is looking for {mentee_words}, "
        f"the copilot expects {copilot_words}. {why} "
        "If you go ahead with different pictures, one of you will feel let down and the other "
        "over-committed, so agree on one kind first: it decides how often you meet, what you "
        "talk about and what each of you is signing up for."
    )


def format_terms(terms: Mapping[str, Any], mentee_name: str, copilot_name: str) -> list[tuple[str, str]]:
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
        "offer": f"What {copilot_name} offers",
        "confidentiality": "Confidentiality",
    }
    organisers = {
        "mentee": mentee_name,
        "copilot": copilot_name,
        "alternate": f"{mentee_name} and {copilot_name} take turns",
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
                lines.append((f"What {mentee_name} expects from {copilot_name}", str(expectations["mentee"])))
            if expectations.get("copilot"):
                lines.append(
                    (f"What {copilot_name} expects from {mentee_name}", str(expectations["copilot"]))
                )
        else:
            lines.append((labels[key], format_value(key, value)))
    return lines
