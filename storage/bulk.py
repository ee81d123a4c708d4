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

from sqlalchemy import JSON, Table, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from storage.base import JSONText

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
    """Insert plain tuples (values in `columns` order) without a statement object or a parameter dict per
    row: SQLite gets one executemany (its driver loops in C), PostgreSQL one ``INSERT ... SELECT FROM
    unnest(arrays)`` per chunk (a short statement whose parameters are one array per column, or one value
    for a column every row of the chunk shares).

    A JSON (or ``JSONText``) column takes its value as JSON text, written as it is; every other value is
    converted by its column's type once per distinct value (a planner's thousands of rows share a few due
    times); columns left out get their scalar defaults. With `skip_taken` (a unique column), rows whose value is taken
    are skipped. Returns how many rows were added.
    """
    if not rows:
        return 0
    session.flush()
    connection = session.connection()
    plan = _tuple_insert(model.__table__, tuple(columns), skip_taken, (), connection.dialect)
    if plan.by_arrays:
        added = 0
        for start in range(0, len(rows), ARRAY_CHUNK):
            result = connection.exec_driver_sql(*plan.arrays(rows[start : start + ARRAY_CHUNK]))
            added += result.rowcount
        return added
    return int(connection.exec_driver_sql(plan.sql, plan.parameters(rows)).rowcount)  # type: ignore[arg-type]


def insert_tuples_returning(
    session: Session, model: Any, columns: Sequence[str], rows: Sequence[Sequence[Any]], *returned: str
) -> list[tuple[Any, ...]]:
    """``insert_tuples`` for rows that are all new; (id, *returned) of each, in no particular order."""
    if not rows:
        return []
    session.flush()
    connection = session.connection()
    table = model.__table__
    plan = _tuple_insert(table, tuple(columns), None, tuple(returned), connection.dialect)
    if plan.by_arrays:
        found: list[tuple[Any, ...]] = []
        for start in range(0, len(rows), ARRAY_CHUNK):
            chunk = rows[start : start + ARRAY_CHUNK]
            found.extend(tuple(r) for r in connection.exec_driver_sql(*plan.arrays(chunk)).all())
        return found
    connection.exec_driver_sql(plan.sql, plan.parameters(rows))  # type: ignore[arg-type]
    # SQLite gives a new row the rowid after the highest there is, and this transaction holds the write
    # lock from its first insert on: the highest len(rows) ids are the rows just written.
    newest = select(table.c.id, *(table.c[name] for name in returned)).order_by(table.c.id.desc())
    return [tuple(r) for r in connection.execute(newest.limit(len(rows)))]


