"""The copilots' words in French: offers, requests, volunteering, help and its typo suggestions, topics and
the admin's tools, built under reading_in("fr") as a French-speaking person reads them."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from bot.demo.slack_standin.blockkit import blocks_problems, view_problems
from bot.i18n import reading_in
from bot.messages.admin import admin_menu_blocks, not_admin_text, person_modal, topics_modal
from bot.messages.data_rights import confirm_blocks, forgotten_text
from bot.messages.direct_messages import direct_message_reply
from bot.messages.form_fields import topic_select
from bot.messages.help import help_blocks, help_text
from bot.messages.mentee_requests import RequestForm, request_modal, round_done_text
from bot.messages.offers import decline_modal, offer_message, stale_text
from bot.messages.program_settings import settings_modal
from bot.messages.volunteering import VolunteerSummary, home_blocks, volunteer_modal
from bot.people.program_settings import ProgramSettings
from bot.rules.matching.explanations import copilot_named, to_the_copilot
from bot.rules.topics import DEFAULT_TOPICS, topic_label
from handlers import admin, commands, data_rights, mentee_requests, volunteering
from handlers.router import CommandRouter

TOPICS = [*DEFAULT_TOPICS, "Rust & async"]  # the defaults, and one an admin typed


def _offer() -> dict[str, Any]:
    message = offer_message(
        offer_id=7,
        mentee_user_id="U1",
        goals="Get better at feedback",
        topics=["Giving feedback", "Rust & async"],
        reasons=[
            "You both care about Giving feedback and Public speaking.",
            "Your working days overlap by 7 hours.",
            "The copilot isn't mentoring anyone else right now.",
        ],
        cadence="biweekly",
        length_text="",
        answer_by=date(2026, 3, 6),
        named=False,
    )
    return message.payload()


def _buttons(blocks: list[dict[str, Any]]) -> dict[str, str]:
    return {
        e["action_id"]: e["text"]["text"] for b in blocks if b["type"] == "actions" for e in b["elements"]
    }


def _router() -> CommandRouter:
    """The real subcommands, registered by their own modules onto a router (no Bolt app needed)."""
    router = CommandRouter()

    def decorator(*_args: Any, **_kwargs: Any) -> Any:
        return lambda listener: listener

    app = SimpleNamespace(router=router, command=decorator, action=decorator, view=decorator, event=decorator)
    for module in (commands, mentee_requests, volunteering, data_rights, admin):
        module.register(app)
    return router


def test_the_offer_asks_the_copilot_in_french_with_the_same_buttons():
    with reading_in("fr"):
        offer = _offer()
    text = json.dumps(offer, ensure_ascii=False)
    assert _buttons(offer["blocks"]) == {"offer_accept": "Accepter", "offer_decline": "Refuser"}
    assert offer["text"] == "<@U1> cherche un copilote. Accepteriez-vous de l'être\u00a0?"
    assert "ven. 6 mars" in text  # the answer-by day, as a French reader writes it
    # The reasons, said again in French and to the copilot as "vous", topics in French
    assert "Vous vous intéressez tous les deux à : Donner des retours constructifs et Prise de parole" in text
    assert "Vos journées de travail se chevauchent sur 7 heures." in text
    assert "Vous n'accompagnez personne d'autre en ce moment." in text
    # The admin's own topic stays as typed (escaped for mrkdwn as before); the default one is French
    assert "*Thèmes :* Donner des retours constructifs, Rust &amp; async" in text
    with reading_in("en"):
        english = _offer()
    assert _buttons(english["blocks"]) == {"offer_accept": "Accept", "offer_decline": "Decline"}
    assert [b.get("block_id") for b in english["blocks"]] == [b.get("block_id") for b in offer["blocks"]]


def test_help_lists_the_commands_in_french_and_the_command_names_stay():
    router = _router()
    with reading_in("fr"):
        blocks = json.dumps(help_blocks(router.listed()), ensure_ascii=False)
        title = help_text()
    assert title == "Commandes de mentor-bot"
    assert "`/mentor help` : afficher cette liste" in blocks
    assert (
        "`/mentor request [@colleague]` : demander un copilote, ou un collègue auquel vous pensez" in blocks
    )
    assert "`/mentor forget-me` : supprimer vos données de mentorat" in blocks
    assert "show this list" not in blocks
    with reading_in("fr"):
        text, reply = direct_message_reply(is_admin=True)
    assert text == "Je fonctionne avec la commande /mentor : essayez /mentor help."
    assert "`/mentor admin` : outils d'administration du programme" in json.dumps(reply, ensure_ascii=False)


def test_a_typo_is_answered_in_french_with_the_closest_command():
    router = _router()
    suggestion = router.suggest("reqest")
    assert suggestion == "request"
    with reading_in("fr"):
        text = help_text("reqest", suggestion)
        blocks = help_blocks(router.listed(), "reqest", suggestion)
        admin_blocks = json.dumps(admin_menu_blocks("topcs", "topics"), ensure_ascii=False)
        refused = not_admin_text(admin.EDIT_TOPICS)
    assert text == "Je ne connais pas /mentor reqest. Vouliez-vous dire /mentor request\u00a0?"
    assert blocks[0]["text"]["text"] == (
        ":thinking_face: Je ne connais pas `/mentor reqest`. Vouliez-vous dire `/mentor request`\u00a0?"
    )
    assert "Vouliez-vous dire `/mentor admin topics`\u00a0?" in admin_blocks
    assert refused.startswith(
        "Seuls les administrateurs du programme peuvent modifier les thèmes de mentorat."
    )


def test_default_topics_are_shown_in_french_and_an_admin_topic_as_written():
    with reading_in("fr"):
        assert topic_label("Giving feedback") == "Donner des retours constructifs"
        assert topic_label("Rust & async") == "Rust & async"
        assert topic_label("giving feedback") == "giving feedback"  # edited by an admin: their words
        element = topic_select("topics", TOPICS, ["Giving feedback", "Rust & async"])
    options = {o["value"]: o["text"]["text"] for o in element["options"]}
    assert options["Giving feedback"] == "Donner des retours constructifs"
    assert options["Rust & async"] == "Rust & async"
    assert set(options) == set(TOPICS)  # stored values stay the English names
    assert [o["value"] for o in element["initial_options"]] == ["Giving feedback", "Rust & async"]
    assert all(o in element["options"] for o in element["initial_options"])  # Slack wants them identical
    shown = [o["text"]["text"] for o in element["options"]]
    assert shown.index("Écriture") < shown.index("Gestion du temps")  # in the reader's alphabetical order
    assert shown.index("Donner des retours constructifs") < shown.index("Écriture")
    with reading_in("en"):
        assert topic_label("Giving feedback") == "Giving feedback"


def test_the_pair_reads_the_reasons_about_the_copilot_in_french():
    with reading_in("fr"):
        assert copilot_named(
            "The copilot is 2 levels behind the mentee, which is unusual for this programme.", "<@U2>"
        ) == ("<@U2> a 2 niveaux de moins que la personne mentorée, ce qui est inhabituel dans ce programme.")
        assert to_the_copilot(
            "The copilot is one level ahead: far enough to have been there, close enough to remember."
        ) == (
            "Vous avez un niveau d'avance : assez loin pour être passé par là, assez près pour vous en souvenir."
        )
        assert to_the_copilot("Your working days overlap by 1.5 hours.") == (
            "Vos journées de travail se chevauchent sur 1,5 heures."
        )
        assert to_the_copilot("A sentence nobody wrote.") == "A sentence nobody wrote."


def test_counts_in_french_follow_its_plural_rule():
    with reading_in("fr"):
        assert (
            round_done_text(1, 0)
            == "Tour de jumelage terminé : 1 copilote sollicité, 0 demande toujours en attente."
        )
        assert forgotten_text(2).endswith("2 binômes ont pris fin et vos partenaires ont été prévenus.")
        home = json.dumps(
            home_blocks(VolunteerSummary(True, ("Writing",), 2, 0, None, None)), ensure_ascii=False
        )
    assert "0 personne mentorée actuellement" in home
    assert "*Vous êtes bénévole :* Écriture" in home


def _plain_texts(node: Any) -> list[tuple[str, str]]:
    """(where, text) for every plain_text object in a view."""
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        if node.get("type") == "plain_text":
            found.append(("", node["text"]))
        for key, value in node.items():
            found += [(where or key, text) for where, text in _plain_texts(value)]
    elif isinstance(node, list):
        for value in node:
            found += _plain_texts(value)
    return found


VIEWS = {
    "request": lambda: request_modal(TOPICS, channel_id="C1"),
    "volunteer": lambda: volunteer_modal(TOPICS, None),
    "decline": lambda: decline_modal(7, "C1", "1.2"),
    "topics": lambda: topics_modal(list(TOPICS), "C1"),
    "person": lambda: person_modal("U1", None, "C1"),
    "settings": lambda: settings_modal(ProgramSettings()),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_french_modals_fit_slack_limits_without_being_cut(name: str):
    with reading_in("fr"):
        view = VIEWS[name]()
        confirm = confirm_blocks()
        stale = stale_text("not_found")
    assert view_problems(view, expected_type="modal") == []  # Slack's limits, as the stand-in checks them
    assert len(view["title"]["text"]) <= 24 and len(view["submit"]["text"]) <= 24
    assert len(view["close"]["text"]) <= 24
    for where, text in _plain_texts(view):
        # plain() cuts a text that is too long with "…": none of ours may need it
        assert not text.endswith("…"), (where, text)
    with reading_in("en"):
        english = VIEWS[name]()
    assert json.dumps(view) != json.dumps(english)  # it was translated
    assert "Supprimer mes données" in json.dumps(confirm, ensure_ascii=False)
    assert stale == "Je ne trouve plus cette demande. Rien n'a été modifié."


def test_request_form_options_are_translated_per_build():
    with reading_in("fr"):
        french = json.dumps(request_modal(TOPICS), ensure_ascii=False)
    english = json.dumps(request_modal(TOPICS), ensure_ascii=False)
    assert "Quelqu'un de mon équipe" in french and "Someone from my team" in english
    assert "Quelqu'un de mon équipe" not in english
    assert RequestForm(goals="", topics=(), cadence="").team_preference == "either"


def test_french_messages_and_home_sections_are_valid_block_kit():
    with reading_in("fr"):
        built = {
            "offer": _offer()["blocks"],
            "help": help_blocks(_router().listed(), "reqest", "request"),
            "admin menu": admin_menu_blocks("topcs", "topics"),
            "volunteer home": home_blocks(VolunteerSummary(True, ("Writing",), 2, 1, date(2026, 3, 9), None)),
            "paused home": home_blocks(VolunteerSummary(False, (), 1, 0, None, None)),
            "new volunteer": home_blocks(None),
            "forget me": confirm_blocks()[1],
        }
    for name, blocks in built.items():
        assert blocks_problems(blocks) == [], name
        for _where, text in _plain_texts(blocks):
            assert not text.endswith("…"), (name, text)
