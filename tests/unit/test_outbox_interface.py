"""The outbox's interface for services: rows name their kind and subject; cancel and move by subject."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import outbox
from bot.clock import FixedClock
from bot.outbox import Kind, Message, keys
from storage.db import Database
from storage.models import CheckIn, LeadDigest, OutboxMessage, Pairing, Person
from tests.worlds import make

HELLO = Message("hello")


def _pair(session: Session, clock: FixedClock) -> Pairing:
    mentee = make.person(session, "U1", clock.now())
    copilot = make.person(session, "U2", clock.now())
    return make.pairing(session, mentee, copilot, clock.now())


def _checkin(session: Session, pairing: Pairing, cycle: int, clock: FixedClock) -> CheckIn:
    row = CheckIn(team_id=pairing.team_id, pairing_id=pairing.id, cycle=cycle, due_at=clock.now())
    session.add(row)
    session.flush()
    return row


def _nudge(session: Session, checkin: CheckIn, clock: FixedClock, **extra: object) -> bool:
    return outbox.send_dm(
        session,
        to="U1",
        kind=Kind.CHECKIN_NUDGE,
        subject=checkin,
        key=keys.checkin(checkin.pairing_id, checkin.cycle),
        message=HELLO,
        due_at=extra.pop("due_at", clock.now()),  # type: ignore[arg-type]
        now=clock.now(),
    )


def _rows(session: Session) -> dict[str, OutboxMessage]:
    return {row.dedupe_key: row for row in session.scalars(select(OutboxMessage))}


def test_a_dm_row_names_its_kind_subject_pairing_and_team(db: Database, clock: FixedClock):
    with db.transaction() as session:
        pairing = _pair(session, clock)
        checkin = _checkin(session, pairing, 3, clock)
        assert _nudge(session, checkin, clock) is True
        assert _nudge(session, checkin, clock) is False  # the same key: queued once
        (row,) = _rows(session).values()
        assert (row.dedupe_key, row.kind, row.subject_id) == (
            f"checkin:{pairing.id}:3",
            "nudge_checkin",
            checkin.id,
        )
        assert (row.pairing_id, row.team_id, row.channel) == (pairing.id, pairing.team_id, "U1")
        assert (row.status, row.attempts, row.due_at, row.created_at) == (
            "pending",
            0,
            clock.now(),
            clock.now(),
        )
        assert row.payload == {"text": "hello", "blocks": []}


def test_a_group_row_goes_to_the_known_channel_or_to_the_people(db: Database, clock: FixedClock):
    with db.transaction() as session:
        pairing = _pair(session, clock)
        common = {"kind": Kind.EXPECTATIONS_KICKOFF, "subject": pairing, "message": HELLO}
        common |= {"due_at": clock.now(), "now": clock.now()}
        outbox.send_group(session, members=["U2", "U1"], key="a", **common)
        outbox.send_group(session, members=["U2", "U1"], key="b", channel_id="G123", **common)
        rows = _rows(session)
        assert (rows["a"].channel, rows["b"].channel) == ("users:U1,U2", "G123")
        assert rows["a"].pairing_id == pairing.id == rows["a"].subject_id


def test_rows_about_records_outside_a_pairing_carry_no_pairing(db: Database, clock: FixedClock):
    with db.transaction() as session:
        pairing = _pair(session, clock)
        digest = LeadDigest(
            team_id=pairing.team_id, lead_person_id=pairing.mentee_id, week="2026-W10", created_at=clock.now()
        )
        session.add(digest)
        session.flush()
        outbox.send_file(
            session,
            to="U1",
            kind=Kind.DIGEST_CHART,
            subject=digest,
            key="chart",
            upload=outbox.FileUpload(b"\x89PNG", "c.png", "Chart"),
            due_at=clock.now(),
            now=clock.now(),
        )
        row = _rows(session)["chart"]
        assert (row.subject_id, row.pairing_id) == (digest.id, None)
        assert outbox.FileUpload.from_payload(row.payload) == outbox.FileUpload(b"\x89PNG", "c.png", "Chart")


def test_a_row_about_the_wrong_record_or_an_unsaved_one_is_refused(db: Database, clock: FixedClock):
    with db.transaction() as session:
        pairing = _pair(session, clock)
        with pytest.raises(TypeError, match="a nudge_checkin message is about a checkin, not Pairing"):
            outbox.dm(
                to="U1",
                kind=Kind.CHECKIN_NUDGE,
                subject=pairing,
                key="k",
                message=HELLO,
                due_at=clock.now(),
                now=clock.now(),
            )
        unsaved = CheckIn(team_id=pairing.team_id, pairing_id=pairing.id, cycle=1, due_at=clock.now())
        with pytest.raises(ValueError, match="flush the checkin"):
            outbox.dm(
                to="U1",
                kind=Kind.CHECKIN_NUDGE,
                subject=unsaved,
                key="k",
                message=HELLO,
                due_at=clock.now(),
                now=clock.now(),
            )


def test_enqueue_many_adds_only_the_new_keys(db: Database, clock: FixedClock):
    with db.transaction() as session:
        pairing = _pair(session, clock)
        checkins = [_checkin(session, pairing, cycle, clock) for cycle in (1, 2)]
        _nudge(session, checkins[0], clock)
        rows = [
            outbox.dm(
                to="U1",
                kind=Kind.CHECKIN_NUDGE,
                subject=c,
                key=keys.checkin(pairing.id, c.cycle),
                message=HELLO,
                due_at=clock.now(),
                now=clock.now(),
            )
            for c in checkins
        ]
        assert outbox.enqueue_many(session, rows) == 1
        assert outbox.enqueue_many(session, []) == 0
        assert len(_rows(session)) == 2


def test_cancel_withdraws_only_pending_rows_of_that_kind_and_subject(db: Database, clock: FixedClock):
    with db.transaction() as session:
        pairing = _pair(session, clock)
        one, two = (_checkin(session, pairing, cycle, clock) for cycle in (1, 2))
        _nudge(session, one, clock)
        _nudge(session, two, clock)
        outbox.send_dm(
            session,
            to="U1",
            kind=Kind.STALL_NUDGE,
            subject=pairing,
            key="stall",
            message=HELLO,
            due_at=clock.now(),
            now=clock.now(),
        )
        assert outbox.cancel(session, kind=Kind.CHECKIN_NUDGE, subject=one) == 1
        assert outbox.cancel(session, kind=Kind.CHECKIN_NUDGE, subject=one) == 0  # already withdrawn
        rows = _rows(session)
        statuses = {key: row.status for key, row in rows.items()}
        assert statuses == {
            f"checkin:{pairing.id}:1": "cancelled",
            f"checkin:{pairing.id}:2": "pending",
            "stall": "pending",
        }
        rows[f"checkin:{pairing.id}:2"].status = "sent"
        session.flush()
        assert outbox.cancel(session, kind=Kind.CHECKIN_NUDGE, subject=two) == 0  # sent rows stay sent
        # the stall nudge is about the pairing, whose id may equal a check-in's: kinds keep them apart
        assert outbox.cancel(session, kind=Kind.STALL_NUDGE, subject=pairing) == 1


def test_reschedule_moves_only_pending_rows_of_that_kind_and_subject(db: Database, clock: FixedClock):
    with db.transaction() as session:
        pairing = _pair(session, clock)
        one, two = (_checkin(session, pairing, cycle, clock) for cycle in (1, 2))
        _nudge(session, one, clock)
        _nudge(session, two, clock)
        later = clock.now() + timedelta(hours=5)
        assert outbox.reschedule(session, kind=Kind.CHECKIN_NUDGE, subject=one, due_at=later) == 1
        assert outbox.reschedule(session, kind=Kind.STALL_NUDGE, subject=one, due_at=later) == 0
        session.expire_all()
        rows = _rows(session)
        assert rows[f"checkin:{pairing.id}:1"].due_at == later
        assert rows[f"checkin:{pairing.id}:2"].due_at == clock.now()
        rows[f"checkin:{pairing.id}:1"].status = "sent"
        session.flush()
        assert outbox.reschedule(session, kind=Kind.CHECKIN_NUDGE, subject=one, due_at=clock.now()) == 0


def test_cancel_for_pairing_withdraws_its_pending_rows_or_only_the_given_kinds(
    db: Database, clock: FixedClock
):
    with db.transaction() as session:
        pairing = _pair(session, clock)
        third = make.person(session, "U3", clock.now())
        other = make.pairing(session, third, session.get(Person, pairing.copilot_id), clock.now())
        checkin = _checkin(session, pairing, 1, clock)
        _nudge(session, checkin, clock)
        common = {"to": "U1", "message": HELLO, "due_at": clock.now(), "now": clock.now()}
        outbox.send_dm(session, kind=Kind.PAIRING_PAUSED, subject=pairing, key="paused", **common)
        outbox.send_dm(session, kind=Kind.STALL_NUDGE, subject=other, key="other", **common)
        assert outbox.cancel_for_pairing(session, pairing.id, kinds=outbox.EXPIRING) == 1
        assert {k: r.status for k, r in _rows(session).items()} == {
            f"checkin:{pairing.id}:1": "cancelled",
            "paused": "pending",
            "other": "pending",
        }
        assert outbox.cancel_for_pairing(session, pairing.id) == 1
        assert _rows(session)["paused"].status == "cancelled"
        assert _rows(session)["other"].status == "pending"


def test_rows_about_a_kind_join_to_their_subjects(db: Database, clock: FixedClock):
    with db.transaction() as session:
        pairing = _pair(session, clock)
        one, two, three = (_checkin(session, pairing, cycle, clock) for cycle in (1, 2, 3))
        for checkin in (one, two, three):
            _nudge(session, checkin, clock, due_at=clock.now() + timedelta(minutes=checkin.cycle))
        rows = _rows(session)
        rows[f"checkin:{pairing.id}:2"].status = "expired"
        rows[f"checkin:{pairing.id}:3"].status = "sent"
        session.flush()
        pending = outbox.rows_about(Kind.CHECKIN_NUDGE, [outbox.PENDING])
        found = session.execute(
            select(CheckIn.id, pending.c.due_at).join(pending, pending.c.subject_id == CheckIn.id)
        ).all()
        assert found == [(one.id, clock.now() + timedelta(minutes=1))]
        never = outbox.rows_about(Kind.CHECKIN_NUDGE, outbox.NEVER_SENT)
        assert session.scalars(select(CheckIn.id).join(never, never.c.subject_id == CheckIn.id)).all() == [
            two.id
        ]
        assert outbox.NEVER_SENT == ("expired", "failed", "cancelled")
        stalls = outbox.rows_about(Kind.STALL_NUDGE, [outbox.PENDING])  # other kinds: not these rows
        assert session.scalars(select(CheckIn.id).join(stalls, stalls.c.subject_id == CheckIn.id)).all() == []


def test_existing_keys_and_the_backlog(db: Database, clock: FixedClock):
    with db.transaction() as session:
        pairing = _pair(session, clock)
        assert outbox.backlog(session, clock.now()) == outbox.Backlog(None, 0)
        checkins = [_checkin(session, pairing, cycle, clock) for cycle in (1, 2, 3, 4)]
        _nudge(session, checkins[0], clock, due_at=clock.now() + timedelta(minutes=30))
        # not yet due: nothing is overdue
        assert outbox.backlog(session, clock.now()) == outbox.Backlog(None, 0)
        _nudge(session, checkins[1], clock, due_at=clock.now() - timedelta(minutes=30))
        _nudge(session, checkins[2], clock, due_at=clock.now() - timedelta(minutes=40))
        _nudge(session, checkins[3], clock, due_at=clock.now())  # due this very moment
        # looked up a thousand at a time: the first and the last of 2,500 keys are found too
        wanted = [keys.checkin(pairing.id, 1)]
        wanted += [keys.checkin(-1, n) for n in range(2497)]
        wanted += [keys.checkin(pairing.id, n) for n in (2, 3, 4)]
        assert outbox.existing_keys(session, wanted) == {keys.checkin(pairing.id, n) for n in (1, 2, 3, 4)}
        _rows(session)[keys.checkin(pairing.id, 3)].status = "failed"
        session.flush()
        assert outbox.backlog(session, clock.now()) == outbox.Backlog(clock.now() - timedelta(minutes=30), 1)
        # due rows come oldest first, whatever order they were queued in; failed ones are not due
        due = outbox.due_rows(session, clock.now() + timedelta(hours=1))
        assert [row.dedupe_key for row in due] == [keys.checkin(pairing.id, n) for n in (2, 4, 1)]
        assert [r.dedupe_key for r in outbox.due_rows(session, clock.now())] == [
            keys.checkin(pairing.id, n) for n in (2, 4)
        ]
        _rows(session)[keys.checkin(pairing.id, 2)].status = "sent"
        session.flush()
        assert outbox.backlog(session, clock.now()) == outbox.Backlog(clock.now(), 1)
        assert len(outbox.due_rows(session, clock.now() + timedelta(hours=1), limit=1)) == 1


def test_forgetting_a_recipient_cancels_and_empties_their_rows_and_any_quoting_them(
    db: Database, clock: FixedClock
):
    with db.transaction() as session:
        pairing = _pair(session, clock)
        common = {"kind": Kind.PAIRING_ENDED, "subject": pairing, "due_at": clock.now(), "now": clock.now()}
        outbox.send_dm(session, to="U2", key="first", message=Message("untouched"), **common)
        outbox.send_dm(session, to="U1", key="to-them", message=Message("bye"), **common)
        outbox.send_dm(session, to="U2", key="quoting", message=Message("U1 said SECRET"), **common)
        outbox.send_group(session, members=["U1", "U2"], key="group", message=Message("both"), **common)
        outbox.send_dm(session, to="U2", key="other", message=Message("fine"), **common)
        outbox.send_dm(session, to="U1", key="sent-to-them", message=Message("old"), **common)
        outbox.send_dm(session, to="U3", key="digest:U1", message=Message("for Ann Lee's people"), **common)
        outbox.send_dm(session, to="U3", key="sent-quote", message=Message("SECRET again"), **common)
        outbox.send_dm(session, to="U3", key="mentions", message=Message("with <@U1>"), **common)
        outbox.send_dm(session, to="U3", key="U12", message=Message("U12 is someone else"), **common)
        for key in ("sent-to-them", "digest:U1", "sent-quote"):
            row = _rows(session)[key]
            row.status, row.slack_channel, row.slack_ts = "sent", "D3", f"{row.id}.0001"
        session.flush()
        delivered: list[tuple[str, str]] = []
        changed = outbox.forget_recipient(
            session,
            team_id=pairing.team_id,
            user_id="U1",
            renamed_to="forgotten:1",
            quotes=lambda payload: "SECRET" in payload["text"],
            redacted={"text": "(removed)", "blocks": []},
            names=["Ann Lee"],
            delivered=delivered,
        )
        assert changed == 7
        rows = _rows(session)
        summary = {key: (r.status, r.channel, r.payload["text"]) for key, r in rows.items()}
        assert summary == {
            "to-them": ("cancelled", "forgotten:1", "(removed)"),
            "quoting": ("cancelled", "U2", "(removed)"),
            "group": ("cancelled", "forgotten:1", "(removed)"),
            "first": ("pending", "U2", "untouched"),
            "other": ("pending", "U2", "fine"),
            "sent-to-them": ("sent", "forgotten:1", "(removed)"),
            "digest:forgotten:1": ("sent", "U3", "(removed)"),
            "sent-quote": ("sent", "U3", "(removed)"),
            "mentions": ("cancelled", "U3", "(removed)"),
            "U12": ("pending", "U3", "U12 is someone else"),
        }
        assert delivered == [("D3", f"{rows['sent-quote'].id}.0001")], "only delivered quotes are overwritten"


def test_forgetting_a_recipient_searches_a_files_own_content_unfolded(db: Database, clock: FixedClock):
    """An .ics names people by e-mail inside its (base64-stored) content, on lines iCalendar may fold."""
    ics = b"BEGIN:VEVENT\r\nATTENDEE;CN=Someone:mailto:someone.with.a.long@exam\r\n ple.com\r\nEND:VEVENT\r\n"
    with db.transaction() as session:
        pairing = _pair(session, clock)
        for key, content in (("names-them", ics), ("other", b"BEGIN:VEVENT\r\nEND:VEVENT\r\n")):
            outbox.send_file(
                session,
                to="GPAIR",
                kind=Kind.CALENDAR_FILE,
                subject=pairing,
                key=key,
                upload=outbox.FileUpload(content, "meetings.ics", "Meetings"),
                due_at=clock.now(),
                now=clock.now(),
            )
        changed = outbox.forget_recipient(
            session,
            team_id=pairing.team_id,
            user_id="U9",
            renamed_to="forgotten:9",
            quotes=lambda payload: False,
            redacted={"text": "(removed)", "blocks": []},
            names=["someone.with.a.long@example.com"],
        )
        assert changed == 1
        rows = _rows(session)
        assert (rows["names-them"].status, rows["names-them"].payload) == (
            "cancelled",
            {"text": "(removed)", "blocks": []},
        )
        assert "file" in rows["other"].payload


def test_a_planners_tuple_row_is_stored_as_a_row_built_the_ordinary_way(db: Database, clock: FixedClock):
    """enqueue_rows (a planner's tuples, the payload as JSON text) writes what enqueue does: the same
    timestamps (SQLite compares them as text, so the format must match), payload, status and attempts."""
    with db.transaction() as session:
        pairing = _pair(session, clock)
        one, two = (_checkin(session, pairing, cycle, clock) for cycle in (1, 2))
        due = clock.now() + timedelta(minutes=5)
        ordinary = outbox.dm(
            to="U1", kind=Kind.CHECKIN_NUDGE, subject=one, key="ordinary", message=HELLO, due_at=due, now=due
        )
        assert outbox.enqueue(session, ordinary)
        subject = outbox.Subject.CHECKIN.ref(team_id=two.team_id, id=two.id, pairing_id=pairing.id)
        planned = outbox.queued(
            Kind.CHECKIN_NUDGE,
            subject,
            key="planned",
            channel="U1",
            payload_json='{"text": "hello", "blocks": []}',
            due_at=due,
            now=due,
        )
        assert outbox.enqueue_rows(session, [planned, planned]) == 1  # the second has a taken key
        rows = _rows(session)
        assert rows["planned"].payload == rows["ordinary"].payload == {"text": "hello", "blocks": []}
        for name in ("due_at", "created_at", "status", "attempts", "team_id", "pairing_id", "kind"):
            assert getattr(rows["planned"], name) == getattr(rows["ordinary"], name), name
        found = session.scalars(
            select(OutboxMessage.dedupe_key).where(OutboxMessage.due_at >= due, OutboxMessage.due_at <= due)
        )
        assert sorted(found) == ["ordinary", "planned"]
        with pytest.raises(TypeError):
            outbox.queued(
                Kind.INTRO_FOLLOW_UP, subject, key="k", channel="U1", payload_json="{}", due_at=due, now=due
            )
