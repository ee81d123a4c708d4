"""The whole program for one pair, over signed HTTP against the fake Slack, and what each person read.

Used by the language flow tests (issue 13): a mentee and a copilot who each speak their own language, a
colleague they are introduced to, a team lead and the program admin. Everyone arrives as a Slack user with
a locale (no people rows are seeded: the bot learns who they are, and which language they read, from
Slack). Nothing here asserts on English words: the steps find their way by action ids, callback ids and
what is stored, so the same journey runs in any language.

`Reader` collects every text the fake Slack received (messages, updates, ephemeral and response_url
replies, modals, App Home) and every text the app answered over HTTP (slash-command acks, a form's
`update`), by who reads it; `untranslated` finds message ids of the source written out verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from babel.messages.catalog import Catalog

from bot.demo.slack_standin import RESPONSE_URL_METHOD, Call, SlackStandIn, block_texts
from bot.i18n.catalog import extract, read
from bot.i18n.catalogs import path_of
from bot.messages.expectations import ids
from bot.people.directory import sync_workspace
from tests.flows.checkin_sim import Post, run_until
from tests.flows.copilots import (
    eventually,
    introduction_values,
    offer_message_of,
    offers_for,
    pairings,
    request_values,
    volunteer_values,
)
from tests.harness import ADMIN, TEAM_ID, Reply, RunningBot

MENTEE, COPILOT, CONTACT, LEAD = "UAMELIE", "UJULIEN", "UKARIM", "ULEA"
GROUP = "SEQUIPE"  # the lead's Slack user group
TZ = "Europe/Paris"
# What people type, in French: their own words are never scanned as the program's.
GOALS = "Apprendre à donner une rétroaction franche aux ingénieurs plus expérimentés sans me bloquer."
INTRO = "J'ai animé les escalades du soutien pendant cinq ans."
REPORT = "Nous avons répété la revue de jeudi; j'ai noté mes trois points avant."
WHY = "Karim anime les ateliers de rétroaction pour les nouveaux responsables."
MIN_WORDS = 3  # shorter message ids ("Not yet", "Skip") read the same in many languages


# ----- what people read ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    reader: str  # a user id, a group DM's channel id, or "?" when Slack does not say
    where: str  # the Web API method, "response_url" or "http"
    text: str


WRITING_METHODS = (
    "chat.postMessage",
    "chat.update",
    "chat.postEphemeral",
    "views.open",
    "views.update",
    "views.push",
    "views.publish",
    RESPONSE_URL_METHOD,
)


def texts_of(payload: Any) -> list[str]:
    """Every text a person reads in a message, a view or an HTTP answer (text, blocks, view)."""
    found = block_texts(payload)
    return [t for t in found if t.strip()]


@dataclass
class Reader:
    """The journey's record of who read what."""

    slack: SlackStandIn
    answers: list[Seen] = field(default_factory=list)  # what the app answered over HTTP
    responders: dict[str, str] = field(default_factory=dict)  # response_url key -> who it answers
    actors: list[tuple[int, str]] = field(default_factory=list)  # (calls recorded before, who acted)

    def acting(self, user: str) -> None:
        """`user` sends the app something: the modals opened next are theirs (the journey is sequential)."""
        self.actors.append((len(self.slack.calls), user))

    def received(self) -> list[Seen]:
        seen = list(self.answers)
        for index, call in enumerate(self.slack.calls):
            if call.method in WRITING_METHODS:
                reader = self._reader_of(index, call)
                seen += [Seen(reader, call.method, text) for text in texts_of(call.args)]
        return seen

    def _reader_of(self, index: int, call: Call) -> str:
        if call.method == RESPONSE_URL_METHOD:
            key = call.path.rsplit("/", 1)[-1]
            if key in self.responders:
                return self.responders[key]
        named = call.args.get("user") or call.args.get("user_id") or call.args.get("channel")
        if named:
            return str(named)
        earlier = [user for start, user in self.actors if start <= index]
        return earlier[-1] if earlier else "?"

    def by(self, reader: str) -> list[str]:
        return [s.text for s in self.received() if s.reader == reader]

    def kinds(self) -> set[str]:
        return {s.where for s in self.received()}


