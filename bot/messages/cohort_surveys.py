"""What a cohort's people and admins read after its round: the private survey (mid-point and end) and
the program-level report in App Home.

The report's shapes (CohortReport, StageFigures) are defined here; bot.cohorts.report fills them with
program-level counts and averages only: no answer of one person, and never a comment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from bot.i18n import N_, _, format_number
from bot.messages.form_fields import field_value, form_input, modal, option, view_metadata
from bot.messages.message import Message
from bot.messages.text import actions, button, context, divider, escape, format_date, header, section
from bot.rules.cohorts import COMMENT_MAX, MIN_ANSWERS, SCORES, CohortState, Stage

OPEN_ACTION = "cohort_open"
PREVIEW_ACTION = "cohort_preview"
EXPORT_ACTION = "cohort_export_csv"
SURVEY_ACTION = "cohort_survey_open"
SURVEY_CALLBACK = "cohort_survey_form"
USEFUL, RECOMMEND, COMMENT = "useful", "recommend", "comment"

# Whole sentences per survey, so a translation never has to fit a stage's name into another sentence.
SURVEY_TITLES = {
    Stage.MIDPOINT: N_("The cohort {name} is halfway: two quick questions for you"),
    Stage.END: N_("The cohort {name} has reached its planned end: two quick questions for you"),
}
SURVEY_LINES = {
    Stage.MIDPOINT: N_(
        "Mid-point survey: {answered} of {asked} answered. Useful: {useful}. Would recommend: {recommend}."
    ),
    Stage.END: N_(
        "End survey: {answered} of {asked} answered. Useful: {useful}. Would recommend: {recommend}."
    ),
}


@dataclass(frozen=True)
class StageFigures:
    """One survey of a cohort: how many were asked and answered, and averages (None below MIN_ANSWERS)."""

    stage: str
    asked: int
    answered: int
    useful: float | None
    recommend: float | None


@dataclass(frozen=True)
class CohortReport:
    """A cohort's program-level report: counts and averages, never a name, an answer or a comment."""

    cohort_id: int
    name: str
    state: str
    opens_on: date
    closes_on: date
    starts_on: date
    ends_on: date
    mentees: int  # sign-ups
    copilots: int
    pairs: int
    meetings: int
    stages: tuple[StageFigures, ...] = ()


# --- the survey ----------------------------------------------------------------------------------------------


def survey_message(survey_id: int, name: str, stage: str) -> Message:
    text = _(SURVEY_TITLES[Stage(stage)], name=name)
    return Message(
        text,
        [
            section(f"*{escape(text)}*"),
            section(_("How useful has the mentoring been, and would you recommend it? One minute, private.")),
            actions(
                button(_("Answer"), SURVEY_ACTION, str(survey_id)), block_id=f"cohort_survey_{survey_id}"
            ),
            context(
                _(
                    "Your answers stay private: admins see only averages of at least {count} answers, "
                    "never yours alone, and never your comment.",
                    count=MIN_ANSWERS,
                )
            ),
        ],
    )


def _scores(action_id: str) -> dict[str, Any]:
    return {
        "type": "radio_buttons",
        "action_id": action_id,
        "options": [option(str(score)) for score in SCORES],
    }


def survey_modal(survey_id: int, name: str) -> dict[str, Any]:
    blocks = [
        context(_("Cohort: *{name}*", name=escape(name))),
        form_input(
            USEFUL,
            _("How useful has it been for you? (1 = not at all, 5 = very)"),
            _scores(USEFUL),
        ),
        form_input(
            RECOMMEND,
            _("Would you recommend it to a colleague? (1 = no, 5 = certainly)"),
            _scores(RECOMMEND),
        ),
        form_input(
            COMMENT,
            _("Anything else? (optional, private)"),
            {"type": "plain_text_input", "action_id": COMMENT, "multiline": True, "max_length": COMMENT_MAX},
            optional=True,
            hint={"type": "plain_text", "text": _("Kept with your answer; no report ever shows it.")},
        ),
    ]
    return modal(
        SURVEY_CALLBACK,
        _("Cohort survey"),
        submit=_("Send"),
        close=_("Cancel"),
        blocks=blocks,
        metadata={"survey": survey_id},
    )


