"""The workspace's list of mentoring topics, as stored: what people can ask for help with and offer help on.

Each workspace starts with the default topics and a program admin edits the list (``/mentor admin
topics``). How topics are spelled, compared and checked is ``bot.rules.topics``.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.rules.topics import DEFAULT_TOPICS, check_topics, in_order, normalise_tag
from bot.runtime import Runtime
from storage.models import Topic


def workspace_topics(session: Session, team_id: str) -> list[str]:
    """The workspace's topics in alphabetical order; the defaults are stored on first use."""
    names = list(session.scalars(select(Topic.name).where(Topic.team_id == team_id)))
    if names:
        return in_order(names)
    try:
        with session.begin_nested():
            session.add_all(Topic(team_id=team_id, name=name) for name in DEFAULT_TOPICS)
    except IntegrityError:
        # Another request seeded them at the same moment; theirs are the same defaults.
        return in_order(session.scalars(select(Topic.name).where(Topic.team_id == team_id)))
    return in_order(DEFAULT_TOPICS)


def set_topics(session: Session, team_id: str, names: Iterable[str]) -> list[str]:
    """Replace the workspace's topics with `names`; returns the problems (nothing is saved if any)."""
    kept, errors = check_topics(names)
    if errors:
        return errors
    wanted = {normalise_tag(name): name for name in kept}
    # Prefer keeping the row already spelled as wanted, so a rename never collides with a leftover.
    rows = sorted(
        session.scalars(select(Topic).where(Topic.team_id == team_id)),
        key=lambda t: t.name != wanted.get(normalise_tag(t.name)),
    )
    kept_rows: dict[str, Topic] = {}
    for topic in rows:
        key = normalise_tag(topic.name)
        if key in wanted and key not in kept_rows:
            kept_rows[key] = topic
        else:
            session.delete(topic)
    session.flush()  # deletes first: the (team_id, name) unique key must be free before renames
    for key, topic in kept_rows.items():
        topic.name = wanted[key]  # possibly a new spelling of the same topic
    session.add_all(Topic(team_id=team_id, name=name) for key, name in wanted.items() if key not in kept_rows)
    return []


def topics_of(runtime: Runtime, team_id: str) -> list[str]:
    """workspace_topics, in its own transaction (for the admin's topics form)."""
    with runtime.db.transaction() as session:
        return workspace_topics(session, team_id)


def replace_topics(runtime: Runtime, team_id: str, names: Iterable[str]) -> list[str]:
    """set_topics, in its own transaction: the problems, if any (then nothing was saved)."""
    with runtime.db.transaction() as session:
        return set_topics(session, team_id, names)