def heard(reader: Reader, user: str, reply: Reply) -> Reply:
    """Keep what the app answered `user` over HTTP (an ack's text and blocks, a form's new view)."""
    if reply.body.strip() and reply.headers.get("Content-Type", "").startswith("application/json"):
        reader.answers += [Seen(user, "http", text) for text in texts_of(reply.json())]
    return reply


# ----- untranslated message ids -------------------------------------------------------------------


def _words(text: str) -> int:
    return len(re.findall(r"[^\W\d_]{2,}", re.sub(r"\{[^{}]*\}|<[^<>]*>|:[a-z0-9_+-]+:", " ", text)))


def pattern_of(msgid: str) -> re.Pattern[str] | None:
    """A message id as it appears once filled in (a placeholder matches anything), or None when it is
    too short to tell languages apart."""
    if _words(msgid) < MIN_WORDS:
        return None
    parts = re.split(r"\{[^{}]*\}", msgid)
    return re.compile(".+?".join(re.escape(part) for part in parts), re.S)


@dataclass(frozen=True)
class Words:
    """The source's message ids (English) and, for one language, the translations."""

    english: dict[str, re.Pattern[str]]  # msgid -> pattern
    translated: dict[str, re.Pattern[str]]  # translation -> pattern


def words(language: str = "fr", template: Catalog | None = None) -> Words:
    template = template or extract()
    catalog = read(path_of(language)).catalog
    english: dict[str, re.Pattern[str]] = {}
    translated: dict[str, re.Pattern[str]] = {}
    for message in template:
        if not message.id:
            continue
        msgids = [message.id] if isinstance(message.id, str) else list(message.id)
        known = catalog.get(message.id)
        strings = [] if known is None else [known.string] if isinstance(known.string, str) else known.string
        for msgid in msgids:
            pattern = pattern_of(msgid)
            if pattern is not None and msgid not in strings:  # a translation may read the same
                english[msgid] = pattern
        for string in strings:
            pattern = pattern_of(string) if string else None
            if pattern is not None and string not in msgids:
                translated[string] = pattern
    return Words(english, translated)


def untranslated(texts: Iterable[str], patterns: dict[str, re.Pattern[str]]) -> list[tuple[str, str]]:
    """(message id, the text it was found in) for every id written verbatim in one of the texts."""
    found = []
    for text in set(texts):
        for msgid, pattern in patterns.items():
            if pattern.search(text):
                found.append((msgid, text[:200]))
    return sorted(found)


# ----- the journey --------------------------------------------------------------------------------


def add_people(slack: SlackStandIn, locales: dict[str, str]) -> None:
    """The workspace as Slack knows it: each person with their Slack language."""
    names = {
        MENTEE: ("amelie", "Amélie Tremblay"),
        COPILOT: ("julien", "Julien Roy"),
        CONTACT: ("karim", "Karim Haddad"),
        LEAD: ("lea", "Léa Gagnon"),
        ADMIN: ("admin", "Nadia Admin"),
    }
    for user_id, (name, real_name) in names.items():
        slack.add_user(
            user_id,
            name=name,
            real_name=real_name,
            email=f"{name}@acme.example",
            tz=TZ,
            locale=locales[user_id],
        )
    slack.set_usergroup(GROUP, [MENTEE, COPILOT])


def _open_view(bot: RunningBot, before: int) -> dict[str, Any]:
    return bot.slack.wait_for("views.open", before + 1)[before].args["view"]


def _command(bot: RunningBot, reader: Reader, user: str, text: str) -> Reply:
    reader.acting(user)
    reply = heard(reader, user, bot.command(text, user=user))
    assert reply.status == 200, reply.text
    reader.responders[f"cmd{bot._seq}"] = user
    return reply


def _click(bot: RunningBot, reader: Reader, action_id: str, user: str, **kwargs: Any) -> Reply:
    reader.acting(user)
    reply = heard(reader, user, bot.click(action_id, user=user, **kwargs))
    assert reply.status == 200, reply.text
    reader.responders[f"act{bot._seq}"] = user
    return reply


