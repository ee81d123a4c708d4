"""What a Python buildpack reads: requirements.txt (the lock), .python-version and the Procfile, kept true.

`.ci/lock --check` (in .ci/run) re-resolves the lock against PyPI; these tests hold what can be checked
offline: every runtime dependency is pinned inside its range, with hashes, nothing test-only is shipped,
every runtime dependency is used by the code, and the deploy doc shows the Procfile as it is.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
RUNTIME = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
TEST_ONLY = [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"]["test"]]
# The module each runtime dependency is imported as, where the names differ.
IMPORTED_AS = {
    "slack-bolt": "slack_bolt",
    "slack-sdk": "slack_sdk",
    "python-dotenv": "dotenv",
    "pillow": "PIL",
}
# What an extra adds to the lock.
EXTRA_BRINGS = {("psycopg", "binary"): "psycopg-binary", ("sqlalchemy", "asyncio"): "greenlet"}
# Used without an import of its own: SQLAlchemy loads the driver for postgresql+psycopg:// URLs.
LOADED_BY_URL = {"psycopg"}


def lock_pins() -> dict[str, list[tuple[Version, str]]]:
    """name -> [(version, markers)], read from requirements.txt; every pin must carry hashes."""
    text = (ROOT / "requirements.txt").read_text()
    pins: dict[str, list[tuple[Version, str]]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        first = block.splitlines()[0]
        if first.startswith("#"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)(?: ; (.*?))? \\", first)
        assert match, f"not a pinned requirement: {first!r}"
        assert "--hash=sha256:" in block, f"{match[1]} is pinned without hashes"
        pins.setdefault(canonicalize_name(match[1]), []).append((Version(match[2]), match[3] or ""))
    return pins


def test_every_runtime_dependency_is_pinned_inside_its_range_with_hashes():
    pins = lock_pins()
    for requirement in RUNTIME:
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is a dependency but not in requirements.txt"
        for version, _markers in pins[name]:
            assert version in SpecifierSet(str(requirement.specifier)), (
                f"{name}=={version} is outside {requirement}"
            )
        for extra in requirement.extras:
            assert EXTRA_BRINGS[name, extra] in pins, f"{requirement} needs {EXTRA_BRINGS[name, extra]}"


def test_test_only_packages_are_not_shipped():
    pins = lock_pins()
    shipped = {canonicalize_name(r.name) for r in RUNTIME}
    for requirement in TEST_ONLY:
        name = canonicalize_name(requirement.name)
        if name not in shipped:
            assert name not in pins, f"{name} is test-only but requirements.txt ships it"
    assert "scipy" not in pins and "scipy" not in shipped


def test_the_python_version_is_the_one_the_project_requires():
    version = (ROOT / ".python-version").read_text().strip()
    assert re.fullmatch(r"3\.\d+", version), "major.minor only, so the platform installs security fixes"
    assert Version(f"{version}.0") in SpecifierSet(PYPROJECT["project"]["requires-python"])
    assert f'target-version = "py{version.replace(".", "")}"' in (ROOT / "pyproject.toml").read_text()


def _imported_top_level_modules() -> set[str]:
    found: set[str] = set()
    for package in ("bot", "handlers", "storage"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    found |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.add(node.module.split(".")[0])
    return found


def test_every_runtime_dependency_is_used_by_the_code():
    imported = _imported_top_level_modules()
    for requirement in RUNTIME:
        name = canonicalize_name(requirement.name)
        if name in LOADED_BY_URL:
            continue
        module = IMPORTED_AS.get(name, name.replace("-", "_"))
        assert module in imported, f"{requirement.name} is a runtime dependency that nothing imports"


def test_the_deploy_doc_shows_the_procfile_as_it_is():
    procfile = (ROOT / "Procfile").read_text().strip()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Deploy with the Procfile")
    doc = readme[start : readme.index("\n## ", start + 1)]
    assert f"```\n{procfile}\n```" in doc
    assert not (ROOT / "docs" / "DEPLOY.md").exists()  # folded into the README: one place to follow
    processes = dict(line.split(": ", 1) for line in procfile.splitlines())
    assert processes["web"].split()[4:] == [
        "--mode",
        "http",
        "--no-scheduler",
        "--workers",
        "${WEB_CONCURRENCY:-2}",
    ]
    assert "--mode socket" in processes["socket"]
    assert processes["release"].endswith(" migrate") and processes["clock"].endswith(" scheduler")
