"""One message for readers of several languages: the pair's group DM when the two read different ones.

Decided here, once, for every group message the bot sends (check-in nudges in the group, report-backs,
the expectations steps, introductions): the message is built once per language and the versions go out
as ONE message, in the order of the members (the mentee first in a pair, the introduced person first in
an introduction), with a divider between them; the fallback ``text`` (notifications, screen readers)
carries both. Why:

* the pair already talks in that one group DM: two separate DMs would split the conversation, and the
  buttons (We met, Accept) must stay where both see what the other did;
* each reads their own part, and the order never changes, so each knows where theirs is;
* one language, one normal message: nothing changes for a pair who read the same language.

A message has at most 50 blocks: when both versions do not fit, they go as two messages, in the same
order, to the same group DM. Block ids must be unique in a message, so the second and later versions
carry ``.<language>`` after theirs; ``plain_block_id`` takes it off for the handlers that read an id from a
block id (``pairing_12.fr`` is pairing 12).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot.i18n import LANGUAGES, reading_in
from bot.messages.message import Message
from bot.messages.text import divider

MESSAGE_MAX_BLOCKS = 50
LANGUAGE_MARK = "."


def distinct_languages(languages: Sequence[str]) -> list[str]:
    """The languages in the order first met (the members' order)."""
    return list(dict.fromkeys(languages))


def in_languages(languages: Sequence[str], build: Callable[[], Message]) -> list[Message]:
    """The messages to send so that every reader finds their own language: one message when they share
    one (or both versions fit in one), else one message per language, in order."""
    wanted = distinct_languages(languages) or ["en"]
    versions: list[tuple[str, Message]] = []
    for language in wanted:
        with reading_in(language):
            versions.append((language, build()))
    if len(versions) == 1:
        return [versions[0][1]]
    blocks: list[Mapping[str, Any]] = []
    for n, (language, message) in enumerate(versions):
        if n:
            blocks.append(divider())
        blocks.extend(message.blocks if n == 0 else [_marked(b, language) for b in message.blocks])
    if len(blocks) > MESSAGE_MAX_BLOCKS:
        return [message for _, message in versions]
    return [Message(text="\n\n".join(m.text for _, m in versions), blocks=blocks)]


def _marked(block: Mapping[str, Any], language: str) -> Mapping[str, Any]:
    if not block.get("block_id"):
        return block
    return {**block, "block_id": f"{block['block_id']}{LANGUAGE_MARK}{language}"}


def plain_block_id(block_id: str) -> str:
    """A block id without the language mark a second version carries (see the module docstring)."""
    head, mark, tail = block_id.rpartition(LANGUAGE_MARK)
    return head if mark and tail in LANGUAGES else block_id
