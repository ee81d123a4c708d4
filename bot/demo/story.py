"""The demo's story: who works at Acme, and what they do over five simulated weeks.

Two teams (Support in Berlin, Platform in London, one engineer in New York), each with a lead; a
program admin. Ana asks for a copilot (an open request); Bo names the colleague he'd like; Eli names
his own manager and is told why not (the reporting-line rule). The first
volunteer asked for Ana declines, the next accepts; they set expectations and settle one difference;
check-ins follow at the agreed rhythm; the copilot introduces Ana to someone useful; Noa joins Support
and gets an onboarding buddy (never Lea, her manager, though Lea welcomes new colleagues); a lead looks at
the program. Then Pat opens a mentoring cohort: Dara signs up from its announcement, Sol and
Kim volunteer, and at the close one round pairs Dara with Sol, who start on the cohort's date.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.demo.people import TEAM_ID, Colleague
from bot.demo.simulation import Simulation

START = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)  # Tuesday 3 March 2026, 09:00 in Berlin

BERLIN, LONDON, NEW_YORK = "Europe/Berlin", "Europe/London", "America/New_York"

ANA_GOALS = (
    "I freeze when I have to give critical feedback to senior engineers. I want a way to prepare "
    "for those conversations and practise them."
)
BO_GOALS = "I'd like to learn how to run design reviews for systems that span several teams."
DECLINE_REASON = "The database migration takes all my time until April."
ANA_REPORT = "We role-played Thursday's review with the staff engineer; I wrote my three points down first."
INTRO_REASON = (
    "{kim} runs the feedback workshops for new leads and has great material for hard conversations."
)
# What both people in a pair answer alike in the expectations form (block id -> answer).
COMMON_ANSWERS = {
    "relationship_kind": "copilot",
    "meeting_minutes": "45",
    "meeting_format": "video",
    "length_meetings": "6",
    "confidentiality": ["yes"],
}
INTRO_REPORT = "{kim} shared the workshop slides and invited me to the April session."
COHORT_CHANNEL = "CMENTORING"
DARA_GOALS = "I'd like to get better at saying no to stakeholders without damaging the relationship."


def cast(seed: int = 0) -> tuple[dict[str, Colleague], str]:
    """A dozen colleagues and the program admin's user id. The seed shuffles first names within teams."""
    rng = random.Random(seed)
    support = ["Ana", "Bo", "Dara", "Eli"]
    platform = ["Vic", "Wen", "Cy", "Kim", "Sol"]
    if seed:
        rng.shuffle(support)
        rng.shuffle(platform)
    surnames = ["Ruiz", "Lind", "Shah", "Novak", "Hale", "Li", "Park", "Sato", "Moreau"]
    people = [
        Colleague("UPAT", "Pat", "Pat Quinn", BERLIN, "People", "Program lead, People team", 6),
        Colleague("ULEA", "Lea", "Lea Berg", BERLIN, "Support", "Head of Support", 6),
        Colleague("UMAX", "Max", "Max Otto", LONDON, "Platform", "Head of Platform", 6),
    ]
    roles = ["UANA", "UBO", "UDARA", "UELI"]
    for user_id, first, surname in zip(roles, support, surnames[:4], strict=True):
        people.append(
            Colleague(user_id, first, f"{first} {surname}", BERLIN, "Support", "Support engineer", 3, "ULEA")
        )
    roles = ["UVIC", "UWEN", "UCY", "UKIM", "USOL"]
    for user_id, first, surname in zip(roles, platform, surnames[4:], strict=True):
        tz = NEW_YORK if user_id == "UCY" else LONDON
        people.append(
            Colleague(user_id, first, f"{first} {surname}", tz, "Platform", "Platform engineer", 4, "UMAX")
        )
    return {p.user_id: p for p in people}, "UPAT"


def org_csv(people: dict[str, Colleague]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["slack_id", "manager_slack_id", "team", "title", "level"])
    for p in people.values():
        writer.writerow([p.user_id, p.manager or "", p.team, p.title, p.level])
    return out.getvalue()


def on_day(days: int, hour: int, minute: int, tz: str) -> datetime:
    """A local time `days` after the story starts."""
    day = START.astimezone(ZoneInfo(tz)).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(tz)).astimezone(UTC)


def mention(sim: Simulation, user_id: str) -> str:
    return f"<@{user_id}|{sim.people[user_id].name.lower()}>"


