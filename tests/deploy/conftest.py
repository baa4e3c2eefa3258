"""A real nginx (Debian's package) with the repository's site config, in front of live Daphne workers.

`nginx_front(workers=[...])` renders deploy/nginx/ with deploy/nginx/render.sh (paths and free
loopback ports filled in), writes a main nginx.conf shaped like Debian's (an http-level access log
and an error log at "info", both of which the site must override), and runs nginx in the
foreground. Clients connect from CLIENT_ADDRESS, a loopback address that appears nowhere else, so
that a test can search every log file for it.
"""

from __future__ import annotations

import datetime
import http.client
import os
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import REPO, LiveServer, free_port, missing_service, stop_process

NGINX = os.environ.get("NGINX_PATH", "/usr/sbin/nginx")
# "localhost" so that clients that resolve the name themselves (chat/client.py) reach nginx.
SERVER_NAME = "localhost"
# Linux routes all of 127.0.0.0/8 to the loopback interface; this one is the "help-seeker".
CLIENT_ADDRESS = "127.0.0.23"
ONION_LOCATION = "http://helplinexxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion"


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        values = self.all(name)
        return values[0] if values else None

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]


class _LoopbackHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to 127.0.0.1 with SNI and Host for SERVER_NAME, from CLIENT_ADDRESS."""

    def connect(self) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout, (CLIENT_ADDRESS, 0))
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


@dataclass
class NginxFront:
    https_port: int
    http_port: int
    onion_port: int
    directory: Path
    process: subprocess.Popen[bytes]
    tls_context: ssl.SSLContext

    @property
    def url(self) -> str:
        return f"https://{SERVER_NAME}:{self.https_port}"

    @property
    def ws_url(self) -> str:
        return f"wss://{SERVER_NAME}:{self.https_port}"

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        listener: str = "https",
    ) -> Response:
        """One request through nginx. listener: "https", "http" (port 80's role) or "onion"."""
        if listener == "https":
            connection: http.client.HTTPConnection = _LoopbackHTTPSConnection(
                SERVER_NAME, self.https_port, context=self.tls_context, timeout=10
            )
        else:
            port = self.http_port if listener == "http" else self.onion_port
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(CLIENT_ADDRESS, 0))
        request_headers = {"Host": f"{SERVER_NAME}:{self.https_port}" if listener != "onion" else "127.0.0.1"}
        request_headers.update(headers or {})
        try:
            connection.request(method, path, body=body, headers=request_headers)
            response = connection.getresponse()
            return Response(response.status, response.getheaders(), response.read())
        finally:
            connection.close()

    def log_files(self) -> list[Path]:
        return sorted(path for path in self.directory.rglob("*") if path.is_file() and path.suffix == ".log")

    def stop(self) -> None:
        stop_process(self.process)


@pytest.fixture(scope="session")
def nginx_binary() -> str:
    if not Path(NGINX).exists():
        missing_service(f"nginx not found at {NGINX} (Debian package nginx)")
    return NGINX


