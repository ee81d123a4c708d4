"""Who people are: the people table kept in step with Slack, and the reporting lines between them.

Slack is the source of truth for names, time zones and whether an account is active; the org chart
(manager, team, title, level) comes from an admin (bot.people.org_chart, bot.people.org_import). Rows are refreshed lazily by
``ensure_person``, in bulk by ``sync_workspace``, and live from ``user_change`` events.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web import SlackResponse
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.messages.text import mentioned_user
from bot.people.tombstones import recognise_returning
from bot.runtime import PersonHook, Runtime
from storage.models import Person

log = logging.getLogger(__name__)

SLACKBOT_USER_ID = "USLACKBOT"
USERS_LIST_PAGE_SIZE = 200
# Longest Retry-After we sit out during a bulk call before giving up; Slack's usual answer is a few seconds.
MAX_RATE_LIMIT_WAIT_SECONDS = 60
RATE_LIMIT_RETRIES = 5
_IN_CHUNK = 1000  # ids per IN (...) list, well under every backend's parameter limit


class UnknownSlackUser(LookupError):
    """Slack has no such user (or would not say), and there is no earlier copy to fall back on."""

    def __init__(self, user_id: str, error: str) -> None:
        super().__init__(f"Slack could not find user {user_id} ({error})")
        self.user_id = user_id
        self.error = error


@dataclass(frozen=True)
class SyncReport:
    seen: int
    added: int
    updated: int
    deactivated: int


@dataclass(frozen=True)
class PersonChange:
    person_id: int
    created: bool
    tz_changed: bool
    deactivated: bool
    reactivated: bool


def display_name(person: Person | None) -> str:
    if person is None:
        return "nobody"
    return person.real_name or person.name or person.slack_user_id


def slack_fields(user: Mapping[str, Any]) -> dict[str, Any]:
    """The people columns a Slack user object fills in."""
    profile = user.get("profile") or {}
    fields: dict[str, Any] = {
        "name": (profile.get("display_name") or user.get("name") or "")[:200],
        "real_name": (user.get("real_name") or profile.get("real_name") or "")[:200],
        "email": (profile.get("email") or None),
        "is_deleted": bool(user.get("deleted")),
        "is_bot": bool(user.get("is_bot")) or user.get("id") == SLACKBOT_USER_ID,
        "is_guest": bool(user.get("is_restricted") or user.get("is_ultra_restricted")),
        "is_workspace_admin": bool(user.get("is_admin") or user.get("is_owner")),
    }
    # Slack leaves tz out for some bots and deleted accounts: keep what we had rather than reset it.
    if user.get("tz"):
        fields["tz"] = str(user["tz"])[:64]
        fields["tz_offset"] = int(user.get("tz_offset") or 0)
    # Slack sends the locale only to calls that ask for it (include_locale): absent is not a change.
    if user.get("locale"):
        fields["slack_locale"] = str(user["locale"])[:16]
    return fields


def belongs_to(user: Mapping[str, Any], team_id: str) -> bool:
    """Is this Slack user a member of the workspace, rather than someone from another organisation who
    shares a channel with it (Slack Connect)? A user object names its home workspace (team_id, and in an
    Enterprise Grid org enterprise_user.teams); one that names none is taken to be the payload's own."""
    if user.get("is_stranger"):
        return False
    home = user.get("team_id") or (user.get("profile") or {}).get("team")
    if not home or home == team_id:
        return True
    return team_id in ((user.get("enterprise_user") or {}).get("teams") or [])


class OutsideUser(UnknownSlackUser):
    """Slack describes the user, but as a member of another workspace: they never become a person here."""


def upsert_person(
    session: Session, team_id: str, user: Mapping[str, Any], now: datetime
) -> tuple[Person, bool, set[str]]:
    """Create or update the row for a Slack user object; returns (person, created, changed column names)."""
    return _upsert(session, team_id, user, now, find_person(session, team_id, user["id"]))


def _upsert(
    session: Session, team_id: str, user: Mapping[str, Any], now: datetime, person: Person | None
) -> tuple[Person, bool, set[str]]:
    fields = slack_fields(user)
    if person is None:
        person = _insert(session, team_id, user["id"], fields, now)
        if person is not None:
            return person, True, set(fields)
        # Someone else inserted the same person a moment ago: update theirs instead.
        person = find_person(session, team_id, user["id"])
        assert person is not None
    changed = {key for key, value in fields.items() if getattr(person, key) != value}
    for key in changed:
        setattr(person, key, fields[key])
    person.synced_at = now
    return person, False, changed


def _insert(
    session: Session, team_id: str, user_id: str, fields: dict[str, Any], now: datetime
) -> Person | None:
    person = Person(team_id=team_id, slack_user_id=user_id, created_at=now, synced_at=now, **fields)
    try:
        with session.begin_nested():
            session.add(person)
    except IntegrityError:
        return None
    return person


# Built once: nearly every request looks someone up, and building the statement cost more than running it.
_PERSON = select(Person).where(
    Person.team_id == bindparam("team_id"), Person.slack_user_id == bindparam("user_id")
)


