"""`mentor-bot demo`: the simulated program runs end to end and its transcript tells each chapter."""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.demo.run import DemoResult, run_demo
from bot.demo.story import ANA_GOALS, ANA_REPORT, DECLINE_REASON, INTRO_REPORT

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "demo_transcript.txt"


@pytest.fixture(scope="module")
def demo() -> DemoResult:
    return run_demo()


def entries(text: str, header: str) -> list[str]:
    """Each transcript entry (a [time] line and its indented body) whose first line contains `header`."""
    found, current = [], None
    for line in text.splitlines():
        if line.startswith("["):
            current = [line] if header in line else None
            if current is not None:
                found.append(current)
        elif current is not None and line.startswith("    "):
            current.append(line)
        else:
            current = None
    return ["\n".join(lines) for lines in found]


def test_the_demo_tells_every_chapter_from_offer_to_summary(demo: DemoResult):
    assert not demo.problems
    transcript = demo.transcript

    # Matching: the first offer is declined with a private reason, the next one accepted.
    [offer] = [e for e in entries(transcript, "DM to Vic (from mentor-bot)") if "looking for a copilot" in e]
    assert "@Ana is looking for a copilot" in offer and "[ Accept ] [ Decline ]" in offer
    assert 'Vic clicks "Decline"' in transcript and "You declined to be @Ana's copilot" in transcript
    assert not any(DECLINE_REASON in e for e in entries(transcript, "DM to Ana"))
    assert any("@Ana is looking for a copilot" in e for e in entries(transcript, "DM to Wen"))
    assert 'Wen clicks "Accept"' in transcript and "@Ana, meet @Wen: your copilot" in transcript
    assert "asked for you by name" in transcript  # Bo's named request reached Cy

    # Expectations: a difference on cadence, a proposal, an accept, one agreement both confirm.
    expectations = demo.chapter("5.")
    assert "Ana Ruiz said every week, Wen Li said every four weeks." in expectations
    assert "@Ana suggests *every two weeks*" in expectations
    assert "Agreed: every two weeks." in expectations
    assert "Everything is agreed" in expectations and "You've both confirmed" in expectations

    # Check-ins: the nudge at 10:00 in Ana's zone; We met; the report-back reaches Wen.
    nudges = [e for e in entries(transcript, "DM to Ana") if "Have you met with @Wen since" in e]
    assert nudges and all(re.match(r"\[\w{3} \d+ \w{3} 10:00 Europe/Berlin\]", e) for e in nudges)
    assert 'Ana clicks "We met"' in transcript
    assert any(ANA_REPORT in e for e in entries(transcript, "Group DM Ana, Wen (from mentor-bot)"))

    # The introduction: a group DM of three, the follow-up a week later, the report back to Wen.
    intro = demo.chapter("7.")
    assert "Wen types /mentor intro @Kim" in intro
    assert any("@Ana, meet @Kim!" in e for e in entries(intro, "Group DM Ana, Wen, Kim"))
    assert any("Did you connect with @Kim?" in e for e in entries(intro, "DM to Ana"))
    assert any(INTRO_REPORT.format(kim="Kim") in e for e in entries(intro, "DM to Wen"))

    # An onboarding buddy for Noa: never Lea, her manager, who welcomes new colleagues too.
    buddy = demo.chapter("9.")
    assert any("@Noa is new here" in e for e in entries(buddy, "DM to Vic"))
    assert not any("onboarding buddy?" in e for e in entries(transcript, "DM to Lea"))
    welcome = [e for e in entries(buddy, "Group DM Vic, Noa") if "your onboarding buddy until" in e]
    assert welcome and "not a mentor" in welcome[0] and "not a reviewer" in welcome[0]
    assert any("Who have you met so far?" in e for e in entries(buddy, "Group DM Vic, Noa"))

    # The lead's summary: program-level facts, never the mentee's goals or what was reported.
    summary = demo.chapter("10.")
    assert "Lea types /mentor summary" in summary and "Ana Ruiz ↔ Wen Li" in summary
    for private in (ANA_GOALS, ANA_REPORT, DECLINE_REASON, "Honest feedback"):
        assert private not in summary
    for digest in entries(transcript, "DM to Lea"):
        assert ANA_GOALS not in digest and ANA_REPORT not in digest


def test_the_transcript_reads_like_a_chat_log(demo: DemoResult):
    transcript = demo.transcript
    assert "<@U" not in transcript and "&lt;" not in transcript and "&amp;" not in transcript
    assert "<!date^" not in transcript
    assert transcript.startswith("=== 1. Acme's workspace and org chart")
    assert "mentor-bot demo: 13 colleagues" in demo.summary


def test_python_m_bot_demo_quiet_in_a_fresh_directory(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--quiet"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("mentor-bot demo: 13 colleagues")
    assert "===" not in done.stdout  # summary only
    assert list(tmp_path.iterdir()) == []  # nothing left behind


def test_the_transcript_matches_the_golden_file(demo: DemoResult):
    """The whole transcript, read once by a person for wording and kept: any change in what people read,
    or in what order, shows as a diff. To accept a deliberate change, regenerate the file with
    `UPDATE_GOLDEN=1 python -m pytest tests/flows/test_demo.py -k golden` (or
    `mentor-bot demo --output tests/golden/demo_transcript.txt`), read the diff, and commit it."""
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(demo.transcript, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    if demo.transcript != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), demo.transcript.splitlines(), "golden", "this run", lineterm="", n=2
        )
        pytest.fail(
            "The demo transcript changed (UPDATE_GOLDEN=1 regenerates tests/golden/demo_transcript.txt):\n"
            + "\n".join(list(diff)[:200])
        )


