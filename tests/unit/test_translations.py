"""Every message id in the source is translated, correctly, in every catalog (issue 13).

The ids are what ``python -m bot.i18n.catalog extract`` finds in bot/ and handlers/; the catalogs are
bot/i18n/locales/*/LC_MESSAGES/mentor_bot.po. ``python -m bot.i18n.catalog check`` lists the same
problems from the command line, and ``update`` fixes the ones marked "(run update)".
"""

from __future__ import annotations

import ast
import gettext
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo

from bot.i18n import _, n_, reading_in
from bot.i18n import catalogs as runtime
from bot.i18n.catalog import (
    ROOT,
    SOURCES,
    catalog_paths,
    extract,
    placeholder_problems,
    placeholders,
    plural_rule_problems,
    read,
)

PATHS = catalog_paths()
LANGUAGE_IDS = [p.parent.parent.name for p in PATHS]


@pytest.fixture(scope="module")
def template() -> Catalog:
    return extract()


def source_messages(template: Catalog) -> list[Message]:
    return [m for m in template if m.id]


def forms(message: Message) -> tuple[str, ...]:
    return (message.string,) if isinstance(message.string, str) else tuple(message.string)


def shown(message: Message) -> str:
    where = ", ".join(sorted({path for path, _ in message.locations}))
    first = message.id if isinstance(message.id, str) else message.id[0]
    return f"{first!r} ({where})" if where else repr(first)


def test_there_is_a_french_catalog():
    assert "fr" in LANGUAGE_IDS
    assert "fr" in runtime.LANGUAGES


@pytest.mark.parametrize("path", PATHS, ids=LANGUAGE_IDS)
def test_the_catalog_parses_and_defines_each_id_once(path: Path):
    parsed = read(path)  # a syntax error raises PoFileError with its line
    assert parsed.duplicates == []
    runtime.translations.cache_clear()
    assert runtime.translations(path.parent.parent.name) is not None  # compiles as the bot compiles it


@pytest.mark.parametrize("path", PATHS, ids=LANGUAGE_IDS)
def test_every_message_id_in_the_source_is_translated(path: Path, template: Catalog):
    catalog = read(path).catalog
    missing = []
    for wanted in source_messages(template):
        message = catalog.get(wanted.id)
        if message is None or not all(forms(message)) or message.pluralizable != wanted.pluralizable:
            missing.append(shown(wanted))
        elif message.pluralizable and len(forms(message)) != catalog.num_plurals:
            missing.append(shown(wanted) + f": {len(forms(message))} plural forms, not {catalog.num_plurals}")
    assert missing == [], f"{len(missing)} message ids without a translation in {path.relative_to(ROOT)}"


@pytest.mark.parametrize("path", PATHS, ids=LANGUAGE_IDS)
def test_no_translation_is_fuzzy(path: Path):
    # A fuzzy entry is left out when the catalog is compiled: people would read English.
    assert [shown(m) for m in read(path).catalog if m.id and m.fuzzy] == []


@pytest.mark.parametrize("path", PATHS, ids=LANGUAGE_IDS)
def test_translations_keep_the_placeholders_of_the_source(path: Path):
    wrong = [f"{shown(m)}: {p}" for m in read(path).catalog if m.id for p in placeholder_problems(m)]
    assert wrong == []


@pytest.mark.parametrize("path", PATHS, ids=LANGUAGE_IDS)
def test_the_catalog_has_no_entry_the_source_no_longer_uses(path: Path, template: Catalog):
    stale = [shown(m) for m in read(path).catalog if m.id and template.get(m.id) is None]
    assert stale == [], "run `python -m bot.i18n.catalog update`"


@pytest.mark.parametrize("path", PATHS, ids=LANGUAGE_IDS)
def test_the_catalog_carries_its_languages_plural_rule(path: Path):
    assert plural_rule_problems(read(path).catalog, path.parent.parent.name) == []


