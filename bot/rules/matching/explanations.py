"""Every score part explained in plain words, for the mentee and the lead who read a proposed pair."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.rules.matching.columns import CopilotPool, MenteeTable
from bot.rules.matching.facts import CopilotFacts, MatchRules, MenteeFacts
from bot.rules.matching.scoring import CENTI, PART_KEYS, MatchScore, ScorePart, points


def _join(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _hours(minutes: int) -> str:
    hours = minutes / 60
    text = f"{hours:.0f}" if minutes % 60 == 0 else f"{hours:.1f}"
    return f"{text} hour" if minutes == 60 else f"{text} hours"


def _levels(n: int) -> str:
    return "one level" if n == 1 else f"{n} levels"


# The reasons name the copilot in the third person ("The copilot is one level ahead"), as a lead reading a
# proposed round sees them; the copilot reads them as "you", the pair with the copilot's name.
_ABOUT_THE_COPILOT = (
    ("The copilot isn't ", "{copilot} isn't ", "You aren't "),
    ("The copilot is ", "{copilot} is ", "You're "),
)


def copilot_named(reason: str, copilot: str) -> str:
    """A reason as the pair reads it: "The copilot is …" becomes "@Wen is …"."""
    for prefix, named, _you in _ABOUT_THE_COPILOT:
        if reason.startswith(prefix):
            return named.format(copilot=copilot) + reason.removeprefix(prefix)
    return reason


def to_the_copilot(reason: str) -> str:
    """A reason as the proposed copilot reads it: "The copilot is …" becomes "You're …"."""
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
        topics = f"You both care about {_join(shared)}."
    elif mentee.topics:
        topics = "You don't share any of the listed topics, so this would be a broader conversation."
    else:
        topics = "No topics were named for this request, so topics didn't count."

    workday = (rules.workday_end_hour - rules.workday_start_hour) * 60
    if overlap_minutes >= workday:
        hours = f"Your working days line up completely ({_hours(workday)})."
    elif overlap_minutes > 0:
        hours = f"Your working days overlap by {_hours(overlap_minutes)}."
    else:
        hours = "Your working days don't overlap, so you'd need to meet outside usual hours."

    if mentee.level is None or volunteer.level is None:
        level = "We don't know both of your levels, so level counted as neutral."
    else:
        ahead = volunteer.level - mentee.level
        if rules.prefer_senior and ahead in (1, 2):
            level = f"The copilot is {_levels(ahead)} ahead: far enough to have been there, close enough to remember."
        elif rules.prefer_senior and ahead > 2:
            level = f"The copilot is {_levels(ahead)} ahead, a bigger gap than ideal."
        elif rules.prefer_senior and ahead == 0:
            level = "You're at the same level; a copilot a little further along was preferred."
        elif rules.prefer_senior:
            level = (
                f"The copilot is {_levels(-ahead)} behind the mentee, which is unusual for this programme."
            )
        elif ahead == 0:
            level = "You're at the same level, so you can compare notes as peers."
        elif abs(ahead) == 1:
            level = "You're one level apart, close enough to talk as peers."
        else:
            level = f"You're {_levels(abs(ahead))} apart, so this is less of a peer conversation."

    both_known = mentee.team is not None and volunteer.team is not None
    if both_known and mentee.team == volunteer.team:
        team = (
            "You're on the same team, as asked."
            if mentee.team_preference == "same"
            else "You're on the same team, so you share context but get less of an outside view."
        )
    elif both_known:
        team = (
            "You're on different teams, as asked."
            if mentee.team_preference == "other"
            else "You're on different teams, which brings a fresh view."
        )
    else:
        team = "We couldn't tell whether you're on the same team."

    if volunteer.current_load == 0:
        load = "The copilot isn't mentoring anyone else right now."
    else:
        load = f"The copilot is mentoring {volunteer.current_load} of up to {volunteer.capacity} people right now."

    new = "You've been paired before." if paired_before else "You haven't been paired before."
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