def test_no_message_the_bot_posts_lands_in_a_recipients_quiet_hours(demo: DemoResult):
    """The whole schedule: every DM, group DM and file the bot posted over the five weeks, for every
    recipient, in their own zone, is outside the workspace's quiet hours (20:00-08:00 by default)."""
    assert demo.quiet_hours == (20, 8)
    start, end = demo.quiet_hours
    inside = []
    for delivery in demo.deliveries:
        for user in delivery.recipients:
            local = delivery.at.astimezone(ZoneInfo(demo.zones[user]))
            if local.hour >= start or local.hour < end:
                inside.append(f"{local:%a %d %b %H:%M} {user}: {delivery.text}")
    assert inside == []
    assert len(demo.deliveries) >= 25 and all(d.recipients for d in demo.deliveries)
    assert any("UCY" in d.recipients for d in demo.deliveries)  # New York, six hours behind the rest


def test_what_people_read_is_true_and_said_once(demo: DemoResult):
    transcript = demo.transcript
    # Bo named Cy, so nobody says Cy volunteered; the mentee is not called a copilot.
    assert "@Bo asked for @Cy by name, and @Cy said yes." in transcript
    assert "kindly volunteered" not in transcript and "Welcome, copilots" not in transcript
    # The offer speaks to the copilot as "you".
    [offer] = [e for e in entries(transcript, "DM to Cy (from mentor-bot)") if "asked for you by name" in e]
    assert "The copilot" not in offer and "You aren't mentoring anyone else right now." in offer
    # After Accept: one message to the pair (the kickoff), no hand-over DM repeating it.
    assert "Good news" not in transcript and "You're now @" not in transcript
    # The agreement's terms are posted once per pair.
    for pair in ("Group DM Ana, Wen", "Group DM Bo, Cy"):
        assert sum("*Kind of relationship:*" in e for e in entries(transcript, pair)) == 1, pair
    # The partner is asked once to acknowledge a shared report-back.
    assert (
        sum("a reaction lets them know you read it" in e for e in entries(transcript, "Group DM Ana, Wen"))
        == 2
    )
    assert "means a lot" not in transcript
    # "You planned to meet on Thu 2 Apr" -> We met: recorded on Thu 2 Apr, and the summary says so.
    assert "You planned to meet @Wen on Thu 2 Apr. Did it happen?" in transcript
    assert "@Ana recorded a meeting on Thu 2 Apr" in transcript
    assert (
        "Ana Ruiz ↔ Wen Li · since Wed 4 Mar 2026 · every two weeks · last met Thu 2 Apr 2026" in transcript
    )
    # One cadence vocabulary, no internal keys; one date style.
    assert "biweekly" not in transcript and "monthly" not in transcript and "every month" not in transcript
    other_styles = (
        r"\b20\d\d-\d\d-\d\d\b|\d (January|February|March|April)\b|\b(Jan|Feb|Mar|Apr) \d{1,2}\b(?!:)"
    )
    assert not re.search(other_styles, transcript)
    # The reporting-line rule rules out Eli's manager for its own reason.
    assert "Lea Berg is in your reporting line" in demo.chapter("3.")
    # The lead's figures count each role among their own people: Lea's are the mentees, Max's the copilots.
    lea = [e for e in entries(transcript, "DM to Lea") if "Participants" in e]
    max_ = [e for e in entries(transcript, "DM to Max") if "Participants" in e]
    assert lea and all("*Participants:* 2 mentees · 0 copilots" in e for e in lea)
    assert max_ and all("*Participants:* 0 mentees · 2 copilots" in e for e in max_)


def test_the_readmes_excerpt_is_the_transcript_word_for_word():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Try it without Slack") :]
    excerpt = section[section.index("```\n") + 4 : section.index("\n```", section.index("```\n") + 4)]
    golden = GOLDEN.read_text(encoding="utf-8")
    for block in excerpt.split("\n\n"):
        assert block in golden, block


def test_the_cohort_chapter_signs_up_from_the_announcement_and_pairs_at_the_close(demo: DemoResult):
    cohort = demo.chapter("11.")
    [announcement] = entries(cohort, "#mentoring (from mentor-bot)")
    assert "[ Sign up as a mentee ] [ Volunteer as a copilot ]" in announcement
    assert 'Dara clicks "Sign up as a mentee"' in cohort and 'Sol clicks "Volunteer as a copilot"' in cohort
    [preview] = [e for e in entries(cohort, "DM to Pat") if "Preview of the round" in e]
    assert "Dara Shah with Sol Moreau" in preview
    assert any("@Dara is looking for a copilot" in e for e in entries(cohort, "DM to Sol"))
    assert "is paired: 1 copilot asked, 0 sign-ups still waiting" in cohort
    [dates] = [e for e in entries(cohort, "Group DM Dara, Sol") if "pair of the cohort" in e]
    assert "starts on Mon 20 Apr 2026 and is planned to end on Mon 20 Jul 2026" in dates
