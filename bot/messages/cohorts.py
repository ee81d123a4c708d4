"""What a mentoring cohort looks like in Slack: the admin's form to open one, the announcement with its two
sign-up buttons, the note on the existing request and volunteer forms, the round's preview and result for
the admin, and the pair's cohort dates.

The survey and the report are in bot.messages.cohort_surveys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any

from bot.i18n import _, format_number, n_
from bot.messages.form_fields import field_value, form_input, modal, option, view_metadata
from bot.messages.message import Message
from bot.messages.text import actions, button, context, escape, format_date, header, mention, section
from bot.rules.cohorts import (
    DEFAULT_LENGTH,
    LENGTHS,
    NAME_MAX,
    CohortForm,
)

COHORT_CALLBACK = "cohort_form"
SIGN_UP_MENTEE_ACTION = "cohort_sign_up_mentee"
SIGN_UP_COPILOT_ACTION = "cohort_sign_up_copilot"
# block_id = action_id = field name, so errors keyed by field land on the right input
NAME, OPENS, CLOSES, STARTS, LENGTH, CHANNEL = "name", "opens", "closes", "starts", "length", "channel"

SIGN_UP_DAYS = timedelta(weeks=2)  # what the form suggests: two weeks of sign-ups, the start a week later


@dataclass(frozen=True)
class CohortTag:
    """The cohort a sign-up form is for: carried in the form's metadata, named in a note at its top."""

    id: int
    name: str
    closes_on: date

    def metadata(self) -> dict[str, Any]:
        return {"cohort": self.id}

    def note_block(self) -> dict[str, Any]:
        return context(
            _(
                ":busts_in_silhouette: This sign-up is for the cohort *{name}*. Sign-ups close at the end of "
                "{day}; then everyone is paired at once.",
                name=escape(self.name),
                day=format_date(self.closes_on),
            )
        )


def cohort_of(view: Mapping[str, Any]) -> int | None:
    """The cohort id a submitted sign-up form carries, or None (a sign-up outside any cohort)."""
    value = view_metadata(view).get("cohort")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# --- opening a cohort --------------------------------------------------------------------------------------


def _date_input(block_id: str, label: str, initial: date) -> dict[str, Any]:
    return form_input(
        block_id, label, {"type": "datepicker", "action_id": block_id, "initial_date": initial.isoformat()}
    )


def cohort_modal(today: date, channel_id: str = "") -> dict[str, Any]:
    lengths = [option(str(n), n_("{count} month", "{count} months", n)) for n in LENGTHS]
    blocks = [
        form_input(
            NAME,
            _("Name"),
            {
                "type": "plain_text_input",
                "action_id": NAME,
                "max_length": NAME_MAX,
                "placeholder": {"type": "plain_text", "text": _("e.g. Spring cohort")},
            },
        ),
        _date_input(OPENS, _("Sign-ups open on"), today),
        _date_input(CLOSES, _("Last day of sign-ups"), today + SIGN_UP_DAYS),
        _date_input(STARTS, _("The mentoring starts on"), today + SIGN_UP_DAYS + timedelta(weeks=1)),
        form_input(
            LENGTH,
            _("How long it lasts"),
            {
                "type": "static_select",
                "action_id": LENGTH,
                "options": lengths,
                "initial_option": lengths[LENGTHS.index(DEFAULT_LENGTH)],
            },
        ),
        form_input(
            CHANNEL,
            _("Announce it in (optional)"),
            {
                "type": "conversations_select",
                "action_id": CHANNEL,
                "filter": {"include": ["public", "private"], "exclude_bot_users": True},
            },
            optional=True,
            hint={
                "type": "plain_text",
                "text": _("Leave empty and I'll send you the announcement to share."),
            },
        ),
    ]
    return modal(
        COHORT_CALLBACK,
        _("Open a cohort"),
        submit=_("Open"),
        close=_("Cancel"),
        blocks=blocks,
        metadata={"channel": channel_id},
    )


def cohort_form_from(values: dict[str, dict[str, dict[str, Any]]]) -> CohortForm:
    field = partial(field_value, values)

    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(field(name).get("selected_date") or "")
        except ValueError:
            return None

    try:
        length: int | None = int((field(LENGTH).get("selected_option") or {}).get("value", ""))
    except ValueError:
        length = None
    return CohortForm(
        name=(field(NAME).get("value") or "").strip(),
        opens_on=day(OPENS),
        closes_on=day(CLOSES),
        starts_on=day(STARTS),
        length_months=length,
        channel_id=field(CHANNEL).get("selected_conversation") or None,
    )


def unknown_channel_text() -> str:
    return _("I can't find that channel. Pick another one, or leave it empty.")


def not_a_channel_text() -> str:
    return _("Pick a channel, not a direct message.")