def one_of(column: Any, name: str, dialect: str) -> Any:
    """`column` is in the list bound as `name`: one array parameter on PostgreSQL (``= ANY``: the same
    short SQL whatever the list's length), an expanding IN elsewhere. For statements built once."""
    if dialect == "postgresql":
        return column == func.any(bindparam(name, type_=postgresql.ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


ARRAY_CHUNK = 20000  # rows per PostgreSQL unnest insert


@dataclass(frozen=True)
class _TupleInsert:
    sql: str  # SQLite's statement; PostgreSQL's is made per chunk by ``arrays``
    converters: tuple[tuple[int, Callable[[Any], Any]], ...]  # (position in a row, its column's conversion)
    defaults: tuple[Any, ...]  # the left-out columns' values, after the row's own
    order: Callable[[Sequence[Any]], tuple[Any, ...]] | None  # the statement's order, when it differs
    by_arrays: bool  # PostgreSQL: one array per column
    columns: tuple[tuple[str, str], ...] = ()  # PostgreSQL: (quoted name, SQL type) of every column written
    tail: str = ""  # PostgreSQL: ON CONFLICT and RETURNING

    def parameters(self, rows: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
        converters, defaults, order = self.converters, self.defaults, self.order
        memos: list[dict[Any, Any]] = [{} for _ in converters]
        out: list[Sequence[Any]] = []
        for row in rows:
            values = [*row, *defaults]
            for (i, convert), memo in zip(converters, memos, strict=True):
                values[i] = _memoised(convert, memo, values[i])
            out.append(order(values) if order else tuple(values))
        return out

    def arrays(self, rows: Sequence[Sequence[Any]]) -> tuple[str, tuple[Any, ...]]:
        """PostgreSQL's statement and parameters for these rows: one array per column whose values
        differ, one value for a column they all share (the left-out columns', a pass's team or time), so
        the driver encodes and the server unnests a few columns instead of every one."""
        given = [list(column) for column in zip(*rows, strict=True)]
        shared = [len(column) > 1 and column.count(column[0]) == len(column) for column in given]
        if all(shared):
            shared[0] = False  # unnest needs one array to give the rows
        values = [column[0] for column, same in zip(given, shared, strict=True) if same]
        arrays = [column for column, same in zip(given, shared, strict=True) if not same]
        sql = _array_insert(self.sql, self.columns, (*shared, *(True for _ in self.defaults)), self.tail)
        return sql, (*values, *self.defaults, *arrays)


@functools.cache
def _array_insert(
    table: str, columns: tuple[tuple[str, str], ...], shared: tuple[bool, ...], tail: str
) -> str:
    # %b: psycopg sends values and arrays in binary, so no element (a JSON text) is quoted and escaped
    picked = ", ".join(
        f"%b::{kind}" if same else f"given.{name}" for (name, kind), same in zip(columns, shared, strict=True)
    )
    unnested = [(name, kind) for (name, kind), same in zip(columns, shared, strict=True) if not same]
    arrays = ", ".join(f"%b::{kind}[]" for _, kind in unnested)
    names = ", ".join(name for name, _ in unnested)
    every = ", ".join(name for name, _ in columns)
    return f"INSERT INTO {table} ({every}) SELECT {picked} FROM unnest({arrays}) AS given({names}){tail}"


@functools.cache
def _tuple_insert(
    table: Table,
    columns: tuple[str, ...],
    skip_taken: str | None,
    returned: tuple[str, ...],
    dialect: Dialect,
) -> _TupleInsert:
    """The driver's SQL for a positional insert of `columns`, and what its values need on the way."""
    left_out = [c.name for c in table.columns if c.name not in columns and c.default is not None]
    defaults = []
    for name in left_out:
        default = table.c[name].default
        if not default.is_scalar:
            raise ValueError(f"{table.name}.{name} has no scalar default: give it a value")
        defaults.append(default.arg)
    given = [*columns, *left_out]
    if dialect.name == "postgresql":
        quote = dialect.identifier_preparer.quote
        tail = f" ON CONFLICT ({quote(skip_taken)}) DO NOTHING" if skip_taken else ""
        if returned:
            tail += f" RETURNING {', '.join(quote(name) for name in ('id', *returned))}"
        columns = tuple((quote(name), table.c[name].type.compile(dialect)) for name in given)
        return _TupleInsert(quote(table.name), (), tuple(defaults), None, True, columns, tail)
    statement: Any = sqlite.insert(table)
    if skip_taken:
        statement = statement.on_conflict_do_nothing(index_elements=[skip_taken])
    compiled = statement.compile(dialect=dialect, column_keys=given, for_executemany=True)
    wanted = list(compiled.positiontup or [])
    if sorted(wanted) != sorted(given):
        raise ValueError(f"{table.name}: the statement binds {wanted}, not {given}")
    order = None if wanted == given else operator.itemgetter(*(given.index(name) for name in wanted))
    converters = []
    for i, name in enumerate(given):
        kind = table.c[name].type
        as_given = isinstance(kind, JSON | JSONText)
        convert = None if as_given else kind.dialect_impl(dialect).bind_processor(dialect)
        if convert is not None:
            converters.append((i, convert))
    return _TupleInsert(str(compiled), tuple(converters), tuple(defaults), order, by_arrays=False)


def update_by_id(session: Session, model: Any, changes: Sequence[Mapping[str, Any]]) -> int:
    """Give each row (by ``id``) its own new values; every mapping names the same columns.

    PostgreSQL gets one ``UPDATE ... FROM unnest(arrays)`` per chunk (a short statement, parsed once);
    SQLite one executemany of plain tuples, which its driver runs in C. Returns how many rows were changed.
    """
    if not changes:
        return 0
    session.flush()
    table = model.__table__
    names = tuple(name for name in changes[0] if name != "id")
    connection = session.connection()
    sql, convert, by_arrays = _tuple_update(table, names, connection.dialect)
    if by_arrays:
        for start in range(0, len(changes), ARRAY_CHUNK):
            chunk = changes[start : start + ARRAY_CHUNK]
            connection.exec_driver_sql(sql, tuple([row[name] for row in chunk] for name in ("id", *names)))
    else:
        memos: list[dict[Any, Any]] = [{} for _ in convert]
        rows = []
        for row in changes:
            values = []
            for name, processor, memo in zip((*names, "id"), convert, memos, strict=True):
                values.append(row[name] if processor is None else _memoised(processor, memo, row[name]))
            rows.append(tuple(values))
        connection.exec_driver_sql(sql, rows)
    expire_loaded(session, model, (row["id"] for row in changes), names)
    return len(changes)


def _memoised(convert: Callable[[Any], Any], memo: dict[Any, Any], value: Any) -> Any:
    try:
        return memo[value]
    except KeyError:
        memo[value] = found = convert(value)
        return found
    except TypeError:  # unhashable (a dict for a JSON column)
        return convert(value)


@functools.cache
def _tuple_update(
    table: Table, names: tuple[str, ...], dialect: Dialect
) -> tuple[str, list[Callable[[Any], Any] | None], bool]:
    """The driver's SQL giving rows (by id) their own values of `names`; for SQLite, each value's
    conversion (in the order ``*names, id``); whether it takes one array per column (PostgreSQL)."""
    quote = dialect.identifier_preparer.quote
    target = quote(table.name)
    if dialect.name == "postgresql":
        arrays = ", ".join(f"%b::{table.c[name].type.compile(dialect)}[]" for name in ("id", *names))
        given = ", ".join(quote(name) for name in ("id", *names))
        sets = ", ".join(f"{quote(name)} = given.{quote(name)}" for name in names)
        sql = (
            f"UPDATE {target} SET {sets} FROM unnest({arrays}) AS given({given}) WHERE {target}.id = given.id"
        )
        return sql, [], True
    sets = ", ".join(f"{quote(name)} = ?" for name in names)
    convert = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in (*names, "id")]
    return f"UPDATE {target} SET {sets} WHERE id = ?", convert, False


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
