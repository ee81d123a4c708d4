"""No single pulse answer can be worked out from the figures leads and admins see over time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.pulse_privacy import PULSE_MIN_NEW, PulseAnswer, PulseFigure, band_of, pulse_figure

MONDAY = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
scores = st.integers(min_value=1, max_value=5)


def _average_shown(figure: PulseFigure | None) -> float | None:
    """What an attacker reads as "the average": the band's middle (the figure shows no average)."""
    return None if figure is None else (figure.low + figure.high) / 2


@settings(max_examples=60, deadline=None)
@given(first_three=st.lists(scores, min_size=3, max_size=3), hours=st.integers(0, 24 * 20))
def test_the_subtraction_4avg4_minus_3avg3_recovers_no_score(first_three, hours):
    answers = [PulseAnswer(n, s, MONDAY + timedelta(hours=n)) for n, s in enumerate(first_three)]
    days = range(8, 60)  # a lead looking every day, before and after the fourth answer
    avg3 = {_average_shown(pulse_figure(answers, MONDAY + timedelta(days=d))) for d in days} - {None}
    assert len(avg3) == 1  # shown once three had answered, and steady since
    (a3,) = avg3
    guesses_by_score = {}
    for fourth in range(1, 6):
        with_four = [*answers, PulseAnswer(9, fourth, MONDAY + timedelta(days=8, hours=hours))]
        seen = [_average_shown(pulse_figure(with_four, MONDAY + timedelta(days=d))) for d in days]
        guesses_by_score[fourth] = {4 * a4 - 3 * a3 for a4 in seen if a4 is not None}
    # What the lead sees is the same whatever the fourth person answered: the subtraction gives the same
    # number for every score, so it recovers none of them.
    assert len({frozenset(g) for g in guesses_by_score.values()}) == 1
    assert not all(fourth in guesses for fourth, guesses in guesses_by_score.items())


@settings(max_examples=60, deadline=None)
@given(base=st.lists(scores, min_size=3, max_size=8), newcomers=st.lists(scores, min_size=1, max_size=6))
def test_the_figure_moves_only_once_three_new_people_have_answered(base, newcomers):
    answers = [PulseAnswer(n, s, MONDAY + timedelta(minutes=n)) for n, s in enumerate(base)]
    shown = pulse_figure(answers, MONDAY + timedelta(days=7, hours=1))
    assert shown is not None and shown.as_of == (MONDAY + timedelta(days=7)).date()
    later = [PulseAnswer(100 + n, s, MONDAY + timedelta(days=8, minutes=n)) for n, s in enumerate(newcomers)]
    after = pulse_figure([*answers, *later], MONDAY + timedelta(days=15, hours=1))
    if len(newcomers) < PULSE_MIN_NEW:
        assert after == shown
    else:
        assert after is not None and after.as_of == (MONDAY + timedelta(days=14)).date()
        everyone = [*base, *newcomers]
        assert after.low == band_of(sum(everyone) / len(everyone))
        assert after.people_at_least <= len(everyone)


def test_a_person_answering_again_counts_once_towards_the_three_new():
    answers = [PulseAnswer(n, 3, MONDAY + timedelta(minutes=n)) for n in range(3)]
    shown = pulse_figure(answers, MONDAY + timedelta(days=7, hours=1))
    again = [PulseAnswer(0, 5, MONDAY + timedelta(days=8, minutes=m)) for m in range(5)]
    assert pulse_figure([*answers, *again], MONDAY + timedelta(days=30)) == shown


def test_the_count_is_never_exact_and_nothing_shows_with_fewer_than_three():
    two = [PulseAnswer(n, 5, MONDAY + timedelta(minutes=n)) for n in range(2)]
    assert pulse_figure(two, MONDAY + timedelta(days=10)) is None
    seven = [PulseAnswer(n, 5, MONDAY + timedelta(minutes=n)) for n in range(7)]
    figure = pulse_figure(seven, MONDAY + timedelta(days=10))
    assert figure is not None and (figure.low, figure.high, figure.people_at_least) == (4, 5, 5)
