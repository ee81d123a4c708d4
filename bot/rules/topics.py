"""The rules of a workspace's mentoring topics: how a topic is spelled and compared, and what a list may hold.

Topics are compared case-insensitively ("Code review" and "code  review" are one topic). Each workspace
starts with DEFAULT_TOPICS; `bot.people.topics` stores its list.

Slack's static select menus take at most 100 options per list (and 100 per option group, 100 groups).
With more than 100 topics, a view must split them into option_groups or serve them from an
external data source; see MAX_OPTIONS_PER_SELECT.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.i18n import N_, _

MAX_TOPIC_CHARS = 75  # Slack's limit for an option's text, and the topics.name column
MAX_TOPICS = 300
MAX_OPTIONS_PER_SELECT = 100

DEFAULT_TOPICS: tuple[str, ...] = (
    N_("Career growth"),
    N_("Code review"),
    N_("Data & analytics"),
    N_("First-time manager"),
    N_("Giving feedback"),
    N_("Hiring & interviewing"),
    N_("Leadership"),
    N_("Mentoring others"),
    N_("Negotiation"),
    N_("Onboarding"),
    N_("Product thinking"),
    N_("Public speaking"),
    N_("Stakeholder management"),
    N_("System design"),
    N_("Technical writing"),
    N_("Testing"),
    N_("Time management"),
    N_("Work-life balance"),
    N_("Working across teams"),
    N_("Writing"),
)


_DEFAULT_NAMES = frozenset(DEFAULT_TOPICS)


def topic_label(name: str) -> str:
    """A topic as the reader sees it: one of the 20 default topics in their language, any other topic
    (the program's own words) exactly as the admin or volunteer typed it. Stored values stay English."""
    return _(name) if name in _DEFAULT_NAMES else name


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
        _(
            "“{start}…” is {length} characters long; keep each topic to {limit}.",
            start=name[:30],
            length=len(name),
            limit=MAX_TOPIC_CHARS,
        )
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
        return [_("Please list at least one topic.")]
    if len(kept) > MAX_TOPICS:
        return [
            _(
                "That is {count} topics; the most a workspace can have is {limit}.",
                count=len(kept),
                limit=MAX_TOPICS,
            )
        ]
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
