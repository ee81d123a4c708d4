"""The assembly: a Bolt App with every surface registered, the hooks, the App Home and the planners.

This is the one place that sees every capability. Each handlers module has `register(app)`; what its
listeners need (the runtime, the App Home) reaches them through Bolt's context (see _provide).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy.exc import IntegrityError

from bot.buddies.agenda import plan_buddy_agenda
from bot.buddies.finding import plan_buddy_offer_expiries
from bot.buddies.life import (
    buddy_for_newcomer,
    end_buddies_for_leaver,
    enforce_buddy_rules,
    forget_buddy_rows,
    plan_buddy_starts,
)
from bot.checkins.grace import grace_from_program
from bot.checkins.planning import plan_checkins
from bot.checkins.pulses import plan_health_reviews
from bot.checkins.stalls import plan_stalled_pairings
from bot.checkins.time_zones import move_checkins_to_new_zone
from bot.checkins.unreachable import pause_when_unreachable
from bot.clock import Clock, SystemClock
from bot.cohorts import forget_me as cohorts_forget_me
from bot.cohorts.rounds import plan_cohort_pairings, plan_cohort_previews, plan_cohort_rounds
from bot.cohorts.surveys import plan_cohort_surveys
from bot.config import Mode, Settings
from bot.copilots import forget_me as copilots_forget_me
from bot.copilots import offers as copilot_offers
from bot.copilots import standing as copilots_standing
from bot.expectations import forget_me as expectations_forget_me
from bot.expectations.later_life import end_for_leaver
from bot.expectations.reminders import plan_expectation_reminders
from bot.expectations.term_end import plan_term_end
from bot.i18n import DEFAULT_LANGUAGE
from bot.logs import bolt_request_id, install_request_ids
from bot.network.follow_ups import plan_intro_follow_ups
from bot.network.keep_in_touch import plan_keep_in_touch
from bot.network.promises import plan_promise_nudges
from bot.outbox import Dispatcher
from bot.oversight import digests
from bot.people.languages import answer_in, reader_language
from bot.retention import prune_expired
from bot.runtime import Hooks, Runtime
from bot.scheduler import Planner
from bot.sealed_tokens import SealedInstallationStore, TokenSealer
from bot.slack import SlackClients
from handlers import (
    admin,
    buddies,
    checkins,
    cohorts,
    commands,
    data_rights,
    direct_messages,
    expectations,
    home,
    installation,
    introductions,
    language,
    mentee_requests,
    network,
    offers,
    people,
    program_settings,
    summaries,
    volunteering,
)
from handlers.errors import friendly_error
from handlers.home import Home, Painter
from handlers.registry import MentorApp
from storage.db import Database, connect
from storage.models import HandledEvent

log = logging.getLogger(__name__)

# Every surface, in the order `/mentor help` lists their subcommands.
SURFACES = (
    commands,
    checkins,
    home,
    admin,
    people,
    expectations,
    volunteering,
    mentee_requests,
    offers,
    introductions,
    network,
    summaries,
    program_settings,
    cohorts,
    buddies,
    data_rights,
    language,
    direct_messages,
    installation,
)

# App Home, top to bottom; each section decides for itself whether the viewer sees it.
HOME = Home(
    sections=(
        expectations.home_section,
        volunteering.home_section,
        mentee_requests.matching_section,
        buddies.home_section,
        introductions.home_section,
        network.home_section,
        summaries.summary_section,
        language.home_section,
        cohorts.home_section,
    )
)


def hooks() -> Hooks:
    """What other capabilities do when the people directory learns something about a person."""
    return Hooks(
        person_joined=[buddy_for_newcomer],
        person_left=[end_for_leaver, end_buddies_for_leaver],
        tz_changed=[move_checkins_to_new_zone],
        person_forgotten=[
            expectations_forget_me.withdraw_unfinished_rounds,
            copilots_forget_me.withdraw_requests_and_offers,
            cohorts_forget_me.delete_survey_answers,
            forget_buddy_rows,
        ],
        org_changed=[copilots_standing.enforce_rules, enforce_buddy_rules],
    )


def planners() -> list[Planner]:
    """Every planner the scheduler runs, in order."""
    return [
        plan_expectation_reminders,
        plan_term_end,
        copilot_offers.plan_offer_expiries,
        plan_cohort_previews,
        plan_cohort_rounds,
        plan_cohort_pairings,
        plan_cohort_surveys,
        plan_checkins,
        plan_stalled_pairings,
        plan_health_reviews,
        plan_intro_follow_ups,
        plan_promise_nudges,
        plan_keep_in_touch,
        plan_buddy_starts,
        plan_buddy_offer_expiries,
        plan_buddy_agenda,
        digests.plan_digests,
        # Not a planner of messages: forgets handled event ids and request signatures once expired.
        prune_expired,
    ]


def installation_store(settings: Settings, db: Database) -> SealedInstallationStore:
    """Where OAuth installations live: slack-sdk's store with every token sealed (bot/sealed_tokens.py)."""
    assert settings.slack_client_id
    return SealedInstallationStore(
        client_id=settings.slack_client_id,
        engine=db.engine,
        sealer=TokenSealer(settings.token_encryption_keys),
    )


