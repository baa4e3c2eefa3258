"""docs/ARCHITECTURE.md stays true: every path it names exists, every module is in it; and the
layout rules it states hold (modules under 600 lines, no runtime import of the tooling package,
no citation of a design file outside the repository)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import REPO

DOC = REPO / "docs" / "ARCHITECTURE.md"
APPS = ("helpline", "chat", "resources")
# A path in backticks, `chat/live.py`, `tests/chat/test_tally.py::test_it_...` or `chat/store/lua/`.
PATH = re.compile(r"`((?:helpline|chat|resources|tests|docs|deploy)/[\w./-]*?)(?:::\w+)?`")
LINK = re.compile(r"\]\(([\w./-]+\.md)\)")
MAX_LINES = 600
TOOLING = "chat/loadtest/"


def modules(*suffixes: str) -> list[Path]:
    """Every module of the three apps with one of the suffixes, migrations left out."""
    found = []
    for app in APPS:
        for path in sorted((REPO / app).rglob("*")):
            if path.suffix in suffixes and "migrations" not in path.parts and "__pycache__" not in path.parts:
                found.append(path)
    return found


def named() -> set[str]:
    return set(PATH.findall(DOC.read_text()))


def test_it_names_only_paths_that_exist() -> None:
    text = DOC.read_text()
    missing = sorted(path for path in named() if not (REPO / path).exists())
    missing += sorted(link for link in LINK.findall(text) if not (DOC.parent / link).exists())
    assert not missing, f"docs/ARCHITECTURE.md names paths that do not exist: {missing}"


def test_it_names_every_module_of_the_apps() -> None:
    mentioned = named()
    # Empty package markers (`__init__.py` with nothing in it) are not modules a reader looks for.
    wanted = [path for path in modules(".py", ".js") if path.name != "__init__.py" or path.read_text().strip()]
    unnamed = sorted(str(path.relative_to(REPO)) for path in wanted if str(path.relative_to(REPO)) not in mentioned)
    assert not unnamed, f"add these to docs/ARCHITECTURE.md, one line each: {unnamed}"


def test_no_python_module_passes_600_lines() -> None:
    # The browser modules have the same rule in tests/helpline/test_static_modules.py.
    long = {str(path.relative_to(REPO)): n for path in modules(".py")
            if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert not long, f"split these by concern (house style: about {MAX_LINES} lines at most): {long}"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_running_service_never_imports_the_tooling_package() -> None:
    # The management command is the tooling's own entry point (`manage.py loadtest`).
    entry_points = {"chat/management/commands/loadtest.py"}
    offenders = sorted(
        str(path.relative_to(REPO)) for path in modules(".py")
        if not str(path.relative_to(REPO)).startswith(TOOLING) and str(path.relative_to(REPO)) not in entry_points
        and any(name == "chat.loadtest" or name.startswith("chat.loadtest.") for name in imported_modules(path))
    )
    assert not offenders, offenders


def test_comments_cite_documents_inside_the_repository() -> None:
    sources = [*modules(".py", ".js", ".html", ".css"), *sorted((REPO / "deploy").rglob("*")),
               *(REPO / "docs").glob("*.md")]
    citing = sorted(str(path.relative_to(REPO)) for path in sources
                    if path.is_file() and "DESIGN.md" in path.read_text(errors="replace"))
    assert not citing, f"cite docs/ARCHITECTURE.md (or another doc in docs/) instead of DESIGN.md: {citing}"
