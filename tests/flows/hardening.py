"""Shared ground for the hardening tests: a seeded world full of private text, a bot whose background
listeners can be waited for, table snapshots, and a form filler that answers any modal the app builds."""

from __future__ import annotations

import json
import threading
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from bot.clock import FixedClock
from bot.demo.slack_standin import SlackStandIn
from bot.messages import checkins as checkin_views
from bot.messages.admin import person_modal, topics_modal
from bot.messages.contacts import contact_modal
from bot.messages.expectations import ids as agreement_ids
from bot.messages.expectations.differences import ProposalForm, proposal_modal
from bot.messages.expectations.kickoff import PairNames
from bot.messages.expectations.later_life import end_modal
from bot.messages.expectations.questionnaire import QuestionnaireForm, questionnaire_modal
from bot.messages.introductions import IntroDraft, Volume, intro_modal, report_modal
from bot.messages.mentee_requests import request_modal
from bot.messages.offers import decline_modal
from bot.messages.program_settings import settings_modal
from bot.messages.promises import PromiseDraft, promise_modal
from bot.messages.volunteering import volunteer_modal
from bot.people.program_settings import ProgramSettings
from bot.people.topics import workspace_topics
from storage.db import Database
from storage.models import (
    Agreement,
    Base,
    CheckIn,
    Contact,
    ExpectationAnswer,
    Introduction,
    MentoringRequest,
    Offer,
    Person,
    Promise,
    Pulse,
    Reflection,
    ReportBack,
)
from tests.factories import agreement, pairing, person, standard_terms, volunteer
from tests.harness import TEAM_ID, RunningBot, test_settings

OUTSIDER = "UOUTSIDER"
ADMIN = "UADMIN"

# Private text seeded into every place the privacy classes name. None of it may reach an outsider.
MARKERS = {
    "goals": "SECRET-GOALS-7q1",
    "request_goals": "SECRET-REQUEST-GOALS-3k9",
    "answers": "SECRET-ANSWERS-5x2",
    "proposal": "SECRET-PROPOSAL-8m4",
    "report_back": "SECRET-REPORT-BACK-2v6",
    "reflection": "SECRET-REFLECTION-9d3",
    "intro_reason": "SECRET-INTRO-REASON-4h8",
    "intro_report": "SECRET-INTRO-REPORT-6j5",
    "contact_notes": "SECRET-CONTACT-NOTES-1w7",
    "contact_name": "SECRET-CONTACT-NAME-0z2",
    "promise": "SECRET-PROMISE-3n1",
    "decline_reason": "SECRET-DECLINE-REASON-5p8",
    "pulse_comment": "SECRET-PULSE-COMMENT-7t4",
    "offer_intro": "SECRET-VOLUNTEER-INTRO-2c6",
}


# --- a bot whose listeners can be waited for --------------------------------------------------------------


class TrackingExecutor(Executor):
    """Wraps Bolt's listener executor, so a test can wait until every listener started has finished."""

    def __init__(self, inner: Executor) -> None:
        self._inner = inner
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._idle:
            self._pending += 1
        future = self._inner.submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _future: Future[Any]) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> None:
        with self._idle:
            if not self._idle.wait_for(lambda: self._pending == 0, timeout):
                raise AssertionError("listeners still running after the wait")

    def shutdown(self, wait: bool = True, **kwargs: Any) -> None:
        self._inner.shutdown(wait=wait, **kwargs)


@dataclass
class Bot:
    """The running bot, plus a way to wait for its background work after an ack."""

    running: RunningBot
    executor: TrackingExecutor

    def settle(self) -> None:
        self.executor.wait_idle()


def start_tracked(db: Database, slack: SlackStandIn, clock: FixedClock, database_url: str) -> tuple[Bot, Any]:
    from bot.app import build_app, build_dispatcher, build_runtime
    from bot.web import create_server, make_wsgi
    from tests.harness import _serve_quietly

    settings = test_settings(slack, database_url, admin_user_ids=(ADMIN,))
    runtime = build_runtime(settings, clock=clock, db=db)
    app = build_app(runtime, settings.mode)
    runner = app.listener_runner
    executor = TrackingExecutor(runner.listener_executor)
    runner.listener_executor = executor
    runner.lazy_listener_runner.executor = executor  # type: ignore[attr-defined]
    server = create_server(make_wsgi(app, db), host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=_serve_quietly, args=(server,), name="waitress", daemon=True)
    thread.start()
    running = RunningBot(
        runtime=runtime,
        slack=slack,
        clock=clock,
        url=f"http://127.0.0.1:{server.effective_port}",
        dispatcher=build_dispatcher(runtime),
    )
    return Bot(running, executor), server


# --- the seeded world ---------------------------------------------------------------------------------------


