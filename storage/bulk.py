"""Set-based writes for planners: many rows in a few statements, with the session kept truthful.

A planner that plans 100,000 rows cannot afford an ORM object (or a statement) per row. These helpers
write with SQLAlchemy Core and then expire what the session already holds of the rows they changed, so an
object loaded earlier in the same transaction reads the new values instead of stale ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, column, insert, update, values
from sqlalchemy.orm import Session

CHUNK = 5000  # rows per statement: under every backend's parameter limit for a few columns


def insert_returning(
    session: Session, model: Any, rows: Sequence[Mapping[str, Any]], *columns: str
) -> list[tuple[Any, ...]]:
    """Insert the rows (multi-row statements, a chunk at a time); (id, *columns) of each new row.

    The rows come back in no particular order (asking for the insertion order would make SQLite insert
    one row per statement): name the columns that tell them apart, e.g. a unique key.
    """
    if not rows:
        return []
    session.flush()  # pending ORM changes go first, as an ORM flush would order them
    table = model.__table__
    statement = insert(table).returning(table.c.id, *(table.c[name] for name in columns))
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(rows), CHUNK):
        found.extend(tuple(row) for row in session.execute(statement, list(rows[start : start + CHUNK])))
    return found


def update_by_id(session: Session, model: Any, changes: Sequence[Mapping[str, Any]]) -> int:
    """Give each row (by ``id``) its own new values; every mapping names the same columns.

    PostgreSQL gets one ``UPDATE ... FROM (VALUES ...)`` per chunk; SQLite one executemany, which its
    driver runs in C. Returns how many rows were changed.
    """
    if not changes:
        return 0
    session.flush()
    table = model.__table__
    names = [name for name in changes[0] if name != "id"]
    if session.get_bind().dialect.name == "postgresql":
        for start in range(0, len(changes), CHUNK):
            chunk = changes[start : start + CHUNK]
            given = values(
                column("id", table.c.id.type),
                *(column(name, table.c[name].type) for name in names),
                name="given",
            ).data([tuple(row[name] for name in ["id", *names]) for row in chunk])
            session.execute(
                update(table).where(table.c.id == given.c.id).values({name: given.c[name] for name in names})
            )
    else:
        statement = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({name: bindparam(f"_{name}") for name in names})
        )
        session.execute(
            statement, [{"_id": row["id"], **{f"_{name}": row[name] for name in names}} for row in changes]
        )
    expire_loaded(session, model, (row["id"] for row in changes), names)
    return len(changes)


def update_where_ids(session: Session, model: Any, ids: Sequence[int], **new_values: Any) -> int:
    """The same change (values or SQL expressions such as ``column + 1``) for every row in `ids`."""
    if not ids:
        return 0
    session.flush()
    table = model.__table__
    for start in range(0, len(ids), CHUNK):
        session.execute(update(table).where(table.c.id.in_(ids[start : start + CHUNK])).values(**new_values))
    expire_loaded(session, model, ids, list(new_values))
    return len(ids)


def expire_loaded(session: Session, model: Any, ids: Iterable[int], attributes: list[str]) -> None:
    """Expire these attributes on the objects of `model` the session holds among `ids`."""
    loaded = {obj.id: obj for obj in list(session.identity_map.values()) if isinstance(obj, model)}
    if not loaded:
        return
    for row_id in ids:
        obj = loaded.get(row_id)
        if obj is not None:
            session.expire(obj, attributes)
