"""What /mentor forget-me shows, and the note a partner gets when their pairing ends that way."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.i18n import N_, _, n_
from bot.messages.message import Message
from bot.messages.text import actions, button, context, format_date, mention, section

FORGET_ACTION = "forget_me_confirm"
FORGET_VALUE = "delete"


def confirm_blocks() -> tuple[str, list[dict[str, Any]]]:
    text = _("Delete your mentoring data?")
    blocks = [
        section(
            _(
                "*Delete your mentoring data?*\n"
                "This removes what you wrote and kept here: your request goals, expectation answers, "
                "report-backs, reflections, pulse comments, contacts, promises, introduction notes, "
                "decline reasons and your volunteer profile. Any pairing you are in ends, and your partner "
                "is told kindly that you have left the program."
            )
        ),
        context(
            _(
                "Kept, without your name: that a pairing existed, its dates and counts, so the program's "
                "numbers stay right. This can't be undone. `/mentor help` if you'd rather pause instead."
            )
        ),
        actions(button(_("Delete my data"), FORGET_ACTION, FORGET_VALUE, style="danger")),
    ]
    return text, blocks


def forgotten_text(ended_pairings: int) -> str:
    done = _("Done: your mentoring data is deleted and your name is gone from the program's records.")
    if not ended_pairings:
        return done
    ended = n_(
        "{count} pairing ended and your partner was told.",
        "{count} pairings ended and your partner was told.",
        ended_pairings,
    )
    return f"{done} {ended}"


def nothing_left_text() -> str:
    return _("There is nothing of yours left to delete: your mentoring data was already removed.")


def unknown_button_text() -> str:
    return _("That button isn't one of mine any more.")


def partner_left_message(started_on: date, to_mentee: bool) -> Message:
    text = _(
        "Your mentoring pairing that started on {day} has ended: your partner has left the mentoring program. "
        "Thank you for the time you gave it.",
        day=format_date(started_on, year=True),
    )
    if to_mentee:
        text += " " + _("When you're ready, `/mentor request` finds you a new copilot.")
    return Message(_("Your mentoring pairing has ended."), [section(text)])


REMOVED_TEXT = N_("This message was removed: someone in it asked for their mentoring data to be deleted.")


def removed_message() -> Message:
    """What an already delivered message that quoted a forgotten person's words is replaced with."""
    text = _(REMOVED_TEXT)
    return Message(text, [section(text)])


def org_gap_message(report_user_ids: list[str]) -> Message:
    """To a program admin: these people's manager was an account that has just been forgotten."""
    who = ", ".join(mention(u) for u in report_user_ids)
    text = _(
        "The manager of {people} in the org chart was an account that has just been deleted at its "
        "owner's request, so their reporting line is unknown. They won't be matched until you set "
        "their manager again with `/mentor admin person @someone` (or `mentor-bot import-org`).",
        people=who,
    )
    return Message(_("Some people's manager is now unknown in the org chart."), [section(text)])
