"""OAuth tokens sealed at rest: slack-sdk's SQLAlchemy installation store, with every token encrypted.

Keys come from TOKEN_ENCRYPTION_KEYS, comma-separated, newest first; each is a Fernet key (32 url-safe
base64 bytes, `mentor-bot new-token-key` prints one). Tokens are written under the newest key and read
with any of them (cryptography's MultiFernet), so a key is rotated by putting a new one in front, starting
the app (which reseals every stored token under it), then removing the old key. A token stored in plain
text by an earlier version is still read, and is sealed at the next start.

A Fernet token always starts with "gAAAAA" (its version byte, 0x80, in base64) and a Slack token with
"xox", so a stored value says by itself whether it is sealed.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine, select

log = logging.getLogger(__name__)

SEALED_PREFIX = "gAAAAA"
INSTALLATION_TOKENS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
BOT_TOKENS = ("bot_token", "bot_refresh_token")


class KeyProblem(ValueError):
    """TOKEN_ENCRYPTION_KEYS holds something that is not a Fernet key (the message never quotes it)."""


class TokenState(StrEnum):
    PLAIN = "plain"  # stored before tokens were sealed
    CURRENT = "current"  # sealed under the newest key
    OLDER_KEY = "older_key"  # sealed under a key further down the list: resealed at the next start
    UNREADABLE = "unreadable"  # sealed under a key no longer in the list


def parse_keys(text: str | None) -> tuple[str, ...]:
    """TOKEN_ENCRYPTION_KEYS as a tuple, newest first; KeyProblem names the bad entry by position."""
    keys = tuple(k.strip() for k in (text or "").split(",") if k.strip())
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise KeyProblem(
                f"TOKEN_ENCRYPTION_KEYS entry {position} is not a Fernet key (32 url-safe base64-encoded "
                "bytes). `mentor-bot new-token-key` prints a new one."
            ) from None
    return keys


def new_key() -> str:
    return Fernet.generate_key().decode()


def is_sealed(value: str | None) -> bool:
    return bool(value) and str(value).startswith(SEALED_PREFIX)


class TokenSealer:
    """Seal under the newest key; open with any key; tell how a stored value is kept."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise KeyProblem("TOKEN_ENCRYPTION_KEYS is empty: OAuth tokens need a key to be sealed with.")
        self._newest = Fernet(keys[0])
        self._all = MultiFernet([Fernet(k) for k in keys])

    def seal(self, value: str | None) -> str | None:
        if value is None or is_sealed(value):
            return value
        return self._all.encrypt(value.encode()).decode()

    def open(self, value: str | None) -> str | None:
        """The token; a plain (legacy) value is returned as it is. InvalidToken if no key opens it."""
        if value is None or not is_sealed(value):
            return value
        return self._all.decrypt(value.encode()).decode()

    def reseal(self, value: str | None) -> str | None:
        """The value sealed under the newest key (from plain text or an older key)."""
        if value is None:
            return None
        if not is_sealed(value):
            return self.seal(value)
        return self._all.rotate(value.encode()).decode()

    def state(self, value: str) -> TokenState:
        if not is_sealed(value):
            return TokenState.PLAIN
        try:
            self._newest.decrypt(value.encode())
            return TokenState.CURRENT
        except InvalidToken:
            pass
        try:
            self._all.decrypt(value.encode())
            return TokenState.OLDER_KEY
        except InvalidToken:
            return TokenState.UNREADABLE


@dataclass(frozen=True)
class TokenCensus:
    """How the stored tokens are kept, by state (no token is ever part of it)."""

    counts: dict[TokenState, int]

    def of(self, state: TokenState) -> int:
        return self.counts.get(state, 0)


class SealedInstallationStore(SQLAlchemyInstallationStore):
    """slack-sdk's store, sealing tokens on the way in and opening them on the way out."""

    def __init__(self, client_id: str, engine: Engine, sealer: TokenSealer) -> None:
        super().__init__(client_id=client_id, engine=engine)
        self.sealer = sealer

    def _sealed_copy(self, entity: Any, fields: Sequence[str]) -> Any:
        sealed = copy.copy(entity)
        for name in fields:
            setattr(sealed, name, self.sealer.seal(getattr(entity, name, None)))
        return sealed

    def save(self, installation: Installation) -> None:
        # The parent saves the bot row through self.save_bot, which seals nothing twice (is_sealed).
        super().save(self._sealed_copy(installation, INSTALLATION_TOKENS))

    def save_bot(self, bot: Bot) -> None:
        super().save_bot(self._sealed_copy(bot, BOT_TOKENS))

    def build_installation_entity(self, row: Any) -> Installation:  # type: ignore[override]
        installation = SQLAlchemyInstallationStore.build_installation_entity(row)
        for name in INSTALLATION_TOKENS:
            setattr(installation, name, self.sealer.open(getattr(installation, name)))
        return installation

    def build_bot_entity(self, row: Any) -> Bot:  # type: ignore[override]
        bot = SQLAlchemyInstallationStore.build_bot_entity(row)
        for name in BOT_TOKENS:
            setattr(bot, name, self.sealer.open(getattr(bot, name)))
        return bot

    def _token_rows(self) -> list[tuple[Any, tuple[str, ...], Any]]:
        """(table, token columns, row) for every stored installation and bot row."""
        found = []
        with self.engine.connect() as conn:
            for table, columns in ((self.installations, INSTALLATION_TOKENS), (self.bots, BOT_TOKENS)):
                query = select(table.c.id, *(table.c[name] for name in columns))
                found.extend((table, columns, row) for row in conn.execute(query).mappings())
        return found

    def census(self) -> TokenCensus:
        counts: dict[TokenState, int] = {}
        for _, columns, row in self._token_rows():
            for name in columns:
                if row[name]:
                    state = self.sealer.state(row[name])
                    counts[state] = counts.get(state, 0) + 1
        return TokenCensus(counts)

    def reseal_all(self) -> int:
        """Seal plain tokens and move older keys' tokens to the newest key; returns rows rewritten.
        A token no key opens is left as it is (doctor reports it)."""
        rewritten = 0
        for table, columns, row in self._token_rows():
            values = {}
            for name in columns:
                value = row[name]
                if value and self.sealer.state(value) in (TokenState.PLAIN, TokenState.OLDER_KEY):
                    values[name] = self.sealer.reseal(value)
            if values:
                with self.engine.begin() as conn:
                    conn.execute(table.update().where(table.c.id == row["id"]).values(**values))
                rewritten += 1
        if rewritten:
            log.info("sealed the OAuth tokens of %d stored row(s) under the newest key", rewritten)
        return rewritten
