"""The "Your mentoring" section of App Home: each open pairing, its state and agreement in a few words,
and the Revisit / Pause / Resume / End controls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

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


def home_blocks(pairings: Sequence[HomePairing]) -> list[dict[str, Any]]:
    if not pairings:
        return []
    blocks: list[dict[str, Any]] = [divider(), header("Your mentoring")]
    for p in pairings:
        who = "your copilot" if p.role == "mentee" else "your mentee"
        state = {
            PairingState.SETTING_EXPECTATIONS: "setting expectations",
            PairingState.ACTIVE: "active",
            PairingState.PAUSED: f"paused until {format_date(p.paused_until, year=True)}"
            if p.paused_until
            else "paused",
            PairingState.STALLED: "quiet for a while",
        }.get(p.state, p.state)
        note = " A fresh look at your expectations is open." if p.revisiting else ""
        elements = []
        if p.state in (PairingState.ACTIVE, PairingState.STALLED, PairingState.PAUSED) and not p.revisiting:
            elements.append(button("Revisit expectations", REVISIT, str(p.pairing_id)))
        if p.state == PairingState.PAUSED:
            elements.append(button("Resume", RESUME, str(p.pairing_id)))
        elif p.state in (PairingState.ACTIVE, PairingState.STALLED):
            elements.append({"type": "datepicker", "action_id": PAUSE, "placeholder": plain("Pause until…")})
        elements.append(button("End", END, str(p.pairing_id)))
        details = []
        if p.agreed:
            details.append(f"Agreed: {escape(p.agreed)}")
        if p.next_checkin_on and p.state == PairingState.ACTIVE:
            details.append(f"Next check-in: {format_date(p.next_checkin_on)}")
        more = ("\n" + " · ".join(details)) if details else ""
        blocks.append(section(f"{mention(p.partner_user)} is {who}: *{state}*.{note}{more}"))
        blocks.append(actions(*elements, block_id=f"pairing_{p.pairing_id}"))
    return blocks
