"""The rules of a workspace's mentoring topics: how a topic is spelled and compared, and what a list may hold.

Topics are compared case-insensitively ("Code review" and "code  review" are one topic). Each workspace
starts with DEFAULT_TOPICS; `bot.people.topics` stores its list.

Slack's static select menus take at most 100 options per list (and 100 per option group, 100 groups).
With more than 100 topics, a view must split them into option_groups or serve them from an
external data source; see MAX_OPTIONS_PER_SELECT.
"""

from __future__ import annotations

from collections.abc import Iterable

MAX_TOPIC_CHARS = 75  # Slack's limit for an option's text, and the topics.name column
MAX_TOPICS = 300
MAX_OPTIONS_PER_SELECT = 100

DEFAULT_TOPICS: tuple[str, ...] = (
    "Career growth",
    "Code review",
    "Data & analytics",
    "First-time manager",
    "Giving feedback",
    "Hiring & interviewing",
    "Leadership",
    "Mentoring others",
    "Negotiation",
    "Onboarding",
    "Product thinking",
    "Public speaking",
    "Stakeholder management",
    "System design",
    "Technical writing",
    "Testing",
    "Time management",
    "Work-life balance",
    "Working across teams",
    "Writing",
)


def normalise_tag(text: str) -> str:
    """The comparison key for a topic: trimmed, one space between words, case-folded, no leading '#'."""
    return " ".join(text.strip().lstrip("#").split()).casefold()


def tidy(text: str) -> str:
    """A topic as it is shown: trimmed, one space between words, spelling kept."""
    return " ".join(text.strip().lstrip("#").split())


def in_order(names: Iterable[str]) -> list[str]:
    """Topics in the order every list shows them: alphabetical, ignoring case and spacing."""
    return sorted(names, key=normalise_tag)


def _too_long(lines: Iterable[str]) -> list[str]:
    return [
        f"“{name[:30]}…” is {len(name)} characters long; keep each topic to {MAX_TOPIC_CHARS}."
        for name in map(tidy, lines)
        if len(name) > MAX_TOPIC_CHARS
    ]


def _keep(lines: Iterable[str]) -> list[str]:
    kept: dict[str, str] = {}
    for name in map(tidy, lines):
        if name and len(name) <= MAX_TOPIC_CHARS:
            kept.setdefault(normalise_tag(name), name)
    return in_order(kept.values())


def _whole_list_problems(kept: list[str], any_too_long: bool) -> list[str]:
    if not kept and not any_too_long:
        return ["Please list at least one topic."]
    if len(kept) > MAX_TOPICS:
        return [f"That is {len(kept)} topics; the most a workspace can have is {MAX_TOPICS}."]
    return []


def check_topics(names: Iterable[str]) -> tuple[list[str], list[str]]:
    """Clean a proposed list: (topics to keep, problems). Blank lines and repeats are dropped quietly."""
    lines = list(names)
    too_long = _too_long(lines)
    kept = _keep(lines)
    return kept, too_long + _whole_list_problems(kept, bool(too_long))


def check_topic_fields(fields: list[list[str]]) -> tuple[list[str], dict[int, str]]:
    """Like check_topics for a list typed into several fields: problems keyed by the field's index."""
    problems = {i: " ".join(p) for i, lines in enumerate(fields) if (p := _too_long(lines))}
    kept = _keep(line for lines in fields for line in lines)
    whole = _whole_list_problems(kept, bool(problems))
    if whole:
        problems[0] = " ".join([*whole, problems.get(0, "")]).strip()
    return kept, problems
