"""The command line as a new user meets it: `mentor-bot run` in a separate process."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.demo.slack_standin import SlackStandIn
from tests.harness import BOT_TOKEN, SIGNING_SECRET, clean_env, free_port, http, mentor_bot, signed_help


def test_version_and_help(tmp_path: Path):
    assert mentor_bot("--version", env=clean_env(), cwd=tmp_path).stdout.startswith("mentor-bot ")
    out = mentor_bot("--help", env=clean_env(), cwd=tmp_path).stdout
    for command in ("run", "scheduler", "migrate", "tick"):
        assert command in out


def test_run_without_tokens_stops_with_one_clear_message(tmp_path: Path):
    result = mentor_bot("run", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 2
    assert "no Slack credentials are set" in result.stderr
    assert "Socket Mode" in result.stderr and "SLACK_SIGNING_SECRET" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_never_prints_a_token(tmp_path: Path):
    result = mentor_bot("run", env=clean_env(SLACK_BOT_TOKEN="xoxb-super-secret-123"), cwd=tmp_path)
    assert result.returncode == 2
    assert "xoxb-super-secret-123" not in result.stderr + result.stdout


def test_migrate_and_tick_dry_run_on_a_fresh_sqlite_database(tmp_path: Path):
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'm.db'}")
    migrated = mentor_bot("migrate", env=env, cwd=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    assert "up to date" in migrated.stdout
    tick = mentor_bot("tick", "--dry-run", "--now", "2026-03-02T10:00:00+01:00", env=env, cwd=tmp_path)
    assert tick.returncode == 0, tick.stderr
    assert "2026-03-02T09:00:00+00:00" in tick.stdout
    bad = mentor_bot("tick", "--now", "next tuesday", env=env, cwd=tmp_path)
    assert bad.returncode == 2 and "--now must be an ISO time" in bad.stderr


@pytest.mark.parametrize("scheduler", [True, False], ids=["with-scheduler", "no-scheduler"])
def test_run_serves_signed_help_over_http_against_a_fake_slack(
    tmp_path: Path, slack: SlackStandIn, database_url: str, scheduler: bool
):
    port = free_port()
    db_url = (
        database_url if database_url.startswith("postgresql") else f"sqlite:///{tmp_path / 'first-run.db'}"
    )
    env = clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        DATABASE_URL=db_url,
        PORT=str(port),
    )
    args = ["run"] if scheduler else ["run", "--no-scheduler"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", *args], env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            try:
                if http("GET", f"{base}/healthz", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("mentor-bot run did not become healthy in 30 s")
        assert slack.calls_to("auth.test"), "Bolt checks the token with auth.test at start-up"
        status, text = signed_help(base, slack.response_url("cli"))
        assert status == 200
        assert "/mentor help" in text
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            _, stderr = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, stderr = proc.communicate()
    assert proc.returncode == 0, "SIGTERM stops the bot cleanly"
    assert "Traceback" not in stderr
    first_line = stderr.splitlines()[0]
    assert "starting: HTTP, one workspace" in first_line
    assert BOT_TOKEN not in stderr
    # Without its scheduler, a process on SQLite says the scheduler must share its file (and machine).
    warned = "use PostgreSQL for a multi-process deploy" in stderr
    assert warned == (not scheduler and db_url.startswith("sqlite"))


def test_doctor_prints_a_line_per_check_and_fails_on_a_problem(tmp_path: Path, slack: SlackStandIn):
    env = clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'd.db'}",
    )
    assert mentor_bot("migrate", env=env, cwd=tmp_path).returncode == 0
    healthy = mentor_bot("doctor", env=env, cwd=tmp_path)
    assert healthy.returncode == 0, healthy.stdout
    assert "✓ slack auth.test" in healthy.stdout and "✓ scopes: match the manifest" in healthy.stdout
    slack.fail("auth.test", error="invalid_auth")
    broken = mentor_bot("doctor", env=env, cwd=tmp_path)
    assert broken.returncode == 1
    assert "✗ slack auth.test: Slack refused the token (invalid_auth)" in broken.stdout


def test_socket_mode_names_the_problem_when_slack_refuses_the_app_token(tmp_path: Path, slack: SlackStandIn):
    slack.fail("apps.connections.open", error="invalid_auth")
    env = clean_env(
        SLACK_APP_TOKEN="xapp-1-test",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=slack.api_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 's.db'}",
    )
    result = mentor_bot("run", "--no-scheduler", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "starting: Socket Mode" in result.stderr
    assert "cannot open a Socket Mode connection: Slack answered 'invalid_auth'" in result.stderr
    assert "Traceback" not in result.stderr and "xapp-1-test" not in result.stderr
    assert slack.calls_to("apps.connections.open")[0].token == "xapp-1-test"


def test_several_web_workers_need_postgresql_and_a_separate_scheduler(tmp_path: Path, slack: SlackStandIn):
    env = clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'w.db'}",
    )
    assert mentor_bot("migrate", env=env, cwd=tmp_path).returncode == 0
    sqlite = mentor_bot("run", "--no-scheduler", "--workers", "2", env=env, cwd=tmp_path)
    assert sqlite.returncode == 2
    assert "several web processes need PostgreSQL and --no-scheduler" in sqlite.stderr
    assert "Traceback" not in sqlite.stderr
    none = mentor_bot("run", "--workers", "0", env=env, cwd=tmp_path)
    assert none.returncode == 2 and "--workers must be 1 or more, not 0" in none.stderr
