"""The house (docs/ARCHITECTURE.md): arrows point down, no cycles, and no module a newcomer has to scroll.

The import contracts live in pyproject.toml ([tool.importlinter]) and are checked here with import-linter,
so `python -m pytest` fails on a forbidden import or a cycle.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIZE_LIMIT = 500  # lines

# A pure module that is one cohesive algorithm may be longer when its docstring says why.
DOCUMENTED_EXCEPTIONS: dict[str, str] = {}


def _modules() -> list[Path]:
    found = []
    for package in ("bot", "handlers", "storage"):
        found += [p for p in (ROOT / package).rglob("*.py") if "migrations/versions" not in p.as_posix()]
    return found


def test_no_module_is_over_the_size_limit():
    sizes = {p.relative_to(ROOT).as_posix(): len(p.read_text().splitlines()) for p in _modules()}
    offenders = {name for name, lines in sizes.items() if lines > SIZE_LIMIT}
    unexplained = sorted(offenders - set(DOCUMENTED_EXCEPTIONS))
    assert unexplained == [], (
        f"over {SIZE_LIMIT} lines: {', '.join(f'{n} ({sizes[n]})' for n in unexplained)}"
    )
    for name in DOCUMENTED_EXCEPTIONS:
        head = (ROOT / name).read_text()[:3000].lower()
        assert "why" in head or "one cohesive" in head, f"{name}: its docstring must say why it is long"


def test_the_import_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:]


def test_nothing_in_bot_imports_handlers_but_the_assembly():
    offenders = []
    for path in (ROOT / "bot").rglob("*.py"):
        if path.name == "app.py" and path.parent.name == "bot":
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith(("from handlers", "import handlers")):
                offenders.append(f"{path.relative_to(ROOT)}:{n}")
    assert offenders == []


def test_every_path_the_architecture_page_names_exists():
    """docs/ARCHITECTURE.md is the newcomer's map: a file it names must be there (a rename updates it)."""
    page = (ROOT / "docs" / "ARCHITECTURE.md").read_text()
    named = set()
    for match in re.finditer(r"(?<![\w./])((?:bot|handlers|storage|tests)/[\w./-]*)(.?)", page):
        path, after = match.group(1).rstrip("."), match.group(2)
        if after in ("<", "…"):  # a pattern such as bot/<name>/ or versions/0001…0006
            continue
        named.add(path)
    assert len(named) > 40, sorted(named)  # the page names the tree's packages and key modules
    missing = sorted(p for p in named if not (ROOT / p).exists())
    assert missing == [], f"docs/ARCHITECTURE.md names paths that do not exist: {missing}"


def test_tests_share_helpers_through_the_worlds_and_the_harness_only():
    """A test module is never imported by another (its helpers move to tests/worlds, tests/harness.py or a
    flow helper module), and the root conftest imports no flow module."""
    offenders = []
    pattern = re.compile(r"^\s*(?:from|import)\s+tests(?:\.\w+)*\.test_\w+")
    for path in (ROOT / "tests").rglob("*.py"):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if pattern.match(line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}")
    root_conftest = (ROOT / "tests" / "conftest.py").read_text()
    offenders += [
        f"tests/conftest.py imports {m}"
        for m in re.findall(r"from (tests\.flows[\w.]*) import", root_conftest)
    ]
    assert offenders == []