def find_person(session: Session, team_id: str, user_id: str) -> Person | None:
    return session.scalar(_PERSON, {"team_id": team_id, "user_id": user_id})


def find_by_handle(session: Session, team_id: str, handle: str) -> Person | None:
    """The one active person whose display name is `handle` (no '@'), or None if nobody or several are."""
    handle = handle.strip().lstrip("@")
    if not handle:
        return None
    matches = list(
        session.scalars(
            select(Person)
            .where(Person.team_id == team_id, Person.name == handle, Person.is_deleted.is_(False))
            .limit(2)
        )
    )
    return matches[0] if len(matches) == 1 else None


def user_named(session: Session, team_id: str, text: str) -> str | None:
    """The Slack user that command text names: `<@U1>`, `<@U1|ana>`, a bare `U1`/`W1`, or the `@handle` of
    the one active person we know by it. A bare word is not a handle: in `/mentor promise ana ...` it is
    the start of the sentence, and Slack writes a typed mention as `@ana` when it does not escape it."""
    text = text.strip()
    found = mentioned_user(text)
    if found is None and text.startswith("@"):
        person = find_by_handle(session, team_id, text)
        found = person.slack_user_id if person else None
    return found


def resolve_user(runtime: Runtime, team_id: str, text: str) -> str | None:
    """user_named, in its own (read-only) transaction."""
    with runtime.db.transaction() as session:
        return user_named(session, team_id, text)


def record_newcomer(runtime: Runtime, client: WebClient, team_id: str, user_id: str) -> bool:
    """Store someone who just joined the workspace; False if Slack can't describe them."""
    try:
        with runtime.db.transaction() as session:
            person = ensure_person(runtime, session, client, team_id, user_id)
            session.flush()
            run_hooks(runtime.hooks.person_joined, runtime, session, person)
    except UnknownSlackUser as exc:
        log.warning("team_join for a user Slack can't describe (%s)", exc.error)
        return False
    return True


def ensure_person(
    runtime: Runtime,
    session: Session,
    client: WebClient,
    team_id: str,
    user_id: str,
    *,
    max_age: timedelta = timedelta(hours=24),
) -> Person:
    """The people row for a Slack user, fetched from users.info when missing or older than max_age."""
    person = find_person(session, team_id, user_id)
    now = runtime.clock.now()
    if person is not None and person.synced_at is not None and now - person.synced_at < max_age:
        return person
    try:
        user = client.users_info(user=user_id, include_locale=True)["user"]
    except SlackApiError as exc:
        error = str(exc.response.get("error", "unknown_error"))
        if person is None:
            raise UnknownSlackUser(user_id, error) from None
        log.warning("users.info failed (%s); keeping the stored copy of %s", error, user_id)
        return person
    except SlackClientError as exc:
        if person is None:
            raise UnknownSlackUser(user_id, type(exc).__name__) from None
        log.warning("users.info unreachable (%s); keeping the stored copy of %s", type(exc).__name__, user_id)
        return person
    if not belongs_to(user, team_id):
        raise OutsideUser(user_id, "user_of_another_workspace")
    person, created, changed = upsert_person(session, team_id, user, now)
    _after_upsert(runtime, session, person, created, changed)
    return person


# A change to these columns can make a pairing one the rules no longer allow (bot.copilots.standing).
_RULE_COLUMNS = frozenset({"is_guest", "is_bot"})


def _after_upsert(
    runtime: Runtime, session: Session, person: Person, created: bool, changed: set[str]
) -> bool:
    """A returning Slack id gets its reports back (bot.people.tombstones); True when the org chart or a
    rule-relevant column changed, so the org_changed hooks should run."""
    if created:
        return recognise_returning(runtime.settings, session, person) > 0
    return bool(changed & _RULE_COLUMNS)


def call_patiently(method: Callable[..., SlackResponse], **kwargs: Any) -> SlackResponse:
    """Call a Slack method, sitting out rate limits (HTTP 429 + Retry-After) a few times."""
    for attempt in range(RATE_LIMIT_RETRIES + 1):
        try:
            return method(**kwargs)
        except SlackApiError as exc:
            if exc.response.status_code != 429 or attempt == RATE_LIMIT_RETRIES:
                raise
            wait = int(exc.response.headers.get("Retry-After", exc.response.headers.get("retry-after", 1)))
            if wait > MAX_RATE_LIMIT_WAIT_SECONDS:
                raise
            log.info("Slack rate limit: waiting %ss before retrying", wait)
            time.sleep(wait)
    raise AssertionError("unreachable")


def _all_members(client: WebClient) -> Iterator[dict[str, Any]]:
    cursor = ""
    while True:
        page = call_patiently(
            client.users_list, limit=USERS_LIST_PAGE_SIZE, cursor=cursor or None, include_locale=True
        )
        yield from page.get("members", [])
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or ""
        if not cursor:
            return


