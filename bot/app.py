"""build_app(): a Bolt App with every handler registered, pointed at SLACK_API_URL."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy.exc import IntegrityError

from bot import checkins as checkin_service
from bot import digests, expectations, matchmaking
from bot.clock import Clock, SystemClock
from bot.config import Mode, Settings
from bot.outbox import Dispatcher
from bot.runtime import Runtime
from bot.scheduler import Planner
from bot.slack import SlackClients
from handlers import (
    admin,
    agreements,
    checkins,
    commands,
    data_rights,
    home,
    installation,
    introductions,
    offers,
    people,
    requests,
    volunteers,
)
from handlers import network as network_handlers
from handlers import program_settings as program_settings_handlers
from handlers import summaries as summary_handlers
from handlers.errors import friendly_error
from handlers.registry import MentorApp
from handlers.router import CommandRouter
from storage.db import Database, connect
from storage.models import HandledEvent

log = logging.getLogger(__name__)


def oauth_stores(runtime: Runtime) -> tuple[SQLAlchemyInstallationStore, SQLAlchemyOAuthStateStore]:
    s = runtime.settings
    assert s.slack_client_id
    return (
        SQLAlchemyInstallationStore(client_id=s.slack_client_id, engine=runtime.db.engine),
        SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=runtime.db.engine),
    )


def build_app(runtime: Runtime, mode: Mode, *, token_verification: bool = True) -> App:
    s = runtime.settings
    if mode is Mode.OAUTH:
        installation_store, state_store = oauth_stores(runtime)
        app = MentorApp(
            signing_secret=s.slack_signing_secret,
            client=runtime.slack.new_client(),
            oauth_settings=OAuthSettings(
                client_id=s.slack_client_id,
                client_secret=s.slack_client_secret,
                scopes=list(s.slack_scopes),
                installation_store=installation_store,
                state_store=state_store,
            ),
        )
    else:
        app = MentorApp(
            signing_secret=s.slack_signing_secret or "socket-mode-has-no-signing-secret",
            client=runtime.slack.new_client(s.slack_bot_token),
            token_verification_enabled=token_verification,
            # Socket Mode requests come over an authenticated websocket, not signed HTTP.
            request_verification_enabled=mode is not Mode.SOCKET,
        )
    register_all(app, runtime)
    installation.register(app, mode)
    return app


def register_all(app: App, runtime: Runtime) -> CommandRouter:
    router = CommandRouter()
    app.middleware(_once_per_event(runtime))
    app.error(friendly_error)
    commands.register(app, runtime, router)
    checkins.register(app, runtime)
    sections = [agreements.home_section, volunteers.home_section, requests.matching_section]
    sections += [introductions.home_section, network_handlers.home_section]
    sections += [summary_handlers.team_section, summary_handlers.program_section]
    home.register(app, runtime, router, sections=sections)
    admin.register(app, runtime, router)
    people.register(app, runtime, router)
    agreements.register(app, runtime, router)
    volunteers.register(app, runtime, router, sections)
    requests.register(app, runtime, router, sections)
    offers.register(app, runtime, router)
    introductions.register(app, runtime, router)
    network_handlers.register(app, runtime, router, sections)
    summary_handlers.register(app, runtime, router)
    program_settings_handlers.register(app, runtime, router)
    data_rights.register(app, runtime, router)
    return router


def _once_per_event(runtime: Runtime):  # type: ignore[no-untyped-def]
    """Slack retries events it thinks were not acked (X-Slack-Retry-Num): handle each event_id once."""

    def middleware(body: dict[str, Any], next: Any) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not event_id:
            return next()
        try:
            with runtime.db.transaction() as session:
                session.add(
                    HandledEvent(
                        event_id=event_id, team_id=body.get("team_id", ""), handled_at=runtime.clock.now()
                    )
                )
        except IntegrityError:
            return BoltResponse(status=200, body="")
        return next()

    return middleware


def build_runtime(settings: Settings, *, clock: Clock | None = None, db: Database | None = None) -> Runtime:
    db = db or connect(settings.database_url)
    runtime_clock = clock or SystemClock()
    installation_store = None
    if settings.slack_client_id and not settings.slack_app_token:
        installation_store = SQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=db.engine)
    return Runtime(
        settings=settings, db=db, clock=runtime_clock, slack=SlackClients(settings, installation_store)
    )


def planners() -> list[Planner]:
    """Every planner the scheduler runs, in order."""
    return [
        expectations.plan_expectation_reminders,
        expectations.plan_term_end,
        matchmaking.plan_offer_expiries,
        checkin_service.plan_checkins,
        checkin_service.plan_stalled_pairings,
        checkin_service.plan_health_reviews,
        *introductions.planners(),
        *network_handlers.planners(),
        digests.plan_digests,
    ]


def build_dispatcher(runtime: Runtime) -> Dispatcher:
    return Dispatcher(
        db=runtime.db,
        slack=runtime.slack,
        grace=checkin_service.grace_from_program(runtime),
        on_failure=checkin_service.pause_when_unreachable(runtime),
        after_send={digests.DIGEST_KIND: digests.send_chart_after_digest(runtime)},
    )
