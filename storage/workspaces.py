"""Which workspaces mentor-bot knows: someone from it was seen, an admin set its program, or it installed."""

from __future__ import annotations

from sqlalchemy import column, select, table, union
from sqlalchemy.orm import Session

from storage.models import Person, WorkspaceSettings

# slack-sdk's installation store owns this table (created by migration 0001); only its team_id is read.
_installations = table("slack_installations", column("team_id"))


def known_workspaces(session: Session) -> list[str]:
    """Every workspace id with people, program settings or an installation, sorted."""
    ids = union(
        select(Person.team_id),
        select(WorkspaceSettings.team_id),
        select(_installations.c.team_id).where(_installations.c.team_id.is_not(None)),
    )
    return sorted(session.scalars(select(ids.subquery().c[0])))
