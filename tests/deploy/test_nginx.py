"""deploy/nginx/: the shipped site config, run by a real nginx in front of real Daphne workers."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from helpline.middleware import SECURITY_HEADERS
from tests.conftest import REPO, free_port
from tests.deploy.conftest import (
    CLIENT_ADDRESS,
    ONION_LOCATION,
    SERVER_NAME,
    NginxFront,
    main_config,
    nginx_test,
    render_site,
)

pytestmark = pytest.mark.integration
NGINX_DIR = REPO / "deploy" / "nginx"
HSTS = "max-age=31536000; includeSubDomains"


def hashed_static_path() -> str:
    """URL path of a real collected, content-hashed file (collected by the session fixture)."""
    for path in sorted(Path(settings.STATIC_ROOT).rglob("*.css")):
        if re.search(r"\.[0-9a-f]{12}\.css$", path.name):
            return "/static/" + path.relative_to(settings.STATIC_ROOT).as_posix()
    raise AssertionError("collectstatic wrote no hashed stylesheet")


def assert_security_headers_once(response: object, *, hsts: bool) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.all(name) == [value], name  # type: ignore[attr-defined]
    assert response.all("Strict-Transport-Security") == ([HSTS] if hsts else [])  # type: ignore[attr-defined]


# --- The config itself ----------------------------------------------------------------------------


def test_it_keeps_nginx_security_headers_equal_to_the_applications() -> None:
    text = (NGINX_DIR / "security-headers.conf").read_text()
    found = dict(re.findall(r'^add_header (\S+) "([^"]*)" always;$', text, flags=re.M))
    assert found == SECURITY_HEADERS
    assert "add_header Strict-Transport-Security $helpline_hsts always;" in text
    assert f'set $helpline_hsts "{HSTS}";' in (NGINX_DIR / "helpline.conf").read_text()
    # The application's own HSTS value in production (SECURE_HSTS_SECONDS default, subdomains).
    assert HSTS == f"max-age={365 * 24 * 3600}; includeSubDomains"


def test_it_logs_nothing_about_clients_in_any_server_block() -> None:
    text = (NGINX_DIR / "helpline.conf").read_text()
    blocks = re.split(r"^server \{$", text, flags=re.M)[1:]
    assert len(blocks) == 5
    for block in blocks:
        assert "access_log off;" in block
        assert "error_log @ERROR_LOG@ emerg;" in block
    assert "log_format" not in text
    assert "$proxy_add_x_forwarded_for" not in (NGINX_DIR / "helpline-locations.conf").read_text()


def test_it_passes_nginx_t_with_the_placeholders_filled_in(nginx_binary: str, tmp_path: Path, tls_certificate) -> None:
    cert, key = tls_certificate
    (tmp_path / "logs").mkdir()
    render_site(
        tmp_path / "conf",
        upstreams=["127.0.0.1:8001", "127.0.0.1:8002"],
        cert=cert,
        key=key,
        https_port=free_port(),
        http_port=free_port(),
        onion_port=free_port(),
        error_log=tmp_path / "logs" / "helpline-error.log",
    )
    rendered = (tmp_path / "conf" / "helpline.conf").read_text()
    assert "server 127.0.0.1:8001 max_fails=1 fail_timeout=5s; server 127.0.0.1:8002" in rendered
    assert not re.search(r"@[A-Z_]+@", rendered)
    checked = nginx_test(nginx_binary, tmp_path, main_config(tmp_path, tmp_path / "conf" / "helpline.conf"))
    assert checked.returncode == 0, checked.stderr


def test_it_refuses_to_render_without_a_certificate(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ["PATH"],
        "HELPLINE_SERVER_NAME": SERVER_NAME,
        "HELPLINE_UPSTREAMS": "127.0.0.1:8001",
        "HELPLINE_STATIC_ROOT": str(tmp_path),
        "HELPLINE_TLS_KEY": str(tmp_path / "key.pem"),
    }
    result = subprocess.run(
        ["sh", str(NGINX_DIR / "render.sh"), str(tmp_path / "out")], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "HELPLINE_TLS_CERT is required" in result.stderr
    assert not (tmp_path / "out" / "helpline.conf").exists()


# --- Static files and nginx's own responses (no workers needed) -------------------------------


def test_it_serves_hashed_static_files_for_a_year_with_the_applications_headers(nginx_front) -> None:
    front: NginxFront = nginx_front()
    path = hashed_static_path()
    response = front.request("GET", path)
    assert response.status == 200
    assert response.body == (Path(settings.STATIC_ROOT) / path.removeprefix("/static/")).read_bytes()
    assert response.all("Cache-Control") == ["public, max-age=31536000, immutable"]
    assert_security_headers_once(response, hsts=True)

    unhashed = front.request("GET", re.sub(r"\.[0-9a-f]{12}\.css$", ".css", path))
    assert unhashed.status == 200
    assert unhashed.all("Cache-Control") == ["no-cache"]

    listing = front.request("GET", "/static/")
    assert listing.status == 404
    assert listing.body == b"There is nothing at this address.\n"
    assert_security_headers_once(listing, hsts=True)

    # The Tor listener serves the same files, without HSTS (there is no TLS to pin).
    onion = front.request("GET", path, listener="onion")
    assert onion.status == 200
    assert_security_headers_once(onion, hsts=False)


def test_it_refuses_large_bodies_and_bursts_with_calm_pages_and_the_headers(nginx_front) -> None:
    front: NginxFront = nginx_front()
    too_large = front.request("POST", "/exit", body=b"x" * (65 * 1024), headers={"Content-Type": "text/plain"})
    assert too_large.status == 413
    assert too_large.body.startswith(b"That was more than this service accepts at once.")
    assert_security_headers_once(too_large, hsts=True)

    statuses = [front.request("GET", "/healthz").status for _ in range(120)]
    assert 429 in statuses
    refused = front.request("GET", "/healthz")
    assert refused.status == 429
    assert refused.body.startswith(b"Too many requests arrived at once.")
    assert refused.header("Retry-After") == "10"
    assert_security_headers_once(refused, hsts=True)

    # With no worker answering, people read a calm sentence, not nginx's page.
    down = front.request("GET", "/healthz", listener="onion")
    assert down.status == 502
    assert down.body.startswith(b"The service is not available right now.")
    assert b"nginx" not in down.body


def test_it_redirects_plain_http_and_closes_connections_for_other_names(nginx_front) -> None:
    front: NginxFront = nginx_front()
    redirect = front.request("GET", "/chat/?x=1", listener="http", headers={"Host": SERVER_NAME})
    assert redirect.status == 301
    assert redirect.header("Location") == f"https://{SERVER_NAME}/chat/?x=1"

    with pytest.raises((ConnectionError, OSError)):
        front.request("GET", "/", listener="http", headers={"Host": "elsewhere.example"})
    raw = socket.create_connection(("127.0.0.1", front.https_port), 5, (CLIENT_ADDRESS, 0))
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with pytest.raises(ssl.SSLError):
        context.wrap_socket(raw, server_hostname="elsewhere.example")
    raw.close()


# --- Websockets ------------------------------------------------------------------------------------


@pytest.fixture
def echo_server() -> Iterator[tuple[int, list[dict[str, str]]]]:
    """A plain websocket echo server that records each handshake's headers: it stands in for a
    worker only to test nginx's websocket proxying (upgrade, frames both ways, forwarded address)."""
    from websockets.sync.server import serve

    seen: list[dict[str, str]] = []

    def handler(connection) -> None:  # type: ignore[no-untyped-def]
        seen.append({key.lower(): value for key, value in connection.request.headers.raw_items()})
        for message in connection:
            connection.send(message)

    port = free_port()
    server = serve(handler, "127.0.0.1", port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield port, seen
    server.shutdown()
    thread.join(5)


async def open_socket(front: NginxFront, path: str, **kwargs: object):  # type: ignore[no-untyped-def]
    from websockets.asyncio.client import connect

    return await connect(
        f"{front.ws_url}{path}",
        host="127.0.0.1",
        port=front.https_port,
        ssl=front.tls_context,
        server_hostname=SERVER_NAME,
        local_addr=(CLIENT_ADDRESS, 0),
        origin=front.url,
        **kwargs,
    )


def test_it_upgrades_websockets_and_overwrites_the_forwarded_address(nginx_front, echo_server) -> None:
    port, seen = echo_server
    front: NginxFront = nginx_front(upstreams=[f"127.0.0.1:{port}"])

    async def talk() -> list[str]:
        socket_ = await open_socket(front, "/ws/seeker/", additional_headers={"X-Forwarded-For": "203.0.113.9"})
        replies = []
        for text in ("first", "second"):
            await socket_.send(text)
            replies.append(str(await socket_.recv()))
        await socket_.close()
        return replies

    assert asyncio.run(talk()) == ["first", "second"]
    headers = seen[0]
    assert headers["upgrade"].lower() == "websocket"
    # A client cannot choose the address the workers see: nginx replaces the header.
    assert headers["x-forwarded-for"] == CLIENT_ADDRESS
    assert headers["x-forwarded-proto"] == "https"
    # The Host as the browser sent it, port included (chat/origins.py compares it with Origin).
    assert headers["host"] == f"{SERVER_NAME}:{front.https_port}"
    assert "forwarded" not in headers and "x-real-ip" not in headers


async def test_it_carries_a_full_encrypted_chat_through_nginx_in_front_of_two_workers(
    nginx_front, proxied_workers, redis_client, monkeypatch: pytest.MonkeyPatch, tls_certificate
) -> None:
    """The reference client on both sides, over TLS through nginx, to two workers sharing Redis."""
    from tests.chat.resilience_helpers import open_client_chat

    front: NginxFront = nginx_front(workers=proxied_workers)
    # The client makes a default TLS context: let it trust the test's certificate.
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_certificate[0]))
    (who,), root_public = proxied_workers[0].provision()
    canary_seeker, canary_counsellor = "SEEKER-CANARY-5be1", "COUNSELLOR-CANARY-c702"
    seeker, counsellor, session = await open_client_chat(front.ws_url, who, root_public)

    for i in range(10):
        await seeker.send_text(f"{canary_seeker} {i}")
        await counsellor.send_text(session, f"{canary_counsellor} {i}")
    assert [(await counsellor.next_text(session))["body"] for _ in range(10)] == [
        f"{canary_seeker} {i}" for i in range(10)
    ]
    assert [(await seeker.next_text())["body"] for _ in range(10)] == [f"{canary_counsellor} {i}" for i in range(10)]
    for frame in seeker.frames + counsellor.frames:
        assert canary_seeker not in json.dumps(frame) and canary_counsellor not in json.dumps(frame)

    await counsellor.end(session)
    await seeker.expect("ended")
    await seeker.close()
    await counsellor.close()
    front.stop()
    for path in front.log_files():
        text = path.read_text(errors="replace")
        assert canary_seeker not in text and session not in text, path.name