def test_french_punctuation_keeps_its_space_with_the_sign():
    # French writes a space before ? ! ; and it must not break the line before the sign: a no-break space.
    catalog = read(next(p for p in PATHS if p.parent.parent.name == "fr")).catalog
    loose = [shown(m) for m in catalog if m.id for text in forms(m) if re.search(r" [?!;]", text)]
    assert loose == []


def test_french_plurals_make_zero_and_one_singular(monkeypatch: pytest.MonkeyPatch):
    """The French catalog's own Plural-Forms, compiled as the bot compiles it: 0 and 1 take the first form."""
    french = read(runtime.path_of("fr")).catalog
    rule = gettext.c2py(dict(french.mime_headers)["Plural-Forms"].split("plural=")[1].rstrip(";"))
    assert [rule(n) for n in (0, 1, 2, 5, 1000)] == [0, 0, 1, 1, 1]

    french.add(("{count} meeting", "{count} meetings"), ("{count} rencontre", "{count} rencontres"))
    compiled = io.BytesIO()
    write_mo(compiled, french)
    compiled.seek(0)
    translations = gettext.GNUTranslations(compiled)
    monkeypatch.setattr(runtime, "translations", lambda language: translations)
    with reading_in("fr-CA"):
        said = [n_("{count} meeting", "{count} meetings", n) for n in (0, 1, 2, 1500)]
    assert said == ["0 rencontre", "1 rencontre", "2 rencontres", "1\u202f500 rencontres"]


def test_english_is_the_source_and_fills_placeholders():
    with reading_in("en-US"):
        assert _("Hello {name}", name="Ana") == "Hello Ana"
        assert n_("{count} meeting", "{count} meetings", 1) == "1 meeting"
        assert n_("{count} meeting", "{count} meetings", 0) == "0 meetings"


# ----- how message ids are written in the source ------------------------------------------------------

KEYWORDS = {"_": 1, "n_": 2, "N_": 1}  # the function and how many of its arguments are message ids


def python_files() -> Iterator[Path]:
    for source in SOURCES:
        yield from sorted((ROOT / source).rglob("*.py"))


def _is_translation(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in KEYWORDS


def _words_outside(joined: ast.JoinedStr) -> bool:
    """An f-string with words of its own around a translation: a sentence built from fragments. Code
    spans (`/mentor {usage}`) are commands, not words."""
    shape = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in joined.values)
    return any(ch.isalpha() for ch in re.sub(r"`[^`]*`", "", shape))


def _has_words(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and any(c.isalpha() for c in node.value)
    )


def _looked_up(arg: ast.AST) -> bool:
    """A message id read from a constant or a table marked with N_() (``_(LABEL)``, ``_(LABELS[key])``,
    ``_(LABELS.get(key, N_("…")))``): extracted where it is defined."""
    if isinstance(arg, ast.Call):
        return isinstance(arg.func, ast.Attribute) and arg.func.attr == "get"
    return isinstance(arg, ast.Name | ast.Attribute | ast.Subscript)


def call_problems(call: ast.Call) -> list[str]:
    name = call.func.id  # type: ignore[attr-defined]
    wanted = KEYWORDS[name]
    ids = call.args[:wanted]
    if len(ids) < wanted:
        return [f"{name}() needs {wanted} message id argument(s)"]
    problems = ["n_() needs the count as its third argument"] if name == "n_" and len(call.args) < 3 else []
    literal: list[str] = []
    for arg in ids:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            if not arg.value.strip():
                problems.append(f"{name}() with an empty message id")
            elif arg.value != arg.value.strip(" "):
                problems.append(f"{name}() with a fragment (a message id starting or ending with a space)")
            literal.append(arg.value)
        elif isinstance(arg, ast.JoinedStr):
            problems.append(f"{name}() with an f-string: write {{placeholders}} and pass them as values")
        elif name != "N_" and _looked_up(arg):
            pass
        else:
            problems.append(f"{name}() with a {type(arg).__name__} as message id: it cannot be extracted")
    if name == "N_" and (len(call.args) > 1 or call.keywords):
        problems.append("N_() marks a message id; pass the values to _() where it is translated")
    if len(literal) != wanted or name == "N_" or any(k.arg is None for k in call.keywords):
        return problems
    try:
        needed = set().union(*(placeholders(text) for text in literal))
    except ValueError as exc:
        return [*problems, f"unbalanced braces in the message id ({exc})"]
    if name == "n_":
        needed.discard("count")
    given = {k.arg for k in call.keywords}
    if needed - given:
        problems.append(f"placeholders without a value: {', '.join(sorted(needed - given))}")
    if given - needed:
        problems.append(f"values without a placeholder: {', '.join(sorted(given - needed))}")  # type: ignore[arg-type]
    return problems


