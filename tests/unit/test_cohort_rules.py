"""The pure rules of a cohort: its form's dates, its planned end and mid-point, and averages only from
three answers on."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.rules.cohorts import (
    LENGTHS,
    MIN_ANSWERS,
    CohortForm,
    add_months,
    average,
    check_cohort_form,
    midpoint,
    planned_end,
)

TODAY = date(2026, 3, 2)


def _form(**changes: object) -> CohortForm:
    values: dict[str, object] = {
        "name": "Spring cohort",
        "opens_on": TODAY,
        "closes_on": date(2026, 3, 13),
        "starts_on": date(2026, 3, 23),
        "length_months": 6,
    }
    values.update(changes)
    return CohortForm(**values)  # type: ignore[arg-type]


def test_a_sensible_form_has_no_problem():
    assert check_cohort_form(_form(), TODAY) == {}


def test_each_bad_date_is_named_on_its_field():
    assert set(check_cohort_form(_form(closes_on=date(2026, 3, 1)), TODAY)) == {"closes"}
    assert set(check_cohort_form(_form(starts_on=date(2026, 3, 13)), TODAY)) == {"starts"}
    assert set(check_cohort_form(_form(opens_on=date(2026, 3, 1), closes_on=None), TODAY)) == {
        "opens",
        "closes",
    }
    assert set(check_cohort_form(_form(name=" ", length_months=5), TODAY)) == {"name", "length"}


@given(st.dates(date(2000, 1, 1), date(2100, 1, 1)), st.sampled_from(LENGTHS))
def test_the_planned_end_is_whole_months_on_and_the_midpoint_between(start: date, months: int):
    end = planned_end(start, months)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    assert end.day == start.day or (end.day < start.day and (end + timedelta(days=1)).day == 1)
    middle = midpoint(start, end)
    assert start < middle < end and abs((middle - start) - (end - middle)) <= timedelta(days=1)


def test_month_ends_are_clamped():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


@given(st.lists(st.integers(1, 5), max_size=20))
def test_an_average_needs_three_answers_and_stays_within_the_scale(scores: list[int]):
    value = average(scores)
    if len(scores) < MIN_ANSWERS:
        assert value is None
    else:
        assert value is not None and min(scores) <= value <= max(scores)