def _submit(bot: RunningBot, reader: Reader, view: dict[str, Any], values: Any, user: str) -> Reply:
    reader.acting(user)
    reply = heard(reader, user, bot.submit(view, values, user=user))
    assert reply.status == 200, reply.text
    return reply


def _form(bot: RunningBot, reader: Reader, user: str, text: str) -> dict[str, Any]:
    before = len(bot.slack.calls_to("views.open"))
    _command(bot, reader, user, text)
    return _open_view(bot, before)


def _pairing_form(bot: RunningBot, reader: Reader, user: str, action: str, value: str) -> dict[str, Any]:
    """A pair's form: a placeholder opens at once, the form replaces it (views.update)."""
    before = len(bot.slack.calls_to("views.update"))
    _click(bot, reader, action, user, value=value, message={"ts": "1.0", "channel": "GPAIR"})
    return bot.slack.wait_for("views.update", before + 1)[-1].args["view"]


def _field(kind: str, value: Any) -> dict[str, Any]:
    if kind == "radio":
        return {"type": "radio_buttons", "selected_option": {"value": str(value)} if value else None}
    if kind == "number":
        return {"type": "number_input", "value": value}
    if kind == "checks":
        return {"type": "checkboxes", "selected_options": [{"value": str(v)} for v in value]}
    if kind in ("date", "time"):
        return {"type": "datepicker" if kind == "date" else "timepicker"}
    return {"type": "plain_text_input", "value": value}


def expectation_answers(role: str, cadence: str) -> dict[str, Any]:
    values = {
        "relationship_kind": {"value": _field("radio", "copilot")},
        "cadence": {"value": _field("radio", cadence)},
        "meeting_minutes": {"value": _field("radio", 45)},
        "meeting_format": {"value": _field("radio", "video")},
        "organiser": {"value": _field("radio", "mentee")},
        "length_meetings": {"value": _field("number", "6")},
        "length_end_date": {"value": _field("date", None)},
        "expectations": {"value": _field("text", "Venir préparé, avec une question précise.")},
        "confidentiality": {"value": _field("checks", ["yes"])},
        "preferred_days": {"value": _field("checks", [])},
        "time_window_start": {"value": _field("time", None)},
        "time_window_end": {"value": _field("time", None)},
    }
    if role == "mentee":
        values["goals"] = {"value": _field("text", GOALS)}
    else:
        values["offer"] = {"value": _field("text", "Dix ans de revues de code et de rétroaction.")}
    return values


def _buttons(call: Call) -> dict[str, str]:
    found = {}
    for block in call.args.get("blocks") or []:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("type") == "button":
                found[element["action_id"]] = element.get("value", "")
    return found


def _last_with(bot: RunningBot, action_id: str) -> str:
    """The value of the button `action_id` on the newest message carrying one."""
    for call in reversed(bot.slack.calls_to("chat.postMessage")):
        if action_id in _buttons(call):
            return _buttons(call)[action_id]
    raise AssertionError(f"no message with a {action_id} button")


def _deliver(bot: RunningBot) -> None:
    """The scheduler's pass a minute on (the outbox paces a channel by a second)."""
    bot.tick(bot.clock.now() + timedelta(minutes=1))


def _home(bot: RunningBot, reader: Reader, user: str) -> None:
    before = len(bot.slack.calls_to("views.publish"))
    reader.acting(user)
    bot.event({"type": "app_home_opened", "user": user, "tab": "home", "channel": f"D{user}"})
    bot.slack.wait_for("views.publish", before + 1)


