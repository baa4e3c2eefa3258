"""The browser's ES modules as collectstatic publishes them: content-hashed names that import each
other by hashed name, every import preloaded with its integrity, and small modules.

docs/THREAT_MODEL.md: every script carries Subresource Integrity and every module it imports is
declared with `<link rel="modulepreload" integrity=...>`; a module that imported an unhashed or stale
name would load a file that no integrity attribute covers.
"""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client

from helpline.staticfiles import integrity, module_graph, module_imports
from tests.personas import signed_in_client

REPO = Path(__file__).resolve().parents[2]
RUNTIME_JS = sorted(
    path for app in ("chat", "helpline", "resources") for path in (REPO / app / "static").rglob("*.js")
)
MAX_MODULE_LINES = 600


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.preloads: dict[str, str] = {}
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and values.get("rel") == "modulepreload":
            self.preloads[values["href"]] = values.get("integrity", "")
        if tag == "script" and values.get("type") == "module":
            self.scripts.append(values["src"])


def test_it_keeps_every_runtime_module_under_600_lines() -> None:
    assert RUNTIME_JS
    lines = {str(path.relative_to(REPO)): len(path.read_text().splitlines()) for path in RUNTIME_JS}
    assert {name: count for name, count in lines.items() if count > MAX_MODULE_LINES} == {}


def test_it_finds_the_imports_that_collectstatic_rewrites() -> None:
    source = (
        'import { a,\n  b } from "./one.js";\nexport { c } from "../two.js";\nimport "./three.js";\n'
        'const x = "from";\n'
    )
    assert module_imports(source) == ["./one.js", "../two.js", "./three.js"]


@pytest.mark.parametrize("name", ["chat/js/seeker.js", "chat/js/workspace.js", "chat/js/supervisor.js"])
def test_its_hashed_modules_import_each_other_by_their_current_hashed_names(name: str) -> None:
    for module in (name, *module_graph(name)):
        hashed = staticfiles_storage.stored_name(module)  # type: ignore[attr-defined]
        with staticfiles_storage.open(hashed) as handle:
            source = handle.read().decode("utf-8")
        with staticfiles_storage.open(module) as handle:
            original = handle.read().decode("utf-8")
        imported = module_imports(source)
        assert len(imported) == len(module_imports(original)), module
        for relative in imported:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(hashed), relative))
            unhashed = re.sub(r"\.[0-9a-f]{12}\.js$", ".js", target)
            assert target == staticfiles_storage.stored_name(unhashed), (module, relative)  # type: ignore[attr-defined]


def preloads_and_scripts(html: str) -> _Links:
    page = _Links()
    page.feed(html)
    return page


def expected_preloads(entry: str) -> dict[str, str]:
    return {staticfiles_storage.url(name): integrity(name) for name in module_graph(entry)}


@pytest.mark.django_db
def test_it_preloads_every_module_the_chat_page_imports_with_its_integrity(client: Client) -> None:
    page = preloads_and_scripts(client.get("/chat/").content.decode())
    assert page.scripts[-1] == staticfiles_storage.url("chat/js/seeker.js")
    assert {url: value for url, value in page.preloads.items()} == expected_preloads("chat/js/seeker.js")
    assert staticfiles_storage.url("chat/js/socket.js") in page.preloads


@pytest.mark.django_db
def test_it_preloads_every_module_the_staff_pages_import_with_its_integrity(counsellor: User, supervisor: User) -> None:
    for person, path, entry in ((counsellor, "/staff/workspace/", "chat/js/workspace.js"),
                                (supervisor, "/staff/supervisor/", "chat/js/supervisor.js")):
        page = preloads_and_scripts(signed_in_client(person).get(path).content.decode())
        assert page.scripts[-1] == staticfiles_storage.url(entry)
        wanted = expected_preloads(entry)
        assert {url: page.preloads.get(url) for url in wanted} == wanted
        assert staticfiles_storage.url("chat/js/staff-socket.js") in wanted


def test_it_lists_the_whole_import_graph_of_the_seeker_page() -> None:
    graph = set(module_graph("chat/js/seeker.js"))
    assert {"chat/js/e2ee.js", "chat/js/e2ee-bytes.js", "chat/js/socket.js", "chat/js/constants.js"} <= graph
    assert "chat/js/seeker.js" not in graph
    assert not any(name.startswith(("chat/js/workspace", "chat/js/staff")) for name in graph)
