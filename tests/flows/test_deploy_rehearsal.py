"""The first deploy, rehearsed: the README's deploy steps against the CI PostgreSQL, as a platform runs them.

Runs only when TEST_DATABASE_URL is set (.ci/run's PostgreSQL run), in a database of its own beside the
suite's. The slug is built the way a Python buildpack builds it: the app's files plus a fresh virtual
environment with `pip install -r requirements.txt` and nothing else, so a runtime dependency missing from
the lock fails here. The variables come from the README deploy section's `heroku config:set` lines (with test values), the
processes from its `heroku ps:scale` lines, their commands from the Procfile; each is started with
`bash -c` in the slug, with DATABASE_URL in the postgres:// form Heroku Postgres sets and PORT for `web`,
and stopped with SIGTERM to its whole process group, as a platform stops a dyno.

The Slack stand-in speaks the Web API but no websocket, so the Socket Mode rehearsal ends where the
`socket` process asks Slack for its websocket (apps.connections.open).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.demo.slack_standin import SlackStandIn
from bot.outbox import Kind, Message, Outgoing, enqueue
from storage.db import connect
from tests.harness import BOT_TOKEN, SIGNING_SECRET, http, signed_help
from tests.harness import Background as Dyno

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DEPLOY_SECTION = "## Deploy with the Procfile"
APP_TOKEN = "xapp-1-rehearsal"
# Test values for the variables the doc tells people to set.
VALUES = {
    "SLACK_BOT_TOKEN": BOT_TOKEN,
    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    "SLACK_APP_TOKEN": APP_TOKEN,
    "ADMIN_USER_IDS": "UADMIN",
}
HTTP, SOCKET = "HTTP, one workspace", "Socket Mode"

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="the deploy rehearsal runs against PostgreSQL only"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- what the doc and the Procfile say ---------------------------------------------------------------


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


def deploy_section() -> str:
    """The README's deploy section, from its heading to the next one: the steps people follow."""
    text = README.read_text(encoding="utf-8")
    start = text.index(DEPLOY_SECTION)
    end = text.find("\n## ", start + len(DEPLOY_SECTION))
    return text[start : end if end != -1 else len(text)]


def documented(command: str, mode: str) -> list[str]:
    """The words after `heroku <command>` on the doc's lines for this mode (and on lines for every mode)."""
    found = []
    for line in deploy_section().splitlines():
        match = re.match(rf"\s*heroku {re.escape(command)} (?P<args>[^#]*?)\s*(?:#\s*(?P<mode>.*))?$", line)
        if match and match["mode"] in (None, mode):
            found += match["args"].split()
    return found


def documented_config(mode: str) -> dict[str, str]:
    return {word.split("=", 1)[0]: VALUES[word.split("=", 1)[0]] for word in documented("config:set", mode)}


def documented_scale(mode: str) -> dict[str, int]:
    return {name: int(count) for name, count in (w.split("=") for w in documented("ps:scale", mode))}


# --- the platform ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slug:
    app: Path
    python_bin: Path


