"""The program settings modal an admin edits, and reading its submission back into raw settings."""

from __future__ import annotations

import json
from typing import Any, Protocol

from bot.i18n import LANGUAGES, N_, _
from bot.messages.language import name_of
from bot.messages.text import context, escape, mention, plain, section
from bot.rules.program_limits import LIMITS

WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)
SETTINGS_CALLBACK = "program_settings"
YES, NO = "yes", "no"
DELIVERY_LABELS = {"dm": N_("A DM to whoever organises the meeting"), "group": N_("The pair's group DM")}
NUMBER_FIELDS = {
    "max_tz_gap_hours": (
        N_("Largest time-zone gap (hours)"),
        N_("Nobody is matched across a wider gap."),
        True,
    ),
    "reporting_line_depth": (
        N_("Reporting-line exclusion depth"),
        N_("How many levels of a mentee's own reports are kept out as their copilot. Empty: all of them."),
        False,
    ),
    "offer_expiry_working_days": (
        N_("Offer expiry (working days)"),
        N_("How long a volunteer has to answer."),
        False,
    ),
    "quiet_start": (
        N_("Quiet hours start (0-23)"),
        N_("No nudges from this hour... Leave both empty for none."),
        False,
    ),
    "quiet_end": (N_("Quiet hours end (0-23)"), N_("...until this hour, in each person's time zone."), False),
    "grace_hours": (
        N_("Grace period (hours)"),
        N_("A nudge later than this is dropped, not sent late."),
        False,
    ),
    "health_review_days": (
        N_("Health review every (days)"),
        N_("How often pairs are asked how it's going."),
        False,
    ),
}
OPTIONAL_NUMBERS = ("reporting_line_depth", "quiet_start", "quiet_end")
REPORTING_LINE_NOTE = N_(
    "What the depth can't do: a manager never mentors a report. A mentee's manager, their manager's "
    "manager and so on to the top are never their copilot, whatever is set here, and someone whose "
    "manager is unknown is not matched until you set it (`/mentor admin person`)."
)


class ShownSettings(Protocol):
    """The program settings the form shows (bot.people.program_settings.ProgramSettings is one)."""

    max_tz_gap_hours: float
    reporting_line_depth: int | None
    offer_expiry_working_days: int
    nudge_hour: int
    working_days: tuple[int, ...]
    quiet_start: int | None
    quiet_end: int | None
    grace_hours: int
    health_review_days: int
    digest_enabled: bool
    allow_guests: bool
    checkin_delivery: str
    language: str


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def _input(
    block_id: str, label: str, element: dict[str, Any], *, hint: str = "", optional: bool = False
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": {**element, "action_id": block_id},
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 150)
    return block


def _number(name: str, value: float | int | None) -> dict[str, Any]:
    label, hint, decimal = NUMBER_FIELDS[name]
    low, high = LIMITS[name]
    element: dict[str, Any] = {
        "type": "number_input",
        "is_decimal_allowed": decimal,
        "min_value": f"{low:g}",
        "max_value": f"{high:g}",
    }
    if value is not None:
        element["initial_value"] = f"{value:g}"
    return _input(name, _(label), element, hint=_(hint), optional=name in OPTIONAL_NUMBERS)


def _yes_no(name: str, label: str, value: bool, yes: str, no: str) -> dict[str, Any]:
    options = [_option(yes, YES), _option(no, NO)]
    element = {"type": "radio_buttons", "options": options, "initial_option": options[0 if value else 1]}
    return _input(name, label, element)


def _language_input(current: str) -> dict[str, Any]:
    options = [_option(name_of(code), code) for code in LANGUAGES]
    chosen = next((o for o in options if o["value"] == current), options[0])
    return _input(
        "language",
        _("Workspace language"),
        {"type": "static_select", "options": options, "initial_option": chosen},
        hint=_("What people read when they chose no language and mentor-bot has none for their Slack one."),
    )


