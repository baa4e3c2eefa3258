"""deploy/systemd/: units that systemd accepts, hardened, and a Python that runs under their limits."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO, free_port

UNITS = REPO / "deploy" / "systemd"
SERVICES = ("helpline@.service", "helpline-cleanup.service")
PR_SET_MDWE = 65
PR_MDWE_REFUSE_EXEC_GAIN = 1


def directives(unit: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in (UNITS / unit).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key, []).append(value)
    return found


def test_it_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed (Debian package systemd)")
    # verify checks that ExecStart's program exists: point it at this machine's virtualenv.
    for unit in UNITS.iterdir():
        if unit.suffix in (".service", ".timer", ".target"):
            text = unit.read_text().replace("/opt/helpline/venv/bin/python", sys.executable)
            (tmp_path / unit.name).write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", "./helpline@8001.service", "./helpline-cleanup.service",
         "./helpline-cleanup.timer", "./helpline.target"],
        cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "SYSTEMD_LOG_LEVEL": "notice"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout + result.stderr == ""


@pytest.mark.parametrize("unit", SERVICES)
def test_it_hardens_every_service(unit: str) -> None:
    found = directives(unit)
    expected = {
        "User": ["helpline"],
        "NoNewPrivileges": ["yes"],
        "ProtectSystem": ["strict"],
        "ProtectHome": ["yes"],
        "PrivateTmp": ["yes"],
        "ReadWritePaths": ["/var/lib/helpline"],
        "CapabilityBoundingSet": [""],
        "RestrictAddressFamilies": ["AF_INET AF_INET6 AF_UNIX"],
        "SystemCallFilter": ["@system-service"],
        "MemoryDenyWriteExecute": ["yes"],
        "EnvironmentFile": ["/etc/helpline/helpline.env"],
    }
    for key, value in expected.items():
        assert found.get(key) == value, key
    assert "Environment" in found and "SECRET_KEY_FILE=%d/secret_key" in found["Environment"]
    assert "secret_key:/etc/helpline/credentials/secret_key" in found["LoadCredential"]


def test_it_runs_one_worker_per_port_behind_nginx_without_an_access_log() -> None:
    (command,) = directives("helpline@.service")["ExecStart"]
    assert command == "/opt/helpline/venv/bin/python -m helpline.serve --bind 127.0.0.1 --port %i --proxy-headers"
    assert directives("helpline@.service")["PartOf"] == ["helpline.target"]
    assert directives("helpline-cleanup.timer")["OnCalendar"] == ["daily"]
    assert directives("helpline-cleanup.service")["ExecStart"] == ["/opt/helpline/venv/bin/python -m django cleanup"]


def test_it_serves_with_memory_deny_write_execute(tmp_path: Path, live_database) -> None:
    """MemoryDenyWriteExecute=yes is the seccomp form of Linux's PR_SET_MDWE: start a real worker
    under PR_SET_MDWE and ask it for /healthz, so a dependency that needs executable memory fails here."""
    probe = subprocess.run(
        [sys.executable, "-c", f"import ctypes,sys; sys.exit(ctypes.CDLL(None).prctl({PR_SET_MDWE}, 1, 0, 0, 0))"]
    )
    if probe.returncode != 0:
        pytest.skip("this kernel has no PR_SET_MDWE (Linux 6.3 or newer)")
    port = free_port()
    launcher = (
        "import ctypes, sys\n"
        f"assert ctypes.CDLL(None).prctl({PR_SET_MDWE}, {PR_MDWE_REFUSE_EXEC_GAIN}, 0, 0, 0) == 0\n"
        "from helpline.serve import main\n"
        f"main(['--bind', '127.0.0.1', '--port', '{port}', '--proxy-headers'])\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS", "REDIS"))}
    env.update(
        DJANGO_SETTINGS_MODULE="helpline.settings", SECRET_KEY="m" * 50, HELPLINE_VAR_DIR=str(tmp_path),
        DATABASE_URL=live_database(), SERVE_STATIC="0", PYTHONDONTWRITEBYTECODE="1",
    )
    log = tmp_path / "worker.log"
    process = subprocess.Popen([sys.executable, "-c", launcher], cwd=REPO, env=env, stdout=log.open("wb"),
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        # The launcher asserted that the kernel accepted PR_SET_MDWE before importing anything.
        assert process.poll() is None
    finally:
        process.terminate()
        process.wait(10)