# --- Through nginx to two workers ------------------------------------------------------------------


def test_it_serves_pages_from_the_workers_with_each_header_once(nginx_front, proxied_workers) -> None:
    front: NginxFront = nginx_front(workers=proxied_workers)
    page = front.request("GET", "/")
    assert page.status == 200
    assert b"<html" in page.body
    for name, value in SECURITY_HEADERS.items():
        assert page.all(name) == [value], name
    assert page.all("Cache-Control") == ["no-store"]
    assert page.all("Onion-Location") == [ONION_LOCATION + "/"]
    assert page.all("Set-Cookie") == []

    health = front.request("GET", "/healthz")
    assert health.status == 200
    assert b'"status": "ok"' in health.body

    # On the onion itself, Onion-Location means nothing and is dropped.
    onion = front.request("GET", "/", listener="onion")
    assert onion.status == 200
    assert onion.all("Onion-Location") == []


def test_it_keeps_serving_when_one_worker_stops(nginx_front, proxied_workers) -> None:
    front: NginxFront = nginx_front(workers=proxied_workers)
    assert [front.request("GET", "/healthz").status for _ in range(4)] == [200] * 4
    proxied_workers[0].stop()
    assert [front.request("GET", "/healthz").status for _ in range(6)] == [200] * 6


def client_traffic(front: NginxFront) -> None:
    """What a day brings: pages, static files, misses, refusals, sockets, bad handshakes."""
    front.request("GET", "/")
    front.request("GET", hashed_static_path())
    front.request("GET", "/static/nothing-here.js")
    front.request("GET", "/no-such-page/")
    front.request("POST", "/exit", body=b"x" * (100 * 1024))
    for _ in range(90):
        front.request("GET", "/healthz")
    front.request("GET", "/", listener="onion")
    front.request("GET", "/", listener="http", headers={"Host": SERVER_NAME})
    try:
        front.request("GET", "/", listener="http", headers={"Host": "elsewhere.example"})
    except OSError:
        pass
    for data in (b"GET / HTTP/1.1\r\nHost: \x00\r\n\r\n", b"\x16\x03\x01 not really tls"):
        with socket.create_connection(("127.0.0.1", front.https_port), 0.5, (CLIENT_ADDRESS, 0)) as raw:
            raw.sendall(data)
            try:
                raw.recv(1024)
            except OSError:
                pass

    async def sockets() -> None:
        from websockets.exceptions import InvalidStatus

        # A seeker socket that opens, says hello in a way the server refuses, and goes (or, with
        # no worker behind nginx, is refused with 502).
        try:
            socket_ = await open_socket(front, "/ws/seeker/")
        except InvalidStatus:
            return
        await socket_.send("not a frame")
        try:
            await asyncio.wait_for(socket_.recv(), 2)
        except Exception:  # any answer or close will do
            pass
        await socket_.close()

    asyncio.run(sockets())