@pytest.fixture(scope="module")
def slug(tmp_path_factory: pytest.TempPathFactory) -> Slug:
    """The app's files and a virtual environment with only the lock installed, as a buildpack builds it."""
    base = tmp_path_factory.mktemp("slug")
    app = base / "app"
    app.mkdir()
    for name in ("bot", "handlers", "storage"):
        shutil.copytree(ROOT / name, app / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("Procfile", "requirements.txt", ".python-version"):
        shutil.copy(ROOT / name, app / name)
    wanted = (app / ".python-version").read_text().strip()
    assert f"{sys.version_info.major}.{sys.version_info.minor}" == wanted, "rehearse on the deploy's Python"
    python = base / "python"
    subprocess.run([sys.executable, "-m", "venv", str(python)], check=True, timeout=120)
    installed = subprocess.run(
        [str(python / "bin" / "python"), "-m", "pip", "install", "-q", "-r", "requirements.txt"],
        cwd=app,
        capture_output=True,
        text=True,
        timeout=900,
        stdin=subprocess.DEVNULL,
    )
    assert installed.returncode == 0, "pip install -r requirements.txt failed:\n" + installed.stderr[-3000:]
    return Slug(app=app, python_bin=python / "bin")


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A database of the rehearsal's own on the suite's server, in the postgres:// form Heroku sets."""
    suite = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"{suite.database}_rehearsal"
    admin = create_engine(suite, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield suite.set(drivername="postgres", database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Platform:
    slug: Slug
    config: dict[str, str]
    dynos: list[Dyno] = field(default_factory=list)

    def start(self, process_type: str, **extra: str) -> Dyno:
        env = {
            "PATH": f"{self.slug.python_bin}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.slug.app),
            "LANG": "C.UTF-8",
            **self.config,
            **extra,
        }
        proc = subprocess.Popen(
            ["bash", "-c", procfile()[process_type]],
            cwd=self.slug.app,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        dyno = Dyno(process_type, proc)
        self.dynos.append(dyno)
        return dyno

    def stop_all(self) -> None:
        for dyno in self.dynos:
            if dyno.proc.poll() is None:
                os.killpg(dyno.proc.pid, signal.SIGKILL)
                dyno.proc.wait()


@pytest.fixture
def platform(slug: Slug, postgres_url: str, slack: SlackStandIn) -> Iterator[Platform]:
    # What the add-on sets, and where the test's Slack is; the rest comes from the doc, per test.
    running = Platform(slug, {"DATABASE_URL": postgres_url, "SLACK_API_URL": slack.api_url})
    try:
        yield running
    finally:
        running.stop_all()


def wait_healthy(dyno: Dyno, base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert dyno.proc.poll() is None, f"web exited:\n{dyno.output}"
        try:
            if http("GET", f"{base}/healthz", timeout=1).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"web did not answer /healthz in {timeout} s:\n{dyno.output}")


# --- the rehearsals ---------------------------------------------------------------------------------------


def test_the_doc_names_each_mode_s_variables_and_processes():
    assert set(documented_config(HTTP)) == {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "ADMIN_USER_IDS"}
    assert set(documented_config(SOCKET)) == {"SLACK_APP_TOKEN", "SLACK_BOT_TOKEN", "ADMIN_USER_IDS"}
    assert documented_scale(HTTP) == {"web": 1, "clock": 1}
    assert documented_scale(SOCKET) == {"web": 0, "socket": 1, "clock": 1}
    assert {"release", "web", "socket", "clock"} == set(procfile())


def test_http_deploy_release_web_and_clock_on_postgres(platform: Platform, slack: SlackStandIn, postgres_url):
    assert postgres_url.startswith("postgres://")
    platform.config.update(documented_config(HTTP))
    masked_db = make_url(postgres_url).set(drivername="postgresql+psycopg").render_as_string()

    for _ in range(2):  # every deploy runs the release phase; the second finds nothing to do
        release = platform.start("release")
        assert release.finish() == 0, release.output
        assert f"Database is up to date ({masked_db})." in release.output

    scale = documented_scale(HTTP)
    port = free_port()
    web = platform.start("web", PORT=str(port))
    clock = platform.start("clock")
    assert set(scale) == {"web", "clock"}
    base = f"http://127.0.0.1:{port}"
    wait_healthy(web, base)
    status, body = signed_help(base, slack.response_url("rehearsal"))
    assert status == 200 and "/mentor help" in body

    # The clock sends what is due: a message queued in the deployed database goes out within a pass or two.
    slack.add_user("U1", name="ana", real_name="Ana Ruiz")
    db = connect(postgres_url)
    now = datetime.now(UTC)
    with db.transaction() as session:
        enqueue(
            session,
            Outgoing(
                team_id="T0001",
                key="rehearsal:clock",
                kind=Kind.OFFER,
                subject_id=1,
                pairing_id=None,
                channel="U1",
                payload=Message("The clock process sends what is due.").payload(),
                due_at=now,
                now=now,
            ),
        )
    db.dispose()
    deadline = time.monotonic() + 30
    while "outbox pass:" not in clock.output:
        assert time.monotonic() < deadline, f"the clock sent nothing:\n{clock.output}"
        time.sleep(0.2)
    assert "outbox pass: sent 1" in clock.output, clock.output
    sent = [
        c
        for c in slack.calls_to("chat.postMessage")
        if c.args.get("text") == "The clock process sends what is due."
    ]
    assert len(sent) == 1 and sent[0].token == BOT_TOKEN

    assert web.stop() == 0, web.output
    assert clock.stop() == 0, clock.output
    for dyno in (release, web, clock):
        assert "Traceback" not in dyno.output, dyno.output
        assert BOT_TOKEN not in dyno.output and SIGNING_SECRET not in dyno.output
    assert "starting: HTTP, one workspace" in web.lines[0] and masked_db in web.lines[0]
    assert f"listening on http://0.0.0.0:{port}" in web.output
    assert "scheduler starting" in clock.output and "scheduler stopped" in clock.output
    assert "Running job" not in clock.output and "executed successfully" not in clock.output
    assert "SQLite" not in web.output + clock.output  # no single-machine warning on PostgreSQL


def test_socket_mode_deploy_runs_a_worker_and_web_refuses(platform: Platform, slack: SlackStandIn):
    platform.config.update(documented_config(SOCKET))
    release = platform.start("release")
    assert release.finish() == 0, release.output

    # Scaled to 0 in the doc, and refusing at once if started anyway: it would never bind $PORT.
    web = platform.start("web", PORT=str(free_port()))
    assert web.finish() == 2
    assert "--mode http" in web.output and "SLACK_APP_TOKEN selects Socket Mode" in web.output

    worker = platform.start("socket")
    assert worker.finish() == 2  # the stand-in has no websocket to give
    assert "starting: Socket Mode" in worker.output
    assert [c.token for c in slack.calls_to("apps.connections.open")] == [APP_TOKEN]
    assert "listening on" not in worker.output
    assert "Traceback" not in worker.output + web.output and APP_TOKEN not in worker.output