def play(sim: Simulation) -> None:
    """The whole story, chapter by chapter."""
    n = {user_id: person.name for user_id, person in sim.people.items()}
    workspace(sim)
    volunteers(sim, n)
    requests(sim, n)
    matching(sim, n)
    expectations(sim, n)
    checkins_and_introduction(sim, n)
    onboarding_buddy(sim)
    leads(sim)
    cohort(sim, n)


def workspace(sim: Simulation) -> None:
    from bot.people.org_import import import_org

    sim.chapter("1. Acme's workspace and org chart")
    for person in sim.people.values():
        manager = f", reports to {sim.people[person.manager].name}" if person.manager else ""
        sim.narrate(f"{person.real_name}: {person.title} ({person.team}, {person.tz}){manager}")
    sim.narrate("Pat, the program admin, runs `mentor-bot import-org org.csv`:")
    report = import_org(
        sim.runtime, TEAM_ID, sim.runtime.slack.for_team(TEAM_ID), org_csv(sim.people), source="org.csv"
    )
    for line in report.lines():
        sim.narrate("  " + line)


def volunteers(sim: Simulation, n: dict[str, str]) -> None:
    sim.chapter("2. Volunteers sign up")
    sim.command("UVIC", "volunteer")
    sim.submit(
        "UVIC",
        {
            "topics": ["Giving feedback", "Public speaking"],
            "capacity": "2",
            "welcomes_new_colleagues": ["yes"],
            "intro": "I ran support escalations for five years before moving to Platform.",
        },
    )
    sim.later(minutes=20)
    sim.command("UWEN", "volunteer")
    sim.submit("UWEN", {"topics": ["Giving feedback", "Stakeholder management"], "capacity": "1"})
    sim.later(minutes=15)
    sim.narrate(f"{n['ULEA']}, Head of Support, volunteers too.")
    sim.command("ULEA", "volunteer")
    sim.submit(
        "ULEA",
        {
            "topics": ["Giving feedback", "Leadership", "Public speaking"],
            "capacity": "1",
            "welcomes_new_colleagues": ["yes"],
        },
    )


def requests(sim: Simulation, n: dict[str, str]) -> None:
    sim.chapter("3. Two people ask for a copilot")
    sim.later(minutes=30)
    sim.command("UANA", "request")
    sim.submit(
        "UANA",
        {
            "goals": ANA_GOALS,
            "topics": ["Giving feedback", "Public speaking"],
            "cadence": "weekly",
            "length": "3 months",
            "team": "other",
        },
    )
    sim.later(minutes=10)
    sim.command("UBO", f"request {mention(sim, 'UCY')}", shown=f"request @{sim.people['UCY'].name}")
    sim.submit(
        "UBO", {"goals": BO_GOALS, "topics": ["System design"], "cadence": "monthly", "length": "6 months"}
    )

    sim.later(minutes=10)
    sim.narrate(
        f"{n['UELI']} would like {n['ULEA']}, who volunteered, as copilot. But {n['ULEA']} is "
        f"{n['UELI']}'s manager, and mentor-bot never pairs inside a reporting line:"
    )
    sim.command("UELI", f"request {mention(sim, 'ULEA')}", shown=f"request @{sim.people['ULEA'].name}")
    sim.close_form("UELI")
    sim.narrate(f"{n['UELI']} closes the form: no request is stored, and {n['ULEA']} is never asked.")


def matching(sim: Simulation, n: dict[str, str]) -> None:
    sim.chapter("4. Matching: an offer, a decline, the next offer, two accepts")
    sim.wait_for_message("UVIC", "offer_decline")
    sim.later(minutes=40)
    sim.click("UVIC", "offer_decline")
    sim.submit("UVIC", {"reason": DECLINE_REASON})
    sim.narrate(f"The reason stays with the program: {n['UANA']} only hears that someone else was asked.")
    sim.wait_for_message("UWEN", "offer_accept")
    sim.later(minutes=25)
    sim.click("UWEN", "offer_accept")
    sim.wait_for_message("UCY", "offer_accept")
    sim.advance_to(on_day(0, 9, 40, NEW_YORK))
    sim.click("UCY", "offer_accept")
    sim.later(minutes=5)