@dataclass
class World:
    people: dict[str, int]  # slack user id -> person id
    pairings: list[int]  # active pair 1, active pair 2, pair 3 setting expectations
    agreements: list[tuple[int, int]]  # (pairing id, version)
    checkins: list[int]
    pulses: list[int]
    report_backs: list[int]
    requests: list[int]
    offers: list[int]  # the pending offer first
    introductions: list[int]
    contacts: list[int]
    promises: list[int]
    today: date
    extra: dict[str, Any] = field(default_factory=dict)

    def object_ids(self) -> list[int]:
        """Every id an action could point at, whatever its kind."""
        ids = {
            *self.pairings,
            *self.checkins,
            *self.pulses,
            *self.report_backs,
            *self.requests,
            *self.offers,
            *self.introductions,
            *self.contacts,
            *self.promises,
        }
        return sorted(ids)


def seed_world(bot: RunningBot) -> World:
    """Two pairs with agreements, check-ins and pulses; a pair still setting expectations; an
    introduction; contacts and promises; an open request with a pending offer; a volunteer; an outsider."""
    slack, now = bot.slack, bot.clock.now()
    with bot.runtime.db.transaction() as s:
        ana = person(s, "UANA", now, slack=slack, name="ana")
        sam = person(s, "USAM", now, slack=slack, name="sam")
        cara = person(s, "UCARA", now, slack=slack, name="cara")
        dev = person(s, "UDEV", now, slack=slack, name="dev")
        eve = person(s, "UEVE", now, slack=slack, name="eve")
        fred = person(s, "UFRED", now, slack=slack, name="fred")
        gil = person(s, "UGIL", now, slack=slack, name="gil")
        hal = person(s, "UHAL", now, slack=slack, name="hal")
        outsider = person(s, OUTSIDER, now, slack=slack, name="oscar")
        admin = person(s, ADMIN, now, slack=slack, name="adele")
        topics = workspace_topics(s, TEAM_ID)  # the default topics a workspace gets on first use
        for copilot in (sam, dev, fred, hal):
            volunteer(s, copilot, now, topics=topics[:2], capacity=3, intro=MARKERS["offer_intro"])

        terms = standard_terms(goals=MARKERS["goals"])
        one = pairing(s, ana, sam, now, channel_id="GPAIR1")
        two = pairing(s, cara, dev, now, channel_id="GPAIR2")
        three = pairing(s, gil, hal, now, state="setting_expectations", channel_id="GPAIR3")
        agreement(s, one, now, terms=terms)
        agreement(s, two, now, terms=terms)
        s.add(
            Agreement(
                team_id=TEAM_ID,
                pairing_id=three.id,
                version=1,
                status="drafting",
                terms={"goals": MARKERS["goals"]},
                proposals={"cadence": {"by": "mentee", "value": "fortnightly", "note": MARKERS["proposal"]}},
                created_at=now,
            )
        )
        s.add(
            ExpectationAnswer(
                team_id=TEAM_ID,
                pairing_id=three.id,
                person_id=gil.id,
                round=1,
                answers={"goals": MARKERS["answers"], "cadence": "weekly"},
                submitted_at=now,
            )
        )
        checkins = [
            CheckIn(team_id=TEAM_ID, pairing_id=one.id, cycle=1, due_at=now - timedelta(hours=1)),
            CheckIn(
                team_id=TEAM_ID,
                pairing_id=two.id,
                cycle=1,
                due_at=now - timedelta(hours=1),
                status="met",
                met_at=now,
                answered_by_id=cara.id,
                answered_at=now,
            ),
        ]
        s.add_all(checkins)
        s.flush()
        reports = [
            ReportBack(
                team_id=TEAM_ID,
                pairing_id=one.id,
                checkin_id=checkins[0].id,
                author_id=ana.id,
                text=MARKERS["report_back"],
                created_at=now,
            )
        ]
        pulses = [
            Pulse(
                team_id=TEAM_ID,
                pairing_id=p.id,
                person_id=who.id,
                round=1,
                score=4 if who is ana else None,
                comment=MARKERS["pulse_comment"] if who is ana else None,
                asked_at=now,
                answered_at=now if who is ana else None,
            )
            for p, who in ((one, ana), (one, sam), (two, cara))
        ]
        s.add_all([*reports, *pulses])
        s.add(
            Reflection(
                team_id=TEAM_ID,
                pairing_id=one.id,
                author_id=sam.id,
                text=MARKERS["reflection"],
                created_at=now,
            )
        )
        intros = [
            Introduction(
                team_id=TEAM_ID,
                introducer_id=sam.id,
                introduced_id=ana.id,
                contact_id=dev.id,
                pairing_id=one.id,
                reason=MARKERS["intro_reason"],
                channel_id="GINTRO",
                status="met",
                created_at=now - timedelta(days=8),
            ),
            Introduction(
                team_id=TEAM_ID,
                introducer_id=dev.id,
                introduced_id=cara.id,
                contact_id=sam.id,
                pairing_id=two.id,
                reason=MARKERS["intro_reason"],
                channel_id="GINTRO2",
                status="met",
                report_back=MARKERS["intro_report"],
                created_at=now - timedelta(days=8),
            ),
        ]
        contacts = [
            Contact(
                team_id=TEAM_ID,
                owner_id=ana.id,
                slack_user_id=dev.slack_user_id,
                name=MARKERS["contact_name"],
                notes=MARKERS["contact_notes"],
                common_ground=MARKERS["contact_notes"],
                keep_in_touch_days=30,
                created_at=now,
                updated_at=now,
            )
        ]
        promises = [
            Promise(
                team_id=TEAM_ID,
                owner_id=ana.id,
                to_slack_user_id=sam.slack_user_id,
                to_name="sam",
                text=MARKERS["promise"],
                due_on=now.date() + timedelta(days=2),
                created_at=now,
            )
        ]
        request = MentoringRequest(
            team_id=TEAM_ID,
            mentee_id=eve.id,
            goals=MARKERS["request_goals"],
            topics=topics[:1],
            cadence="weekly",
            status="offered",
            created_at=now,
        )
        s.add_all([*intros, *contacts, *promises, request])
        s.flush()
        offers = [
            Offer(
                team_id=TEAM_ID,
                request_id=request.id,
                copilot_id=fred.id,
                status="pending",
                created_at=now,
                expires_at=now + timedelta(days=3),
            ),
            Offer(
                team_id=TEAM_ID,
                request_id=request.id,
                copilot_id=hal.id,
                status="declined",
                decline_reason=MARKERS["decline_reason"],
                created_at=now,
                expires_at=now + timedelta(days=3),
                answered_at=now,
            ),
        ]
        s.add_all(offers)
        s.flush()
        everyone = (ana, sam, cara, dev, eve, fred, gil, hal, outsider, admin)
        return World(
            people={p.slack_user_id: p.id for p in everyone},
            pairings=[one.id, two.id, three.id],
            agreements=[(one.id, 1), (two.id, 1), (three.id, 1)],
            checkins=[c.id for c in checkins],
            pulses=[p.id for p in pulses],
            report_backs=[r.id for r in reports],
            requests=[request.id],
            offers=[o.id for o in offers],
            introductions=[i.id for i in intros],
            contacts=[c.id for c in contacts],
            promises=[p.id for p in promises],
            today=now.date(),
            extra={"topics": topics},
        )


