"""Shared fixtures: real Redis, real PostgreSQL, live Daphne servers and real Chromium.

A test that needs a service that is missing is skipped with the reason, unless REQUIRE_SERVICES=1
(set by .ci/run), in which case it fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import settings

# Staff personas (counsellor, other_counsellor, supervisor, manager, admin) and their helpers.
pytest_plugins = ["tests.personas", "tests.live_fixtures"]

if TYPE_CHECKING:
    from chat.loadtest.provision import ProvisionedCounsellor

REPO = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def missing_service(reason: str) -> None:
    """Skip locally, fail in CI."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


# --- Markers from the services a test uses --------------------------------------------------------

# A test that uses one of these fixtures, directly or through other fixtures, gets the marker, so
# that `make check` (`-m "not redis and not postgres and not browser and not integration"`) runs
# exactly the tests that need no service. A fixture that reaches a service through
# request.getfixturevalue declares the marker on its params instead (pytest.param(..., marks=...));
# `redis_url` and `postgres_required` refuse an unmarked test, so a forgotten marker fails at once.
SERVICE_MARKERS = {
    "_redis_answers": "redis",  # the shared Redis; redis_url and redis_client use it
    "throwaway_redis": "redis",  # a redis-server process of the test's own (tests/chat/test_resilience_redis.py)
    "redis_process": "redis",  # the same for Sentinel and sharding (tests/deploy/test_redis_conn.py)
    "postgres_required": "postgres",
    "browser": "browser",  # Chromium; every page and context fixture uses it
    "live_database": "integration",  # databases for servers in subprocesses; daphne_server uses it
    "daphne_server": "integration",
    "nginx_binary": "integration",  # nginx_front uses it
}


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        for fixture, marker in SERVICE_MARKERS.items():
            if fixture in used and item.get_closest_marker(marker) is None:
                item.add_marker(marker)


def require_marker(request: pytest.FixtureRequest, marker: str) -> None:
    """Fail a test that reaches a service without its marker (it would break `make check`)."""
    if request.node.get_closest_marker(marker) is None:
        pytest.fail(f"{request.node.nodeid} uses a {marker} fixture but is not marked `{marker}`: request the "
                    f"fixture by name, or mark the parameter that reaches it (tests/conftest.py, SERVICE_MARKERS)")


@pytest.fixture(scope="session", autouse=True)
def _collected_static() -> None:
    """Collect static files once, so templates find their content-hashed names and SRI values."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0, clear=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- Redis -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _redis_answers() -> str:
    import redis

    url = settings.TEST_REDIS_URL
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.ping()
        client.close()
    except Exception as exc:
        missing_service(f"Redis at {url} does not answer ({exc.__class__.__name__})")
    return url


@pytest.fixture
def redis_url(request: pytest.FixtureRequest, _redis_answers: str) -> str:
    """The shared Redis (REDIS_URL when the run started) for a test marked `redis`."""
    require_marker(request, "redis")
    return _redis_answers


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[object]:
    """A client on the test's own Redis database number, flushed before and after."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


# --- PostgreSQL --------------------------------------------------------------------------------


@pytest.fixture
def postgres_required(request: pytest.FixtureRequest) -> None:
    require_marker(request, "postgres")
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        missing_service("DATABASE_URL does not point at PostgreSQL")


# --- Live Daphne servers -----------------------------------------------------------------------


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server the test started, and kill it if it has not gone in 10 seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@dataclass
class LiveServer:
    url: str
    ws_url: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")

    def provision(
        self, count: int = 1, *, role: str = "counsellor", chat_limit: int = 2, **env: str
    ) -> tuple[list[ProvisionedCounsellor], bytes]:
        """Working staff in this server's own database (`python -m chat.loadtest.provision`): signed
        in, verified and certified. Returns them and the root public key that certified them;
        `env` overrides the server's settings for the provisioning (another root key, say)."""
        import json

        from chat import e2ee
        from chat.loadtest.provision import ProvisionedCounsellor

        done = subprocess.run(
            [sys.executable, "-m", "chat.loadtest.provision", str(count), role, str(chat_limit)],
            cwd=REPO, env={**self.env, **env}, capture_output=True, text=True, timeout=120,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        data = json.loads(done.stdout)
        return [ProvisionedCounsellor.from_json(c) for c in data["counsellors"]], e2ee.b64d(data["root_public"])

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        stop_process(self.process)


def _base_server_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "helpline.settings",
            "SECRET_KEY": "live-test-secret-" + "y" * 40,
            "HELPLINE_DEMO": "1",
            "HELPLINE_VAR_DIR": str(tmp),
            "STATIC_ROOT": str(settings.STATIC_ROOT),
            "SERVE_STATIC": "1",
            "PYTHONUNBUFFERED": "1",
            "LOG_LEVEL": "DEBUG",
        }
    )
    env.pop("REDIS_URL", None)
    return env