def sync_workspace(runtime: Runtime, team_id: str, client: WebClient) -> SyncReport:
    """Upsert everyone users.list returns (bots included, flagged is_bot so they are never matched)."""
    # Read every page before writing, so the write transaction is not held open across HTTP calls.
    members = list(_all_members(client))
    added = updated = deactivated = 0
    rules_changed = False
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        existing = {
            p.slack_user_id: p for p in session.scalars(select(Person).where(Person.team_id == team_id))
        }
        for user in members:
            if not belongs_to(user, team_id):
                continue
            person = existing.get(user["id"])
            was_deleted = person.is_deleted if person is not None else False
            old_tz = person.tz if person is not None else None
            person, created, changed = _upsert(session, team_id, user, now, person)
            existing[user["id"]] = person
            rules_changed |= _after_upsert(runtime, session, person, created, changed)
            if created:
                added += 1
                continue
            if changed:
                updated += 1
            if person.is_deleted and not was_deleted:
                deactivated += 1
                run_hooks(runtime.hooks.person_left, runtime, session, person)
            elif "tz" in changed and old_tz is not None:
                run_hooks(runtime.hooks.tz_changed, runtime, session, person)
        if rules_changed:
            run_org_hooks(runtime, session, team_id)
    return SyncReport(seen=len(members), added=added, updated=updated, deactivated=deactivated)


def apply_user_change(runtime: Runtime, team_id: str, user: dict[str, Any]) -> PersonChange | None:
    """Store a user_change event's user object; run the left / time-zone hooks when those changed.
    None, and nothing stored, when the user belongs to another workspace (Slack Connect)."""
    if not belongs_to(user, team_id):
        return None
    with runtime.db.transaction() as session:
        before = find_person(session, team_id, user["id"])
        was_deleted = before.is_deleted if before is not None else False
        old_tz = before.tz if before is not None else None
        person, created, changed = upsert_person(session, team_id, user, runtime.clock.now())
        session.flush()
        if _after_upsert(runtime, session, person, created, changed):
            run_org_hooks(runtime, session, team_id)
        deactivated = person.is_deleted and not was_deleted
        reactivated = was_deleted and not person.is_deleted
        tz_changed = not created and "tz" in changed and old_tz is not None
        if deactivated:
            run_hooks(runtime.hooks.person_left, runtime, session, person)
        if tz_changed and not person.is_deleted:
            run_hooks(runtime.hooks.tz_changed, runtime, session, person)
        return PersonChange(
            person_id=person.id,
            created=created,
            tz_changed=tz_changed,
            deactivated=deactivated,
            reactivated=reactivated,
        )


def run_hooks(hooks: Sequence[PersonHook], runtime: Runtime, session: Session, person: Person) -> None:
    # A failing hook fails the whole transaction: better to retry the event than half-handle a leaver.
    for hook in list(hooks):
        hook(runtime, session, person)


def run_org_hooks(runtime: Runtime, session: Session, team_id: str) -> list[str]:
    """The org chart of a workspace changed: run the org_changed hooks; what they did, in words."""
    session.flush()
    done: list[str] = []
    for hook in list(runtime.hooks.org_changed):
        done.extend(hook(runtime, session, team_id))
    return done


def reporting_chain(session: Session, person_id: int, depth: int | None = None) -> list[int]:
    """The person's managers, nearest first, up to ``depth`` levels (None: to the top). Cycle-safe."""
    person = session.get(Person, person_id)
    if person is None:
        return []
    chain: list[int] = []
    seen = {person_id}
    current = person.manager_id
    while current is not None and current not in seen and (depth is None or len(chain) < depth):
        row = session.execute(
            select(Person.id, Person.manager_id).where(Person.team_id == person.team_id, Person.id == current)
        ).first()
        if row is None:
            break
        chain.append(row.id)
        seen.add(row.id)
        current = row.manager_id
    return chain


def reports_of(session: Session, person_id: int, depth: int | None = None) -> list[int]:
    """Everyone under the person, level by level, down to ``depth`` levels (None: all). Cycle-safe."""
    team_id = session.scalar(select(Person.team_id).where(Person.id == person_id))
    if team_id is None:
        return []
    found: list[int] = []
    seen = {person_id}
    frontier = [person_id]
    level = 0
    while frontier and (depth is None or level < depth):
        next_level: list[int] = []
        for start in range(0, len(frontier), _IN_CHUNK):
            chunk = frontier[start : start + _IN_CHUNK]
            rows = session.scalars(
                select(Person.id)
                .where(Person.team_id == team_id, Person.manager_id.in_(chunk))
                .order_by(Person.id)
            )
            for report_id in rows:
                if report_id not in seen:
                    seen.add(report_id)
                    next_level.append(report_id)
        found.extend(next_level)
        frontier = next_level
        level += 1
    return found


def sync_known_workspaces(runtime: Runtime) -> dict[str, SyncReport]:
    """Daily: refresh everyone in every workspace the bot has met, so leavers' pairings end and tz changes land."""
    with runtime.db.transaction() as session:
        team_ids = list(session.scalars(select(Person.team_id).distinct()))
    reports: dict[str, SyncReport] = {}
    for team_id in team_ids:
        try:
            reports[team_id] = sync_workspace(runtime, team_id, runtime.slack.for_team(team_id))
        except Exception as exc:  # one workspace's outage must not stop the others
            log.warning("people sync for %s failed: %s", team_id, type(exc).__name__)
    return reports