def expectations(sim: Simulation, n: dict[str, str]) -> None:
    sim.chapter("5. Setting expectations: one difference, settled")
    sim.wait_for_message("UANA", "expectations_open", text="expectations")
    sim.advance_to(on_day(1, 9, 15, BERLIN))
    sim.click("UANA", "expectations_open")
    sim.submit(
        "UANA",
        {**COMMON_ANSWERS, "cadence": "weekly", "expectations": "Honest feedback on how I phrase things."},
    )
    sim.later(minutes=50)
    sim.click("UWEN", "expectations_open")
    sim.submit(
        "UWEN",
        {
            **COMMON_ANSWERS,
            "cadence": "monthly",
            "offer": "Five years of leading reviews, and the scripts I use to prepare for hard ones.",
            "expectations": "Bring one real situation to each meeting.",
        },
    )
    sim.wait_for_message("UANA", "expectations_resolve", within=timedelta(hours=2))
    sim.later(minutes=30)
    sim.click("UANA", "expectations_resolve", value=":cadence")
    sim.submit("UANA", {"cadence": "biweekly"})
    sim.wait_for_message("UWEN", "expectations_accept", within=timedelta(hours=2))
    sim.later(minutes=20)
    sim.click("UWEN", "expectations_accept")
    sim.wait_for_message("UANA", "expectations_confirm", within=timedelta(hours=2))
    sim.later(minutes=10)
    sim.click("UANA", "expectations_confirm")
    sim.later(minutes=35)
    sim.click("UWEN", "expectations_confirm")

    sim.wait_for_message("UANA", "expectations_revisit", within=timedelta(hours=2))
    sim.narrate(f"{n['UBO']} and {n['UCY']} agree on everything at once:")
    sim.advance_to(on_day(1, 15, 30, BERLIN))
    sim.click("UBO", "expectations_open")
    sim.submit("UBO", {**COMMON_ANSWERS, "cadence": "monthly", "expectations": "Concrete review checklists."})
    sim.later(minutes=20)
    sim.click("UCY", "expectations_open")
    sim.submit(
        "UCY",
        {
            **COMMON_ANSWERS,
            "cadence": "monthly",
            "offer": "I run the cross-team architecture review.",
            "expectations": "Share the design doc a day before.",
        },
    )
    sim.wait_for_message("UBO", "expectations_confirm", within=timedelta(hours=2))
    sim.later(minutes=5)
    sim.click("UBO", "expectations_confirm")
    sim.later(minutes=5)
    sim.click("UCY", "expectations_confirm")
    sim.wait_for_message("UBO", "expectations_revisit", within=timedelta(hours=2))


def checkins_and_introduction(sim: Simulation, n: dict[str, str]) -> None:
    sim.chapter("6. Check-ins at the agreed rhythm")
    sim.narrate("Simulated days pass: the scheduler runs at each moment the rules care about.")
    sim.wait_for_message("UMAX", "digest_off", within=timedelta(days=7))
    sim.later(minutes=30)
    sim.click("UMAX", "digest_off")
    sim.wait_for_message("UANA", "checkin_met", within=timedelta(days=21))
    sim.later(minutes=45)
    sim.click("UANA", "checkin_met")
    sim.submit("UANA", {"report": ANA_REPORT, "share": ["share"]})
    sim.later(hours=26)

    sim.chapter(f"7. The copilot introduces {n['UANA']} to someone useful")
    sim.command("UWEN", f"intro {mention(sim, 'UKIM')}", shown=f"intro @{n['UKIM']}")
    sim.submit("UWEN", {"reason": INTRO_REASON.format(kim=n["UKIM"])})
    sim.wait_for_message("UANA", "intro_met", within=timedelta(days=10))
    sim.later(minutes=30)
    sim.click("UANA", "intro_met")
    sim.submit("UANA", {"report": INTRO_REPORT.format(kim=n["UKIM"])})
    sim.later(hours=2)

    sim.chapter("8. More weeks")
    sim.wait_for_message("UANA", "checkin_scheduled", within=timedelta(days=21))
    sim.later(minutes=20)
    sim.click("UANA", "checkin_scheduled", date="2026-04-02")
    sim.wait_for_message("UBO", "checkin_met", within=timedelta(days=21))
    sim.later(hours=3)
    sim.click("UBO", "checkin_met")
    sim.submit("UBO", {"report": "Walked through my first review plan.", "share": []})
    sim.wait_for_message("UANA", "checkin_met", within=timedelta(days=7), text="Did it happen")
    sim.later(minutes=15)
    sim.click("UANA", "checkin_met", text="Did it happen")
    sim.submit("UANA", {"report": "Gave the feedback in the review. It went well.", "share": ["share"]})
    sim.later(hours=3)


