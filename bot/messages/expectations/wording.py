"""Human wording for answers and terms: one value, one difference, why two kinds of relationship clash,
and the lines of an agreement. Everything is written in the reader's language when it is asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from babel.dates import get_day_names

from bot.i18n import N_, _, current_locale, n_
from bot.messages.text import format_date
from bot.rules.agreements.comparison import Difference
from bot.rules.agreements.questionnaire import MIN_WINDOW_MINUTES, QUESTIONS, Role
from bot.rules.cadence import CADENCES, cadence_name

_VALUE_WORDS: dict[str, dict[Any, str]] = {
    "relationship_kind": {
        "copilot": N_("a copilot (peer mentoring)"),
        "networking": N_("a networking contact"),
        "coaching": N_("coaching on one skill"),
        "sponsorship": N_("sponsorship"),
    },
    "meeting_minutes": {30: N_("30 minutes"), 45: N_("45 minutes"), 60: N_("1 hour")},
    "meeting_format": {"in_person": N_("in person"), "video": N_("on video"), "chat": N_("over chat")},
    "organiser": {
        "mentee": N_("the mentee sets up meetings"),
        "copilot": N_("the copilot sets up meetings"),
        "alternate": N_("take turns setting up meetings"),
    },
}


def weekday_name(day: int) -> str:
    """A weekday (Monday=0) as the reader names it inside a sentence: "Monday", "lundi" (CLDR names)."""
    return get_day_names("wide", locale=current_locale())[day]


def _join_words(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return _("{items} and {last}", items=", ".join(words[:-1]), last=words[-1])


def format_value(key: str, value: Any) -> str:
    """Human wording for a stored answer or term, e.g. ("cadence", "biweekly") -> "every two weeks"."""
    try:
        if value is None or value == "":
            if key == "preferred_days":
                return _("any day")
            return _("any time") if key == "time_window" else _("no answer")
        if key == "cadence" and value in CADENCES:
            return cadence_name(value)
        if key in _VALUE_WORDS:
            words = _VALUE_WORDS[key].get(value)
            return _(words) if words else str(value)
        if key == "length":
            if "meetings" in value:
                count = int(value["meetings"])
                return n_("{count} meeting", "{count} meetings", count)
            return _("until {day}", day=format_date(date.fromisoformat(value["end_date"]), year=True))
        if key == "preferred_days":
            return _join_words([weekday_name(day) for day in value]) or _("any day")
        if key == "time_window":
            return _("between {start} and {end}", start=value["start"], end=value["end"])
        if key == "confidentiality":
            return _("yes, what we discuss stays between us") if value is True else _("not agreed")
        if key == "expectations" and isinstance(value, Mapping):
            return " / ".join(text for text in value.values() if text) or _("no answer")
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
    values = {
        "mine": format_value(diff.key, mine),
        "other": other_name,
        "theirs": format_value(diff.key, theirs),
    }
    if diff.key == "preferred_days" and mine and theirs:
        return _("You said {mine}, {other} said {theirs}: no day in common.", **values)
    if diff.key == "time_window" and mine and theirs:
        return _(
            "You said {mine}, {other} said {theirs} (each in your own time): "
            "less than {minutes} minutes in common.",
            minutes=MIN_WINDOW_MINUTES,
            **values,
        )
    return _("You said {mine}, {other} said {theirs}.", **values)


_KIND_MISMATCH_WHY: dict[frozenset[str], str] = {
    frozenset({"copilot", "networking"}): N_(
        "A copilot expects regular conversations about growth; a networking contact expects to be "
        "a one-off source of information and introductions, with no regular meetings."
    ),
    frozenset({"copilot", "coaching"}): N_(
        "A copilot relationship is broad and follows the mentee's goals over many conversations; "
        "coaching works on one specific skill and usually ends once that skill is there."
    ),
    frozenset({"copilot", "sponsorship"}): N_(
        "A copilot helps you grow through conversations; a sponsor puts their own reputation behind "
        "you in rooms you're not in, which is a much bigger commitment and can't be assumed."
    ),
    frozenset({"networking", "coaching"}): N_(
        "A networking contact shares information and introductions when asked; coaching means "
        "regular, focused practice and feedback on one skill."
    ),
    frozenset({"networking", "sponsorship"}): N_(
        "A networking contact shares information and introductions; a sponsor actively puts your "
        "name forward for opportunities, a commitment they need to choose knowingly."
    ),
    frozenset({"coaching", "sponsorship"}): N_(
        "Coaching builds one specific skill through practice and feedback; sponsorship is someone "
        "advocating for you when you're not in the room."
    ),
}


def explain_kind_mismatch(mentee_kind: str, copilot_kind: str) -> str:
    """Why it matters that the two picked different kinds of relationship. Empty if they match."""
    if mentee_kind == copilot_kind:
        return ""
    why = _KIND_MISMATCH_WHY.get(
        frozenset({mentee_kind, copilot_kind}),
        N_("These are different kinds of relationship with different commitments."),
    )
    picture = _(
        "You're picturing different things: the mentee is looking for {mentee_kind}, "
        "the copilot expects {copilot_kind}.",
        mentee_kind=format_value("relationship_kind", mentee_kind),
        copilot_kind=format_value("relationship_kind", copilot_kind),
    )
    advice = _(
        "If you go ahead with different pictures, one of you will feel let down and the other "
        "over-committed, so agree on one kind first: it decides how often you meet, what you "
        "talk about and what each of you is signing up for."
    )
    return f"{picture} {_(why)} {advice}"


_TERM_LABELS = {
    "relationship_kind": N_("Kind of relationship"),
    "cadence": N_("How often"),
    "meeting_minutes": N_("Each meeting"),
    "meeting_format": N_("How you'll meet"),
    "length": N_("How long"),
    "organiser": N_("Who sets up meetings"),
    "preferred_days": N_("Days"),
    "confidentiality": N_("Confidentiality"),
}


def _term_label(key: str, mentee_name: str, copilot_name: str) -> str:
    if key == "time_window":
        return _("Time of day ({name}'s time)", name=mentee_name)
    if key == "goals":
        return _("{name}'s goals", name=mentee_name)
    if key == "offer":
        return _("What {name} offers", name=copilot_name)
    return _(_TERM_LABELS[key])


def format_terms(terms: Mapping[str, Any], mentee_name: str, copilot_name: str) -> list[tuple[str, str]]:
    """(label, value) lines for the "agreed terms" summary, in question order; missing terms skipped."""
    organisers = {
        "mentee": mentee_name,
        "copilot": copilot_name,
        "alternate": _("{mentee} and {copilot} take turns", mentee=mentee_name, copilot=copilot_name),
    }
    lines: list[tuple[str, str]] = []
    for question in QUESTIONS:
        key = question.key
        value = terms.get(key)
        if key not in terms or (question.kind == "text" and not value):
            continue
        if key == "organiser" and value in organisers:
            lines.append((_term_label(key, mentee_name, copilot_name), organisers[value]))
        elif key == "expectations":
            expectations = value if isinstance(value, Mapping) else {"mentee": value}
            if expectations.get("mentee"):
                label = _("What {name} expects from {other}", name=mentee_name, other=copilot_name)
                lines.append((label, str(expectations["mentee"])))
            if expectations.get("copilot"):
                label = _("What {name} expects from {other}", name=copilot_name, other=mentee_name)
                lines.append((label, str(expectations["copilot"])))
        else:
            lines.append((_term_label(key, mentee_name, copilot_name), format_value(key, value)))
    return lines
