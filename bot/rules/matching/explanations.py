"""Every score part explained in plain words, for the mentee and the lead who read a proposed pair."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from bot.i18n import DEFAULT_LANGUAGE, N_, _, format_number, n_, reading_in
from bot.rules.matching.columns import TEAM_UNKNOWN as NO_TEAM_CODE
from bot.rules.matching.columns import CopilotPool, MenteeTable
from bot.rules.matching.facts import CopilotFacts, MatchRules, MenteeFacts
from bot.rules.matching.scoring import CENTI, PART_KEYS, MatchScore, ScorePart, points
from bot.rules.topics import DEFAULT_TOPICS, topic_label

# A reason is stored (in the offer) in English, the way a lead reads a proposed round: "The copilot is …".
# Each person reads it in their own language when a message is built: the stored sentence is matched
# against the English sentences below, and the same sentence is said again in the reader's language with
# the same values. A reason that speaks of the copilot has two more forms: the pair's ("{copilot} is …")
# and the proposed copilot's own ("You're …"). AUDIENCES: lead, named, you.
Say = Callable[[str, int, dict[str, str]], str]


@dataclass(frozen=True)
class _Reason:
    say: Say  # (audience, count, values) -> the sentence in the reader's language
    counted: bool = False


def _plain(text: str) -> _Reason:
    return _Reason(lambda _audience, count, values: _(text, count=count, **values))


def _about_the_copilot(lead: str, named: str, you: str) -> _Reason:
    forms = {"lead": lead, "named": named, "you": you}
    return _Reason(lambda audience, count, values: _(forms[audience], count=count, **values), counted=True)


def _line_up(audience: str, count: int, values: dict[str, str]) -> str:
    return n_(
        "Your working days line up completely ({count} hour).",
        "Your working days line up completely ({count} hours).",
        count,
    )


def _overlap(audience: str, count: int, values: dict[str, str]) -> str:
    return n_(
        "Your working days overlap by {count} hour.", "Your working days overlap by {count} hours.", count
    )


def _ahead(audience: str, count: int, values: dict[str, str]) -> str:
    if audience == "you":
        return n_(
            "You're one level ahead: far enough to have been there, close enough to remember.",
            "You're {count} levels ahead: far enough to have been there, close enough to remember.",
            count,
        )
    if audience == "named":
        return n_(
            "{copilot} is one level ahead: far enough to have been there, close enough to remember.",
            "{copilot} is {count} levels ahead: far enough to have been there, close enough to remember.",
            count,
            **values,
        )
    return n_(
        "The copilot is one level ahead: far enough to have been there, close enough to remember.",
        "The copilot is {count} levels ahead: far enough to have been there, close enough to remember.",
        count,
    )


def _behind(audience: str, count: int, values: dict[str, str]) -> str:
    if audience == "you":
        return n_(
            "You're one level behind them, which is unusual for this programme.",
            "You're {count} levels behind them, which is unusual for this programme.",
            count,
        )
    if audience == "named":
        return n_(
            "{copilot} is one level behind the mentee, which is unusual for this programme.",
            "{copilot} is {count} levels behind the mentee, which is unusual for this programme.",
            count,
            **values,
        )
    return n_(
        "The copilot is one level behind the mentee, which is unusual for this programme.",
        "The copilot is {count} levels behind the mentee, which is unusual for this programme.",
        count,
    )


TOPICS_SHARED = _plain(N_("You both care about {topics}."))
NO_TOPIC_SHARED = _plain(
    N_("You don't share any of the listed topics, so this would be a broader conversation.")
)
NO_TOPICS = _plain(N_("No topics were named for this request, so topics didn't count."))
HOURS_ALL = _Reason(_line_up, counted=True)
HOURS_SOME = _Reason(_overlap, counted=True)
HOURS_SOME_FRACTION = _plain(N_("Your working days overlap by {hours} hours."))
HOURS_NONE = _plain(N_("Your working days don't overlap, so you'd need to meet outside usual hours."))
LEVELS_UNKNOWN = _plain(N_("We don't know both of your levels, so level counted as neutral."))
AHEAD_JUST_RIGHT = _Reason(_ahead, counted=True)
AHEAD_FAR = _about_the_copilot(
    N_("The copilot is {count} levels ahead, a bigger gap than ideal."),
    N_("{copilot} is {count} levels ahead, a bigger gap than ideal."),
    N_("You're {count} levels ahead, a bigger gap than ideal."),
)
SAME_LEVEL_SENIOR_PREFERRED = _plain(
    N_("You're at the same level; a copilot a little further along was preferred.")
)
BEHIND = _Reason(_behind, counted=True)
PEERS_SAME = _plain(N_("You're at the same level, so you can compare notes as peers."))
PEERS_CLOSE = _plain(N_("You're one level apart, close enough to talk as peers."))
PEERS_APART = _Reason(
    lambda _audience, count, _values: _(
        "You're {count} levels apart, so this is less of a peer conversation.", count=count
    ),
    counted=True,
)
SAME_TEAM_ASKED = _plain(N_("You're on the same team, as asked."))
SAME_TEAM = _plain(N_("You're on the same team, so you share context but get less of an outside view."))
OTHER_TEAM_ASKED = _plain(N_("You're on different teams, as asked."))
OTHER_TEAM = _plain(N_("You're on different teams, which brings a fresh view."))
TEAM_UNKNOWN = _plain(N_("We couldn't tell whether you're on the same team."))
FREE = _about_the_copilot(
    N_("The copilot isn't mentoring anyone else right now."),
    N_("{copilot} isn't mentoring anyone else right now."),
    N_("You aren't mentoring anyone else right now."),
)
LOADED = _about_the_copilot(
    N_("The copilot is mentoring {load} of up to {capacity} people right now."),
    N_("{copilot} is mentoring {load} of up to {capacity} people right now."),
    N_("You're mentoring {load} of up to {capacity} people right now."),
)
PAIRED_BEFORE = _plain(N_("You've been paired before."))
NEW_PAIR = _plain(N_("You haven't been paired before."))

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
_VALUES = {"topics": ".+?", "load": r"\d+", "capacity": r"\d+", "hours": r"\d+(?:\.\d+)?"}


def _english(reason: _Reason, count: int = 0, **values: object) -> str:
    """The stored sentence: English, as a lead reads it, whoever is reading now."""
    return _english_once(reason, count, tuple((k, str(v)) for k, v in values.items()))


# A large round says the same few thousand sentences for tens of thousands of pairs.
@lru_cache(maxsize=16_384)
def _english_once(reason: _Reason, count: int, values: tuple[tuple[str, str], ...]) -> str:
    with reading_in(DEFAULT_LANGUAGE):
        return reason.say("lead", count, dict(values))


def _patterns(reason: _Reason) -> list[tuple[re.Pattern[str], int | None]]:
    """The reason's English sentences as patterns: values become named groups, and a written count (no
    other digit appears in these sentences) the `count` group; a form that writes no count implies 1."""
    found: dict[str, int | None] = {}
    for count in (1, 2) if reason.counted else (0,):
        text = re.escape(_english(reason, count, **{name: f"\x00{name}\x00" for name in _VALUES}))
        for name, value in _VALUES.items():
            text = text.replace(re.escape(f"\x00{name}\x00"), f"(?P<{name}>{value})", 1)
        if reason.counted and str(count) in text:
            found.setdefault(text.replace(str(count), r"(?P<count>\d+)", 1), None)
        else:
            found.setdefault(text, count if reason.counted else None)
    return [(re.compile(pattern, re.DOTALL), implied) for pattern, implied in found.items()]


_PATTERNS = [(pattern, reason, implied) for reason in _ALL for pattern, implied in _patterns(reason)]


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


def _in_reader_words(reason: str, audience: str, copilot: str = "") -> str | None:
    """The stored English `reason` for `audience` (lead, named or you) in the reader's language; None
    when it is no sentence we wrote (then the caller keeps it as it is)."""
    for pattern, said, implied in _PATTERNS:
        match = pattern.fullmatch(reason)
        if match is None:
            continue
        values = {k: v for k, v in match.groupdict().items() if v is not None}
        count = int(values.pop("count")) if "count" in values else (implied or 0)
        if "topics" in values:
            values["topics"] = _shown_topics(values["topics"])
        if "hours" in values:
            values["hours"] = format_number(float(values["hours"]), digits=1)
        if audience == "named":
            values["copilot"] = copilot
        return said.say(audience, count, values)
    return None


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


def _topics_reason(mentee: MenteeFacts, volunteer: CopilotFacts) -> str:
    shared = sorted(mentee.topics & volunteer.topics)
    if shared:
        return _english(TOPICS_SHARED, topics=_join(shared))
    return _english(NO_TOPIC_SHARED if mentee.topics else NO_TOPICS)


def _hours_reason(overlap_minutes: int, rules: MatchRules) -> str:
    workday = (rules.workday_end_hour - rules.workday_start_hour) * 60
    if overlap_minutes >= workday:
        return _english(HOURS_ALL, count=workday // 60)  # a workday is whole hours
    if overlap_minutes > 0 and overlap_minutes % 60 == 0:
        return _english(HOURS_SOME, count=overlap_minutes // 60)
    if overlap_minutes > 0:
        return _english(HOURS_SOME_FRACTION, hours=f"{overlap_minutes / 60:.1f}")
    return _english(HOURS_NONE)


def _level_reason(mentee: MenteeFacts, volunteer: CopilotFacts, rules: MatchRules) -> str:
    if mentee.level is None or volunteer.level is None:
        return _english(LEVELS_UNKNOWN)
    ahead = volunteer.level - mentee.level
    if rules.prefer_senior and ahead in (1, 2):
        return _english(AHEAD_JUST_RIGHT, count=ahead)
    if rules.prefer_senior and ahead > 2:
        return _english(AHEAD_FAR, count=ahead)
    if rules.prefer_senior and ahead == 0:
        return _english(SAME_LEVEL_SENIOR_PREFERRED)
    if rules.prefer_senior:
        return _english(BEHIND, count=-ahead)
    if ahead == 0:
        return _english(PEERS_SAME)
    if abs(ahead) == 1:
        return _english(PEERS_CLOSE)
    return _english(PEERS_APART, count=abs(ahead))


def _team_reason(mentee: MenteeFacts, volunteer: CopilotFacts) -> str:
    both_known = mentee.team is not None and volunteer.team is not None
    if both_known and mentee.team == volunteer.team:
        return _english(SAME_TEAM_ASKED if mentee.team_preference == "same" else SAME_TEAM)
    if both_known:
        return _english(OTHER_TEAM_ASKED if mentee.team_preference == "other" else OTHER_TEAM)
    return _english(TEAM_UNKNOWN)


def _load_reason(volunteer: CopilotFacts) -> str:
    if volunteer.current_load == 0:
        return _english(FREE)
    return _english(LOADED, load=volunteer.current_load, capacity=volunteer.capacity)


def explained_scores(
    table: MenteeTable,
    m: np.ndarray,
    pool: CopilotPool,
    v: np.ndarray,
    past: np.ndarray,
    rules: MatchRules,
) -> list[MatchScore]:
    """A MatchScore per pair (m[i], v[i]).

    A large round has tens of thousands of pairs but far fewer distinct parts: each part is put
    into words once per distinct value of what its sentence reads (found as equal rows of those
    columns), and pairs whose six parts are the same share one (frozen) MatchScore.
    """
    if m.size == 0:
        return []
    pair_points = points(table, m, pool, v, past, rules)
    parts = pair_points.parts
    capacity = np.fromiter((c.capacity for c in pool.profiles), dtype=np.int64, count=len(pool))
    overlap = pair_points.overlap_minutes
    # Per part: the columns its sentence reads, and how to say it for one pair i.
    says: list[tuple[list[np.ndarray], Callable[[int], str]]] = [
        (
            [(table.topic_bits[m] & pool.topic_bits[v]).view(np.int64), table.topic_count[m] == 0],
            lambda i: _topics_reason(table.profiles[m[i]], pool.profiles[v[i]]),
        ),
        ([overlap], lambda i: _hours_reason(int(overlap[i]), rules)),
        (
            [table.level[m], table.level_known[m], pool.level[v], pool.level_known[v]],
            lambda i: _level_reason(table.profiles[m[i]], pool.profiles[v[i]], rules),
        ),
        (
            [
                table.team[m] != NO_TEAM_CODE,
                pool.team[v] != NO_TEAM_CODE,
                (table.team[m] >= 0) & (table.team[m] == pool.team[v]),
                table.preference[m],
            ],
            lambda i: _team_reason(table.profiles[m[i]], pool.profiles[v[i]]),
        ),
        ([pool.load[v], capacity[v]], lambda i: _load_reason(pool.profiles[v[i]])),
        ([], lambda i: _english(PAIRED_BEFORE if parts[5, i] == 0 else NEW_PAIR)),
    ]
    which_part = []
    for key, (columns, say) in enumerate(says):
        first, which = _distinct_rows(np.column_stack([*columns, parts[key]]).astype(np.int64))
        points_of = parts[key].tolist()
        spoken = [ScorePart(PART_KEYS[key], points_of[i] / CENTI, say(i)) for i in first.tolist()]
        which_part.append((spoken, which))
    # Pairs with the same six parts share one MatchScore.
    first, which = _distinct_rows(np.column_stack([which for _, which in which_part]))
    totals = parts.sum(axis=0).tolist()
    distinct = [
        MatchScore(
            total=totals[i] / CENTI,
            parts=tuple(spoken[int(w[i])] for spoken, w in which_part),
        )
        for i in first.tolist()
    ]
    return [distinct[i] for i in which.tolist()]


def _distinct_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(one row index per distinct row, each row's distinct number): np.unique(axis=0) in a tenth of the time."""
    order = np.lexsort(rows.T[::-1])
    ordered = rows[order]
    starts = np.r_[True, (ordered[1:] != ordered[:-1]).any(axis=1)]
    which = np.empty(rows.shape[0], dtype=np.int64)
    which[order] = np.cumsum(starts) - 1
    return order[starts], which