def play(bot: RunningBot, reader: Reader) -> int:
    """Volunteer, request, offer, accept, expectations with a difference, agreement, a check-in from the
    scheduler, a report-back, an introduction and the lead's summary; the pairing's id."""
    sync_workspace(bot.runtime, TEAM_ID, slack_client(bot))  # the install's first sync

    _command(bot, reader, MENTEE, "help")
    _command(bot, reader, MENTEE, "voluntear")  # a typo: the suggestion is in the reader's language

    # Julien volunteers; Amélie asks for a copilot and is offered Julien.
    view = _form(bot, reader, COPILOT, "volunteer")
    _submit(bot, reader, view, volunteer_values(topics=("Giving feedback",), intro=INTRO), COPILOT)
    view = _form(bot, reader, MENTEE, "request")
    _submit(
        bot, reader, view, request_values(goals=GOALS, topics=("Giving feedback",), cadence="weekly"), MENTEE
    )
    offers = eventually(lambda: pairings_or_offers(bot))
    _deliver(bot)
    [offer] = offers
    _click(bot, reader, "offer_accept", COPILOT, value=str(offer.id), message=offer_message_of(bot, offer.id))
    [pairing] = eventually(lambda: pairings(bot))
    _deliver(bot)

    # Expectations: they differ on the rhythm; Amélie suggests every two weeks, Julien accepts.
    for user, role, cadence in ((MENTEE, "mentee", "weekly"), (COPILOT, "copilot", "monthly")):
        form = _pairing_form(bot, reader, user, ids.OPEN_QUESTIONNAIRE, str(pairing.id))
        _submit(bot, reader, form, expectation_answers(role, cadence), user)
    _deliver(bot)
    form = _pairing_form(bot, reader, MENTEE, ids.RESOLVE, _last_with(bot, ids.RESOLVE))
    _submit(bot, reader, form, {"cadence": {"value": _field("radio", "biweekly")}}, MENTEE)
    _deliver(bot)
    _click(bot, reader, ids.ACCEPT, COPILOT, value=_last_with(bot, ids.ACCEPT))
    _deliver(bot)
    confirm = _last_with(bot, ids.CONFIRM)
    for user in (MENTEE, COPILOT):
        _click(bot, reader, ids.CONFIRM, user, value=confirm)
    assert eventually(lambda: pairings(bot)[0].state == "active")
    _deliver(bot)

    # The first check-in comes from the scheduler; Amélie met Julien and reports back, shared with him.
    posts = run_until(bot, bot.clock.now() + timedelta(days=15), everything=True)
    nudge = next(p for p in posts if p.is_checkin())
    report = _report_back(bot, reader, nudge)
    run_until(bot, bot.clock.now() + timedelta(days=1), everything=True)

    # Julien introduces Amélie to Karim.
    view = _form(bot, reader, COPILOT, "intro @karim")
    _submit(bot, reader, view, introduction_values(MENTEE, CONTACT, WHY), COPILOT)
    _deliver(bot)

    # The admin makes Léa the lead of the pair's group; Léa reads her summary.
    _command(bot, reader, ADMIN, f"admin leads <@{LEAD}> <!subteam^{GROUP}|@equipe>")
    _command(bot, reader, LEAD, "summary")
    for user in (MENTEE, COPILOT, LEAD, ADMIN):
        _home(bot, reader, user)
    _command(bot, reader, MENTEE, "status")
    assert report
    return pairing.id


def pairings_or_offers(bot: RunningBot) -> list[Any]:
    from tests.flows.copilots import latest_request

    request_id = latest_request(bot, MENTEE)
    return offers_for(bot, request_id) if request_id else []


def _report_back(bot: RunningBot, reader: Reader, nudge: Post) -> bool:
    element = nudge.action("checkin_met")
    before = len(bot.slack.calls_to("views.open"))
    _click(bot, reader, "checkin_met", MENTEE, value=element.get("value", ""), block_id=element["block_id"])
    modal = _open_view(bot, before)
    values = {
        "report": {"report_text": {"type": "plain_text_input", "value": REPORT}},
        "share": {"share_choice": {"type": "checkboxes", "selected_options": [{"value": "share"}]}},
    }
    return _submit(bot, reader, modal, values, MENTEE).json()["response_action"] == "update"


def slack_client(bot: RunningBot) -> Any:
    return bot.runtime.slack.for_team(TEAM_ID)


def group_dms(bot: RunningBot) -> set[str]:
    return {
        str(c.args["channel"])
        for c in bot.slack.calls_to("chat.postMessage")
        if str(c.args["channel"]).startswith("G")
    }
