"""What the expectation-setting questionnaire asks: every question, its options, who is asked it, and
whether the two answers are compared.

A mentee and a copilot answer the same questions on their own (a few are asked of one role only). Answers
and terms are plain JSON-able dicts keyed by the question keys below, because that is how they are stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from bot.i18n import N_

Role = Literal["mentee", "copilot"]
QuestionKind = Literal["choice", "number_or_date", "text", "bool", "days", "time_window"]
Owner = Literal["both", "mentee", "copilot"]
Option = tuple[Any, str, str]  # (stored value, label, one-line help); words marked N_, translated where shown

RELATIONSHIP_KINDS: dict[str, tuple[str, str]] = {
    "copilot": (
        N_("Copilot (peer mentoring)"),
        N_("A colleague who helps you grow through regular conversations."),
    ),
    "networking": (
        N_("Networking contact"),
        N_("Information and introductions when you need them, with no regular meetings."),
    ),
    "coaching": (
        N_("Coaching on one skill"),
        N_("Focused practice and feedback on one specific skill until you have it."),
    ),
    "sponsorship": (
        N_("Sponsorship"),
        N_("Someone who advocates for you and puts your name forward when you're not in the room."),
    ),
}

CADENCE_OPTIONS: tuple[Option, ...] = (
    (
        "weekly",
        N_("Every week"),
        N_("Good for a short, intense stretch of work on something."),
    ),
    (
        "biweekly",
        N_("Every two weeks"),
        N_("The usual rhythm: time to try things between conversations."),
    ),
    ("monthly", N_("Every four weeks"), N_("A lighter touch, about once a month.")),
)
MEETING_MINUTES_OPTIONS: tuple[Option, ...] = (
    (30, N_("30 minutes"), N_("Enough for a focused check-in.")),
    (45, N_("45 minutes"), N_("Room for one topic in depth.")),
    (60, N_("1 hour"), N_("Room to go deep or cover several topics.")),
)
MEETING_FORMAT_OPTIONS: tuple[Option, ...] = (
    ("in_person", N_("In person"), N_("Meet face to face, e.g. over coffee.")),
    ("video", N_("Video call"), N_("Cameras on, from wherever you are.")),
    ("chat", N_("Chat"), N_("Written conversations in Slack, at a set time.")),
)
LENGTH_OPTIONS: tuple[Option, ...] = (
    ("meetings", N_("A number of meetings"), N_("Between 1 and 52 meetings.")),
    ("end_date", N_("Until a date"), N_("Up to two years from today.")),
)
ORGANISER_OPTIONS: tuple[Option, ...] = (
    ("mentee", N_("The mentee"), N_("Usual choice: mentoring is driven by the mentee.")),
    ("copilot", N_("The copilot"), N_("The copilot sends the invitations.")),
    ("alternate", N_("We take turns"), N_("Whoever didn't set up the last meeting sets up the next one.")),
)
# English names for reference; people read the day names of their own language (CLDR, through Babel).
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_OPTIONS: tuple[Option, ...] = tuple((number, name, "") for number, name in enumerate(WEEKDAY_NAMES))


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    kind: QuestionKind
    options: tuple[Option, ...]
    required: bool
    owner: Owner
    compared: bool
    help: str = ""

    def asked_of(self, role: Role) -> bool:
        return self.owner in ("both", role)


QUESTIONS: tuple[Question, ...] = (
    Question(
        "relationship_kind",
        N_("What kind of relationship are you looking for?"),
        "choice",
        tuple((key, label, help_text) for key, (label, help_text) in RELATIONSHIP_KINDS.items()),
        required=True,
        owner="both",
        compared=True,
    ),
    Question(
        "cadence",
        N_("How often would you like to meet?"),
        "choice",
        CADENCE_OPTIONS,
        required=True,
        owner="both",
        compared=True,
    ),
    Question(
        "meeting_minutes",
        N_("How long should each meeting be?"),
        "choice",
        MEETING_MINUTES_OPTIONS,
        required=True,
        owner="both",
        compared=True,
    ),
    Question(
        "meeting_format",
        N_("How would you like to meet?"),
        "choice",
        MEETING_FORMAT_OPTIONS,
        required=True,
        owner="both",
        compared=True,
    ),
    Question(
        "length",
        N_("How long should the mentoring last?"),
        "number_or_date",
        LENGTH_OPTIONS,
        required=True,
        owner="both",
        compared=True,
    ),
    Question(
        "organiser",
        N_("Who sets up the meetings?"),
        "choice",
        ORGANISER_OPTIONS,
        required=False,  # defaults to the mentee
        owner="both",
        compared=True,
    ),
    Question(
        "goals",
        N_("What would you like to work on?"),
        "text",
        (),
        required=True,
        owner="mentee",
        compared=False,
        help=N_("A few sentences are plenty. Your copilot reads this before your first meeting."),
    ),
    Question(
        "offer",
        N_("What can you offer?"),
        "text",
        (),
        required=True,
        owner="copilot",
        compared=False,
        help=N_("Experience, skills or perspective you're happy to share."),
    ),
    Question(
        "expectations",
        N_("What do you expect from the other person?"),
        "text",
        (),
        required=False,
        owner="both",
        compared=False,
        help=N_("E.g. come prepared with a topic, tell me if you need to cancel."),
    ),
    Question(
        "confidentiality",
        N_("I'll keep what we discuss between us"),
        "bool",
        (),
        required=True,
        owner="both",
        compared=False,
    ),
    Question(
        "preferred_days",
        N_("Which days suit you best?"),
        "days",
        DAY_OPTIONS,
        required=False,
        owner="both",
        compared=True,
    ),
    Question(
        "time_window",
        N_("What time of day suits you? (your local time)"),
        "time_window",
        (),
        required=False,
        owner="both",
        compared=True,
    ),
)

QUESTION_BY_KEY: dict[str, Question] = {question.key: question for question in QUESTIONS}
COMPARED_KEYS: tuple[str, ...] = tuple(question.key for question in QUESTIONS if question.compared)

TEXT_MAX_CHARS = 2000
GOALS_MIN_CHARS = 20
MAX_MEETINGS = 52
MIN_WINDOW_MINUTES = 30  # shortest useful meeting slot
