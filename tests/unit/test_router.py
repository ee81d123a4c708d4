from __future__ import annotations

import pytest

from handlers.router import CommandRouter, split_command


def noop(_call) -> None:
    return None


def router() -> CommandRouter:
    r = CommandRouter()
    for name in ("request", "volunteer", "status", "help"):
        r.add(name, name, f"{name} things", noop)
    r.add("topics", "admin topics", "edit the mentoring topics", noop, admin=True)
    r.add("settings", "admin settings", "change the program settings", noop, admin=True)
    return r


@pytest.mark.parametrize(
    ("typo", "expected"), [("reqest", "request"), ("volunter", "volunteer"), ("stats", "status")]
)
def test_typos_get_the_closest_subcommand(typo: str, expected: str):
    assert router().suggest(typo) == expected


def test_nothing_close_gets_no_suggestion():
    assert router().suggest("xyzzy") is None


def test_split_command_lowercases_the_name_and_keeps_the_rest():
    assert split_command("  Request   <@U2|sam> please ") == ("request", "<@U2|sam> please")
    assert split_command(None) == ("", "")


def test_admin_commands_stay_out_of_help_and_duplicates_are_refused():
    r = router()
    assert [s.name for s in r.listed()] == ["request", "volunteer", "status", "help"]
    assert "topics" not in [s.name for s in r.listed()]
    with pytest.raises(ValueError):
        r.add("help", "help", "again", noop)
    with pytest.raises(ValueError):
        r.add("topics", "admin topics", "again", noop, admin=True)
    with pytest.raises(ValueError):
        r.add("admin", "admin", "the router's own word", noop)


def test_admin_subcommands_are_found_and_suggested_only_in_their_own_table():
    r = router()
    assert r.find("topics") is None and r.find("topics", admin=True) is not None
    assert r.find("request", admin=True) is None
    assert r.suggest("topcs", admin=True) == "topics"
    assert r.suggest("topcs") is None  # a participant's typo is never matched against admin tools
    assert r.suggest("admn") is None  # and never suggests `admin`
    assert r.suggest("reqest", admin=True) is None