NOA = Colleague("UNOA", "Noa", "Noa Weiss", BERLIN, "Support", "Support engineer", 2, "ULEA")


def onboarding_buddy(sim: Simulation) -> None:
    from bot.people.org_import import import_org

    sim.chapter("9. A new colleague gets an onboarding buddy")
    sim.narrate("Pat turns on onboarding buddies: a buddy as soon as someone joins Slack, for 90 days.")
    sim.command("UPAT", "admin buddies")
    sim.submit("UPAT", {"buddy_program": "yes", "buddy_start": "team_join"})
    sim.narrate(
        "HR adds Noa Weiss, a new support engineer reporting to Lea, to the org chart, and she joins Slack."
    )
    sim.slack.add_user(NOA.user_id, name="noa", real_name=NOA.real_name, email="noa@acme.example", tz=NOA.tz)
    row = (
        f"slack_id,manager_slack_id,team,title,level\n{NOA.user_id},ULEA,{NOA.team},{NOA.title},{NOA.level}\n"
    )
    import_org(sim.runtime, TEAM_ID, sim.runtime.slack.for_team(TEAM_ID), row, source="noa.csv")
    sim.joins(NOA)
    sim.narrate(
        "Lea welcomes new colleagues too, but she is Noa's manager: she is never asked to be her buddy."
    )
    sim.wait_for_message("UVIC", "buddy_offer_accept", within=timedelta(days=2))
    sim.later(minutes=25)
    sim.click("UVIC", "buddy_offer_accept")
    sim.wait_for_message("UNOA", "buddy_checklist_tick", within=timedelta(hours=2))
    sim.later(hours=4)
    sim.click("UNOA", "buddy_checklist_tick")
    sim.narrate("A week on, the first buddy check-in arrives in their group DM.")
    sim.later(days=7)


def leads(sim: Simulation) -> None:
    sim.chapter("10. What a lead sees")
    sim.narrate(
        "Leads see program-level facts only: who is paired, since when, how often they meet. Never what was said."
    )
    sim.command("ULEA", "summary")


def cohort(sim: Simulation, n: dict[str, str]) -> None:
    sim.chapter("11. A mentoring cohort")
    sim.slack.add_channel(COHORT_CHANNEL, "mentoring", members=("UPAT", "UDARA", "USOL", "UKIM"))
    sim.narrate(
        f"{n['UPAT']} opens a cohort in #mentoring: a few days of sign-ups, then everyone is paired at once "
        "and starts on the same day."
    )
    sim.later(hours=2)
    today = sim.clock.now().astimezone(ZoneInfo(BERLIN)).date()
    sim.command("UPAT", "admin cohort open")
    sim.submit(
        "UPAT",
        {
            "name": "Spring cohort",
            "closes": (today + timedelta(days=3)).isoformat(),
            "starts": (today + timedelta(days=10)).isoformat(),
            "length": "3",
            "channel": COHORT_CHANNEL,
        },
    )
    sim.wait_for_message("UDARA", "cohort_sign_up_mentee", within=timedelta(days=1))
    sim.later(minutes=40)
    sim.click("UDARA", "cohort_sign_up_mentee")
    sim.submit(
        "UDARA",
        {
            "goals": DARA_GOALS,
            "topics": ["Stakeholder management"],
            "cadence": "biweekly",
            "length": "3 months",
        },
    )
    sim.later(minutes=25)
    sim.click("USOL", "cohort_sign_up_copilot")
    sim.submit("USOL", {"topics": ["Stakeholder management", "Giving feedback"], "capacity": "1"})
    sim.later(hours=1)
    sim.click("UKIM", "cohort_sign_up_copilot")
    sim.submit("UKIM", {"topics": ["Public speaking"], "capacity": "1"})
    sim.narrate(
        f"Nobody is asked yet. The day before the close, {n['UPAT']} gets a dry run of the round to review; "
        "the morning after the last day of sign-ups, the round runs."
    )
    sim.wait_for_message("USOL", "offer_accept", within=timedelta(days=5))
    sim.later(minutes=35)
    sim.click("USOL", "offer_accept")
    sim.later(hours=1)
    sim.narrate(
        "At the cohort's mid-point and at its planned end, each of them gets a private two-question survey. "
        f"{n['UPAT']}'s App Home shows the cohort's report: pairs formed, meetings held, and averages only "
        "once at least three people have answered."
    )
