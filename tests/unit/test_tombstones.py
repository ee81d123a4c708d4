"""The keyed hash a forgotten person's tombstone keeps (bot.people.tombstones)."""

from __future__ import annotations

from bot.config import Settings, load_settings
from bot.people.tombstones import tombstone_hash


def test_the_key_comes_from_the_environment_and_is_never_shown():
    settings = load_settings({"TOMBSTONE_KEY": "k-from-env", "SLACK_SIGNING_SECRET": "s"}, env_file=None)
    assert settings.tombstone_key == "k-from-env"
    assert "k-from-env" not in repr(settings)


def test_the_hash_is_keyed_per_workspace_and_does_not_hold_the_id():
    keyed = Settings(tombstone_key="one", slack_signing_secret="secret")
    digest = tombstone_hash(keyed, "T1", "U123")
    assert digest is not None and len(digest) == 64 and "U123" not in digest
    assert digest == tombstone_hash(keyed, "T1", "U123"), "the same id is recognised"
    assert digest != tombstone_hash(keyed, "T2", "U123"), "another workspace's U123 is someone else"
    assert digest != tombstone_hash(Settings(tombstone_key="two"), "T1", "U123"), "a new key forgets"
    # Without TOMBSTONE_KEY the signing secret keys it; with no key at all nothing is kept.
    assert tombstone_hash(Settings(slack_signing_secret="secret"), "T1", "U123") is not None
    assert tombstone_hash(Settings(), "T1", "U123") is None
