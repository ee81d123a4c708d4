"""The command line's answers when something is missing or wrong: one line that says what to fix, as a new
user meets it (each command in a separate process, no traceback, no password, nothing created by mistake).
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.demo.slack_standin import SlackStandIn
from storage.db import Database
from storage.models import Person
from tests.harness import BOT_TOKEN, SIGNING_SECRET, clean_env, free_port, http, mentor_bot

HTTP_SETTINGS = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}


def closed_port() -> int:
    return free_port()  # nothing listens there once the probe socket is closed


@pytest.mark.parametrize(
    "args",
    [
        ["migrate"],
        ["run", "--no-scheduler"],
        ["scheduler"],
        ["tick", "--dry-run"],
        ["export", "--team", "T0001"],
        ["export-person", "--team", "T0001", "--user", "U1"],
        ["match", "--round"],
        ["import-org", "org.csv", "--team", "T0001"],
        ["doctor"],
    ],
    ids=lambda args: args[0],
)
def test_every_command_that_touches_the_database_says_it_cannot_reach_it(
    tmp_path: Path, args: list[str], slack: SlackStandIn
):
    (tmp_path / "org.csv").write_text("slack_id,team\nU1,Sales\n")
    port = closed_port()
    env = clean_env(
        DATABASE_URL=f"postgres://mentor:hunter2@127.0.0.1:{port}/mentorbot",
        SLACK_API_URL=slack.api_url,
        **HTTP_SETTINGS,
    )
    result = mentor_bot(*args, env=env, cwd=tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode == (1 if args[0] == "doctor" else 2), out
    assert f"cannot reach postgresql+psycopg://mentor:***@127.0.0.1:{port}/mentorbot" in out or (
        f"cannot reach the database at postgresql+psycopg://mentor:***@127.0.0.1:{port}/mentorbot" in out
    )
    assert "Traceback" not in out and "hunter2" not in out
    assert len(result.stderr.splitlines()) <= 2, result.stderr  # `run` logs its start line first


def test_an_unsupported_database_is_one_line(tmp_path: Path):
    result = mentor_bot("migrate", env=clean_env(DATABASE_URL="mysql://u:pw@h/db"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "mysql://" in result.stderr and "postgresql://" in result.stderr
    assert "MySQLdb" not in result.stderr and "Traceback" not in result.stderr


def test_postgres_urls_work_for_migrate_and_doctor(tmp_path: Path, database_url: str, slack: SlackStandIn):
    if not database_url.startswith("postgresql"):
        pytest.skip("needs the suite's PostgreSQL")
    heroku_style = database_url.replace("postgresql+psycopg://", "postgres://", 1)
    env = clean_env(DATABASE_URL=heroku_style, SLACK_API_URL=slack.api_url, **HTTP_SETTINGS)
    migrated = mentor_bot("migrate", env=env, cwd=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    doctor = mentor_bot("doctor", env=env, cwd=tmp_path)
    assert (
        "✓ database: reachable (postgresql" in doctor.stdout and "✓ migrations: up to date" in doctor.stdout
    )


def test_a_sqlite_file_in_a_missing_folder_names_the_folder(tmp_path: Path):
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'data' / 'm.db'}")
    result = mentor_bot("migrate", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert f"the folder {tmp_path / 'data'} does not exist" in result.stderr
    assert "unable to open database file" not in result.stderr and not (tmp_path / "data").exists()


def test_doctor_without_credentials_says_what_it_skipped_and_creates_nothing(tmp_path: Path):
    result = mentor_bot("doctor", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "– slack auth.test: skipped: no SLACK_BOT_TOKEN" in lines
    assert "– scopes: skipped: no SLACK_BOT_TOKEN" in lines
    assert (
        "– migrations: skipped: no database yet" in lines and "– scheduler: skipped: no database yet" in lines
    )
    assert any(line.startswith("✗ database: no database file at") for line in lines)
    assert list(tmp_path.iterdir()) == [], "doctor created files"


def test_scheduler_needs_the_settings_run_needs(tmp_path: Path):
    result = mentor_bot("scheduler", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 2
    assert "no Slack credentials are set" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_scheduler_on_sqlite_warns_logs_no_pass_chatter_and_stops_on_sigterm(
    tmp_path: Path, slack: SlackStandIn
):
    env = clean_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 's.db'}", SLACK_API_URL=slack.api_url, **HTTP_SETTINGS
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "scheduler"], env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stderr or []), daemon=True)
    reader.start()
    deadline = time.monotonic() + 60  # a loaded machine may take a while to import and migrate
    while not any("scheduler starting" in line for line in lines) and time.monotonic() < deadline:
        assert proc.poll() is None, "".join(lines)
        time.sleep(0.1)
    time.sleep(6)  # past the first dispatch pass (every 5 s) and the first planner pass (at start)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=20)
    reader.join(timeout=5)
    stderr = "".join(lines)
    assert proc.returncode == 0, stderr
    assert "use PostgreSQL for a multi-process deploy" in stderr
    assert "scheduler starting" in stderr and "scheduler stopped" in stderr
    assert "Running job" not in stderr and "executed successfully" not in stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    ("wanted", "settings", "says"),
    [
        (
            "http",
            {"SLACK_APP_TOKEN": "xapp-1-x", "SLACK_BOT_TOKEN": BOT_TOKEN},
            "SLACK_APP_TOKEN selects Socket Mode",
        ),
        ("socket", HTTP_SETTINGS, "the settings select HTTP, one workspace"),
    ],
)
def test_run_mode_refuses_settings_for_the_other_mode(tmp_path: Path, wanted: str, settings, says: str):
    result = mentor_bot("run", "--mode", wanted, env=clean_env(**settings), cwd=tmp_path)
    assert result.returncode == 2 and says in result.stderr
    assert list(tmp_path.iterdir()) == []  # refused before the database was opened


def test_a_taken_port_names_PORT_and_port_overrides_it(tmp_path: Path, slack: SlackStandIn):
    with socket.socket() as blocker:
        blocker.bind(("0.0.0.0", 0))
        blocker.listen()
        taken = blocker.getsockname()[1]
        env = clean_env(
            DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}",
            SLACK_API_URL=slack.api_url,
            PORT=str(taken),
            **HTTP_SETTINGS,
        )
        refused = mentor_bot("run", "--no-scheduler", env=env, cwd=tmp_path)
        assert refused.returncode == 2
        assert (
            f"cannot listen on 0.0.0.0:{taken}" in refused.stderr and "Set PORT (or --port)" in refused.stderr
        )
        assert "Traceback" not in refused.stderr

        port = free_port()
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot",
                "run",
                "--no-scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            cwd=tmp_path,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                try:
                    if http("GET", f"http://127.0.0.1:{port}/healthz", timeout=1).status == 200:
                        break
                except OSError:
                    time.sleep(0.2)
            else:
                pytest.fail("run --port did not listen")
        finally:
            proc.send_signal(signal.SIGTERM)
            _, stderr = proc.communicate(timeout=15)
    assert f"listening on http://127.0.0.1:{port}" in stderr


def test_a_bad_option_shows_the_command_s_own_usage(tmp_path: Path):
    result = mentor_bot("demo", "--bogus", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("usage: mentor-bot demo [-h] [--seed SEED]")
    assert "mentor-bot demo: error: unrecognized arguments: --bogus" in result.stderr


def test_match_alone_says_what_a_round_is_and_how_to_run_one(tmp_path: Path):
    result = mentor_bot("match", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 2
    assert "A matching round pairs all the waiting copilot requests" in result.stderr
    assert "mentor-bot match --round --dry-run" in result.stderr and "--team T…" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_export_of_an_unknown_workspace_says_so(tmp_path: Path, db: Database, database_url: str):
    with db.transaction() as session:
        session.add(Person(team_id="T0001", slack_user_id="U1", created_at=datetime.now(UTC)))
    env = clean_env(DATABASE_URL=database_url)
    unknown = mentor_bot("export", "--team", "T1", env=env, cwd=tmp_path)
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert "I know no workspace T1 (known: T0001). Check --team." in unknown.stderr
    known = mentor_bot("export", "--team", "T0001", env=env, cwd=tmp_path)
    assert known.returncode == 0 and known.stdout.startswith("pairing_id,")
    person = mentor_bot("export-person", "--team", "T9", "--user", "U1", env=env, cwd=tmp_path)
    assert person.returncode == 2 and "I know no workspace T9" in person.stderr


# --- import-org -------------------------------------------------------------------------------------------


def test_import_org_says_everything_it_needs_at_once_before_opening_anything(tmp_path: Path):
    (tmp_path / "org.csv").write_text("slack_id,team\nU1,Sales\n")
    result = mentor_bot("import-org", "org.csv", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr and "--team" in result.stderr and "--check" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["org.csv"]  # no database was created


def test_import_org_check_is_offline_and_reports_by_line(tmp_path: Path, slack: SlackStandIn):
    (tmp_path / "org.csv").write_text(
        'slack_id,manager_slack_id,team\nU1,U2,Sales\nU2,U1,Sales\nU3,U3,Ops\nU4,"U2,Sup\nU5,U1,Ops\n'
    )
    env = clean_env(
        DATABASE_URL=f"postgres://u:p@127.0.0.1:{closed_port()}/nowhere", SLACK_API_URL=slack.api_url
    )
    result = mentor_bot("import-org", "org.csv", "--check", env=env, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Checked org.csv: 4 row(s) read, 2 ready to import, 2 bad. Nothing was saved and Slack was not asked."
    )
    assert "  line 4: U3 is listed as their own manager" in lines
    assert any(
        line.startswith("  line 5: can't be read as CSV: a quoted value starts on this line")
        for line in lines
    )
    assert "  U1 → U2 → U1 (lines 2, 3)" in lines
    assert slack.calls == [] and sorted(p.name for p in tmp_path.iterdir()) == ["org.csv"]
    good = tmp_path / "good.csv"
    good.write_text("slack_id,manager_slack_id\nU1,\nU2,U1\n")
    assert mentor_bot("import-org", str(good), "--dry-run", env=env, cwd=tmp_path).returncode == 0
