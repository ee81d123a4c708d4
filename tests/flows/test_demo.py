"""`mentor-bot demo`: the simulated program runs end to end and its transcript tells each chapter."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.demo.run import DemoResult, run_demo
from bot.demo.story import ANA_GOALS, ANA_REPORT, DECLINE_REASON, INTRO_REPORT

ROOT = Path(__file__).resolve().parents[2]


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
    assert 'Wen clicks "Accept"' in transcript and "@Wen accepted and is your copilot" in transcript
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

    # The lead's summary: program-level facts, never the mentee's goals or what was reported.
    summary = demo.chapter("9.")
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
    assert "mentor-bot demo: 12 colleagues" in demo.summary


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
    assert done.stdout.startswith("mentor-bot demo: 12 colleagues")
    assert "===" not in done.stdout  # summary only
    assert list(tmp_path.iterdir()) == []  # nothing left behind