def survey_of(view: Mapping[str, Any]) -> int | None:
    value = view_metadata(view).get("survey")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def survey_answers_from(values: dict[str, dict[str, dict[str, Any]]]) -> tuple[int | None, int | None, str]:
    field = partial(field_value, values)

    def score(name: str) -> int | None:
        try:
            value = int((field(name).get("selected_option") or {}).get("value", ""))
        except ValueError:
            return None
        return value if value in SCORES else None

    return score(USEFUL), score(RECOMMEND), (field(COMMENT).get("value") or "").strip()[:COMMENT_MAX]


def survey_errors(useful: int | None, recommend: int | None) -> dict[str, str]:
    errors = {}
    if useful is None:
        errors[USEFUL] = _("Pick a number from 1 to 5.")
    if recommend is None:
        errors[RECOMMEND] = _("Pick a number from 1 to 5.")
    return errors


def survey_thanks_text() -> str:
    return _(":pray: Thanks, your answer is saved. It stays private.")


def survey_not_yours_text() -> str:
    return _("This survey was sent to someone else, so only they can answer it.")


# --- the report -------------------------------------------------------------------------------------------


def _average(value: float | None) -> str:
    if value is None:
        return _("not shown (fewer than {count} answers)", count=MIN_ANSWERS)
    return _("{value} out of 5", value=format_number(value, digits=1))


def report_lines(report: CohortReport) -> list[str]:
    lines = [
        _(
            "Sign-ups: {mentees} mentees, {copilots} copilots. Pairs formed: {pairs}. Meetings held: {meetings}.",
            mentees=format_number(report.mentees),
            copilots=format_number(report.copilots),
            pairs=format_number(report.pairs),
            meetings=format_number(report.meetings),
        )
    ]
    for figures in report.stages:
        lines.append(
            _(
                SURVEY_LINES[Stage(figures.stage)],
                answered=format_number(figures.answered),
                asked=format_number(figures.asked),
                useful=_average(figures.useful),
                recommend=_average(figures.recommend),
            )
        )
    return lines


def home_blocks(reports: Sequence[CohortReport]) -> list[dict[str, Any]]:
    """App Home for a program admin: each cohort's program-level report, and a button to open one."""
    blocks: list[dict[str, Any]] = [divider(), header(_("Mentoring cohorts"))]
    for report in reports:
        status = (
            _(
                "sign-ups until {closes}, starts {starts}",
                closes=format_date(report.closes_on),
                starts=format_date(report.starts_on),
            )
            if report.state == CohortState.SIGNING_UP
            else _(
                "from {starts} to {ends}",
                starts=format_date(report.starts_on, year=True),
                ends=format_date(report.ends_on, year=True),
            )
        )
        blocks.append(section(f"*{escape(report.name)}* ({status})\n" + "\n".join(report_lines(report))))
        buttons = [button(_("Download CSV"), EXPORT_ACTION, str(report.cohort_id))]
        if report.state == CohortState.SIGNING_UP:
            buttons.insert(0, button(_("Preview the round"), PREVIEW_ACTION, str(report.cohort_id)))
        blocks.append(actions(*buttons, block_id=f"cohort_report_{report.cohort_id}"))
    if not reports:
        blocks.append(
            context(_("No cohort yet. Open one to take sign-ups in a window and pair everyone at once."))
        )
    blocks.append(actions(button(_("Open a cohort"), OPEN_ACTION), block_id="cohort_open"))
    return blocks


def export_title(name: str) -> str:
    return _("Cohort report: {name}", name=name)


def export_failed_text() -> str:
    return _("I couldn't upload the cohort report just now. Please try again in a minute.")


def no_such_cohort_text() -> str:
    return _("I can't find that cohort any more.")
