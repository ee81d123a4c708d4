"""The catalog tooling: ``python -m bot.i18n.catalog extract|update|check|init``.

* ``extract [-o FILE]``: every message id of ``bot/`` and ``handlers/`` (the keywords ``_``, ``n_:1,2`` and
  ``N_``, and the ``# Translators:`` comments above them) as a .pot template, to FILE or to stdout;
* ``update``: each language's ``locales/<lang>/LC_MESSAGES/mentor_bot.po`` made to match the source: new
  ids added untranslated, existing translations kept, ids no longer in the source dropped. Entries are
  sorted by msgid and written unwrapped without line numbers, and the catalog's header is kept as it is,
  so running it twice changes nothing and a diff shows only what changed in the words;
* ``check``: exits 1 listing every problem (a syntax error, a duplicate id, an id untranslated, fuzzy or
  no longer in the source, ``{placeholders}`` that differ from the source's, plural forms that don't
  match the language's rule) and 0 when the catalogs are complete;
* ``init LANG``: a new, empty catalog for LANG with its CLDR plural rule (then ``update``, translate,
  ``check``). There is no compile step: bot/i18n/catalogs.py compiles a catalog in memory on first use.

Placeholders: every translated form carries exactly the ``{names}`` of its source form (msgid for the
first form, msgid_plural for the others), except that the first form may add or leave out ``{count}``:
French uses it for 0 as well as 1, where English may say "one".

May import: Babel and the standard library (it is a developer's tool; the bot never runs it).
"""

from __future__ import annotations

import argparse
import io
import re
import string
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from babel import Locale
from babel.core import UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.plurals import get_plural
from babel.messages.pofile import PoFileError, PoFileParser, write_po

from bot.i18n.catalogs import DOMAIN, LOCALE_DIR

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("bot", "handlers")
KEYWORDS: dict[str, tuple[int, ...] | None] = {"_": None, "n_": (1, 2), "N_": None}
COMMENT_TAGS = ("Translators:",)
COUNT = "count"  # n_() always fills it
# gettext's rule where it differs from CLDR's: CLDR gives French a third form ("many", for millions written
# compactly, "1 M de rencontres") that a count of meetings never needs.
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);"}


# ----- reading ----------------------------------------------------------------------------------------


def extract(root: Path = ROOT, sources: Sequence[str] = SOURCES) -> Catalog:
    """The template: every message id marked in the source, with where it is used (file paths only)."""
    template = Catalog(project="mentor-bot", domain=DOMAIN, fuzzy=False)
    for source in sources:
        directory = root / source
        results = extract_from_dir(
            directory,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=COMMENT_TAGS,
            strip_comment_tags=True,
        )
        for filename, _lineno, message, comments, context in results:
            where = (Path(source) / filename).as_posix()
            template.add(message, None, [(where, None)], auto_comments=comments, context=context)
    return template


@dataclass
class Read:
    """A .po file as parsed: the catalog and the ids it defines more than once."""

    catalog: Catalog
    duplicates: list[str] = field(default_factory=list)


class _Parser(PoFileParser):
    """Babel's parser, remembering ids defined twice (it would silently keep the last one)."""

    def __init__(self, catalog: Catalog, duplicates: list[str]) -> None:
        super().__init__(catalog, abort_invalid=True)
        self.duplicates = duplicates

    def _add_message(self) -> None:
        if len(self.messages) > 1:
            msgid: str | tuple[str, ...] = tuple(m.denormalize() for m in self.messages)
        else:
            msgid = self.messages[0].denormalize()
        context = self.context.denormalize() if self.context else None
        if not self.obsolete and msgid and self.catalog.get(msgid, context) is not None:
            self.duplicates.append(_shown(msgid))
        super()._add_message()


class CatalogSyntaxError(ValueError):
    pass


# A line of a .po file: a keyword and a quoted string, or a string continuing the one above. Babel's parser
# forgives a missing closing quote (it drops the last character); gettext's msgfmt does not.
_LINE = re.compile(r'(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"\s*')


