"""A message built once and filled in per row, for planners that send one nudge to thousands of people.

``Template.of(build, sample)`` calls ``build`` twice: once with a token in place of each per-row value
(a user id, a record id) and once with the sample row's real values. It keeps the first as JSON text cut
at the tokens, and keeps it only if filling it with the sample gives exactly the JSON of the second: a
builder that escapes, clips or reformats a value (so the value is not copied as it is) gets ``None`` back,
and the caller builds that row's message the ordinary way. ``fill`` then costs a string join per row
instead of building Block Kit and serialising it, and its values are JSON-escaped, so a quote or
backslash in one can never break out of its string.

Everything else a message depends on (the reader's language, the days it names, its shape) is the
caller's key: one template per distinct key, built in the language in force when ``of`` is called.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass

from bot.messages.message import Message

# Strings a token-free JSON string literal holds as they are (anything else goes through json.dumps).
_PLAIN = re.compile(r"[A-Za-z0-9 _.:|@#,-]*")


def _token(name: str) -> str:
    return f"\x00{name}\x00"


def _json_text(value: str) -> str:
    """`value` as it appears inside a JSON string literal written by json.dumps."""
    return value if _PLAIN.fullmatch(value) else json.dumps(value)[1:-1]


@dataclass(frozen=True, slots=True)
class Template:
    parts: tuple[str, ...]  # literal JSON text, then a field name, then literal text, ...

    @classmethod
    def of(cls, build: Callable[[Mapping[str, str]], Message], sample: Mapping[str, str]) -> Template | None:
        """The template of ``build`` (given each field's value as a string), checked against `sample`."""
        text = json.dumps(build({name: _token(name) for name in sample}).payload())
        pattern = "|".join(re.escape(json.dumps(_token(name))[1:-1]) for name in sample)
        pieces = re.split(f"({pattern})", text)
        by_token = {json.dumps(_token(name))[1:-1]: name for name in sample}
        parts = tuple(by_token.get(piece, piece) if n % 2 else piece for n, piece in enumerate(pieces))
        template = cls(parts)
        return template if template.fill(sample) == json.dumps(build(sample).payload()) else None

    def fill(self, values: Mapping[str, str]) -> str:
        """The message's payload as JSON text, each field replaced by its value."""
        parts = self.parts
        return "".join([part if n % 2 == 0 else _json_text(values[part]) for n, part in enumerate(parts)])


def filled(
    templates: dict[Hashable, Template | None],
    shape: Hashable,
    build: Callable[[Mapping[str, str]], Message],
    values: Mapping[str, str],
) -> str:
    """`build`'s payload for `values` as JSON text, from the template kept in `templates` under `shape`
    (everything else the message depends on, e.g. its language), made the first time a shape is seen.
    A message that cannot be templated is built the ordinary way each time."""
    if shape not in templates:
        templates[shape] = Template.of(build, values)
    template = templates[shape]
    return template.fill(values) if template is not None else json.dumps(build(values).payload())
