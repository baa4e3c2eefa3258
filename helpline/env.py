"""Typed helpers that read settings from the environment and fail loudly on bad values.

Every variable a deployment can set is listed, with its default, in deploy/.env.example.
"""

from __future__ import annotations

import os
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off (got {raw!r})")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number (got {raw!r})") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum} (got {value})")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum} (got {value})")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_map(name: str, default: dict[str, str]) -> dict[str, str]:
    """`key=value` pairs separated by commas (`de=DE,nl=NL`); a pair without `=` is an error."""
    raw = os.environ.get(name)
    if raw is None:
        return dict(default)
    result: dict[str, str] = {}
    for item in raw.split(","):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ImproperlyConfigured(f"{name} must be key=value pairs separated by commas (got {item.strip()!r})")
        result[key.strip()] = value.strip()
    return result


def normalise_origin(value: str) -> str | None:
    """`scheme://host[:port]` in lower case with the default port left out (RFC 6454's
    serialisation), or None when `value` is not an http(s) origin (a path, a user or a query)."""
    try:
        parsed = urlparse(value.strip())
        port = parsed.port
    except ValueError:
        return None
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return None
    if parsed.path not in ("", "/") or parsed.query or parsed.fragment or parsed.username or parsed.password:
        return None
    host = parsed.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default = 443 if parsed.scheme == "https" else 80
    return f"{parsed.scheme}://{host}" + (f":{port}" if port not in (None, default) else "")


def env_origins(name: str, default: list[str]) -> list[str]:
    """A comma-separated list of origins (`https://help.example.org`, `http://abc.onion`)."""
    out = []
    for item in env_list(name, default):
        origin = normalise_origin(item)
        if origin is None:
            raise ImproperlyConfigured(f"{name}: {item!r} is not an origin (scheme://host[:port], no path)")
        out.append(origin)
    return out


def env_secret(name: str, default: str) -> str:
    """A secret from NAME, or from the file named by NAME_FILE (Docker and systemd credentials)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                return handle.read().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points at {path!r}, which cannot be read") from exc
    return os.environ.get(name, default)


def database_from_url(url: str) -> dict[str, object]:
    """Django DATABASES entry from postgres://user:pass@host:port/name or sqlite:///path."""
    parsed = urlparse(url)
    if parsed.scheme in ("postgres", "postgresql", "pgsql"):
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("DATABASE_URL names no database")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    if parsed.scheme == "sqlite":
        path = unquote(url[len("sqlite://"):]).lstrip("/") if url != "sqlite://" else ""
        if url.startswith("sqlite:////"):
            path = "/" + path
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path or ":memory:"}
    raise ImproperlyConfigured(f"DATABASE_URL must start with postgres:// or sqlite:// (got {parsed.scheme!r})")