@pytest.fixture(scope="session")
def live_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], str]]:
    """A factory of fresh, migrated databases for servers in subprocesses.

    Migrates once into a template (a PostgreSQL template database, or an SQLite file) and hands
    out copies, so each live server starts from a clean database in well under a second.
    """
    db = settings.DATABASES["default"]
    created: list[str] = []
    tmp = tmp_path_factory.mktemp("livedb")
    env = _base_server_env(tmp)
    if db["ENGINE"] == "django.db.backends.postgresql":
        import psycopg

        base = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        template = f"{db['NAME']}_live_template"
        admin = psycopg.connect(f"{base}/postgres", autocommit=True)
        admin.execute(f'DROP DATABASE IF EXISTS "{template}"')
        admin.execute(f'CREATE DATABASE "{template}"')
        env["DATABASE_URL"] = f"{base}/{template}"
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=REPO, env=env, check=True)

        def make() -> str:
            name = f"{db['NAME']}_live_{uuid.uuid4().hex[:8]}"
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            created.append(name)
            return f"{base}/{name}"

        yield make
        for name in [*created, template]:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
    else:
        template_file = tmp / "template.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{template_file}"
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=REPO, env=env, check=True)

        def make() -> str:
            copy = tmp / f"live-{uuid.uuid4().hex[:8]}.sqlite3"
            shutil.copy(template_file, copy)
            return f"sqlite:///{copy}"

        yield make


@pytest.fixture
def daphne_server(
    tmp_path: Path, live_database: Callable[[], str]
) -> Iterator[Callable[..., LiveServer]]:
    """Start real Daphne processes on free loopback ports: `daphne_server(redis_url=..., database_url=...)`.

    `daphne_args` adds options to `python -m helpline.serve` (e.g. ["--proxy-headers"] behind nginx).
    """
    servers: list[LiveServer] = []

    def start(
        *,
        redis_url: str | None = None,
        database_url: str | None = None,
        daphne_args: tuple[str, ...] = (),
        **extra_env: str,
    ) -> LiveServer:
        port = free_port()
        env = _base_server_env(tmp_path)
        env["DATABASE_URL"] = database_url or live_database()
        if redis_url:
            env["REDIS_URL"] = redis_url
        env.update(extra_env)
        log_path = tmp_path / f"daphne-{port}.log"
        log = log_path.open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "helpline.serve", "--bind", "127.0.0.1", "--port", str(port), *daphne_args],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        server = LiveServer(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}", port, process, log_path, env)
        servers.append(server)
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"daphne exited early:\n{server.logs()}")
            try:
                with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except Exception:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"daphne did not become healthy:\n{server.logs()}") from None
            time.sleep(0.1)
        return server

    yield start
    for server in servers:
        server.stop()


# --- Chromium through Playwright ---------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Chromium for one test module at a time.

    Module scope on purpose: a sync Playwright session left running for the whole test session
    keeps its event loop set and breaks pytest-asyncio tests that run after it.
    """
    if not Path(CHROMIUM).exists():
        missing_service(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def new_context(browser: object) -> Iterator[Callable[..., object]]:
    contexts: list[object] = []

    def make(**kwargs: object) -> object:
        context = browser.new_context(**kwargs)  # type: ignore[attr-defined]
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()  # type: ignore[attr-defined]