# --- every modal the app builds, pointed at the seeded objects ---------------------------------------------


def modals(world: World) -> dict[str, list[dict[str, Any]]]:
    """callback_id -> the modals a legitimate person would be shown, one per seeded object it can name."""
    today = world.today
    names = PairNames("Ana", "Sam", "UANA", "USAM")
    volume = Volume(0, 10)
    settings = ProgramSettings()
    topics = world.extra["topics"]
    return {
        checkin_views.REPORT_CALLBACK: [
            checkin_views.report_back_modal(checkin_id=i, partner_name="Sam") for i in world.object_ids()
        ],
        checkin_views.PAUSE_CALLBACK: [
            checkin_views.pause_modal(
                checkin_id=i, earliest=today + timedelta(days=1), suggested=today + timedelta(days=28)
            )
            for i in world.object_ids()
        ],
        checkin_views.PULSE_COMMENT_CALLBACK: [
            checkin_views.pulse_comment_modal(pulse_id=i) for i in world.object_ids()
        ],
        "admin_topics": [topics_modal(topics, "C1")],
        "admin_person": [person_modal(user, None, "C1") for user in ("UANA", "USAM", OUTSIDER)],
        agreement_ids.QUESTIONNAIRE_CALLBACK: [
            questionnaire_modal(QuestionnaireForm(p, v, "mentee", "Sam", {}, False))
            for p, v in world.agreements
        ],
        agreement_ids.PROPOSAL_CALLBACK: [
            proposal_modal(ProposalForm(p, v, "cadence", "copilot", False, names, "weekly", "fortnightly"))
            for p, v in world.agreements
        ],
        agreement_ids.END_CALLBACK: [end_modal(p, "Sam") for p in world.pairings],
        "volunteer_form": [volunteer_modal(topics, None, channel_id="C1")],
        "request_form": [request_modal(topics, channel_id="C1")],
        "offer_decline_form": [decline_modal(i, "D1", "1700000000.000100") for i in world.object_ids()],
        "intro_modal": [intro_modal(IntroDraft("UCARA", "UFRED", "", False, volume), "C1")],
        "intro_report_back": [report_modal(i, "UDEV") for i in world.object_ids()],
        "contact_modal": [contact_modal(i, None, today) for i in world.object_ids()],
        # a new contact: self-service, checked in test_hostile_input
        "promise_modal": [
            promise_modal(PromiseDraft("USAM", "sam", "", today + timedelta(days=3), None, today, volume))
        ],
        "program_settings": [settings_modal(settings, "C1")],
    }


