"""Every Block Kit builder of bot/messages stays within Slack's limits in every language (issue 13).

French runs 20–30% longer than English: a button (75 characters), an option (75), a placeholder (150) or
a modal title (24) that fits in English may not fit in French. Each public builder is called with sample
arguments made from its type hints (SAMPLES where a builder needs particular values), under
``reading_in(language)`` for every language, and what it builds is checked by the Slack stand-in's
validator (bot/demo/slack_standin/blockkit.py: slack_sdk's models plus the limits Slack enforces).
A new builder is covered as soon as it is written; one the samples can't build fails the coverage test.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import types
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

import pytest

import bot.messages
from bot.demo.slack_standin import blocks_problems, view_problems
from bot.demo.slack_standin.blockkit import VIEW_MAX_BLOCKS
from bot.i18n import LANGUAGES, reading_in
from bot.messages.cohort_surveys import CohortReport, StageFigures
from bot.messages.expectations.differences import ProposalForm
from bot.messages.expectations.kickoff import PairNames
from bot.messages.expectations.wording import explain_kind_mismatch
from bot.messages.message import Message
from bot.messages.offers import NOT_ALLOWED
from bot.rules.agreements.comparison import Difference
from bot.rules.agreements.proposals import Proposal
from bot.rules.agreements.questionnaire import QUESTIONS, RELATIONSHIP_KINDS
from bot.rules.cohorts import CohortState, Stage
from bot.rules.lifecycle import OfferState
from bot.rules.network_states import IntroStatus
from bot.rules.summary_figures import HEALTHS, PairingRow

# Building blocks the builders are made of (exercised through them), not builders.
PRIMITIVES = ("bot.messages.text", "bot.messages.form_fields", "bot.messages.message")
SECTION_TEXT_MAX = 3000
INPUT_ELEMENTS = {"plain_text_input", "number_input", "datepicker", "timepicker", "email_text_input"}
ACTION_ELEMENTS = {
    "button",
    "static_select",
    "multi_static_select",
    "users_select",
    "multi_users_select",
    "overflow",
    "checkboxes",
    "radio_buttons",
}


@dataclasses.dataclass(frozen=True)
class Listed:
    usage: str
    summary: str


def builders() -> Iterator[tuple[str, Callable[..., Any]]]:
    """Every public function of bot/messages that returns Block Kit, a Message or a text."""
    modules = [m.name for m in pkgutil.walk_packages(bot.messages.__path__, "bot.messages.")]
    for name in sorted(modules):
        if name in PRIMITIVES:
            continue
        module = importlib.import_module(name)
        for attr, fn in sorted(vars(module).items()):
            if attr.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != name:
                continue
            if reads_a_form(fn):
                continue
            if builds_block_kit(typing.get_type_hints(fn).get("return")):
                yield f"{name.removeprefix('bot.messages.')}.{attr}", fn


def reads_a_form(fn: Callable[..., Any]) -> bool:
    """``answers_from(values)``, ``report_value(values)``, ``state_value(values, id)``: they read what Slack
    sends back, they build nothing."""
    return "values" in inspect.signature(fn).parameters


def builds_block_kit(returned: Any) -> bool:
    if returned in (Message, str):
        return True
    origin, args = typing.get_origin(returned), typing.get_args(returned)
    if origin is dict:
        return args == (str, Any)
    if origin is list:
        return typing.get_origin(args[0]) is dict
    if origin is tuple:
        return len(args) == 2 and args[0] is str and typing.get_origin(args[1]) is list
    return False


# ----- sample arguments ---------------------------------------------------------------------------


def sample_str(name: str) -> str:
    if name == "health":
        return "on_track"
    if name.endswith(("user_id", "user")) or name in {"introduced", "contact", "lead"}:
        return "U0ALEX"
    if name.endswith("channel_id") or name == "channel":
        return "C0GENERAL"
    if name.endswith(("_ts", "ts")):
        return "1700000000.000100"
    if name.endswith("group_id"):
        return "S0LEADS"
    if name.endswith("cadence"):
        return "biweekly"
    if name in {"role", "viewer", "to"}:
        return "mentee"
    if "name" in name:
        return "Alexandra Martin"
    if name.endswith(("date", "_on", "until")):
        return "2026-03-19"
    return "Practise giving feedback to senior engineers before the quarterly review"


def sample(hint: Any, name: str) -> Any:
    """A plausible value of type ``hint`` for a parameter or field called ``name``."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        return sample(next(a for a in args if a is not type(None)), name)
    if origin is typing.Literal:
        return args[0]
    if hint is str:
        return sample_str(name)
    if hint is bool:
        return True
    if hint is int:
        return {"page": 1, "score": 4, "version": 1, "limit": 500}.get(name, 3)
    if hint is float:
        return 2.5
    if hint is date:
        return date(2026, 3, 19)
    if hint is datetime:
        return datetime(2026, 3, 19, 13, 0, tzinfo=UTC)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return next(iter(hint))
    if origin in (list, tuple, Sequence, set, frozenset) or hint in (list, tuple):
        if origin is tuple and args and args[-1] is not Ellipsis:
            return tuple(sample(a, name) for a in args)
        inner = args[0] if args else str
        items = [_renumbered(sample(inner, name.rstrip("s")), n) for n in (1, 2)]
        return tuple(items) if origin is tuple else items
    if origin in (dict, Mapping) or hint in (dict, Mapping, Any):
        return {}
    if dataclasses.is_dataclass(hint):
        fields = typing.get_type_hints(hint)
        return hint(**{f.name: sample(fields[f.name], f.name) for f in dataclasses.fields(hint) if f.init})
    if getattr(hint, "_is_protocol", False):
        return Listed("request", "ask for a copilot")
    raise TypeError(f"no sample for {hint!r} ({name})")


