"""The gettext catalogs and the reader's language (see the package docstring)."""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

DOMAIN = "mentor_bot"
LOCALE_DIR = Path(__file__).parent / "locales"
DEFAULT_LANGUAGE = "en"
# English is the source language (it has no catalog); every other language is a catalog in LOCALE_DIR.
LANGUAGES: tuple[str, ...] = (
    DEFAULT_LANGUAGE,
    *sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()),
)

_reader: ContextVar[str] = ContextVar("reader_language", default=DEFAULT_LANGUAGE)


def supported(tag: str | None) -> str | None:
    """A Slack locale ("fr-CA", "en-US", "fr") as the language we write in, or None if we have no catalog."""
    if not tag:
        return None
    language = tag.replace("_", "-").split("-")[0].strip().lower()
    return language if language in LANGUAGES else None


def current_locale() -> str:
    return _reader.get()


def set_reader(locale: str | None) -> str:
    """``reading_in`` without the scope, for a request's middleware that cannot wrap its listener
    (bot.people.languages.answer_in); the language now read."""
    language = supported(locale) or DEFAULT_LANGUAGE
    _reader.set(language)
    return language


@contextmanager
def reading_in(locale: str | None) -> Iterator[str]:
    """Strings built inside are in ``locale`` (a language or a Slack locale; unknown means English)."""
    language = supported(locale) or DEFAULT_LANGUAGE
    token = _reader.set(language)
    try:
        yield language
    finally:
        _reader.reset(token)


def path_of(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The language's catalog, compiled from its .po in memory (fuzzy entries left out, as msgfmt does)."""
    if language == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    with path_of(language).open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _(message: str, /, **values: Any) -> str:
    """``message`` in the reader's language, its ``{placeholders}`` filled from ``values``."""
    text = translations(_reader.get()).gettext(message)
    return text.format(**values) if values else text


def n_(singular: str, plural: str, count: int, /, **values: Any) -> str:
    """The singular or plural form for ``count`` under the reader's language's plural rule (French says
    "1 rencontre", "0 rencontre"); ``{count}`` is filled with the count as the reader writes numbers."""
    text = translations(_reader.get()).ngettext(singular, plural, count)
    return text.format(**{"count": format_decimal(count, locale=_reader.get()), **values})


def N_(message: str, /) -> str:
    """Marks ``message`` for extraction without translating it (translate it later with ``_``)."""
    return message
