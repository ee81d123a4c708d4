"""Report-backs: after "We met", a few lines on how it went, stored once per person and check-in. With the
author's consent it goes to the partner in the pair's group DM, once (the message itself asks the partner
for a reply or a reaction; no separate nudge repeats it), outside the partner's quiet hours.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.checkins.answers import CheckinClosed, checkin_for
from bot.checkins.pair import CheckinStatus
from bot.i18n import _
from bot.messages import checkins as views
from bot.outbox import Kind
from bot.outbox import keys as outbox_keys
from bot.people import languages
from bot.rules.cadence import awake_at, local_date
from bot.runtime import Runtime
from storage.models import ReportBack


@dataclass(frozen=True)
class ReportBackSaved:
    saved: bool
    shared_with_user_id: str | None


def save_report_back(
    runtime: Runtime, team_id: str, user_id: str, checkin_id: int, text: str, share: bool
) -> ReportBackSaved:
    """Store the report-back once; with consent, deliver it to the partner in the pair's group DM."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        checkin, pair, person = checkin_for(session, team_id, user_id, checkin_id)
        if checkin.status != CheckinStatus.MET:
            raise CheckinClosed(_("Click *We met* first, then tell me how it went."))
        existing = session.scalar(
            select(ReportBack).where(ReportBack.checkin_id == checkin.id, ReportBack.author_id == person.id)
        )
        if existing is not None or not text:
            return ReportBackSaved(saved=existing is not None, shared_with_user_id=None)
        report = ReportBack(
            team_id=team_id,
            pairing_id=pair.pairing.id,
            checkin_id=checkin.id,
            author_id=person.id,
            text=text,
            shared_with_copilot=share,
            created_at=now,
        )
        session.add(report)
        session.flush()
        if not share:
            return ReportBackSaved(saved=True, shared_with_user_id=None)
        partner = pair.partner_of(person)
        languages.send_group(
            session,
            members=pair.members(),
            kind=Kind.REPORT_BACK,
            subject=report,
            key=outbox_keys.report_back(report.id),
            build=lambda: views.report_back_message(
                author_user_id=user_id,
                partner_user_id=partner.slack_user_id,
                met_on=local_date(checkin.met_at or now, person.tz),
                text=text,
            ),
            due_at=awake_at(now, [partner.tz], pair.window),  # the author is awake; the partner may not be
            now=now,
        )
        return ReportBackSaved(saved=True, shared_with_user_id=partner.slack_user_id)