def settings_modal(current: ShownSettings, channel_id: str = "") -> dict[str, Any]:
    hours = [_option(f"{h:02d}:00", str(h)) for h in range(24)]
    days = [_option(_(name), str(i)) for i, name in enumerate(WEEKDAYS)]
    deliveries = [_option(_(text), value) for value, text in DELIVERY_LABELS.items()]
    blocks = [
        section(_("Changes apply from the next thing the bot plans: no restart needed.")),
        _number("max_tz_gap_hours", current.max_tz_gap_hours),
        _number("reporting_line_depth", current.reporting_line_depth),
        context(_(REPORTING_LINE_NOTE)),
        _number("offer_expiry_working_days", current.offer_expiry_working_days),
        _input(
            "nudge_hour",
            _("Nudge hour"),
            {"type": "static_select", "options": hours, "initial_option": hours[current.nudge_hour]},
            hint=_("Check-in nudges arrive at this hour in each person's time zone."),
        ),
        _input(
            "working_days",
            _("Working days"),
            {
                "type": "checkboxes",
                "options": days,
                "initial_options": [days[d] for d in current.working_days],
            },
        ),
        _number("quiet_start", current.quiet_start),
        _number("quiet_end", current.quiet_end),
        _number("grace_hours", current.grace_hours),
        _number("health_review_days", current.health_review_days),
        _yes_no("digest_enabled", _("Weekly digest for leads"), current.digest_enabled, _("On"), _("Off")),
        _yes_no("allow_guests", _("Guests may take part"), current.allow_guests, _("Yes"), _("No")),
        _input(
            "checkin_delivery",
            _("Check-in nudges go to"),
            {
                "type": "radio_buttons",
                "options": deliveries,
                "initial_option": deliveries[0 if current.checkin_delivery == "dm" else 1],
            },
        ),
        _language_input(current.language),
        context(_("Leads and admins only ever see program-level facts, whatever is set here.")),
    ]
    return {
        "type": "modal",
        "callback_id": SETTINGS_CALLBACK,
        "title": plain(_("Program settings"), 24),
        "submit": plain(_("Save"), 24),
        "close": plain(_("Cancel"), 24),
        "private_metadata": json.dumps({"channel": channel_id}),
        "blocks": blocks,
    }


def settings_from(values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The submitted modal as raw settings for bot.people.program_settings.validate (which names the bad fields)."""

    def element(name: str) -> dict[str, Any]:
        return (values.get(name) or {}).get(name) or {}

    raw: dict[str, Any] = {}
    for name in NUMBER_FIELDS:
        if name in values:
            value = element(name).get("value")
            raw[name] = value.strip() if isinstance(value, str) else value
    if "nudge_hour" in values:
        raw["nudge_hour"] = (element("nudge_hour").get("selected_option") or {}).get("value")
    if "working_days" in values:
        raw["working_days"] = [o["value"] for o in element("working_days").get("selected_options") or []]
    for name in ("digest_enabled", "allow_guests"):
        if name in values:
            raw[name] = (element(name).get("selected_option") or {}).get("value")
    if "checkin_delivery" in values:
        raw["checkin_delivery"] = (element("checkin_delivery").get("selected_option") or {}).get("value")
    if "language" in values:
        raw["language"] = (element("language").get("selected_option") or {}).get("value")
    return raw


def settings_saved_text() -> str:
    return _("Program settings saved. They apply from now on, without a restart.")


def not_admin_settings_text() -> str:
    return _("Only program admins can change the program settings.")


# --- `/mentor admin leads` ------------------------------------------------------------------------


def leads_usage_text() -> str:
    return _(
        "Give a lead the members of a Slack user group: `/mentor admin leads @lead @group` "
        "(or the group's id, S0123). Take it away: `/mentor admin leads @lead remove @group`. "
        "List a lead's groups: `/mentor admin leads @lead`. Everyone under a lead in the org chart is "
        "theirs already."
    )


def lead_groups_text(user_id: str, groups: list[str]) -> str:
    if not groups:
        return _(
            "{lead} has no user groups; they lead the people below them in the org chart.",
            lead=mention(user_id),
        )
    listed = ", ".join(f"<!subteam^{escape(g)}>" for g in groups)
    return _(
        "{lead} leads the members of {groups}, and everyone below them in the org chart.",
        lead=mention(user_id),
        groups=listed,
    )


_LEAD_GROUP_RESULTS = {
    "assigned": N_("{lead} now sees the mentoring summary for the {members} members of {group}."),
    "refreshed": N_("{lead} already had {group}; its {members} members were refreshed."),
    "removed": N_("{lead} no longer leads {group}."),
    "not_assigned": N_("{lead} didn't have {group}: nothing changed."),
    "unknown_group": N_("Slack couldn't list the members of {group} ({error}). Check the group id."),
    "unknown_lead": N_("Slack doesn't know that person."),
}


def lead_group_result_text(user_id: str, group_id: str, outcome: str, members: int, error: str) -> str:
    return _(
        _LEAD_GROUP_RESULTS[outcome],
        lead=mention(user_id),
        group=f"<!subteam^{escape(group_id)}>",
        members=members,
        error=escape(error),
    )