def _renumbered(item: Any, n: int) -> Any:
    """The n-th item of a sample list: its ints differ from the other's (ids, block ids)."""
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        changes = {
            f.name: getattr(item, f.name) + n
            for f in dataclasses.fields(item)
            if type(getattr(item, f.name)) is int
        }
        return dataclasses.replace(item, **changes)
    return item + n if type(item) is int else item


def calls(fn: Callable[..., Any]) -> list[dict[str, Any]]:
    """The arguments to build with: every parameter sampled, once with every flag on and once off."""
    hints = typing.get_type_hints(fn)
    params = [p for p in inspect.signature(fn).parameters.values() if p.name in hints]
    base = {p.name: sample(hints[p.name], p.name) for p in params}
    flags = [p.name for p in params if hints[p.name] is bool]
    return [base, {**base, **dict.fromkeys(flags, False)}] if flags else [base]


# ----- checking -----------------------------------------------------------------------------------


def problems_of(built: Any) -> list[str]:
    if isinstance(built, Message):
        return ([] if built.text else ["message: empty fallback text"]) + blocks_problems(list(built.blocks))
    if isinstance(built, str):
        return [f"text: {len(built)} characters"] if not built or len(built) > SECTION_TEXT_MAX else []
    if isinstance(built, tuple):
        text, blocks = built
        return ([] if text else ["message: empty fallback text"]) + blocks_problems(blocks)
    if isinstance(built, list):
        return blocks_problems(built, max_blocks=VIEW_MAX_BLOCKS)
    kind = built.get("type")
    if kind in ("modal", "home"):
        return view_problems(built, expected_type=kind)
    if kind in INPUT_ELEMENTS:
        return blocks_problems(
            [{"type": "input", "label": {"type": "plain_text", "text": "x"}, "element": built}]
        )
    if kind in ACTION_ELEMENTS:
        return blocks_problems([{"type": "actions", "elements": [built]}])
    return blocks_problems([built])


def build_all(language: str) -> tuple[dict[str, list[str]], list[str]]:
    """(problems by builder, builders the samples could not build)."""
    problems: dict[str, list[str]] = {}
    unbuilt = []
    for name, fn in builders():
        arguments = SAMPLES.get(name) or calls(fn)
        for kwargs in arguments:
            try:
                with reading_in(language):
                    built = fn(**kwargs)
            except Exception as exc:  # a sample the builder can't take: named in the coverage test
                unbuilt.append(f"{name}: {type(exc).__name__}: {exc}")
                continue
            found = problems_of(built)
            if found:
                problems.setdefault(name, []).extend(found)
    return problems, unbuilt


def _settings() -> Any:
    from bot.people.program_settings import ProgramSettings

    return ProgramSettings()


def _subcommands() -> list[Any]:
    """What /mentor help lists: every surface registered on an app that never talks to Slack."""
    from bot.app import SURFACES
    from handlers.registry import MentorApp

    app = MentorApp(token="xoxb-sample", signing_secret="sample", token_verification_enabled=False)
    for surface in SURFACES:
        surface.register(app)
    return app.router.listed()


NAMES = PairNames("Alexandra Martin", "Samuel Tremblay", "U0ALEX", "U0SAM")
CHOICES = [q for q in QUESTIONS if q.options and len(q.options) > 1]
DIFFERENCES = [Difference(q.key, q.options[0][0], q.options[1][0], dangerous=True) for q in CHOICES]


