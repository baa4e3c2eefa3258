"""PostgreSQL stopped and started again under live chats.

The test runs a PostgreSQL cluster of its own (`initdb` into a temporary directory, `pg_ctl` on a
free loopback port), never the machine's shared server. While it is down:

- the chats go on relaying in both directions (the relay needs no database);
- a counsellor can change status and end a chat: the counters and the audit row those write wait
  and are retried (helpline.db_outage), and are in the database once it is back;
- sign-in answers a clear 503 page ("a technical problem"), never a 500 or a stack trace; no page
  answers 500.

After the restart, new counters and audit rows are written at once and a new chat works.
"""

from __future__ import annotations

import asyncio
import glob
import html
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chat.client import SeekerClient
from tests.chat.resilience_helpers import WORKER_ENV, connect_pairs, http_status
from tests.conftest import REPO, free_port, missing_service

pytestmark = pytest.mark.integration


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class OwnPostgres:
    """A throwaway cluster: trust authentication on loopback only, no fsync (tests only)."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="helpline-pg-"))
        self.data = self.directory / "data"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/helpline"
        # initdb refuses to run as root; the machine's postgres account runs the cluster then.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.directory, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True)

    def init(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync",
                  "-E", "UTF8")

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
                  str(self.directory / "log"), "-w", "-t", "30", "start")

    def stop(self) -> None:
        """A fast shutdown: open connections are cut, as in a restart by the operator."""
        subprocess.run([*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
                        "stop"], capture_output=True)

    def sql(self, query: str) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url, connect_timeout=3) as connection:
            return list(connection.execute(query).fetchall())

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    bin_dir = _postgres_bin()
    if bin_dir is None:
        missing_service("PostgreSQL binaries (initdb, pg_ctl) are not installed")
    cluster = OwnPostgres(bin_dir)  # type: ignore[arg-type]
    try:
        cluster.init()
        cluster.start()
        import psycopg

        with psycopg.connect(f"postgres://postgres@127.0.0.1:{cluster.port}/postgres", autocommit=True) as admin:
            admin.execute("CREATE DATABASE helpline")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
        env.update({"DJANGO_SETTINGS_MODULE": "helpline.settings", "SECRET_KEY": "pg-restart-" + "z" * 40,
                    "HELPLINE_DEMO": "1", "DATABASE_URL": cluster.url, "HELPLINE_VAR_DIR": str(cluster.directory)})
        env.pop("REDIS_URL", None)
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=REPO, env=env, check=True)
    except (subprocess.CalledProcessError, OSError) as exc:
        cluster.remove()
        missing_service(f"could not start a PostgreSQL cluster of the test's own ({exc})")
    yield cluster
    cluster.remove()


def sign_in_attempt(base_url: str) -> tuple[int, str]:
    """GET the staff sign-in form, POST it with a made-up account: (status, body) of the POST."""
    parsed = urllib.parse.urlparse(base_url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    try:
        connection.request("GET", "/staff/login/")
        response = connection.getresponse()
        form = response.read().decode(errors="replace")
        if response.status != 200:
            return response.status, form
        cookies = [h.split(";", 1)[0] for k, h in response.getheaders() if k.lower() == "set-cookie"]
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        assert match is not None, "the sign-in form has no CSRF token"
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": html.unescape(match.group(1)),
                                       "username": "nobody", "password": "not-a-password-at-all"})
        connection.request("POST", "/staff/login/", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": "; ".join(cookies),
            "Referer": base_url + "/staff/login/"})
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        connection.close()


async def test_it_relays_and_keeps_counting_across_a_postgres_restart(
    daphne_server: Any, own_postgres: OwnPostgres, redis_client: Any, redis_url: str
) -> None:
    worker = daphne_server(redis_url=redis_url, database_url=own_postgres.url, **WORKER_ENV)
    people, root_public = worker.provision(1, chat_limit=3)
    pairs, (counsellor,) = await connect_pairs(
        seeker_url=worker.ws_url, counsellor_url=worker.ws_url, people=people, root_public=root_public, chats=3,
        per_counsellor=3)
    for pair in pairs:
        await pair.seeker.send_text("before the restart")
        assert (await pair.counsellor.next_text(pair.session))["body"] == "before the restart"

    def completed() -> int:
        rows = own_postgres.sql("SELECT coalesce(sum(value), 0) FROM helpline_counter "
                                "WHERE metric = 'chat.completed' AND dimension = ''")
        return int(rows[0][0])

    def status_audits() -> int:
        return int(own_postgres.sql("SELECT count(*) FROM helpline_auditevent "
                                    "WHERE action = 'counsellor.status'")[0][0])

    completed_before, audits_before = completed(), status_audits()
    statuses: list[int] = []

    own_postgres.stop()
    down_at = time.monotonic()
    # The relay needs no database: every chat goes on, both ways.
    for pair in pairs:
        await pair.seeker.send_text("while the database is down")
        assert (await pair.counsellor.next_text(pair.session))["body"] == "while the database is down"
        await pair.counsellor.send_text(pair.session, "still here")
        assert (await pair.seeker.next_text())["body"] == "still here"
    relayed_after = time.monotonic() - down_at
    # A status change (audited) and an ending (counted) do not wait for the database.
    mark = counsellor.mark()
    assert (await counsellor.set_status("break"))["state"] == "break"
    assert (await counsellor.set_status("available"))["state"] == "available"
    ended = pairs[0]
    await counsellor.end(ended.session)
    await ended.seeker.expect("ended", 5)
    assert not any(f.get("code") == "server_error" for f in counsellor.frames[mark:])
    # Sign-in says plainly that it cannot work now; no page answers 500.
    sign_in_status, sign_in_body = await asyncio.to_thread(sign_in_attempt, worker.url)
    assert sign_in_status == 503, sign_in_status
    assert "technical problem" in sign_in_body and "Traceback" not in sign_in_body
    for path in ("/", "/chat/", "/staff/login/", "/exit", "/healthz"):
        statuses.append(await asyncio.to_thread(http_status, worker.url + path))
    assert 500 not in statuses, statuses
    assert http_status(worker.url + "/healthz") == 503

    await asyncio.sleep(1.0)
    own_postgres.start()
    up_at = time.monotonic()
    # What waited is written once the database answers (the retries back off up to 8 s here).
    deadline = time.monotonic() + 30
    while (completed(), status_audits()) != (completed_before + 1, audits_before + 2):
        assert time.monotonic() < deadline, (completed(), status_audits(), completed_before, audits_before)
        await asyncio.sleep(0.2)
    written_after = time.monotonic() - up_at

    # After the restart, new writes go straight in and a new chat works.
    second = pairs[1]
    await counsellor.end(second.session)
    await second.seeker.expect("ended", 5)
    deadline = time.monotonic() + 10
    while completed() != completed_before + 2:
        assert time.monotonic() < deadline, "an ending after the restart was not counted"
        await asyncio.sleep(0.1)
    for pair in pairs[:2]:
        saved = await counsellor.wrapup(pair.session, concern="own_thoughts", protective_action="yes",
                                        referrals=["therapy"], risk=["none"], outcome="support_given")
        assert saved["type"] == "wrapup_saved", saved
    newcomer = SeekerClient(worker.ws_url, root_public=root_public)
    await newcomer.connect()
    assert (await newcomer.join(triage={}))["type"] == "welcome"
    session = await counsellor.take_next()
    await asyncio.gather(newcomer.handshake(), counsellor.handshake(session))
    await newcomer.send_text("after the restart")
    assert (await counsellor.next_text(session))["body"] == "after the restart"
    sign_in_status, _ = await asyncio.to_thread(sign_in_attempt, worker.url)
    assert sign_in_status == 200, sign_in_status  # the form again, with its error message
    print(f"\nPostgreSQL down: chats relayed ({relayed_after:.2f} s for 3 round trips), sign-in 503; "
          f"the waiting counter and audit writes were in the database {written_after:.2f} s after it was back")

    for client in [newcomer, counsellor, *(p.seeker for p in pairs)]:
        await client.close()
    logs = worker.logs()
    assert "Traceback" not in logs
    assert "Exception inside application" not in logs
