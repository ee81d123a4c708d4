from __future__ import annotations

import pytest

from handlers.router import CommandRouter, split_command


def noop(_call) -> None:
    return None


def router() -> CommandRouter:
    r = CommandRouter()
    for name in ("request", "volunteer", "status", "help"):
        r.add(name, name, f"{name} things", noop)
    r.add("admin", "admin", "admin things", noop, listed=False)
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


def test_unlisted_commands_stay_out_of_help_and_duplicates_are_refused():
    r = router()
    assert "admin" not in [s.name for s in r.listed()]
    with pytest.raises(ValueError):
        r.add("help", "help", "again", noop)