def assembly_problems(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if _is_translation(node):
            found += [(node.lineno, p) for p in call_problems(node)]  # type: ignore[arg-type]
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and _is_translation(node.left):
            found.append((node.lineno, "a translation filled with %: pass {placeholders} to _() itself"))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            # Whole sentences may follow each other; English words glued to a translation may not.
            sides = (node.left, node.right)
            if any(map(_is_translation, sides)) and any(map(_has_words, sides)):
                found.append((node.lineno, "English words joined to a translation: make it one message id"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and _is_translation(node.func.value)
        ):
            found.append((node.lineno, "_(...).format(): pass the values to _() itself"))
        elif isinstance(node, ast.JoinedStr) and _words_outside(node):
            inner = [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
            if any(_is_translation(value) for value in inner):
                found.append((node.lineno, "an f-string with words around a translation: one message id"))
    return found


def test_every_message_id_is_one_literal_sentence_with_its_values_passed_to_the_translation():
    offenders = []
    for path in python_files():
        for line, problem in assembly_problems(ast.parse(path.read_text(), str(path))):
            offenders.append(f"{path.relative_to(ROOT)}:{line}: {problem}")
    assert offenders == []


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ('_(f"Hello {name}")', "f-string"),
        ('_("Hello " + name)', "BinOp"),
        ('_("Hello ") + name', "fragment"),
        ('_("Hello") + " dear " + name', "English words joined"),
        ('"Dear " + _("Ana")', "English words joined"),
        ('_("Hello %s") % name', "filled with %"),
        ('_(" and ")', "fragment"),
        ('_(prefix + "x")', "BinOp"),
        ('_("Hello {name}").format(name=x)', ".format()"),
        ("f\"{_('Hello')} dear {name}\"", "words around"),
        ('_("Hello {name}")', "without a value: name"),
        ('_("Hello {name}", nme=x)', "values without a placeholder: nme"),
        ('n_("{count} pair", "{count} pairs")', "needs the count"),
        ('n_("{count} pair")', "needs 2"),
        ('n_("{count} pair of {who}", "{count} pairs", n)', "without a value: who"),
        ('_("a" if x else "b")', "IfExp"),
        ('_("")', "empty"),
        ('N_("Hello {name}", name=x)', "N_() marks"),
    ],
)
def test_the_scan_catches_a_badly_assembled_message_id(code: str, problem: str):
    found = [p for _, p in assembly_problems(ast.parse(code))]
    assert any(problem in p for p in found), found


@pytest.mark.parametrize(
    "code",
    [
        '_("Hello {name}", name=x)',
        "_(LABEL)",
        "_(LABELS[key])",
        '_(LABELS.get(key, N_("Nothing changed.")))',
        "n_(words[0], words[1], n, **values)",
        '_("One sentence.") + " " + _("Another one.")',
        '_("*Made by me*") + "\\n" + "\\n".join(lines)',
        'n_("{count} pair", "{count} pairs", n)',
        'n_("one pair with {who}", "{count} pairs with {who}", n, who=w)',
        "f\"*{_('Goals')}:* {goals}\"",
        '_("Hello {name}", **values)',
        'f"`/mentor {usage}`: {_(what)}"',
        'N_("Giving feedback")',
    ],
)
def test_the_scan_accepts_what_the_house_writes(code: str):
    assert assembly_problems(ast.parse(code)) == []
