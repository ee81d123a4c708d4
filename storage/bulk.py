"""Set-based writes for planners: many rows in a few statements, with the session kept truthful.

A planner that plans 100,000 rows cannot afford an ORM object (or a statement) per row. These helpers
write with SQLAlchemy Core and then expire what the session already holds of the rows they changed, so an
object loaded earlier in the same transaction reads the new values instead of stale ones.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Table, bindparam, column, insert, update, values
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
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


def insert_tuples(
    session: Session,
    model: Any,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    skip_taken: str | None = None,
) -> int:
    """Insert plain tuples (values in `columns` order) with one executemany: no per-row statement objects
    or parameter dicts. A JSON column takes its value as JSON text, written as it is; every other value is
    converted by its column's type once per distinct value (a planner's thousands of rows share a few
    due times); columns left out get their scalar defaults. With `skip_taken` (a unique column), rows
    whose value is taken are skipped. Returns how many rows were added.
    """
    if not rows:
        return 0
    session.flush()
    connection = session.connection()
    plan = _tuple_insert(model.__table__, tuple(columns), skip_taken, connection.dialect)
    return int(connection.exec_driver_sql(plan.sql, plan.parameters(rows)).rowcount)  # type: ignore[arg-type]


@dataclass(frozen=True)
class _TupleInsert:
    sql: str
    converters: tuple[tuple[int, Callable[[Any], Any]], ...]  # (position in a row, its column's conversion)
    defaults: tuple[Any, ...]  # the left-out columns' values, after the row's own
    order: Callable[[Sequence[Any]], tuple[Any, ...]] | None  # the statement's order, when it differs

    def parameters(self, rows: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
        converters, defaults, order = self.converters, self.defaults, self.order
        memos: list[dict[Any, Any]] = [{} for _ in converters]
        out: list[Sequence[Any]] = []
        for row in rows:
            values = [*row, *defaults]
            for (i, convert), memo in zip(converters, memos, strict=True):
                value = values[i]
                try:
                    values[i] = memo[value]
                except KeyError:
                    values[i] = memo[value] = convert(value)
            out.append(order(values) if order else values)
        return out


@functools.cache
def _tuple_insert(
    table: Table, columns: tuple[str, ...], skip_taken: str | None, dialect: Dialect
) -> _TupleInsert:
    """The driver's SQL for a positional insert of `columns`, and what its values need on the way."""
    if dialect.name == "postgresql":
        statement: Any = postgresql.insert(table)
        positional: Dialect = type(dialect)(paramstyle="format")  # %s placeholders, for tuples
    else:
        statement = sqlite.insert(table)
        positional = dialect
    if skip_taken:
        statement = statement.on_conflict_do_nothing(index_elements=[skip_taken])
    compiled = statement.compile(dialect=positional, column_keys=list(columns), for_executemany=True)
    wanted = list(compiled.positiontup or [])
    left_out = [name for name in wanted if name not in columns]
    defaults = []
    for name in left_out:
        default = table.c[name].default
        if default is None or not default.is_scalar:
            raise ValueError(f"{table.name}.{name} has no scalar default: give it a value")
        defaults.append(default.arg)
    given = [*columns, *left_out]
    order = None if wanted == given else operator.itemgetter(*(given.index(name) for name in wanted))
    converters = []
    for i, name in enumerate(given):
        kind = table.c[name].type
        convert = None if isinstance(kind, JSON) else kind.dialect_impl(dialect).bind_processor(dialect)
        if convert is not None:
            converters.append((i, convert))
    return _TupleInsert(str(compiled), tuple(converters), tuple(defaults), order)


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
