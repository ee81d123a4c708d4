"""Introductions, the network, promises, summaries, digests and the chart, read by a French speaker.

Each builder translates when it runs, inside ``reading_in("fr")``: French sentences, French plurals (0 and 1
are singular), French dates, and views Slack still accepts without any French text clipped.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from PIL import ImageDraw

from bot.demo.slack_standin.blockkit import block_texts, blocks_problems, view_problems
from bot.i18n import reading_in
from bot.messages.contacts import ContactFields, KeepInTouch, contact_modal, keep_in_touch_message
from bot.messages.introductions import (
    FollowUp,
    IntroDraft,
    IntroMessage,
    IntroOverview,
    Volume,
    follow_up_message,
    home_blocks,
    intro_message,
    intro_modal,
    intro_sent_modal,
    report_modal,
)
from bot.messages.network import NetworkPage, network_home_blocks
from bot.messages.promises import PromiseDraft, PromiseDue, promise_due_message, promise_modal
from bot.messages.summaries import chart_title, digest_blocks, digest_text, summary_blocks
from bot.oversight.chart import health_chart
from bot.rules.summary_figures import (
    PairingFacts,
    PersonFacts,
    ProgramFacts,
    Scope,
    WeekChanges,
    summarize,
    weekly_health,
)

NOW = datetime(2026, 3, 19, 9, 0, tzinfo=UTC)


def both(build: Any) -> tuple[Any, Any]:
    with reading_in("en"):
        english = build()
    with reading_in("fr"):
        french = build()
    return english, french


def text_of(value: Any) -> str:
    return "\n".join(block_texts(value))


def test_an_introduction_reads_in_french_with_the_mentions_and_the_reason_untouched():
    intro = IntroMessage("U1", "U2", "U3", "Kim runs the <feedback> workshops", True)
    english, french = both(lambda: intro_message(intro))
    assert english.text == "<@U2>, meet <@U3>: Kim runs the &lt;feedback&gt; workshops"
    assert french.text == "<@U2>, voici <@U3> : Kim runs the &lt;feedback&gt; workshops"
    shown = text_of(french.blocks)
    assert "<@U1> pense que vous devriez vous parler :\n>Kim runs the &lt;feedback&gt; workshops" in shown
    assert "la conversation vous appartient" in shown
    assert "meet" not in shown and "thinks" not in shown


def test_the_follow_up_writes_a_french_date_and_keeps_its_action_ids():
    follow = FollowUp(7, "U2", "U3", "U1", date(2026, 3, 19), 2)
    english, french = both(lambda: follow_up_message(follow))
    assert french.text == "Avez-vous pu échanger avec <@U3>? (je repose la question une dernière fois)"
    assert "<@U1> a fait cette mise en relation le jeu. 19 mars." in text_of(french.blocks)
    ids = [[e["action_id"] for e in b["elements"]] for b in french.blocks if b["type"] == "actions"]
    assert ids == [[e["action_id"] for e in b["elements"]] for b in english.blocks if b["type"] == "actions"]
    assert "Oui, rencontre faite" in text_of(french.blocks)


def facts() -> ProgramFacts:
    people = {i: PersonFacts(i, f"U{i}", f"Person {i}", None, "UTC", False) for i in range(1, 5)}
    pairings = [
        PairingFacts(
            id=i,
            mentee_id=i,
            copilot_id=4,
            request_id=None,
            state="active",
            cadence=None,
            cross_team=True,
            created_at=NOW - timedelta(days=20),
            activated_at=NOW - timedelta(days=18),
            last_met_at=None,
            next_checkin_at=NOW + timedelta(days=3),
            ended_at=None,
            end_reason=None,
        )
        for i in (1, 2)
    ]
    # pairing 3's copilot left: the row says so in the reader's language
    pairings.append(
        PairingFacts(
            3, 3, 99, None, "paused", None, False, NOW - timedelta(days=5), None, None, None, None, None
        )
    )
    return ProgramFacts(people=people, pairings=pairings)


def test_a_lead_summary_reads_in_french_with_french_plurals():
    summary = summarize(facts(), Scope("Léa Berg", frozenset({1, 2, 3})), NOW)
    english, french = both(lambda: summary_blocks(summary))
    assert english[0]["text"]["text"] == "Mentoring: Léa Berg's people"
    assert french[0]["text"]["text"] == "Mentorat : l'équipe de Léa Berg"
    figures = french[1]["text"]["text"]
    assert "*Participants :* 3 personnes mentorées · 0 copilote · 0 bénévole pouvant" in figures
    assert "*Demandes :* 0 ouverte · 0 offre en attente de réponse" in figures
    assert "Sur la bonne voie : 2" in figures and "En pause : 1" in figures
    assert "*Mises en relation :* 0 faite · 0 aboutie" in figures
    assert "masqué jusqu'à ce qu'au moins 3 personnes aient répondu" in figures
    assert "*Entre équipes :* 67\u00a0%" in figures or "*Entre équipes :* 67\u202f%" in figures
    rows = text_of(french[3:])
    assert "depuis le " in rows and "une personne partie" in rows and "*En pause*" in rows
    assert "Participants:" in english[1]["text"]["text"] and "0 copilots" in english[1]["text"]["text"]
    assert not blocks_problems(french)


def test_the_digest_and_its_chart_title_read_in_french():
    summary = summarize(facts(), Scope("Léa Berg", frozenset({1, 2})), NOW)
    with reading_in("fr"):
        title = chart_title(summary)
        text = digest_text(summary)
        first = digest_blocks(summary, WeekChanges(new_pairings=1, newly_stalled=0, first_digest=True))
        later = digest_blocks(summary, WeekChanges(new_pairings=2, newly_stalled=1, first_digest=False))
    assert title == "État des binômes, 12 dernières semaines : l'équipe de Léa Berg"
    assert text.startswith("Votre résumé hebdomadaire du mentorat pour l'équipe de Léa Berg : 2 sur la bonne")
    assert "*Cette semaine :* 1 nouveau binôme (votre premier résumé" in text_of(first)
    assert "*Depuis la semaine dernière :* 2 nouveaux binômes · 1 passé au point mort" in text_of(later)
    assert "Désactiver le résumé hebdomadaire" in text_of(first)


def test_the_chart_draws_its_legend_note_and_dates_in_french(monkeypatch: pytest.MonkeyPatch):
    drawn: list[str] = []
    original = ImageDraw.ImageDraw.text

    def record(self: ImageDraw.ImageDraw, xy: Any, text: str, *args: Any, **kwargs: Any) -> None:
        drawn.append(text)
        original(self, xy, text, *args, **kwargs)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", record)
    weeks = weekly_health(facts(), Scope("Léa Berg", frozenset({1, 2, 3})), NOW)
    with reading_in("fr"):
        png = health_chart(weeks, "État des binômes, 12 dernières semaines : l'équipe de Léa Berg")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert drawn[0] == "État des binômes, 12 dernières semaines : l'équipe de Léa Berg"
    for words in ("Sur la bonne voie", "Au point mort", "Attentes à définir", "En pause"):
        assert words in drawn
    assert any("estimées" in line for line in drawn)
    assert "9 mars" in drawn and "29 déc." in drawn  # week Mondays, as a French reader writes them
    assert not any("On track" in line or "Mar" in line for line in drawn)


def views_and_messages() -> list[tuple[str, Any]]:
    volume = Volume(open_items=12, limit=10)
    today = date(2026, 3, 19)
    overview = IntroOverview([], [], 0, 0)
    page = NetworkPage([], 0, 0, 1, [], 0, volume)
    return [
        ("view", intro_modal(IntroDraft("U2", None, volume), "C1")),
        ("view", intro_sent_modal("U2", "U3", True, volume)),
        ("view", report_modal(7, "U3")),
        ("view", contact_modal(4, ContactFields("U5", "", "", "", "", None, 14), today)),
        ("view", contact_modal(None, None, today)),
        ("view", promise_modal(PromiseDraft(None, "Ana", "send the deck", None, None, today, volume))),
        ("blocks", home_blocks(overview)),
        ("blocks", network_home_blocks(page)),
        ("blocks", keep_in_touch_message(KeepInTouch(4, "U1", None, "Ana", 1, True)).blocks),
        ("blocks", promise_due_message(PromiseDue(3, "U1", "U5", "", "send the deck", today, today)).blocks),
    ]


def test_french_views_stay_within_slacks_limits_and_nothing_is_clipped():
    english, french = both(views_and_messages)
    for (kind, en), (_, fr) in zip(english, french, strict=True):
        problems = view_problems(fr) if kind == "view" else blocks_problems(fr)
        assert not problems, problems
        en_texts, fr_texts = block_texts(en), block_texts(fr)
        assert len(en_texts) == len(fr_texts)
        for en_text, fr_text in zip(en_texts, fr_texts, strict=True):
            # plain() ends a text cut to Slack's limit with "…": French must never be cut where English isn't
            assert en_text.endswith("…") or not fr_text.endswith("…"), fr_text
        assert en_texts != fr_texts


def test_one_day_is_singular_in_both_languages():
    reminder = KeepInTouch(4, "U1", "U5", "", 1, True)
    english, french = both(lambda: keep_in_touch_message(reminder).text)
    assert english == "It's been 1 day since you talked to <@U5>. No reason needed to say hi."
    assert french == "Cela fait 1 jour que vous avez parlé à <@U5>. Pas besoin de raison pour dire bonjour."
