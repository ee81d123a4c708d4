from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import FixedClock
from bot.demo.slack_standin import SlackStandIn
from bot.doctor import run_checks
from bot.outbox import Kind, Message, Outgoing, enqueue
from storage.db import Database
from tests.harness import test_settings


def lines(checks) -> dict[str, tuple[bool, str]]:
    return {c.name: (c.ok, c.detail) for c in checks}


def test_a_healthy_install_passes_every_check(
    db: Database, slack: SlackStandIn, clock: FixedClock, database_url: str
):
    checks = lines(run_checks(test_settings(slack, database_url), clock, db))
    assert all(ok for ok, _ in checks.values()), checks
    assert set(checks) == {"settings", "database", "migrations", "slack auth.test", "scopes", "scheduler"}


def test_missing_scopes_and_a_refused_token_are_named(
    db: Database, slack: SlackStandIn, clock: FixedClock, database_url: str, monkeypatch: pytest.MonkeyPatch
):
    # granted_scopes outlives slack.reset(): monkeypatch gives the next test the full set back
    monkeypatch.setattr(slack, "granted_scopes", "commands,chat:write")
    checks = lines(run_checks(test_settings(slack, database_url), clock, db))
    assert checks["scopes"][0] is False
    assert "im:write" in checks["scopes"][1]
    slack.fail("auth.test", error="invalid_auth")
    checks = lines(run_checks(test_settings(slack, database_url), clock, db))
    assert checks["slack auth.test"] == (False, "Slack refused the token (invalid_auth)")


def test_an_overdue_outbox_means_the_scheduler_is_not_running(
    db: Database, slack: SlackStandIn, clock: FixedClock, database_url: str
):
    with db.transaction() as session:
        enqueue(
            session,
            Outgoing(
                team_id="T0001",
                key="k",
                kind=Kind.OFFER,
                subject_id=1,
                pairing_id=None,
                channel="U1",
                payload=Message("hi").payload(),
                due_at=clock.now(),
                now=clock.now(),
            ),
        )
    clock.advance(timedelta(minutes=30))
    ok, detail = lines(run_checks(test_settings(slack, database_url), clock, db))["scheduler"]
    assert not ok and "due for 30 min" in detail


def test_bad_settings_are_reported_not_raised(
    db: Database, slack: SlackStandIn, clock: FixedClock, database_url: str
):
    checks = lines(run_checks(test_settings(slack, database_url, slack_signing_secret=None), clock, db))
    assert checks["settings"][0] is False


def test_the_scopes_doctor_expects_are_the_manifests():
    from pathlib import Path

    import yaml

    from bot.config import DEFAULT_SCOPES

    manifest = yaml.safe_load((Path(__file__).parents[2] / "manifest.yml").read_text())
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(DEFAULT_SCOPES)
