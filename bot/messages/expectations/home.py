"""The "Your mentoring" section of App Home: each open pairing, its state and agreement in a few words,
and the Revisit / Pause / Resume / End controls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.i18n import N_, _
from bot.messages.expectations.ids import END, PAUSE, RESUME, REVISIT
from bot.messages.text import actions, button, divider, escape, format_date, header, mention, plain, section
from bot.rules.agreements.questionnaire import Role
from bot.rules.lifecycle import PairingState


@dataclass(frozen=True)
class HomePairing:
    pairing_id: int
    role: Role
    partner_user: str
    state: str
    paused_until: date | None
    agreement_version: int | None
    revisiting: bool
    next_checkin_on: date | None = None  # in the person's own time zone
    agreed: str = ""  # the agreement in force, in a few words ("every two weeks · 45 minutes · video")


_STATE_WORDS = {
    PairingState.SETTING_EXPECTATIONS: N_("setting expectations"),
    PairingState.ACTIVE: N_("active"),
    PairingState.PAUSED: N_("paused"),
    PairingState.STALLED: N_("quiet for a while"),
}


def _state(p: HomePairing) -> str:
    if p.state == PairingState.PAUSED and p.paused_until:
        return _("paused until {day}", day=format_date(p.paused_until, year=True))
    words = _STATE_WORDS.get(p.state)
    return _(words) if words else p.state


def home_blocks(pairings: Sequence[HomePairing]) -> list[dict[str, Any]]:
    if not pairings:
        return []
    blocks: list[dict[str, Any]] = [divider(), header(_("Your mentoring"))]
    for p in pairings:
        values = {"partner": mention(p.partner_user), "state": _state(p)}
        if p.role == "mentee":
            line = _("{partner} is your copilot: *{state}*.", **values)
        else:
            line = _("{partner} is your mentee: *{state}*.", **values)
        if p.revisiting:
            line += " " + _("A fresh look at your expectations is open.")
        elements = []
        if p.state in (PairingState.ACTIVE, PairingState.STALLED, PairingState.PAUSED) and not p.revisiting:
            elements.append(button(_("Revisit expectations"), REVISIT, str(p.pairing_id)))
        if p.state == PairingState.PAUSED:
            elements.append(button(_("Resume"), RESUME, str(p.pairing_id)))
        elif p.state in (PairingState.ACTIVE, PairingState.STALLED):
            elements.append(
                {"type": "datepicker", "action_id": PAUSE, "placeholder": plain(_("Pause until…"))}
            )
        elements.append(button(_("End"), END, str(p.pairing_id)))
        details = []
        if p.agreed:
            details.append(_("Agreed: {terms}", terms=escape(p.agreed)))
        if p.next_checkin_on and p.state == PairingState.ACTIVE:
            details.append(_("Next check-in: {day}", day=format_date(p.next_checkin_on)))
        more = ("\n" + " · ".join(details)) if details else ""
        blocks.append(section(f"{line}{more}"))
        blocks.append(actions(*elements, block_id=f"pairing_{p.pairing_id}"))
    return blocks