def quoting_problems(text: str) -> list[str]:
    return [
        f"line {number}: {line.strip()[:60]!r} is not a keyword and a quoted string"
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.lstrip().startswith("#") and not _LINE.fullmatch(line.strip())
    ]


def read(path: Path) -> Read:
    """Parse a catalog; raises PoFileError or CatalogSyntaxError (with the line) on a syntax error."""
    quoting = quoting_problems(path.read_text(encoding="utf-8"))
    if quoting:
        raise CatalogSyntaxError("; ".join(quoting))
    language = path.parent.parent.name
    catalog = Catalog(locale=language, domain=DOMAIN)
    duplicates: list[str] = []
    with path.open("rb") as po:
        _Parser(catalog, duplicates).parse(po)
    return Read(catalog, duplicates)


def catalog_paths(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    return sorted(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


# ----- writing ----------------------------------------------------------------------------------------


def header_of(text: str) -> str:
    """The catalog's header entry (and the comments above it), kept verbatim by update()."""
    first = text.split("\n\n", 1)[0].rstrip("\n")
    if 'msgid ""' not in first:
        raise ValueError('the catalog does not start with its header entry (msgid "")')
    return first + "\n"


def render(catalog: Catalog, header: str) -> str:
    body = io.BytesIO()
    write_po(
        body,
        catalog,
        width=0,
        omit_header=True,
        sort_output=True,
        ignore_obsolete=True,
        include_lineno=False,
    )
    entries = body.getvalue().decode("utf-8").strip("\n")
    return header + ("\n" + entries + "\n" if entries else "")


def update(path: Path, template: Catalog) -> bool:
    """Make one catalog match the template; True if the file changed."""
    before = path.read_text(encoding="utf-8")
    catalog = read(path).catalog
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    after = render(catalog, header_of(before))
    if after != before:
        path.write_text(after, encoding="utf-8")
    return after != before


def init(language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    """An empty catalog for ``language`` with its plural rule from CLDR."""
    try:
        name = Locale.parse(language).english_name
    except (ValueError, UnknownLocaleError) as exc:
        raise ValueError(f"{language!r} is not a language Babel knows") from exc
    path = locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if path.exists():
        raise ValueError(f"{path} already exists")
    plural = plural_forms(language)
    path.parent.mkdir(parents=True)
    path.write_text(
        f"# {name} translations for mentor-bot.\n"
        'msgid ""\n'
        'msgstr ""\n'
        '"Project-Id-Version: mentor-bot\\n"\n'
        f'"Language: {language}\\n"\n'
        '"MIME-Version: 1.0\\n"\n'
        '"Content-Type: text/plain; charset=utf-8\\n"\n'
        '"Content-Transfer-Encoding: 8bit\\n"\n'
        f'"Plural-Forms: {plural}\\n"\n',
        encoding="utf-8",
    )
    return path


# ----- checking ---------------------------------------------------------------------------------------


def placeholders(text: str) -> frozenset[str]:
    """The ``{names}`` str.format() fills in ``text`` (``{{`` and ``}}`` are literal braces).
    Raises ValueError on unbalanced braces."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def _shown(msgid: str | tuple[str, ...] | Iterable[str]) -> str:
    first = msgid if isinstance(msgid, str) else next(iter(msgid))
    return repr(first if len(first) <= 70 else first[:67] + "...")


def placeholder_problems(message: Message) -> list[str]:
    """Forms whose ``{placeholders}`` differ from their source form's (see the module docstring)."""
    sources = (message.id,) if isinstance(message.id, str) else tuple(message.id)
    forms = (message.string,) if isinstance(message.string, str) else tuple(message.string)
    problems = []
    for index, form in enumerate(forms):
        if not form:
            continue
        source = sources[min(index, len(sources) - 1)]
        try:
            wanted, got = placeholders(source), placeholders(form)
        except ValueError as exc:
            problems.append(f"form {index}: unbalanced braces ({exc})")
            continue
        if index == 0 and len(sources) > 1:
            wanted, got = wanted - {COUNT}, got - {COUNT}
        if wanted != got:
            missing = ", ".join(sorted(wanted - got)) or "-"
            extra = ", ".join(sorted(got - wanted)) or "-"
            problems.append(f"form {index}: placeholders differ (missing {missing}; extra {extra})")
    return problems


def plural_forms(language: str) -> str:
    """The Plural-Forms header a catalog of ``language`` must carry."""
    return PLURAL_FORMS.get(language) or get_plural(language).plural_forms


def plural_rule_problems(catalog: Catalog, language: str) -> list[str]:
    """The header's Plural-Forms must be the language's rule (French: 0 and 1 are singular)."""
    expected = plural_forms(language)
    got = dict(catalog.mime_headers).get("Plural-Forms", "")
    if got.replace(" ", "").rstrip(";") != expected.replace(" ", "").rstrip(";"):
        return [f"Plural-Forms is {got!r}, expected {expected!r}"]
    return []


def problems(path: Path, template: Catalog) -> list[str]:
    """Everything wrong with one catalog, measured against the template; empty when it is complete."""
    language = path.parent.parent.name
    try:
        parsed = read(path)
    except (PoFileError, CatalogSyntaxError, UnicodeDecodeError) as exc:
        return [f"syntax error: {exc}"]
    catalog = parsed.catalog
    found = [f"{msgid}: defined more than once" for msgid in parsed.duplicates]
    found += plural_rule_problems(catalog, language)
    for wanted in template:
        if not wanted.id:
            continue
        shown = _shown(wanted.id)
        message = catalog.get(wanted.id, wanted.context)
        if message is None:
            found.append(f"{shown}: not in the catalog (run update)")
            continue
        if message.pluralizable != wanted.pluralizable or (
            message.pluralizable and tuple(message.id) != tuple(wanted.id)
        ):
            found.append(f"{shown}: the plural form differs from the source's (run update)")
            continue
        forms = (message.string,) if isinstance(message.string, str) else tuple(message.string)
        if not all(forms) or (message.pluralizable and len(forms) != catalog.num_plurals):
            found.append(f"{shown}: untranslated")
        if message.fuzzy:
            found.append(f"{shown}: fuzzy (review it, then remove the fuzzy flag)")
        found += [f"{shown}: {problem}" for problem in placeholder_problems(message)]
    for message in catalog:
        if message.id and template.get(message.id, message.context) is None:
            found.append(f"{_shown(message.id)}: no longer in the source (run update)")
    return found


# ----- the command line -------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None, out: IO[str] = sys.stdout) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.i18n.catalog", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    extract_cmd = commands.add_parser("extract", help="write the .pot template")
    extract_cmd.add_argument("-o", "--output", type=Path, help="the file to write (default: stdout)")
    commands.add_parser("update", help="bring every catalog in line with the source")
    commands.add_parser("check", help="list every problem; exit 1 if there is one")
    init_cmd = commands.add_parser("init", help="start a catalog for a new language")
    init_cmd.add_argument("language", help="a language code, e.g. de")
    args = parser.parse_args(argv)

    if args.command == "init":
        try:
            print(f"created {init(args.language)}", file=out)
        except ValueError as exc:
            print(exc, file=out)
            return 1
        return 0
    template = extract()
    if args.command == "extract":
        pot = io.BytesIO()
        write_po(pot, template, width=0, sort_output=True, include_lineno=False, omit_header=True)
        if args.output is None:
            out.write(pot.getvalue().decode("utf-8"))
        else:
            args.output.write_bytes(pot.getvalue())
        return 0
    if args.command == "update":
        for path in catalog_paths():
            changed = update(path, template)
            print(f"{path.relative_to(ROOT)}: {'updated' if changed else 'unchanged'}", file=out)
        return 0
    failed = False
    count = sum(1 for message in template if message.id)
    for path in catalog_paths():
        found = problems(path, template)
        failed = failed or bool(found)
        print(f"{path.relative_to(ROOT)}: {len(found)} problem(s), {count} message ids", file=out)
        for problem in found:
            print(f"  {problem}", file=out)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
