"""deploy/Dockerfile and deploy/compose.yaml. No Docker engine runs here: the compose file is
checked as data (and with `docker compose config` where that client exists), the Dockerfile's
inputs are checked to exist, and the package it installs is built to see that it is complete."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

DEPLOY = REPO / "deploy"


@pytest.fixture(scope="module")
def compose() -> dict:
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed (pip install -e '.[dev]')")
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_it_runs_nginx_two_workers_redis_and_postgres(compose: dict) -> None:
    services = compose["services"]
    assert set(services) == {"nginx", "worker1", "worker2", "redis", "postgres", "migrate"}
    for name in ("worker1", "worker2"):
        worker = services[name]
        assert worker["build"]["target"] == "app"
        assert worker["networks"] == ["backend"]
        assert "ports" not in worker
        assert worker["environment"]["SERVE_STATIC"] == "0"
        assert worker["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert "/healthz" in " ".join(worker["healthcheck"]["test"])
    assert services["nginx"]["environment"]["HELPLINE_UPSTREAMS"] == "worker1:8000 worker2:8000"
    assert "/healthz" in " ".join(services["nginx"]["healthcheck"]["test"])
    assert compose["networks"]["backend"]["internal"] is True


def test_it_keeps_redis_off_the_disk(compose: dict) -> None:
    redis = compose["services"]["redis"]
    command = redis["command"]
    assert command[command.index("--save") + 1] == ""
    assert command[command.index("--appendonly") + 1] == "no"
    assert "volumes" not in redis
    assert redis["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def test_it_passes_secrets_as_files_only(compose: dict) -> None:
    secrets = compose["secrets"]
    for secret in secrets.values():
        assert secret["file"].startswith("./secrets/")
    assert (DEPLOY / ".gitignore").read_text().split() == ["secrets/"]
    env = compose["services"]["worker1"]["environment"]
    assert env["SECRET_KEY_FILE"] == "/run/secrets/secret_key"
    assert env["DATABASE_PASSWORD_FILE"] == "/run/secrets/database_password"
    assert "SECRET_KEY" not in env
    # No password in the URL: user@host only.
    assert ":" not in env["DATABASE_URL"].removeprefix("postgres://").split("@")[0]
    assert compose["services"]["postgres"]["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/database_password"
    for service in compose["services"].values():
        for name in service.get("secrets", []):
            assert name in secrets


def test_it_builds_from_files_that_exist() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim AS app$", dockerfile, flags=re.M)
    assert re.search(r"^USER helpline$", dockerfile, flags=re.M)
    assert "pip install ." in dockerfile and "collectstatic" in dockerfile
    assert '"helpline.serve"' in dockerfile and "--proxy-headers" in dockerfile
    for source in re.findall(r"^COPY (?!--from)(.+) \S+$", dockerfile, flags=re.M):
        for path in source.split():
            assert (REPO / path).exists(), path
    entrypoint = (DEPLOY / "nginx" / "docker-entrypoint.sh").read_text()
    assert "render.sh /etc/nginx/helpline" in entrypoint


def test_it_validates_with_docker_compose_where_the_client_exists(tmp_path: Path) -> None:
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "compose", "version"], capture_output=True).returncode != 0:
        pytest.skip("the docker compose client is not installed here")
    result = subprocess.run(
        [docker, "compose", "-f", str(DEPLOY / "compose.yaml"), "config", "--quiet"],
        capture_output=True, text=True, env={"HELPLINE_SERVER_NAME": "help.example.org", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr


def test_it_packages_templates_and_static_files_for_pip_install(tmp_path: Path) -> None:
    """The images run `pip install .`: what the workers render and collect must be in the wheel."""
    # Build from a copy: setuptools leaves build/ and *.egg-info beside the sources.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    for package in ("helpline", "chat", "resources"):
        shutil.copytree(REPO / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(tmp_path / "wheel"),
         str(source)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0 and "Could not find a version that satisfies" in result.stderr:
        pytest.skip("no package index reachable to build the wheel")
    assert result.returncode == 0, result.stderr
    (wheel,) = (tmp_path / "wheel").glob("helpline-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in ("helpline", "chat", "resources"):
        for kind in ("templates", "static"):
            expected = {
                path.relative_to(REPO).as_posix()
                for path in (REPO / package / kind).rglob("*")
                if path.is_file() and "__pycache__" not in path.parts
            } if (REPO / package / kind).exists() else set()
            assert expected <= names, sorted(expected - names)
    assert "helpline/templates/base.html" in names
