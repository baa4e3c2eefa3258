"""Sockets accept only exact origins: scheme, host and port (issue 17, item 6)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from chat.origins import origin_allowed
from helpline.env import normalise_origin


def scope(origin: str | None, host: str = "127.0.0.1:8000", scheme: str = "ws") -> dict[str, object]:
    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    return {"type": "websocket", "scheme": scheme, "headers": headers}


def test_it_serialises_origins_as_the_browser_does() -> None:
    assert normalise_origin("HTTPS://Help.Example.org:443") == "https://help.example.org"
    assert normalise_origin("http://127.0.0.1:80/") == "http://127.0.0.1"
    assert normalise_origin("http://[::1]:8000") == "http://[::1]:8000"
    for bad in ("null", "ftp://x", "https://x/path", "https://u@x", "https://x:99999", ""):
        assert normalise_origin(bad) is None, bad


def test_it_accepts_the_sockets_own_origin() -> None:
    assert origin_allowed(scope("http://127.0.0.1:8000"))
    assert origin_allowed(scope("https://127.0.0.1:8000", scheme="wss"))


@pytest.mark.parametrize(
    "origin",
    ["http://127.0.0.1:9999", "https://127.0.0.1:8000", "http://127.0.0.1", "http://localhost:8000", "null", None],
)
def test_it_refuses_another_port_scheme_or_host(origin: str | None) -> None:
    assert not origin_allowed(scope(origin))


def test_it_takes_the_scheme_from_the_tls_proxy_only_when_configured(settings) -> None:
    behind = {"type": "websocket", "headers": [(b"host", b"help.example.org"), (b"origin", b"https://help.example.org"),
                                               (b"x-forwarded-proto", b"https")]}
    settings.ALLOWED_HOSTS = ["help.example.org"]
    settings.SECURE_PROXY_SSL_HEADER = None
    assert not origin_allowed(behind)
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert origin_allowed(behind)


def test_it_refuses_a_host_outside_allowed_hosts(settings) -> None:
    settings.ALLOWED_HOSTS = ["help.example.org"]
    assert not origin_allowed(scope("http://evil.example", host="evil.example"))


def test_it_accepts_the_configured_site_and_staff_origins(settings) -> None:
    settings.SITE_ORIGINS = ["https://help.example.org"]
    settings.STAFF_ORIGIN = "https://staff.help.example.org"
    assert origin_allowed(scope("https://help.example.org", host="10.0.0.2:8001"))
    assert origin_allowed(scope("https://staff.help.example.org", host="10.0.0.2:8001"))
    assert not origin_allowed(scope("http://help.example.org", host="10.0.0.2:8001"))
    assert not origin_allowed(scope("https://help.example.org:8443", host="10.0.0.2:8001"))


def test_a_live_server_refuses_a_socket_from_a_wrong_port_or_scheme(daphne_server: Callable[..., object]) -> None:
    server = daphne_server()
    port = server.port  # type: ignore[attr-defined]

    async def opens(origin: str) -> bool:
        try:
            async with connect(f"ws://127.0.0.1:{port}/ws/seeker/", origin=origin, open_timeout=10):  # type: ignore[arg-type]
                return True
        except InvalidStatus as exc:
            assert exc.response.status_code == 403
            return False

    async def run() -> list[bool]:
        return [
            await opens(f"http://127.0.0.1:{port}"),
            await opens("http://127.0.0.1:9999"),
            await opens(f"https://127.0.0.1:{port}"),
            await opens(f"http://localhost:{port}"),
        ]

    assert asyncio.run(run()) == [True, False, False, False]