def oauth_stores(runtime: Runtime) -> tuple[SealedInstallationStore, SQLAlchemyOAuthStateStore]:
    store = installation_store(runtime.settings, runtime.db)
    # Tokens stored in plain text by an earlier version, or under a key since rotated, are sealed anew.
    store.reseal_all()
    return store, SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=runtime.db.engine)


def build_app(runtime: Runtime, mode: Mode, *, token_verification: bool = True) -> App:
    install_request_ids()
    s = runtime.settings
    if mode is Mode.OAUTH:
        installation_store, state_store = oauth_stores(runtime)
        client = runtime.slack.new_client()
        app = MentorApp(
            signing_secret=s.slack_signing_secret,
            client=client,
            # Bolt's default asks Slack's auth.test on every request; a token's answer does not change, so
            # it is kept per token (a rotated or reinstalled token is a new key; an uninstalled workspace
            # has no token to look up, so it is refused before the cache is read).
            authorize=InstallationStoreAuthorize(
                logger=log,
                installation_store=installation_store,
                client_id=s.slack_client_id,
                client_secret=s.slack_client_secret,
                cache_enabled=True,
                client=client,
            ),
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
    app.middleware(bolt_request_id)
    home_page = HOME.painted_by(Painter(lambda: app.listener_runner.listener_executor))
    app.middleware(_provide(runtime, home_page, app))
    app.middleware(_members_only)
    app.middleware(_once_per_event(runtime))
    app.middleware(_in_the_readers_language(runtime))
    app.error(friendly_error)
    for surface in SURFACES:
        surface.register(app)
    return app


def _provide(runtime: Runtime, home_page: Home, app: MentorApp) -> Callable[..., BoltResponse | None]:
    """Bolt passes a listener any context key its signature names: `runtime`, `home` and `router`."""

    def middleware(context: BoltContext, next: Callable[[], BoltResponse | None]) -> BoltResponse | None:
        context["runtime"] = runtime
        context["home"] = home_page
        context["router"] = app.router
        return next()

    return middleware


def _members_only(body: dict[str, Any], next: Callable[[], BoltResponse | None]) -> BoltResponse | None:
    """A click or form from someone of another workspace (Slack Connect: their user.team_id is not the
    payload's team) is acked and ignored, so they never become a participant or an admin here."""
    user, team = body.get("user"), body.get("team")
    if isinstance(user, dict) and isinstance(team, dict) and not body.get("is_enterprise_install"):
        home, here = user.get("team_id"), team.get("id")
        if home and here and home != here:
            return BoltResponse(status=200, body="")
    return next()


def _once_per_event(runtime: Runtime) -> Callable[..., BoltResponse | None]:
    """Slack retries events it thinks were not acked (X-Slack-Retry-Num): handle each event_id once."""

    def middleware(body: dict[str, Any], next: Callable[[], BoltResponse | None]) -> BoltResponse | None:
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


# Events whose `user` is the person reading what the bot answers (not, as in user_change, its subject).
_READER_EVENTS = frozenset({"app_home_opened", "message", "app_mention"})


def _reader(body: dict[str, Any]) -> tuple[str, str, str | None] | None:
    """(team, user, the payload's locale if Slack sent one) of the person a request answers."""
    if body.get("type") == "event_callback":
        event = body.get("event") or {}
        user = event.get("user")
        if event.get("type") not in _READER_EVENTS or event.get("bot_id") or not isinstance(user, str):
            return None
        return body.get("team_id") or "", user, None
    if isinstance(body.get("user_id"), str):  # a slash command
        return body.get("team_id") or "", body["user_id"], None
    user = body.get("user")
    if isinstance(user, dict) and user.get("id"):
        team = (body.get("team") or {}).get("id") or user.get("team_id") or ""
        return team, user["id"], user.get("locale") or body.get("locale")
    return None


def _in_the_readers_language(runtime: Runtime) -> Callable[..., BoltResponse | None]:
    """The request (and the listener threads it hands work to: bot.logs.ContextExecutor copies the
    context) is answered in the language of the person who clicked or typed (bot.people.languages)."""

    def middleware(
        body: dict[str, Any], context: BoltContext, next: Callable[[], BoltResponse | None]
    ) -> BoltResponse | None:
        reader = _reader(body)
        answer_in(None, None, DEFAULT_LANGUAGE)
        if reader is None or not reader[0]:
            return next()
        team_id, user_id, payload_locale = reader
        try:
            language = reader_language(runtime, context.client, team_id, user_id, payload_locale)
        except Exception as exc:  # an unread language must never cost the request: it is answered in English
            log.warning("could not read the reader's language (%s)", type(exc).__name__)
            return next()
        answer_in(team_id, user_id, language)
        return next()

    return middleware


def build_runtime(settings: Settings, *, clock: Clock | None = None, db: Database | None = None) -> Runtime:
    db = db or connect(settings.database_url)
    runtime_clock = clock or SystemClock()
    store = None
    if settings.slack_client_id and not settings.slack_app_token:
        store = installation_store(settings, db)
    return Runtime(
        settings=settings,
        db=db,
        clock=runtime_clock,
        slack=SlackClients(settings, store),
        hooks=hooks(),
    )


def build_dispatcher(runtime: Runtime) -> Dispatcher:
    return Dispatcher(
        db=runtime.db,
        slack=runtime.slack,
        grace=grace_from_program(runtime),
        on_failure=pause_when_unreachable(runtime),
    )