def _differences(**fixed: Any) -> list[dict[str, Any]]:
    return [
        {
            **fixed,
            "names": NAMES,
            "differences": DIFFERENCES,
            "kind_warning": explain_kind_mismatch("copilot", "networking"),
        }
    ]


def _proposal_forms() -> list[dict[str, Any]]:
    return [
        {"form": ProposalForm(7, 1, q.key, role, counter, NAMES, q.options[0][0], q.options[1][0])}
        for q in CHOICES
        for role, counter in (("mentee", False), ("copilot", True))
    ]


SAMPLES: dict[str, list[dict[str, Any]]] = {
    "expectations.differences.differences_message": _differences(pairing_id=7, round_=1),
    "expectations.differences.proposal_message": [
        {
            "pairing_id": 7,
            "round_": 1,
            "names": NAMES,
            "proposal": Proposal(q.key, q.options[1][0], role),
            "token": "t0k",
        }
        for q in CHOICES
        for role in ("mentee", "copilot")
    ],
    "expectations.differences.proposal_modal": _proposal_forms(),
    "expectations.forms.question_inputs": [{"key": q.key, "current": None} for q in QUESTIONS],
    "expectations.forms.question_label": [{"key": q.key} for q in QUESTIONS],
    "buddies.settings_modal": [
        {"on": on, "term_days": 90, "start": start, "low": 14, "high": 365}
        for on in (True, False)
        for start in ("team_join", "start_date")
    ],
    "cohort_surveys.survey_message": [
        {"survey_id": 3, "name": "Spring cohort", "stage": stage.value} for stage in Stage
    ],
    "cohort_surveys.home_blocks": [
        {
            "reports": [
                CohortReport(
                    cohort_id=n,
                    name="Spring cohort",
                    state=state,
                    opens_on=date(2026, 3, 2),
                    closes_on=date(2026, 3, 13),
                    starts_on=date(2026, 3, 16),
                    ends_on=date(2026, 9, 16),
                    mentees=12,
                    copilots=9,
                    pairs=8,
                    meetings=31,
                    stages=tuple(
                        StageFigures(stage.value, 16, answered, 4.2 if answered >= 3 else None, None)
                        for stage in Stage
                        for answered in (2, 5)
                    ),
                )
                for n, state in enumerate(CohortState, start=1)
            ]
        }
    ],
    "expectations.wording.explain_kind_mismatch": [
        {"mentee_kind": a, "copilot_kind": b}
        for a in RELATIONSHIP_KINDS
        for b in RELATIONSHIP_KINDS
        if a != b
    ],
    "offers.offer_closed_message": [
        {"mentee_user_id": user, "why": why}
        for why in (OfferState.EXPIRED, NOT_ALLOWED, OfferState.WITHDRAWN)
        for user in ("U0ALEX", "")
    ],
    "offers.stale_text": [{"outcome": state} for state in [*OfferState, "other"]],
    "program_settings.lead_group_result_text": [
        {
            "user_id": "U0LEAD",
            "group_id": "S0LEADS",
            "outcome": outcome,
            "members": 12,
            "error": "no_such_subteam",
        }
        for outcome in ("assigned", "refreshed", "removed", "not_assigned", "unknown_group", "unknown_lead")
    ],
    "program_settings.settings_modal": [{"current": _settings(), "channel_id": "C0GENERAL"}],
    "help.help_blocks": [
        {"subcommands": _subcommands()},
        {"subcommands": _subcommands(), "unknown": "volunter", "suggestion": "volunteer"},
    ],
    "expectations.forms.input_block": [
        {"block_id": "goals", "label": "Goals", "element": {"type": "plain_text_input"}, "hint": "A hint"}
    ],
    "home.home_view": [{"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hello"}}]}],
    "summaries.row_line": [
        {"row": PairingRow(3, "Alexandra Martin", "Samuel Tremblay", date(2026, 1, 5), "weekly", None, h)}
        for h in HEALTHS
    ],
    "introductions.answered_blocks": [
        {"status": status, "contact_user_id": "U0KIM"} for status in [*IntroStatus, "sent"]
    ],
}


def test_the_builders_are_found():
    names = [name for name, _ in builders()]
    assert len(names) > 100
    assert {
        "offers.offer_message",
        "volunteering.volunteer_modal",
        "expectations.questionnaire.questionnaire_modal",
    } <= set(names)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_builder_stays_within_slacks_limits(language: str):
    problems, _ = build_all(language)
    assert problems == {}


def test_every_builder_is_built_from_the_samples():
    _, unbuilt = build_all("en")
    assert unbuilt == [], "give these builders arguments in SAMPLES"