# --- answering a modal -------------------------------------------------------------------------------------


def _first_option(element: dict[str, Any]) -> dict[str, Any] | None:
    options = element.get("options") or [o for g in element.get("option_groups", []) for o in g["options"]]
    return options[0] if options else None


ANSWER = "Fine, thanks: we talked it through properly"


def fill(
    view: dict[str, Any],
    text: str | None = None,
    *,
    user: str = "UCARA",
    day: date | None = None,
    dates: dict[str, date] | None = None,
    leave_out: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """view.state.values for a modal, as if a person answered every input: text fields get `text` (or
    what they were opened with), selects their first option, pickers a sensible value."""
    values: dict[str, dict[str, Any]] = {}
    for n, block in enumerate(view.get("blocks", [])):
        if block.get("block_id") in leave_out:
            continue
        elements = [block["element"]] if block.get("type") == "input" else []
        if block.get("type") == "actions":
            elements = block.get("elements", [])
        for element in elements:
            kind, action_id = element["type"], element["action_id"]
            answer: dict[str, Any] = {"type": kind}
            if kind == "plain_text_input":
                answer["value"] = text if text is not None else element.get("initial_value") or ANSWER
            elif kind == "number_input":
                answer["value"] = element.get("initial_value") or str(element.get("min_value") or 1)
            elif kind in ("static_select", "radio_buttons"):
                answer["selected_option"] = element.get("initial_option") or _first_option(element)
            elif kind in ("multi_static_select", "checkboxes"):
                initial = element.get("initial_options")
                first = _first_option(element)
                answer["selected_options"] = initial if initial is not None else ([first] if first else [])
            elif kind == "users_select":
                answer["selected_user"] = element.get("initial_user") or user
            elif kind == "multi_users_select":
                answer["selected_users"] = element.get("initial_users") or [user]
            elif kind == "datepicker":
                picked = (dates or {}).get(block.get("block_id", "")) or day or date(2026, 3, 20)
                answer["selected_date"] = element.get("initial_date") or picked.isoformat()
            elif kind == "timepicker":
                answer["selected_time"] = element.get("initial_time") or "10:00"
            elif kind in ("conversations_select", "channels_select"):
                answer["selected_conversation"] = "C1"
            elif kind == "button":
                continue
            values.setdefault(block.get("block_id") or f"b{n}", {})[action_id] = answer
    return values


def text_inputs(view: dict[str, Any]) -> list[tuple[str, str, int | None]]:
    """(block_id, action_id, max_length) of every free-text field in a modal."""
    found = []
    for block in view.get("blocks", []):
        element = block.get("element") or {}
        if block.get("type") == "input" and element.get("type") == "plain_text_input":
            found.append((block["block_id"], element["action_id"], element.get("max_length")))
    return found


# --- what was stored, what was sent -----------------------------------------------------------------------


Snapshot = dict[str, set[str]]


def snapshot(bot: RunningBot) -> Snapshot:
    """Every row of every table, as comparable text (but seen_signatures: every verified request adds
    its signature there, whoever sent it)."""
    found: Snapshot = {}
    with bot.runtime.db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name == "seen_signatures":
                continue
            rows = conn.execute(select(table)).mappings().all()
            found[table.name] = {json.dumps(dict(r), default=str, sort_keys=True) for r in rows}
    return found


def changes(before: Snapshot, after: Snapshot) -> dict[str, tuple[set[str], set[str]]]:
    """table -> (rows gone or changed, rows new or changed)."""
    return {
        name: (before[name] - after[name], after[name] - before[name])
        for name in before
        if before[name] != after[name]
    }


def only_own_people_row(diff: dict[str, tuple[set[str], set[str]]], user_id: str) -> dict[str, Any]:
    """The diff without the clicker's own people row (looking them up in Slack may refresh it)."""
    left = {}
    for name, (gone, new) in diff.items():
        if name == "people":
            gone = {r for r in gone if json.loads(r)["slack_user_id"] != user_id}
            new = {r for r in new if json.loads(r)["slack_user_id"] != user_id}
        if gone or new:
            left[name] = (gone, new)
    return left


def everything_sent(slack: SlackStandIn) -> str:
    return "\n".join(json.dumps(call.args, default=str) for call in slack.calls)


def leaked(slack: SlackStandIn) -> list[str]:
    sent = everything_sent(slack)
    return [name for name, marker in MARKERS.items() if marker in sent]


def people_ids(bot: RunningBot) -> dict[str, int]:
    with bot.runtime.db.transaction() as session:
        return {p.slack_user_id: p.id for p in session.scalars(select(Person))}