def invite_me_text(channel_id: str) -> str:
    return _(
        "I'm not in <#{channel}> yet: invite me there first (`/invite @mentor-bot`), or pick another channel.",
        channel=channel_id,
    )


def cohort_opened_text(name: str, channel_id: str | None, opens_on: date) -> str:
    if channel_id:
        return _(
            ":white_check_mark: The cohort *{name}* is open. I'll announce it in <#{channel}> on {day}.",
            name=escape(name),
            channel=channel_id,
            day=format_date(opens_on),
        )
    return _(
        ":white_check_mark: The cohort *{name}* is open. I'll send you its announcement on {day}, to share.",
        name=escape(name),
        day=format_date(opens_on),
    )


def usage_text() -> str:
    return _(
        "Try `/mentor admin cohort open` to open a mentoring cohort; App Home shows each cohort's report."
    )


def not_admin_text() -> str:
    return _("Only program admins can open a cohort or see its report.")


# --- the announcement and the sign-ups ---------------------------------------------------------------------


def announcement(tag: CohortTag, starts_on: date, ends_on: date, length_months: int) -> Message:
    text = _("Sign-ups are open for the mentoring cohort {name}", name=tag.name)
    length = n_("{count} month", "{count} months", length_months)
    return Message(
        text,
        [
            header(_("Mentoring cohort: {name}", name=tag.name)),
            section(
                _(
                    "Sign-ups are open until the end of *{closes}*. The mentoring runs for {length}, from "
                    "*{starts}* to *{ends}*, and everyone in the cohort starts together.",
                    closes=format_date(tag.closes_on),
                    length=length,
                    starts=format_date(starts_on, year=True),
                    ends=format_date(ends_on, year=True),
                )
            ),
            section(
                _(
                    "Want to grow with the help of a colleague? Sign up as a mentee. Happy to help someone "
                    "else grow? Volunteer as a copilot. Nobody is paired with a copilot without the "
                    "copilot's yes."
                )
            ),
            actions(
                button(_("Sign up as a mentee"), SIGN_UP_MENTEE_ACTION, str(tag.id), style="primary"),
                button(_("Volunteer as a copilot"), SIGN_UP_COPILOT_ACTION, str(tag.id)),
                block_id=f"cohort_{tag.id}",
            ),
        ],
    )


def sign_up_closed_text() -> str:
    return _("Sign-ups for this cohort are closed. You can still ask for a copilot with `/mentor request`.")


def mentee_signed_up_text(name: str, closes_on: date) -> str:
    return _(
        ":tada: You're signed up for the cohort *{name}*. After sign-ups close at the end of {day}, I'll "
        "find you a copilot and tell you.",
        name=escape(name),
        day=format_date(closes_on),
    )


def copilot_signed_up_text(name: str, closes_on: date) -> str:
    return _(
        ":tada: Thanks for volunteering in the cohort *{name}*. After sign-ups close at the end of {day}, "
        "you may be asked to copilot someone; you decide then.",
        name=escape(name),
        day=format_date(closes_on),
    )


# --- the round: preview for the admin, result, the pair's shared dates --------------------------------------


def preview_message(name: str, pairs: Sequence[tuple[str, str, float]], waiting: int) -> Message:
    """The dry run of a cohort's round: proposed pairs with their scores; nothing changed or sent."""
    text = _("Preview of the round for the cohort {name}: nothing has been sent", name=name)
    lines = [
        _("• {mentee} with {copilot} (score {score})", mentee=escape(m), copilot=escape(c), score=f"{s:g}")
        for m, c, s in pairs
    ]
    summary = n_(
        "{count} pair would be offered, {waiting} still waiting.",
        "{count} pairs would be offered, {waiting} still waiting.",
        len(pairs),
        waiting=format_number(waiting),
    )
    blocks = [section(f"*{escape(text)}*")]
    if lines:
        blocks.append(section("\n".join(lines)))
    blocks.append(context(summary))
    return Message(text, blocks)


def round_done_message(name: str, offered: int, waiting: int) -> Message:
    text = n_(
        "The cohort {name} is paired: {count} copilot asked, {waiting} sign-ups still waiting.",
        "The cohort {name} is paired: {count} copilots asked, {waiting} sign-ups still waiting.",
        offered,
        name=name,
        waiting=format_number(waiting),
    )
    return Message(text, [section(f":white_check_mark: {escape(text)}")])


def cohort_pairing_message(
    name: str, starts_on: date, ends_on: date, mentee_user_id: str, copilot_user_id: str
) -> Message:
    text = _(
        "{mentee} and {copilot}: you're a pair of the cohort *{name}*. Like every pair of the cohort, your "
        "mentoring starts on {starts} and is planned to end on {ends}.",
        mentee=mention(mentee_user_id),
        copilot=mention(copilot_user_id),
        name=escape(name),
        starts=format_date(starts_on, year=True),
        ends=format_date(ends_on, year=True),
    )
    return Message(text, [section(text)])
