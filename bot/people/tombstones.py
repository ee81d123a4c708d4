"""A forgotten person's tombstone keeps their reports' reporting line safe.

When someone runs forget-me, their people row becomes a tombstone (no name, no Slack id). Their reports
keep pointing at it, so matching reads their manager as unknown ("ask the admin": nobody whose line
reaches a tombstone is matched, ``bot.rules.matching.facts.BlockReason.MANAGER_UNKNOWN``), never as "no
manager". The program admins are told whose manager is now unknown (``flag_orphaned_reports``).

The tombstone also keeps a keyed hash of the Slack id (HMAC-SHA256 of "team:user" with
``TOMBSTONE_KEY`` from the environment, or the app's signing secret when that is not set). The id itself
cannot be read back from it; but when the same Slack id comes back (the daily sync, users.info, an
event), ``recognise_returning`` finds the tombstone and points the reports at the new row again, so the
rule "a manager never mentors a report" holds for them. Changing the key only means a returning person
is no longer recognised; their reports then stay "manager unknown" until an admin sets the manager.
"""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.config import Settings
from storage.models import Person


def tombstone_key(settings: Settings) -> bytes | None:
    secret = settings.tombstone_key or settings.slack_signing_secret or settings.slack_client_secret
    return secret.encode() if secret else None


def tombstone_hash(settings: Settings, team_id: str, user_id: str) -> str | None:
    """The keyed hash a tombstone keeps of a Slack id; None when no key is configured."""
    key = tombstone_key(settings)
    if key is None:
        return None
    return hmac.new(key, f"{team_id}:{user_id}".encode(), hashlib.sha256).hexdigest()


def recognise_returning(settings: Settings, session: Session, person: Person) -> int:
    """A new people row whose Slack id matches a tombstone's hash: the tombstone's reports report to the
    new row again. Returns how many reports were re-linked."""
    digest = tombstone_hash(settings, person.team_id, person.slack_user_id)
    if digest is None:
        return 0
    tombstone = session.scalar(
        select(Person).where(Person.team_id == person.team_id, Person.forgotten_hash == digest)
    )
    if tombstone is None or tombstone.id == person.id:
        return 0
    session.flush()
    moved = session.execute(
        update(Person)
        .where(Person.team_id == person.team_id, Person.manager_id == tombstone.id, Person.id != person.id)
        .values(manager_id=person.id)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    tombstone.forgotten_hash = None
    return int(moved or 0)


def reports_of_tombstone(session: Session, tombstone: Person) -> list[Person]:
    return list(
        session.scalars(
            select(Person)
            .where(
                Person.team_id == tombstone.team_id,
                Person.manager_id == tombstone.id,
                Person.is_deleted.is_(False),
            )
            .order_by(Person.id)
        )
    )