@pytest.fixture(scope="session")
def tls_certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for SERVER_NAME, made here (no network, no openssl CLI)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    directory = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SERVER_NAME)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(SERVER_NAME)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def render_site(
    out: Path,
    *,
    upstreams: list[str],
    cert: Path,
    key: Path,
    https_port: int,
    http_port: int,
    onion_port: int,
    error_log: Path,
    static_root: Path | None = None,
) -> None:
    """Render deploy/nginx/ into `out` with the repository's own renderer."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HELPLINE_SERVER_NAME": SERVER_NAME,
        "HELPLINE_UPSTREAMS": " ".join(upstreams),
        "HELPLINE_STATIC_ROOT": str(static_root or settings.STATIC_ROOT),
        "HELPLINE_TLS_CERT": str(cert),
        "HELPLINE_TLS_KEY": str(key),
        "HELPLINE_HTTPS_LISTEN": f"127.0.0.1:{https_port}",
        "HELPLINE_HTTP_LISTEN": f"127.0.0.1:{http_port}",
        "HELPLINE_ONION_LISTEN": f"127.0.0.1:{onion_port}",
        "HELPLINE_ACME_ROOT": str(out / "acme"),
        "HELPLINE_ERROR_LOG": str(error_log),
    }
    subprocess.run(["sh", str(REPO / "deploy" / "nginx" / "render.sh"), str(out)], env=env, check=True)


def main_config(directory: Path, site: Path) -> Path:
    """A main nginx.conf like Debian's /etc/nginx/nginx.conf, with every path inside `directory`.

    Like Debian's, it has an http-level access log and a main error log: the site must override
    both so that neither receives anything about a client.
    """
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (directory / "temp" / name).mkdir(parents=True, exist_ok=True)
    # As root, nginx's workers would switch to "nobody", who cannot read the test's 0700 dirs.
    user = "user root;\n" if os.geteuid() == 0 else ""
    config = directory / "nginx.conf"
    config.write_text(
        f"""{user}worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/logs/main-error.log info;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {directory}/logs/main-access.log;
    client_body_temp_path {directory}/temp/body;
    proxy_temp_path {directory}/temp/proxy;
    fastcgi_temp_path {directory}/temp/fastcgi;
    uwsgi_temp_path {directory}/temp/uwsgi;
    scgi_temp_path {directory}/temp/scgi;
    include {site};
}}
"""
    )
    return config


def nginx_test(nginx: str, directory: Path, config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [nginx, "-t", "-q", "-p", str(directory), "-c", str(config), "-e", str(directory / "logs" / "startup.log")],
        capture_output=True,
        text=True,
    )


@pytest.fixture
def nginx_front(
    tmp_path: Path, nginx_binary: str, tls_certificate: tuple[Path, Path]
) -> Iterator[Callable[..., NginxFront]]:
    """Start nginx with the repository's config in front of `workers`: `nginx_front(workers=[...])`.

    `upstreams` ("host:port") puts other servers behind it instead.
    `error_log_level` replaces the shipped "emerg" (only for the control test that shows the
    address search would find an address if nginx logged one).
    """
    fronts: list[NginxFront] = []

    def start(
        *,
        workers: list[LiveServer] | None = None,
        upstreams: list[str] | None = None,
        error_log_level: str | None = None,
    ) -> NginxFront:
        directory = tmp_path / f"nginx-{len(fronts)}"
        (directory / "logs").mkdir(parents=True)
        https_port, http_port, onion_port = free_port(), free_port(), free_port()
        # A closed port stands in for workers when a test needs none (static files, refusals).
        unused = f"127.0.0.1:{free_port()}"
        cert, key = tls_certificate
        render_site(
            directory / "conf",
            upstreams=upstreams or [f"127.0.0.1:{worker.port}" for worker in workers or []] or [unused],
            cert=cert,
            key=key,
            https_port=https_port,
            http_port=http_port,
            onion_port=onion_port,
            error_log=directory / "logs" / "helpline-error.log",
        )
        if error_log_level:
            site = directory / "conf" / "helpline.conf"
            site.write_text(site.read_text().replace(" emerg;", f" {error_log_level};"))
        config = main_config(directory, directory / "conf" / "helpline.conf")
        checked = nginx_test(nginx_binary, directory, config)
        assert checked.returncode == 0, checked.stderr
        process = subprocess.Popen(
            [
                nginx_binary, "-p", str(directory), "-c", str(config),
                "-e", str(directory / "logs" / "startup.log"), "-g", "daemon off;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=(directory / "logs" / "stderr.log").open("wb"),
        )
        context = ssl.create_default_context(cafile=str(cert))
        front = NginxFront(https_port, http_port, onion_port, directory, process, context)
        fronts.append(front)
        deadline = time.monotonic() + 10
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"nginx exited: {(directory / 'logs' / 'startup.log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("nginx did not start listening") from None
                time.sleep(0.02)
        return front

    yield start
    for front in fronts:
        front.stop()


@pytest.fixture
def proxied_workers(
    daphne_server: Callable[..., LiveServer],
    live_database: Callable[[], str],
    redis_client: object,
    redis_url: str,
) -> list[LiveServer]:
    """Two Daphne workers as production runs them behind nginx: one database, one Redis,
    --proxy-headers, static files left to nginx."""
    database_url = live_database()
    env = {
        "SERVE_STATIC": "0",
        "BEHIND_TLS_PROXY": "1",
        "ALLOWED_HOSTS": f"{SERVER_NAME},127.0.0.1",
        "ONION_LOCATION": ONION_LOCATION,
    }
    return [
        daphne_server(redis_url=redis_url, database_url=database_url, daphne_args=("--proxy-headers",), **env)
        for _ in range(2)
    ]


def have(command: str) -> bool:
    return shutil.which(command) is not None
