"""`python -m bot.i18n.catalog`: extract, update and check, on a small source tree of their own."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.i18n import catalog
from bot.i18n.catalogs import path_of

SOURCE = """
from bot.i18n import N_, _, n_

LABEL = N_("Giving feedback")


def greet(name, count):
    # Translators: the first line of the welcome message
    return _("Hello {name}", name=name), n_("{count} meeting", "{count} meetings", count)
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "bot").mkdir()
    (tmp_path / "handlers").mkdir()
    (tmp_path / "bot" / "words.py").write_text(SOURCE)
    (tmp_path / "handlers" / "replies.py").write_text('from bot.i18n import _\n\nDONE = _("Saved.")\n')
    return tmp_path


@pytest.fixture
def french(tmp_path: Path) -> Path:
    """A copy of the real French catalog's header, with one translation and one entry the source dropped."""
    path = tmp_path / "locales" / "fr" / "LC_MESSAGES" / "mentor_bot.po"
    path.parent.mkdir(parents=True)
    header = catalog.header_of(path_of("fr").read_text(encoding="utf-8"))
    path.write_text(
        header
        + '\nmsgid "Hello {name}"\nmsgstr "Bonjour {name}"\n'
        + '\nmsgid "Gone from the source"\nmsgstr "Disparu"\n',
        encoding="utf-8",
    )
    return path


def test_extract_finds_every_keyword_in_bot_and_handlers_with_the_translators_comments(tree: Path):
    template = catalog.extract(tree)
    ids = {m.id: m for m in template if m.id}
    assert set(ids) == {"Giving feedback", "Hello {name}", ("{count} meeting", "{count} meetings"), "Saved."}
    assert ids["Hello {name}"].auto_comments == ["the first line of the welcome message"]
    assert ids["Saved."].locations == [("handlers/replies.py", None)]


def test_update_keeps_translations_adds_new_ids_untranslated_drops_obsolete_and_is_stable(tree, french):
    template = catalog.extract(tree)
    assert catalog.update(french, template) is True
    text = french.read_text(encoding="utf-8")
    assert text.startswith(catalog.header_of(path_of("fr").read_text(encoding="utf-8")))
    assert 'msgid "Hello {name}"\nmsgstr "Bonjour {name}"' in text
    assert "Gone from the source" not in text
    assert 'msgid "Saved."\nmsgstr ""' in text
    assert 'msgid_plural "{count} meetings"\nmsgstr[0] ""\nmsgstr[1] ""' in text
    ids = [line for line in text.splitlines() if line.startswith("msgid ")][1:]
    assert ids == sorted(ids)  # sorted by msgid: a diff shows only what changed
    assert catalog.update(french, template) is False  # a second run changes nothing
    assert french.read_text(encoding="utf-8") == text


def test_check_lists_untranslated_fuzzy_wrong_placeholders_and_stale_entries(tree, french):
    template = catalog.extract(tree)
    found = catalog.problems(french, template)
    assert "'Saved.': not in the catalog (run update)" in found
    assert "'Gone from the source': no longer in the source (run update)" in found
    catalog.update(french, template)
    text = french.read_text(encoding="utf-8")
    text = text.replace('msgid "Saved."\nmsgstr ""', '#, fuzzy\nmsgid "Saved."\nmsgstr "Enregistré."')
    text = text.replace('msgstr "Bonjour {name}"', 'msgstr "Bonjour {nom}"')
    text = text.replace('msgstr[0] ""\nmsgstr[1] ""', 'msgstr[0] "{count} rencontre"\nmsgstr[1] "rencontres"')
    french.write_text(text, encoding="utf-8")
    found = catalog.problems(french, template)
    assert "'Saved.': fuzzy (review it, then remove the fuzzy flag)" in found
    assert "'Hello {name}': form 0: placeholders differ (missing name; extra nom)" in found
    assert "'{count} meeting': form 1: placeholders differ (missing count; extra -)" in found
    assert "'Giving feedback': untranslated" in found


def test_the_first_plural_form_may_add_or_leave_out_the_count(tree, french):
    template = catalog.extract(tree)
    catalog.update(french, template)
    text = french.read_text(encoding="utf-8").replace(
        'msgstr[0] ""\nmsgstr[1] ""', 'msgstr[0] "une rencontre"\nmsgstr[1] "{count} rencontres"'
    )
    french.write_text(text, encoding="utf-8")
    assert not [p for p in catalog.problems(french, template) if "meeting" in p]


def test_check_reports_duplicates_and_syntax_errors(tree, french):
    template = catalog.extract(tree)
    french.write_text(
        french.read_text(encoding="utf-8") + '\nmsgid "Hello {name}"\nmsgstr "Salut {name}"\n',
        encoding="utf-8",
    )
    assert "'Hello {name}': defined more than once" in catalog.problems(french, template)
    french.write_text(french.read_text(encoding="utf-8") + '\nmsgid "Broken\nmsgstr ""\n', encoding="utf-8")
    [problem] = catalog.problems(french, template)
    assert problem.startswith("syntax error")


def test_check_wants_the_languages_plural_rule(tree, french):
    text = french.read_text(encoding="utf-8").replace("plural=(n > 1)", "plural=(n != 1)")
    french.write_text(text, encoding="utf-8")
    assert any(p.startswith("Plural-Forms is") for p in catalog.problems(french, catalog.extract(tree)))


def test_init_starts_an_empty_catalog_with_the_plural_rule(tmp_path: Path):
    path = catalog.init("de", tmp_path)
    assert '"Language: de\\n"' in path.read_text() and "plural=(n != 1)" in path.read_text()
    assert catalog.problems(path, catalog.extract(tmp_path)) == []
    with pytest.raises(ValueError):
        catalog.init("de", tmp_path)
    with pytest.raises(ValueError):
        catalog.init("zz-nonsense", tmp_path)


def test_the_command_line_checks_the_real_catalogs():
    out = io.StringIO()
    code = catalog.main(["check"], out=out)
    summaries = [line for line in out.getvalue().splitlines() if not line.startswith(" ")]
    assert any(line.startswith("bot/i18n/locales/fr/LC_MESSAGES/mentor_bot.po: ") for line in summaries)
    assert code == (0 if all(": 0 problem(s)" in line for line in summaries) else 1)


def test_the_command_line_writes_the_template(tmp_path: Path):
    pot = tmp_path / "mentor_bot.pot"
    assert catalog.main(["extract", "-o", str(pot)], out=io.StringIO()) == 0
    assert "msgid" not in pot.read_text() or 'msgid "' in pot.read_text()
