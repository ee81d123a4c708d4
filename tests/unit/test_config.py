from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Mode, load_settings, resolve_mode

SECRET_TOKEN = "xoxb-1234-very-secret"


def settings(**env: str):
    return load_settings(env, env_file=None)


def mode_error(**env: str) -> str:
    with pytest.raises(ConfigError) as caught:
        resolve_mode(settings(**env))
    return str(caught.value)


def test_defaults_are_sqlite_port_3000_and_slack_api():
    s = settings()
    assert s.database_url == "sqlite:///mentor-bot.db"
    assert s.port == 3000
    assert s.slack_api_url == "https://slack.com/api/"


def test_each_mode_is_chosen_from_the_variables():
    assert resolve_mode(settings(SLACK_APP_TOKEN="xapp-1", SLACK_BOT_TOKEN="xoxb-1")) is Mode.SOCKET
    assert resolve_mode(settings(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s")) is Mode.HTTP
    oauth = settings(
        SLACK_CLIENT_ID="1.2",
        SLACK_CLIENT_SECRET="c",
        SLACK_SIGNING_SECRET="s",
        TOKEN_ENCRYPTION_KEYS="bWVudG9yLWJvdC10ZXN0cy10b2tlbi1rZXktMDAwMDA=",
    )
    assert resolve_mode(oauth) is Mode.OAUTH


def test_no_credentials_explains_all_three_modes():
    message = mode_error()
    assert "no Slack credentials" in message
    for variable in ("SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CLIENT_ID"):
        assert variable in message


def test_missing_signing_secret_names_the_variable_and_the_mode_without_printing_the_token():
    message = mode_error(SLACK_BOT_TOKEN=SECRET_TOKEN)
    assert "SLACK_SIGNING_SECRET is missing" in message
    assert "HTTP mode (one workspace)" in message
    assert SECRET_TOKEN not in message


def test_socket_mode_needs_a_bot_token_too():
    assert "SLACK_BOT_TOKEN is missing. Socket Mode" in mode_error(SLACK_APP_TOKEN="xapp-1")


def test_contradictions_are_refused():
    assert "both set" in mode_error(SLACK_APP_TOKEN="xapp-1", SLACK_BOT_TOKEN="xoxb-1", SLACK_CLIENT_ID="1.2")
    assert "both set" in mode_error(
        SLACK_BOT_TOKEN="xoxb-1", SLACK_CLIENT_ID="1.2", SLACK_CLIENT_SECRET="c", SLACK_SIGNING_SECRET="s"
    )


def test_oauth_lists_what_is_missing():
    message = mode_error(SLACK_CLIENT_ID="1.2")
    assert "SLACK_CLIENT_SECRET and SLACK_SIGNING_SECRET missing" in message


def test_wrong_token_kinds_are_named():
    assert "xoxb-" in mode_error(SLACK_BOT_TOKEN="xapp-oops", SLACK_SIGNING_SECRET="s")
    assert "xapp-" in mode_error(SLACK_APP_TOKEN="xoxb-oops", SLACK_BOT_TOKEN="xoxb-1")


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"PORT": "web"}, "PORT must be a number"),
        ({"PORT": "70000"}, "PORT must be a number"),
        ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"SLACK_API_URL": "ftp://x"}, "SLACK_API_URL"),
    ],
)
def test_malformed_values_are_explained(env: dict[str, str], fragment: str):
    with pytest.raises(ConfigError, match=fragment):
        settings(**env)


def test_api_url_gets_a_trailing_slash_and_lists_are_split():
    s = settings(
        SLACK_API_URL="http://127.0.0.1:9/api", ADMIN_USER_IDS="U1, U2", SLACK_SCOPES="commands,chat:write"
    )
    assert s.slack_api_url == "http://127.0.0.1:9/api/"
    assert s.admin_user_ids == ("U1", "U2")
    assert s.slack_scopes == ("commands", "chat:write")


def test_dotenv_is_read_and_the_environment_wins(tmp_path: Path):
    env_file = tmp_path / ".env"
    env_file.write_text("SLACK_BOT_TOKEN=xoxb-from-file\nPORT=4000\n")
    s = load_settings({"PORT": "5000"}, env_file=env_file)
    assert s.slack_bot_token == "xoxb-from-file"
    assert s.port == 5000


def test_repr_hides_tokens():
    s = settings(SLACK_BOT_TOKEN=SECRET_TOKEN, SLACK_SIGNING_SECRET="sign-secret")
    assert SECRET_TOKEN not in repr(s)
    assert "sign-secret" not in repr(s)


def test_the_nudge_window_follows_the_program_settings():
    from bot.people.program_settings import ProgramSettings

    window = ProgramSettings(
        nudge_hour=9, working_days=(6, 0, 1, 2, 3), quiet_start=21, quiet_end=7
    ).nudge_window()
    assert (window.hour, window.working_days, window.quiet_start, window.quiet_end) == (
        9,
        frozenset({6, 0, 1, 2, 3}),
        21,
        7,
    )
    # Half-set or empty quiet hours mean none (NudgeWindow refuses a half-set pair).
    assert ProgramSettings(quiet_start=20, quiet_end=None).nudge_window().quiet_start is None
    assert ProgramSettings(quiet_start=8, quiet_end=8).nudge_window().quiet_end is None


def test_admin_user_ids_can_name_a_workspace():
    s = settings(ADMIN_USER_IDS="U1, TA:U2")
    assert s.lists_admin("TA", "U1") and s.lists_admin("TB", "U1")
    assert s.lists_admin("TA", "U2") and not s.lists_admin("TB", "U2")
    assert s.admins_of("TA") == ["U1", "U2"] and s.admins_of("TB") == ["U1"]


def test_a_malformed_admin_entry_is_explained():
    with pytest.raises(ConfigError, match="ADMIN_USER_IDS entries are Slack user ids"):
        settings(ADMIN_USER_IDS="ana@example.com")
