"""Whose row is this: contacts and promises are private to their owner, and every lookup says so."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Contact, Person, Promise

Owned = TypeVar("Owned", Contact, Promise)


class NotYours(PermissionError):
    """The row exists for someone else, or not at all: either way this person may not touch it."""


def owned_row(
    session: Session, model: type[Owned], team_id: str, row_id: int, user_id: str
) -> tuple[Owned, Person]:
    """The contact or promise `row_id` with its owner, if the owner is `user_id`; NotYours otherwise."""
    row = session.execute(
        select(model, Person)
        .join(Person, Person.id == model.owner_id)
        .where(model.team_id == team_id, model.id == row_id, Person.slack_user_id == user_id)
    ).first()
    if row is None:
        raise NotYours(f"this {model.__name__.lower()} belongs to someone else")
    return row[0], row[1]
