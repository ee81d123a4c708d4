"""The language each person reads: their own choice, else what Slack says, else the workspace's default.

* ``language_of(session, team_id, user_id)``, and ``languages_of(session, team_id, user_ids)`` for a
  planner (one query), ``languages_across`` for rows of several workspaces; ``person_language`` and
  ``member_language`` for a row or a planner's ``Member`` already in hand (no query);
* ``writing_for(session, team_id, user_id)``: a ``with`` block whose strings are in that person's language
  (every service building a message for someone other than the one who clicked uses it);
* ``group`` / ``send_group``: the outbox's group rows for members who may read different languages (the
  one place that decides what a mixed pair gets: see ``bot.messages.readers``);
* ``reader_language`` and ``answer_in``: a Slack request answered in the language of the person who
  clicked or typed (bot/app.py's middleware);
* ``reading_for(runtime, team_id, user_id)``: a page drawn for someone (App Home), without a second
  read when it is the person the request answers;
* ``choose_language``: ``/mentor language`` and App Home's choice (None: follow Slack again).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import lru_cache
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import and_, bindparam, literal, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.i18n import DEFAULT_LANGUAGE, current_locale, reading_in, supported
from bot.i18n.catalogs import set_reader as _set_reader
from bot.messages.message import Message
from bot.messages.readers import in_languages
from bot.outbox import Kind, Outgoing
from bot.pairings import Member
from bot.people.directory import UnknownSlackUser, ensure_person, find_person
from bot.runtime import Runtime
from storage.models import Person, WorkspaceSettings

_IN_CHUNK = 1000
# (team, user) of the person the request in hand answers, while their language is the reader's
_answering: ContextVar[tuple[str, str] | None] = ContextVar("answering", default=None)


@lru_cache(maxsize=1024)
def resolve(choice: str | None, slack_locale: str | None, workspace_language: str | None) -> str:
    """The order, in one place: the person's choice, Slack's locale if we have it, the workspace's
    default language (program settings), English."""
    return supported(choice) or supported(slack_locale) or supported(workspace_language) or DEFAULT_LANGUAGE


def person_language(person: Person, workspace_language: str | None) -> str:
    """A people row already in hand (with the workspace's settings): no read."""
    return resolve(person.language, person.slack_locale, workspace_language)


def member_language(member: Member, workspace_language: str | None) -> str:
    """A planner's ``Member`` (bot.pairings), who carries their choice and Slack locale: no read."""
    return resolve(member.language, member.slack_locale, workspace_language)


def _default(settings: Mapping[str, Any] | None) -> str | None:
    value = (settings or {}).get("language")
    return value if isinstance(value, str) else None


def _settings_of(team_id: str) -> Any:
    return select(WorkspaceSettings.settings).where(WorkspaceSettings.team_id == team_id).scalar_subquery()


def _person_column(name: str) -> Any:
    return (
        select(getattr(Person, name))
        .where(Person.team_id == bindparam("team_id"), Person.slack_user_id == bindparam("user_id"))
        .scalar_subquery()
    )


# Read on every Slack request (the reader's language), so built once: building this select each time cost
# more than running it.
_READ = select(
    _person_column("id"),
    _person_column("language"),
    _person_column("slack_locale"),
    select(WorkspaceSettings.settings)
    .where(WorkspaceSettings.team_id == bindparam("team_id"))
    .scalar_subquery(),
)


def _read(session: Session, team_id: str, user_id: str) -> tuple[bool, str | None, str | None, str | None]:
    """(known, choice, Slack locale, the workspace's language) in one statement, known or not."""
    row = session.execute(_READ, {"team_id": team_id, "user_id": user_id}).one()
    return row[0] is not None, row[1], row[2], _default(row[3])


def language_of(session: Session, team_id: str, slack_user_id: str) -> str:
    _, choice, locale, workspace = _read(session, team_id, slack_user_id)
    return resolve(choice, locale, workspace)


def languages_of(session: Session, team_id: str, user_ids: Sequence[str]) -> dict[str, str]:
    """Every one of ``user_ids`` with their language (someone unknown reads the workspace's default):
    one read (per 1,000 people), which returns the workspace's settings even when nobody matches."""
    wanted = list(dict.fromkeys(user_ids))
    if not wanted:
        return {}
    found: dict[str, tuple[str | None, str | None]] = {}
    workspace: Any = None
    one_row = select(literal(1).label("one")).subquery()
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        rows = session.execute(
            select(_settings_of(team_id), Person.slack_user_id, Person.language, Person.slack_locale)
            .select_from(one_row)
            .outerjoin(Person, and_(Person.team_id == team_id, Person.slack_user_id.in_(chunk)))
        )
        for settings, user_id, choice, locale in rows:
            workspace = settings
            if user_id is not None:
                found[user_id] = (choice, locale)
    return {u: resolve(*found.get(u, (None, None)), _default(workspace)) for u in wanted}


def languages_across(session: Session, recipients: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(team, user) -> language for a planner whose rows span workspaces: one read per workspace."""
    by_team: dict[str, list[str]] = {}
    for team_id, user_id in recipients:
        by_team.setdefault(team_id, []).append(user_id)
    return {
        (team_id, user_id): language
        for team_id, user_ids in by_team.items()
        for user_id, language in languages_of(session, team_id, user_ids).items()
    }


@contextmanager
def writing_for(session: Session, team_id: str, slack_user_id: str) -> Iterator[str]:
    """Strings built inside are in this person's language."""
    with reading_in(language_of(session, team_id, slack_user_id)) as language:
        yield language


def reader_language(
    runtime: Runtime, client: WebClient | None, team_id: str, user_id: str, payload_locale: str | None = None
) -> str:
    """The language to answer a Slack request in: one read; someone we never met is looked up in Slack
    once (users.info with their locale), so even their first answer is in their language."""
    with runtime.db.transaction() as session:
        known, choice, locale, workspace = _read(session, team_id, user_id)
        if not known and client is not None:
            try:
                locale = ensure_person(runtime, session, client, team_id, user_id).slack_locale
            except UnknownSlackUser:
                locale = None
        return resolve(choice, payload_locale or locale, workspace)


def answer_in(team_id: str | None, user_id: str | None, language: str) -> None:
    """From here on, the request in hand (and the listener threads it hands work to, which copy the
    context: bot.logs.ContextExecutor) is answered in ``language``, that of ``user_id``.

    Set, not scoped: Bolt's global middleware cannot wrap the listener (its ``next()`` only marks the
    chain as continued; listeners run once every middleware has returned). bot/app.py sets it for every
    request, to the default when nobody in particular is answered, so no request inherits another's."""
    _answering.set((team_id, user_id) if team_id and user_id else None)
    _set_reader(language)


@contextmanager
def reading_for(runtime: Runtime, team_id: str, user_id: str) -> Iterator[str]:
    """Strings built inside are in this person's language: the request's own reader's without a read."""
    if _answering.get() == (team_id, user_id):
        yield current_locale()
        return
    with runtime.db.transaction() as session:
        language = language_of(session, team_id, user_id)
    with reading_in(language):
        yield language


def choice_of(runtime: Runtime, team_id: str, user_id: str) -> str | None:
    """The language the person chose themselves (None: they follow Slack)."""
    with runtime.db.transaction() as session:
        return session.scalar(
            select(Person.language).where(Person.team_id == team_id, Person.slack_user_id == user_id)
        )


def choose_language(
    runtime: Runtime, client: WebClient, team_id: str, user_id: str, choice: str | None
) -> str:
    """Store the person's choice (a language we have, or None to follow Slack again); the language
    they now read."""
    with runtime.db.transaction() as session:
        person = find_person(session, team_id, user_id) or ensure_person(
            runtime, session, client, team_id, user_id
        )
        person.language = supported(choice)
        session.flush()
        return language_of(session, team_id, user_id)


def group(
    *,
    members: Sequence[str],
    languages: Mapping[str, str],
    build: Callable[[], Message],
    kind: Kind,
    subject: Any,
    key: str,
    due_at: datetime,
    now: datetime,
    channel_id: str | None = None,
) -> list[Outgoing]:
    """The outbox rows of a group message ``build`` writes, each member finding their own language
    (``languages``: each member's, as ``languages_of`` or a planner's own read gives them; see
    ``bot.messages.readers`` for what a mixed group gets). The first row has ``key``."""
    messages = in_languages([languages.get(m, DEFAULT_LANGUAGE) for m in members], build)
    return [
        outbox.group(
            members=members,
            kind=kind,
            subject=subject,
            key=part_key(key, n),
            message=message,
            due_at=due_at,
            now=now,
            channel_id=channel_id,
        )
        for n, message in enumerate(messages)
    ]


def part_key(key: str, n: int) -> str:
    """The dedupe key of the `n`-th message (from 0) of a group message sent as several."""
    return key if n == 0 else f"{key}#{n + 1}"


def send_group(
    session: Session,
    *,
    members: Sequence[str],
    build: Callable[[], Message],
    kind: Kind,
    subject: Any,
    key: str,
    due_at: datetime,
    now: datetime,
    channel_id: str | None = None,
) -> bool:
    """outbox.send_group with ``build`` instead of a message, each member reading their own language:
    True when the (first) row was added."""
    rows = group(
        members=members,
        languages=languages_of(session, subject.team_id, members),
        build=build,
        kind=kind,
        subject=subject,
        key=key,
        due_at=due_at,
        now=now,
        channel_id=channel_id,
    )
    added = [outbox.enqueue(session, row) for row in rows]
    return added[0]
