"""Every score part explained in plain words, for the mentee and the lead who read a proposed pair."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.i18n import N_, _, format_number, n_
from bot.rules.matching.columns import CopilotPool, MenteeTable
from bot.rules.matching.facts import CopilotFacts, MatchRules, MenteeFacts
from bot.rules.matching.scoring import CENTI, PART_KEYS, MatchScore, ScorePart, points
from bot.rules.topics import DEFAULT_TOPICS, topic_label

# A reason is stored (in the offer) in English, the way a lead reads a proposed round: "The copilot is …".
# Each person reads it in their own language when a message is built: the stored sentence is matched
# against the English templates below, and the template's translation is filled with the same values.
# A template that speaks of the copilot has two more forms: the pair's ("{copilot} is …") and the proposed
# copilot's own ("You're …"). A (singular, plural) pair is one sentence with a count (n_).
Words = str | tuple[str, str]


@dataclass(frozen=True)
class _Reason:
    lead: Words
    named: Words | None = None
    you: Words | None = None


TOPICS_SHARED = _Reason(N_("You both care about {topics}."))
NO_TOPIC_SHARED = _Reason(
    N_("You don't share any of the listed topics, so this would be a broader conversation.")
)
NO_TOPICS = _Reason(N_("No topics were named for this request, so topics didn't count."))
HOURS_ALL = _Reason(
    (
        N_("Your working days line up completely ({count} hour)."),
        N_("Your working days line up completely ({count} hours)."),
    )
)
HOURS_SOME = _Reason(
    (N_("Your working days overlap by {count} hour."), N_("Your working days overlap by {count} hours."))
)
HOURS_SOME_FRACTION = _Reason(N_("Your working days overlap by {hours} hours."))
HOURS_NONE = _Reason(N_("Your working days don't overlap, so you'd need to meet outside usual hours."))
LEVELS_UNKNOWN = _Reason(N_("We don't know both of your levels, so level counted as neutral."))
AHEAD_JUST_RIGHT = _Reason(
    (
        N_("The copilot is one level ahead: far enough to have been there, close enough to remember."),
        N_("The copilot is {count} levels ahead: far enough to have been there, close enough to remember."),
    ),
    (
        N_("{copilot} is one level ahead: far enough to have been there, close enough to remember."),
        N_("{copilot} is {count} levels ahead: far enough to have been there, close enough to remember."),
    ),
    (
        N_("You're one level ahead: far enough to have been there, close enough to remember."),
        N_("You're {count} levels ahead: far enough to have been there, close enough to remember."),
    ),
)
AHEAD_FAR = _Reason(
    N_("The copilot is {count} levels ahead, a bigger gap than ideal."),
    N_("{copilot} is {count} levels ahead, a bigger gap than ideal."),
    N_("You're {count} levels ahead, a bigger gap than ideal."),
)
SAME_LEVEL_SENIOR_PREFERRED = _Reason(
    N_("You're at the same level; a copilot a little further along was preferred.")
)
BEHIND = _Reason(
    (
        N_("The copilot is one level behind the mentee, which is unusual for this programme."),
        N_("The copilot is {count} levels behind the mentee, which is unusual for this programme."),
    ),
    (
        N_("{copilot} is one level behind the mentee, which is unusual for this programme."),
        N_("{copilot} is {count} levels behind the mentee, which is unusual for this programme."),
    ),
    (
        N_("You're one level behind them, which is unusual for this programme."),
        N_("You're {count} levels behind them, which is unusual for this programme."),
    ),
)
PEERS_SAME = _Reason(N_("You're at the same level, so you can compare notes as peers."))
PEERS_CLOSE = _Reason(N_("You're one level apart, close enough to talk as peers."))
PEERS_APART = _Reason(N_("You're {count} levels apart, so this is less of a peer conversation."))
SAME_TEAM_ASKED = _Reason(N_("You're on the same team, as asked."))
SAME_TEAM = _Reason(N_("You're on the same team, so you share context but get less of an outside view."))
OTHER_TEAM_ASKED = _Reason(N_("You're on different teams, as asked."))
OTHER_TEAM = _Reason(N_("You're on different teams, which brings a fresh view."))
TEAM_UNKNOWN = _Reason(N_("We couldn't tell whether you're on the same team."))
FREE = _Reason(
    N_("The copilot isn't mentoring anyone else right now."),
    N_("{copilot} isn't mentoring anyone else right now."),
    N_("You aren't mentoring anyone else right now."),
)
LOADED = _Reason(
    N_("The copilot is mentoring {load} of up to {capacity} people right now."),
    N_("{copilot} is mentoring {load} of up to {capacity} people right now."),
    N_("You're mentoring {load} of up to {capacity} people right now."),
)
PAIRED_BEFORE = _Reason(N_("You've been paired before."))
NEW_PAIR = _Reason(N_("You haven't been paired before."))

_ALL = (
    TOPICS_SHARED,
    NO_TOPIC_SHARED,
    NO_TOPICS,
    HOURS_ALL,
    HOURS_SOME,
    HOURS_SOME_FRACTION,
    HOURS_NONE,
    LEVELS_UNKNOWN,
    AHEAD_JUST_RIGHT,
    AHEAD_FAR,
    SAME_LEVEL_SENIOR_PREFERRED,
    BEHIND,
    PEERS_SAME,
    PEERS_CLOSE,
    PEERS_APART,
    SAME_TEAM_ASKED,
    SAME_TEAM,
    OTHER_TEAM_ASKED,
    OTHER_TEAM,
    TEAM_UNKNOWN,
    FREE,
    LOADED,
    PAIRED_BEFORE,
    NEW_PAIR,
)
_NUMBERS = {"count": r"\d+", "load": r"\d+", "capacity": r"\d+", "hours": r"\d+(?:\.\d+)?"}


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>{_NUMBERS.get(part, '.+?')})"
        for i, part in enumerate(parts)
    )
    return re.compile(regex, re.DOTALL)


# (pattern, reason, count implied by a singular form that doesn't write it)
_PATTERNS: tuple[tuple[re.Pattern[str], _Reason, int | None], ...] = tuple(
    (_pattern(form), reason, 1 if i == 0 and "{count}" not in form else None)
    for reason in _ALL
    for i, form in enumerate(reason.lead if isinstance(reason.lead, tuple) else (reason.lead,))
)


def _english(reason: _Reason, count: int | None = None, **values: object) -> str:
    """The stored sentence: English, as a lead reads it, whoever is reading now."""
    words = reason.lead
    if isinstance(words, tuple):
        words = words[0] if count == 1 else words[1]
    return words.format(count=count, **values)


def _and(words: Sequence[str]) -> str:
    if len(words) == 1:
        return words[0]
    return _("{items} and {last}", items=", ".join(words[:-1]), last=words[-1])


def _join(words: Sequence[str]) -> str:
    """English, for the stored sentence (see _and for the reader's)."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _shown_topic(stored: str) -> str:
    """A stored topic in the reader's words; `stored` may have been escaped for mrkdwn already."""
    name = html.unescape(stored)
    if name not in DEFAULT_TOPICS:
        return stored
    label = topic_label(name)
    if name == stored:
        return label
    return label.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _shown_topics(joined: str) -> str:
    # A topic with " and " or ", " in its own name can make this split one word off; the names stay right.
    head, _sep, last = joined.rpartition(" and ")
    names = [*head.split(", "), last] if head else [last]
    return _and([_shown_topic(name) for name in names])


def _said(words: Words, count: int | None, values: dict[str, str]) -> str:
    if isinstance(words, tuple):
        return n_(words[0], words[1], count or 0, **values)
    return _(words, **values)


def _in_reader_words(reason: str, audience: str, copilot: str = "") -> str | None:
    """The stored English `reason` for `audience` (lead, named or you) in the reader's language; None
    when it is no sentence we wrote (then the caller keeps it as it is)."""
    for pattern, said, implied in _PATTERNS:
        match = pattern.fullmatch(reason)
        if match is None:
            continue
        values = dict(match.groupdict())
        count = int(values.pop("count")) if "count" in values else implied
        if "topics" in values:
            values["topics"] = _shown_topics(values["topics"])
        if "hours" in values:
            values["hours"] = format_number(float(values["hours"]), digits=1)
        words = {"named": said.named, "you": said.you}.get(audience) or said.lead
        if audience == "named" and said.named:
            values["copilot"] = copilot
        return _said(words, count, values)
    return None


def for_a_lead(reason: str) -> str:
    """A stored reason as a lead reads it, in their language."""
    return _in_reader_words(reason, "lead") or reason


# The old way round, for a sentence no template matches (one written before these templates, or clipped).
_ABOUT_THE_COPILOT = (
    ("The copilot isn't ", "{copilot} isn't ", "You aren't "),
    ("The copilot is ", "{copilot} is ", "You're "),
)


def copilot_named(reason: str, copilot: str) -> str:
    """A reason as the pair reads it: "The copilot is …" becomes "@Wen is …"."""
    said = _in_reader_words(reason, "named", copilot)
    if said is not None:
        return said
    for prefix, named, _you in _ABOUT_THE_COPILOT:
        if reason.startswith(prefix):
            return named.format(copilot=copilot) + reason.removeprefix(prefix)
    return reason


def to_the_copilot(reason: str) -> str:
    """A reason as the proposed copilot reads it: "The copilot is …" becomes "You're …"."""
    said = _in_reader_words(reason, "you")
    if said is not None:
        return said
    for prefix, _named, you in _ABOUT_THE_COPILOT:
        if reason.startswith(prefix):
            return you + reason.removeprefix(prefix).replace(" behind the mentee", " behind them")
    return reason


def _reasons(
    mentee: MenteeFacts,
    volunteer: CopilotFacts,
    overlap_minutes: int,
    paired_before: bool,
    rules: MatchRules,
) -> tuple[str, ...]:
    shared = sorted(mentee.topics & volunteer.topics)
    if shared:
        topics = _english(TOPICS_SHARED, topics=_join(shared))
    elif mentee.topics:
        topics = _english(NO_TOPIC_SHARED)
    else:
        topics = _english(NO_TOPICS)

    workday = (rules.workday_end_hour - rules.workday_start_hour) * 60
    if overlap_minutes >= workday:
        hours = _english(HOURS_ALL, count=workday // 60)  # a workday is whole hours
    elif overlap_minutes > 0 and overlap_minutes % 60 == 0:
        hours = _english(HOURS_SOME, count=overlap_minutes // 60)
    elif overlap_minutes > 0:
        hours = _english(HOURS_SOME_FRACTION, hours=f"{overlap_minutes / 60:.1f}")
    else:
        hours = _english(HOURS_NONE)

    if mentee.level is None or volunteer.level is None:
        level = _english(LEVELS_UNKNOWN)
    else:
        ahead = volunteer.level - mentee.level
        if rules.prefer_senior and ahead in (1, 2):
            level = _english(AHEAD_JUST_RIGHT, count=ahead)
        elif rules.prefer_senior and ahead > 2:
            level = _english(AHEAD_FAR, count=ahead)
        elif rules.prefer_senior and ahead == 0:
            level = _english(SAME_LEVEL_SENIOR_PREFERRED)
        elif rules.prefer_senior:
            level = _english(BEHIND, count=-ahead)
        elif ahead == 0:
            level = _english(PEERS_SAME)
        elif abs(ahead) == 1:
            level = _english(PEERS_CLOSE)
        else:
            level = _english(PEERS_APART, count=abs(ahead))

    both_known = mentee.team is not None and volunteer.team is not None
    if both_known and mentee.team == volunteer.team:
        team = _english(SAME_TEAM_ASKED if mentee.team_preference == "same" else SAME_TEAM)
    elif both_known:
        team = _english(OTHER_TEAM_ASKED if mentee.team_preference == "other" else OTHER_TEAM)
    else:
        team = _english(TEAM_UNKNOWN)

    if volunteer.current_load == 0:
        load = _english(FREE)
    else:
        load = _english(LOADED, load=volunteer.current_load, capacity=volunteer.capacity)

    new = _english(PAIRED_BEFORE if paired_before else NEW_PAIR)
    return (topics, hours, level, team, load, new)


def explained_scores(
    table: MenteeTable,
    m: np.ndarray,
    pool: CopilotPool,
    v: np.ndarray,
    past: np.ndarray,
    rules: MatchRules,
) -> list[MatchScore]:
    """A MatchScore per pair (m[i], v[i]). Pairs whose words and points are the same share one
    (frozen) MatchScore: a large round has tens of thousands of pairs but far fewer distinct ones."""
    pair_points = points(table, m, pool, v, past, rules)
    totals = pair_points.total.tolist()
    parts = pair_points.parts.T.tolist()
    overlaps = pair_points.overlap_minutes.tolist()
    seen: dict[tuple, MatchScore] = {}
    scores = []
    for i, (m_row, v_row) in enumerate(zip(m.tolist(), v.tolist(), strict=True)):
        mentee, copilot = table.profiles[m_row], pool.profiles[v_row]
        # Everything _reasons reads, so equal keys give equal words.
        key = (
            mentee.topics & copilot.topics,
            not mentee.topics,
            overlaps[i],
            mentee.level,
            copilot.level,
            mentee.team is not None and copilot.team is not None,
            mentee.team is not None and mentee.team == copilot.team,
            mentee.team_preference,
            copilot.current_load,
            copilot.capacity,
            tuple(parts[i]),
        )
        score = seen.get(key)
        if score is None:
            reasons = _reasons(mentee, copilot, int(overlaps[i]), parts[i][-1] == 0, rules)
            score = seen[key] = MatchScore(
                total=totals[i] / CENTI,
                parts=tuple(
                    ScorePart(part, c / CENTI, reason)
                    for part, c, reason in zip(PART_KEYS, parts[i], reasons, strict=True)
                ),
            )
        scores.append(score)
    return scores
