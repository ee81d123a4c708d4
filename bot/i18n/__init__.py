"""Translation: every string a person reads is written in English in the code and read in their language.

Owns the gettext catalogs (``locales/<lang>/LC_MESSAGES/mentor_bot.po``, compiled in memory on first use,
so there is no build step and no stale ``.mo``), the reader's language for the work in hand (a context
variable set per Slack request and per recipient), and the locale-aware writing of dates and numbers.

* ``_("Hello {name}", name=...)``, ``n_("{count} pairing", "{count} pairings", count)``: translate now,
  in the reader's language, then fill the ``{placeholders}`` (so a translator can reorder them);
* ``N_("...")``: mark a string for extraction where it is defined (a module constant), translate it with
  ``_()`` where it is read;
* ``reading_in(locale)``: the language strings built inside are written in; ``current_locale()``;
* ``supported(tag)``: a Slack locale such as ``fr-CA`` as one of ``LANGUAGES``, or None.

May import: nothing from bot, handlers or storage (the pure rules and the message builders use it).
"""

from bot.i18n.catalogs import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    N_,
    _,
    current_locale,
    n_,
    reading_in,
    supported,
)
from bot.i18n.formatting import format_date, format_moment, format_number, format_time

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "N_",
    "_",
    "current_locale",
    "format_date",
    "format_moment",
    "format_number",
    "format_time",
    "n_",
    "reading_in",
    "supported",
]
