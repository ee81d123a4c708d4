"""The pair's words in French: the questionnaire, the comparison of two answers, check-in nudges and plurals
are written in the reader's language when built, and still fit Slack's limits."""

from __future__ import annotations

import string
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from bot.demo.slack_standin import blocks_problems, view_problems
from bot.i18n import reading_in
from bot.i18n.catalogs import path_of
from bot.messages import checkins
from bot.messages.expectations.confirmation import first_meeting_message
from bot.messages.expectations.differences import ProposalForm, differences_message, proposal_modal
from bot.messages.expectations.home import HomePairing, home_blocks
from bot.messages.expectations.kickoff import PairNames
from bot.messages.expectations.later_life import end_modal
from bot.messages.expectations.questionnaire import QuestionnaireForm, questionnaire_modal
from bot.messages.expectations.term_end import networking_message
from bot.messages.expectations.wording import describe_difference, format_terms, format_value
from bot.rules.agreements.comparison import Difference
from bot.rules.agreements.validation import validate_answers
from bot.rules.cadence import cadence_name

NAMES = PairNames("Alex", "Sam", "U1", "U2")
NBSP = "\u00a0"


def _inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {block["block_id"]: block for block in view["blocks"] if block["type"] == "input"}


def _texts(blocks: list[dict[str, Any]]) -> str:
    """Every text a person reads in these blocks, in order."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("text"), str):
                found.append(value["text"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(blocks)
    return "\n".join(found)


def _questionnaire(role: str = "mentee") -> dict[str, Any]:
    return questionnaire_modal(QuestionnaireForm(7, 1, role, "Sam", {}, revisit=False))  # type: ignore[arg-type]


def test_the_questionnaire_modal_reads_in_french() -> None:
    with reading_in("fr-CA"):
        view = _questionnaire()
    assert view["title"]["text"] == "Définir les attentes"
    assert view["submit"]["text"] == "Envoyer mes réponses"
    assert view["close"]["text"] == "Annuler"
    inputs = _inputs(view)
    assert inputs["relationship_kind"]["label"]["text"] == f"Quel type de relation recherchez-vous{NBSP}?"
    assert inputs["cadence"]["label"]["text"] == f"À quelle fréquence aimeriez-vous vous rencontrer{NBSP}?"
    cadences = [option["text"]["text"] for option in inputs["cadence"]["element"]["options"]]
    assert cadences == ["Toutes les semaines", "Toutes les deux semaines", "Toutes les quatre semaines"]
    days = [option["text"]["text"] for option in inputs["preferred_days"]["element"]["options"]]
    assert days[:2] == ["Lundi", "Mardi"] and days[-1] == "Dimanche"
    assert inputs["length_meetings"]["hint"]["text"] == "Entre 1 et 52 rencontres."
    assert "Sam répond aux mêmes questions" in view["blocks"][0]["text"]["text"]
    # ids and values stay what the handlers read
    assert view["callback_id"] == "expectations_form"
    assert [o["value"] for o in inputs["cadence"]["element"]["options"]] == ["weekly", "biweekly", "monthly"]


def test_options_are_translated_each_time_a_form_is_built() -> None:
    with reading_in("fr"):
        french = _questionnaire()
    english = _questionnaire()
    assert _inputs(english)["cadence"]["element"]["options"][0]["text"]["text"] == "Every week"
    assert _inputs(french)["cadence"]["element"]["options"][0]["text"]["text"] == "Toutes les semaines"
    assert english["title"]["text"] == "Set expectations"


@pytest.mark.parametrize("role", ["mentee", "copilot"])
def test_french_forms_fit_slacks_limits_without_clipping(role: str) -> None:
    form = ProposalForm(7, 1, "time_window", role, True, NAMES, {"start": "09:00", "end": "10:00"}, None)  # type: ignore[arg-type]
    with reading_in("fr"):
        views = [
            _questionnaire(role),
            proposal_modal(form),
            end_modal(7, "Sam"),
            checkins.report_back_modal(checkin_id=3, partner_name="Sam"),
            checkins.pause_modal(checkin_id=3, earliest=date(2026, 3, 4), suggested=date(2026, 3, 31)),
            checkins.pulse_comment_modal(pulse_id=4),
        ]
    for view in views:
        assert view_problems(view, expected_type="modal") == []
        for key in ("title", "submit", "close"):
            if key in view:
                assert not view[key]["text"].endswith("…"), view[key]
        for block in _inputs(view).values():
            for option in block["element"].get("options", []):
                assert not option["text"]["text"].endswith("…")
                assert not option.get("description", {}).get("text", "").endswith("…")


def test_the_comparison_of_two_cadences_reads_naturally_in_french() -> None:
    differences = [Difference("cadence", "weekly", "monthly"), Difference("meeting_minutes", 30, 60)]
    with reading_in("fr"):
        message = differences_message(7, 1, NAMES, differences, "")
        mine = describe_difference(differences[0], "Alex", "Sam", "copilot")
    text = _texts(list(message.blocks))
    assert (
        f"Alex a répondu «{NBSP}toutes les semaines{NBSP}», Sam a répondu «{NBSP}toutes les quatre semaines{NBSP}»."
        in text
    )
    assert f"*À quelle fréquence aimeriez-vous vous rencontrer{NBSP}?*" in text
    assert f"Alex a répondu «{NBSP}30 minutes{NBSP}», Sam a répondu «{NBSP}1 heure{NBSP}»." in text
    assert message.text == "Vous avez tous les deux répondu. 2 points à régler."
    assert mine == (
        f"Vous avez répondu «{NBSP}toutes les quatre semaines{NBSP}», Alex a répondu «{NBSP}toutes les semaines{NBSP}»."
    )
    assert blocks_problems(list(message.blocks)) == []
    resolve = message.blocks[2]["accessory"]
    assert resolve["text"]["text"] == "Régler" and resolve["value"] == "7:1:cadence"


def test_a_check_in_nudge_in_french() -> None:
    with reading_in("fr"):
        alone = checkins.checkin_message(
            checkin_id=5,
            organiser_user_id="U1",
            partner_user_id="U2",
            since=date(2026, 3, 3),
            scheduled_for=None,
            in_group=False,
        )
        grouped = checkins.checkin_message(
            checkin_id=5,
            organiser_user_id="U1",
            partner_user_id="U2",
            since=date(2026, 3, 3),
            scheduled_for=date(2026, 3, 17),
            in_group=True,
        )
        stall = checkins.stall_message(partner_user_id="U2", cadence="biweekly")
    assert alone.blocks[0]["text"]["text"] == f"Avez-vous rencontré <@U2> depuis le mar. 3 mars{NBSP}?"
    assert grouped.blocks[0]["text"]["text"] == (
        f"<@U1>, vous aviez prévu de rencontrer <@U2> le mar. 17 mars. La rencontre a-t-elle eu lieu{NBSP}?"
    )
    buttons = [element for element in alone.blocks[1]["elements"] if element["type"] == "button"]
    assert [b["text"]["text"] for b in buttons] == [
        "Nous nous sommes vus",
        "Pas cette fois",
        "Mettre en pause",
    ]
    assert [b["action_id"] for b in buttons] == ["checkin_met", "checkin_skip", "checkin_pause"]
    assert "vous aviez prévu de vous voir toutes les deux semaines" in stall.blocks[0]["text"]["text"]
    assert blocks_problems(list(alone.blocks)) == [] and blocks_problems(list(grouped.blocks)) == []


def test_plurals_follow_the_french_rule() -> None:
    with reading_in("fr"):
        one = format_value("length", {"meetings": 1})
        two = format_value("length", {"meetings": 2})
        settle_one = differences_message(7, 1, NAMES, [Difference("cadence", "weekly", "monthly")], "").text
        later = networking_message(90).blocks[0]["text"]["text"]
    assert (one, two) == ("1 rencontre", "2 rencontres")
    assert settle_one == "Vous avez tous les deux répondu. 1 point à régler."
    assert "environ tous les 90 jours" in later
    assert format_value("length", {"meetings": 1}) == "1 meeting"  # English as before


def test_terms_home_and_first_meeting_in_french() -> None:
    terms = {
        "cadence": "biweekly",
        "meeting_minutes": 45,
        "meeting_format": "video",
        "organiser": "alternate",
        "preferred_days": [1, 3],
        "time_window": {"start": "09:00", "end": "12:00"},
    }
    with reading_in("fr"):
        lines = dict(format_terms(terms, "Alex", "Sam"))
        first = first_meeting_message(True, "U2", "Sam", terms)
        home = home_blocks([HomePairing(7, "mentee", "U2", "active", None, 1, False, date(2026, 3, 17), "x")])
        cadence = cadence_name("monthly")
    assert lines["Fréquence"] == "toutes les deux semaines"
    assert lines["Qui organise les rencontres"] == "Alex et Sam, à tour de rôle"
    assert lines["Jours"] == "mardi et jeudi"
    assert lines["Moment de la journée (heure locale pour Alex)"] == "entre 09:00 et 12:00"
    assert first.blocks[0]["text"]["text"] == (
        f"Le mentorat est mené par la personne mentorée{NBSP}: envoyez à <@U2> une invitation de calendrier "
        "pour votre première rencontre (45 minutes, en visio), de préférence mardi et jeudi, entre 09:00 et "
        "12:00. Venez avec un sujet dont vous aimeriez parler."
    )
    assert f"<@U2> est votre copilote{NBSP}: *actif*." in _texts(home)
    assert f"Prochain point d'étape{NBSP}: mar. 17 mars" in _texts(home)
    assert cadence == "toutes les quatre semaines"


def test_answer_errors_are_written_in_the_readers_language() -> None:
    with reading_in("fr"):
        _answers, errors = validate_answers(
            {"cadence": "yearly", "goals": "short"}, "mentee", date(2026, 3, 2)
        )
    assert errors["cadence"] == "Choisissez à quelle fréquence vous aimeriez vous rencontrer"
    assert errors["goals"] == "Précisez un peu vos objectifs (au moins 20 caractères)"
    _answers, english = validate_answers({"cadence": "yearly"}, "mentee", date(2026, 3, 2))
    assert english["cadence"] == "Pick how often you'd like to meet"


PAIR_MODULES = (
    "bot/messages/expectations",
    "bot/messages/checkins.py",
    "bot/rules/cadence.py",
    "bot/rules/agreements",
    "bot/expectations",
    "bot/checkins",
    "handlers/expectations.py",
    "handlers/checkins.py",
)


def _pair_message_ids() -> list[str | tuple[str, str]]:
    root = Path(__file__).resolve().parents[2]
    files = sorted(
        path
        for entry in PAIR_MODULES
        for path in ((root / entry).rglob("*.py") if (root / entry).is_dir() else [root / entry])
    )
    keywords = {"_": None, "N_": None, "n_": (1, 2)}
    found: list[str | tuple[str, str]] = []
    for path in files:
        for _line, message, _comments, _context in extract_from_file("python", str(path), keywords=keywords):
            found.append(message)
    return found


def test_every_pair_message_has_a_french_translation_with_the_same_placeholders() -> None:
    """Every message id in the pair's modules (extracted as pybabel does) is translated, not fuzzy, with the
    same {placeholders}."""
    with path_of("fr").open("rb") as po:
        catalog = read_po(po, locale="fr")

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}

    ids = _pair_message_ids()
    assert len(ids) > 300
    for message_id in ids:
        entry = catalog.get(message_id if isinstance(message_id, str) else message_id[0])
        assert entry is not None and not entry.fuzzy, message_id
        sources = [message_id] if isinstance(message_id, str) else list(message_id)
        translations = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        assert all(translations), message_id
        for translation in translations:
            assert fields(translation) == fields(sources[-1]), (message_id, translation)
