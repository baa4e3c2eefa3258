from __future__ import annotations

import subprocess
import sys
import urllib.request
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from helpline.env import database_from_url, env_bool, env_int, env_list, env_map
from helpline.middleware import SECURITY_HEADERS
from tests.conftest import REPO


def test_it_reads_typed_environment_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env_bool("X_BOOL", False) is True
    assert env_int("X_INT", 0) == 42
    assert env_list("X_LIST", []) == ["a", "b", "c"]


@pytest.mark.parametrize(("name", "value"), [("X_BOOL", "maybe"), ("X_INT", "forty")])
def test_it_fails_loudly_on_bad_values(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured):
        if name == "X_BOOL":
            env_bool(name, False)
        else:
            env_int(name, 0)


def test_it_reads_key_value_maps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_MAP", "de=DE, nl = NL,,")
    assert env_map("X_MAP", {}) == {"de": "DE", "nl": "NL"}
    assert env_map("X_UNSET", {"en": "GB"}) == {"en": "GB"}
    monkeypatch.setenv("X_MAP", "de=DE,nl")
    with pytest.raises(ImproperlyConfigured, match="key=value"):
        env_map("X_MAP", {})


@pytest.mark.parametrize(
    ("variable", "value"),
    [("CRISIS_DEFAULT_COUNTRIES", "de=Germany"), ("CRISIS_DEFAULT_COUNTRIES", "xx=DE"),
     ("CRISIS_DEFAULT_COUNTRY", "UK1")],
)
def test_it_refuses_bad_crisis_default_countries(tmp_path, variable: str, value: str) -> None:
    env = {"PATH": "/usr/bin:/bin", "HELPLINE_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "helpline.settings",
           "SECRET_KEY": "k" * 50, variable: value}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "crisis default countries" in result.stderr or "CRISIS_DEFAULT_COUNTRIES" in result.stderr


def test_it_refuses_out_of_range_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_INT", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("X_INT", 5, minimum=1)


def test_it_parses_database_urls() -> None:
    pg = database_from_url("postgres://user:p%40ss@db.example:5433/helpline")
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == (
        "user", "p@ss", "db.example", "5433", "helpline"
    )
    assert database_from_url("sqlite:////tmp/x.sqlite3")["NAME"] == "/tmp/x.sqlite3"
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://x/y")


def test_it_refuses_to_start_without_a_secret_key_in_production(tmp_path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HELPLINE_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "helpline.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_it_reports_health(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "channel_layer": True, "live_store": True}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/de/", "/healthz", "/no-such-page/"])
def test_it_sends_security_headers_on_every_response(client: Client, path: str) -> None:
    response = client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["Cache-Control"] == "no-store"
    assert "camera=()" in response.headers["Permissions-Policy"]


@pytest.mark.django_db
def test_it_sets_no_cookie_on_seeker_pages(client: Client) -> None:
    client.cookies.load({"staff_session": "stale"})
    for path in ["/", "/de/", "/exit", "/healthz", "/nowhere/"]:
        response = client.get(path)
        assert response.cookies == {}, path
        assert "Set-Cookie" not in response.headers


@pytest.mark.django_db
def test_it_serves_the_home_page_in_english_and_german(client: Client) -> None:
    english = client.get("/")
    german = client.get("/de/")
    assert english.status_code == 200 and german.status_code == 200
    assert b'lang="en"' in english.content
    assert b'lang="de"' in german.content


@pytest.mark.django_db
def test_it_puts_integrity_on_every_script_and_stylesheet(client: Client) -> None:
    html = client.get("/").content.decode()
    assert '<script type="module" src="/static/helpline/js/quick-exit.' in html
    for tag in [t for t in html.split("<") if t.startswith(("script", "link rel=\"stylesheet\""))]:
        assert 'integrity="sha384-' in tag, tag


@pytest.mark.django_db
def test_it_serves_hashed_static_files_with_a_long_cache(client: Client) -> None:
    from django.contrib.staticfiles.storage import staticfiles_storage

    url = staticfiles_storage.url("helpline/js/quick-exit.js")
    assert url != "/static/helpline/js/quick-exit.js"
    response = client.get(url)
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_it_clears_site_data_on_exit(client: Client, settings) -> None:
    response = client.get("/exit", headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 303
    assert response.headers["Location"] == settings.QUICK_EXIT_URL
    assert '"storage"' in response.headers["Clear-Site-Data"]
    # The quick-exit script's POST gets no redirect to follow, so it never reaches another origin.
    response = client.post("/exit", headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 204
    assert '"storage"' in response.headers["Clear-Site-Data"]


@pytest.mark.django_db
def test_it_shows_a_calm_not_found_page(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Exit this page" in response.content
    assert b"Traceback" not in response.content


def test_it_passes_the_deploy_checks_under_production_settings(tmp_path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "HELPLINE_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "a-long-random-production-secret-" + uuid.uuid4().hex + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "help.example.org",
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "helpline.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_keeps_addresses_and_user_agents_out_of_logs(daphne_server) -> None:
    server = daphne_server()
    agent = f"CanaryAgent/{uuid.uuid4().hex}"
    for path in ["/", "/healthz", "/missing-page/", "/exit"]:
        request = urllib.request.Request(server.url + path, headers={"User-Agent": agent})
        try:
            urllib.request.urlopen(request, timeout=5)
        except Exception:
            pass
    server.stop()
    logs = server.logs()
    assert agent not in logs
    assert "CanaryAgent" not in logs
    assert "127.0.0.1" not in logs


def test_the_log_filter_scrubs_addresses_and_agents(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from helpline.logging import ScrubIdentifiersFilter, scrub

    assert scrub("from 203.0.113.7:5555 ok") == "from [address] ok"
    assert "2001:db8::1" not in scrub("peer [2001:db8::1]:443 closed")
    assert "Mozilla" not in scrub("ua Mozilla/5.0 (X11; Linux x86_64) Chrome/120")
    assert scrub("version 5.2.1 of 3 items") == "version 5.2.1 of 3 items"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "client %s said hi", ("198.51.100.2",), None)
    assert ScrubIdentifiersFilter().filter(record)
    assert record.getMessage() == "client [address] said hi"


def test_it_refuses_to_run_daphne_with_an_access_log() -> None:
    from helpline.serve import daphne_arguments

    with pytest.raises(SystemExit, match="access log"):
        daphne_arguments(["--access-log", "-"])
    with pytest.raises(SystemExit):
        daphne_arguments(["-v", "2"])
    assert daphne_arguments(["--port", "9"]) == ["--verbosity", "0", "--port", "9", "helpline.asgi:application"]


async def test_a_stopping_worker_first_writes_what_it_started_after_replies() -> None:
    import asyncio

    from chat import bus
    from helpline.serve import settle_on_shutdown

    written: list[str] = []

    async def bookkeeping() -> None:
        await asyncio.sleep(0.2)
        written.append("claim audit")

    bus.after_reply(bookkeeping())
    deferred = settle_on_shutdown()
    assert written == []
    await deferred.asFuture(asyncio.get_running_loop())
    assert written == ["claim audit"]
