"""The service markers that `make check` deselects by: set from the fixtures a test uses."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO

SERVICES = {"redis", "postgres", "browser", "integration"}
SAMPLE = [
    "tests/chat/test_store_contract.py",  # memory and Redis through one parametrised fixture
    "tests/resources/test_content.py",  # one test needs PostgreSQL's full-text search
    "tests/chat/test_loadtest.py",  # live Daphne servers and the shared Redis
    "tests/chat/test_e2ee_kat.py",  # the same vectors in Python and in Chromium
]
# Collects SAMPLE in a fresh pytest and prints each test's service markers as JSON.
COLLECT = """
import json, sys, pytest
class Markers:
    found = {}
    def pytest_collection_finish(self, session):
        for item in session.items:
            self.found[item.nodeid] = sorted({m.name for m in item.iter_markers()} & set(sys.argv[1].split()))
plugin = Markers()
code = pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider", *sys.argv[2:]], plugins=[plugin])
print("MARKERS " + json.dumps(plugin.found))
sys.exit(code)
"""


@pytest.fixture(scope="module")
def markers() -> dict[str, set[str]]:
    done = subprocess.run([sys.executable, "-c", COLLECT, " ".join(SERVICES), *SAMPLE], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("MARKERS "))
    return {test: set(names) for test, names in json.loads(line.removeprefix("MARKERS ")).items()}


def test_it_marks_the_redis_half_of_a_parametrised_store(markers: dict[str, set[str]]) -> None:
    contract = {test: names for test, names in markers.items() if "test_store_contract" in test and "[" in test}
    assert {test for test, names in contract.items() if "redis" in names} == {
        test for test in contract if test.endswith("[redis]")}
    assert any(test.endswith("[memory]") for test in contract)


def test_it_marks_tests_by_the_service_fixtures_they_use(markers: dict[str, set[str]]) -> None:
    content = "tests/resources/test_content.py::"
    assert markers[content + "test_postgres_search_understands_word_forms"] == {"postgres"}
    loadtest = "tests/chat/test_loadtest.py::"
    assert markers[loadtest + "test_it_runs_real_encrypted_chats_against_a_live_server_and_cleans_up"] == {
        "redis", "integration"}
    assert markers[loadtest + "test_it_drives_the_websockets_baseline_with_the_same_frames"] == {"integration"}
    assert markers["tests/chat/test_e2ee_kat.py::test_it_matches_the_known_answers_in_the_browser"] == {"browser"}


def test_it_leaves_the_rest_for_make_check(markers: dict[str, set[str]]) -> None:
    fast = [test for test, names in markers.items() if not names]
    assert "tests/chat/test_loadtest.py::test_it_measures_the_percentiles_by_nearest_rank" in fast
    assert len(fast) > len(markers) // 2