def test_it_writes_no_client_address_in_any_log(nginx_front, proxied_workers) -> None:
    front: NginxFront = nginx_front(workers=proxied_workers)
    client_traffic(front)
    front.stop()
    logs = front.log_files()
    assert {path.name for path in logs} >= {"main-error.log", "main-access.log", "helpline-error.log", "startup.log"}
    for path in logs:
        text = path.read_text(errors="replace")
        assert CLIENT_ADDRESS not in text, f"{path.name} holds the client's address"
    assert (front.directory / "logs" / "main-access.log").read_text() == ""
    assert (front.directory / "logs" / "helpline-error.log").read_text() == ""
    for worker in proxied_workers:
        worker.stop()
        assert CLIENT_ADDRESS not in worker.logs()


def test_it_would_find_the_address_if_nginx_logged_one(nginx_front) -> None:
    # The control for the test above: the same search finds the address once the shipped
    # "emerg" is lowered to nginx's usual "error".
    front: NginxFront = nginx_front(error_log_level="error")
    client_traffic(front)
    front.stop()
    assert CLIENT_ADDRESS in (front.directory / "logs" / "helpline-error.log").read_text()


def test_it_points_the_tor_snippet_at_the_loopback_listener() -> None:
    torrc = (REPO / "deploy" / "tor" / "torrc.snippet").read_text()
    render = (NGINX_DIR / "render.sh").read_text()
    default = re.search(r"onion_listen=\$\{HELPLINE_ONION_LISTEN:-([^}]+)\}", render)
    assert default is not None
    assert re.search(rf"^HiddenServicePort 80 {re.escape(default.group(1))}$", torrc, flags=re.M)
