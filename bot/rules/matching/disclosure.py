"""What a mentee is told when the colleague they named can't be their copilot: only what concerns them.

`/mentor request @colleague` must not become a way to learn about colleagues: whether they paused, are
full, declined someone, left or are a guest is theirs. So the mentee hears the reason only when it is
about the two of them or their own choice (their reporting line, themselves, an existing pairing, their
team preference, the time zones, an app instead of a person, their own guest account), and otherwise a
neutral "not available right now". The asker's reasons are judged first, as if the colleague were free,
so which answer comes back says nothing about the colleague's state either.
"""

from __future__ import annotations

from dataclasses import replace

from bot.i18n import N_, _
from bot.rules.matching.facts import (
    BlockReason,
    CopilotFacts,
    MatchHistory,
    MatchRules,
    MenteeFacts,
    OrgChart,
    blocking_reason,
    explain_block,
)

# Reasons about the pair or the asker, told as they are; every other one is "not available right now".
TOLD_TO_ASKER = frozenset(
    {
        BlockReason.SELF,
        BlockReason.REPORTING_LINE,
        BlockReason.ALREADY_PAIRED,
        BlockReason.TEAM_PREFERENCE,
        BlockReason.TIME_ZONE_GAP,
        BlockReason.BOT,
        BlockReason.GUEST,  # only when the asker is the guest (see below)
    }
)
NOT_AVAILABLE_TEXT = N_(
    "{name} isn't available as a copilot right now. Pick someone else, or leave it empty and I'll find "
    "someone."
)


def told_to_asker(
    mentee: MenteeFacts, volunteer: CopilotFacts, org: OrgChart, history: MatchHistory, rules: MatchRules
) -> str | None:
    """The sentence for the mentee (by the volunteer's name placeholder `{name}`), or None if allowed."""
    if blocking_reason(mentee, volunteer, org, history, rules) is None:
        return None
    # The colleague as if free: not paused, with room, active, not a guest, never having declined.
    free = replace(
        volunteer,
        paused=False,
        deactivated=False,
        is_guest=False,
        current_load=0,
        capacity=max(1, volunteer.capacity),
    )
    own_history = replace(history, recently_declined=frozenset())
    own = blocking_reason(mentee, free, org, own_history, rules)
    if own in TOLD_TO_ASKER:
        return explain_block(own, "{name}")
    return _(NOT_AVAILABLE_TEXT, name="{name}")
