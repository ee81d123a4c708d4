"""My network: the ephemeral `/mentor contacts` list and the App Home section (contacts and promises).

Compact by design: a page of CONTACTS_PER_PAGE contacts, 25 to a section and one Edit menu per 100,
fits Slack's block limits with room for the rest of the Home.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.i18n import _, n_
from bot.messages.contacts import (
    ADD_CONTACT_ACTION,
    EDIT_CONTACT_ACTION,
    PICK_CONTACT_ACTION,
    ContactLine,
    contact_line,
    who,
)
from bot.messages.introductions import Volume, volume_text
from bot.messages.promises import ADD_PROMISE_ACTION, PromiseLine
from bot.messages.text import actions, button, clip, context, escape, format_date, header, plain, section

PAGE_ACTION = "network_page"

CONTACTS_PER_PAGE = 200
LIST_LIMIT = 20  # contacts in the ephemeral list; App Home pages through all of them
LINES_PER_SECTION = 25
OPTIONS_PER_SELECT = 100


@dataclass(frozen=True)
class NetworkPage:
    """One page of someone's contacts (by name), their soonest open promises, and their volume."""

    contacts: list[ContactLine]
    total: int
    page: int
    pages: int
    promises: list[PromiseLine]
    open_promises: int
    volume: Volume


def contacts_list(page: NetworkPage) -> tuple[str, list[dict[str, Any]]]:
    """The ephemeral `/mentor contacts` answer: the first contacts with Edit buttons, and Add."""
    if not page.contacts:
        text = _("Your network is empty so far. Add the people you meet: only you will see them.")
        return text, [section(text), actions(button(_("Add a contact"), ADD_CONTACT_ACTION, style="primary"))]
    blocks: list[dict[str, Any]] = [
        section(
            n_(
                "*My network* · {count} contact (only you can see them)",
                "*My network* · {count} contacts (only you can see them)",
                page.total,
            )
        )
    ]
    for c in page.contacts[:LIST_LIMIT]:
        blocks.append(
            section(contact_line(c), accessory=button(_("Edit"), EDIT_CONTACT_ACTION, str(c.contact_id)))
        )
    if page.total > LIST_LIMIT:
        more = page.total - LIST_LIMIT
        blocks.append(
            context(
                n_("…and {count} more in the App Home tab.", "…and {count} more in the App Home tab.", more)
            )
        )
    blocks.append(actions(button(_("Add a contact"), ADD_CONTACT_ACTION, style="primary")))
    return n_("My network: {count} contact", "My network: {count} contacts", page.total), blocks


def _promise_line(p: PromiseLine) -> str:
    day, what = format_date(p.due_on), escape(clip(p.text, 120))
    if p.to_user_id or p.to_name:
        return _("• {day} · {promise} → {person}", day=day, promise=what, person=who(p.to_user_id, p.to_name))
    return _("• {day} · {promise}", day=day, promise=what)


def network_home_blocks(page: NetworkPage) -> list[dict[str, Any]]:
    """Compact: 25 contacts per section and one Edit menu per 100, so 200 contacts fit in ~12 blocks."""
    blocks: list[dict[str, Any]] = [header(_("My network"))]
    if page.pages > 1:
        summary = n_(
            "{count} contact · only you can see them · page {page} of {pages}",
            "{count} contacts · only you can see them · page {page} of {pages}",
            page.total,
            page=page.page + 1,
            pages=page.pages,
        )
    else:
        summary = n_(
            "{count} contact · only you can see them", "{count} contacts · only you can see them", page.total
        )
    blocks.append(context(summary))
    lines = [contact_line(c) for c in page.contacts]
    for start in range(0, len(lines), LINES_PER_SECTION):
        blocks.append(section("\n".join(lines[start : start + LINES_PER_SECTION])))
    controls: list[dict[str, Any]] = [button(_("Add a contact"), ADD_CONTACT_ACTION, style="primary")]
    for n, start in enumerate(range(0, len(page.contacts), OPTIONS_PER_SELECT)):
        chunk = page.contacts[start : start + OPTIONS_PER_SELECT]
        controls.append(
            {
                "type": "static_select",
                "action_id": f"{PICK_CONTACT_ACTION}_{n}",
                "placeholder": plain(
                    _("Edit a contact…") if n == 0 else _("Edit (more, {part})…", part=n + 1)
                ),
                "options": [
                    {"text": plain(clip(c.name or c.slack_user_id or "?", 70)), "value": str(c.contact_id)}
                    for c in chunk
                ],
            }
        )
    blocks.append(actions(*controls, block_id="network_controls"))
    pager: list[dict[str, Any]] = []
    if page.page > 0:
        pager.append(button(_("← Previous"), f"{PAGE_ACTION}_prev", str(page.page - 1)))
    if page.page + 1 < page.pages:
        pager.append(button(_("Next →"), f"{PAGE_ACTION}_next", str(page.page + 1)))
    if pager:
        blocks.append(actions(*pager, block_id="network_pages"))
    blocks.append(header(_("My promises")))
    if page.promises:
        promise_lines = [_promise_line(p) for p in page.promises]
        more = page.open_promises - len(page.promises)
        if more > 0:
            promise_lines.append(n_("…and {count} more", "…and {count} more", more))
        blocks.append(section("\n".join(promise_lines)))
    else:
        blocks.append(context(_("No open promises. Made one? Keep it here and I'll remind you on the day.")))
    blocks.append(actions(button(_("Add a promise"), ADD_PROMISE_ACTION), block_id="promise_home"))
    if page.volume.over:
        blocks.append(context(volume_text(page.volume)))
    return blocks
