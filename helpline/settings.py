"""The one settings file. Everything a deployment can change is read from the environment here,
through the typed helpers in helpline.env, and listed with its default in deploy/.env.example.

With nothing set, the service runs as one process: SQLite, Channels' in-memory layer and the
in-memory live-state store. With REDIS_URL set, every worker shares Redis for both.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from helpline.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_map,
    env_origins,
    env_secret,
    env_str,
)
from helpline.redis_conn import cache_config, channel_layer_hosts, store_shares_layer_server

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("HELPLINE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# Demo mode: the single-process service `make run` starts. It may create its own secret key and
# organisation root key in VAR_DIR so that it works at once; production must set both.
DEMO_MODE = env_bool("HELPLINE_DEMO", False)


def _secret_key() -> str:
    key = env_secret("SECRET_KEY", "")
    if key:
        return key
    if DEMO_MODE or DEBUG:
        path = VAR_DIR / "secret_key"
        if not path.exists():
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(50))
            path.chmod(0o600)
        return path.read_text().strip()
    raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set outside demo mode")


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The origins (scheme, host and port) whose pages may open the service's sockets (chat/origins.py).
# A socket whose Origin is exactly the scheme and Host it was opened to is always same-origin.
SITE_ORIGINS = env_origins("SITE_ORIGINS", [])
# Staff pages on a separate origin (docs/OPERATIONS.md "A separate staff origin"): then the
# help-seekers' quick exit can never clear a counsellor's identity key. Empty: the same origin.
STAFF_ORIGIN = (env_origins("STAFF_ORIGIN", []) or [""])[0]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # chat comes before staticfiles so that its collectstatic (which first publishes the root
    # public key) wins: Django takes a command from the first app that has it.
    "chat",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "channels",
    "helpline",
    "resources",
    "chat.mailbox",
    "resources.platforms",
]

MIDDLEWARE = [
    "helpline.middleware.PrivacyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "helpline.staff.language.StaffLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # PostgreSQL unreachable: a 503 page, not a 500 (helpline/db_outage.py).
    "helpline.db_outage.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "helpline.urls"
ASGI_APPLICATION = "helpline.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "helpline" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "helpline.context_processors.service",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'helpline.sqlite3'}"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: one URL shared by the channel layer, the live-state store and the cache. Several hosts
# (comma-separated) shard the channel layer; REDIS_SENTINELS switches to Sentinel fail-over.
REDIS_URL = env_str("REDIS_URL", "")
REDIS_HOSTS = env_list("REDIS_HOSTS", [REDIS_URL] if REDIS_URL else [])
REDIS_SENTINELS = env_list("REDIS_SENTINELS", [])
REDIS_SENTINEL_MASTER = env_str("REDIS_SENTINEL_MASTER", "mymaster")
CHANNEL_LAYER_KIND = env_str("CHANNEL_LAYER", "pubsub")  # pubsub or core: measured in docs/PERFORMANCE.md
if CHANNEL_LAYER_KIND not in ("core", "pubsub"):
    raise ImproperlyConfigured("CHANNEL_LAYER must be 'core' or 'pubsub'")

# Relay in one round trip: with the pub/sub layer on the store's own Redis, the script that keeps a
# relayed frame also publishes it to the receiving socket (docs/PERFORMANCE.md). 0 turns it off.
RELAY_FROM_STORE = (
    env_bool("RELAY_FROM_STORE", True)
    and CHANNEL_LAYER_KIND == "pubsub"
    and bool(REDIS_HOSTS or REDIS_SENTINELS)
    and store_shares_layer_server(url=REDIS_URL, hosts=REDIS_HOSTS, sentinels=REDIS_SENTINELS)
)

# Sentinel: the master's database number, and a password for the masters (also for REDIS_HOSTS).
REDIS_SENTINEL_DB = env_int("REDIS_SENTINEL_DB", 0, minimum=0)
REDIS_PASSWORD = env_secret("REDIS_PASSWORD", "")
# Acknowledgements of messages wait (up to REDIS_ACK_WAIT_MS) until this many replicas have the
# message: a sender forgets a message when it is acknowledged, so a fail-over must not lose it
# (chat/store/redis.py, docs/RESILIENCE.md). 1 under Sentinel by default, else 0 (no waiting).
REDIS_ACK_REPLICAS = env_int("REDIS_ACK_REPLICAS", 1 if REDIS_SENTINELS else 0, minimum=0, maximum=10)
REDIS_ACK_WAIT_MS = env_int("REDIS_ACK_WAIT_MS", 100, minimum=1, maximum=5000)
_layer_hosts = channel_layer_hosts(  # helpline/redis_conn.py
    hosts=REDIS_HOSTS,
    sentinels=REDIS_SENTINELS,
    master_name=REDIS_SENTINEL_MASTER,
    db=REDIS_SENTINEL_DB,
    password=REDIS_PASSWORD,
)

if REDIS_HOSTS or REDIS_SENTINELS:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": (
                "channels_redis.pubsub.RedisPubSubChannelLayer"
                if CHANNEL_LAYER_KIND == "pubsub"
                else "channels_redis.core.RedisChannelLayer"
            ),
            "CONFIG": {"hosts": _layer_hosts, "capacity": 1000, "expiry": 60},
        }
    }
    LIVE_STORE = "chat.store.redis.RedisStore"
    # The cache (rate limits, the address-hash key) lives on one Redis: REDIS_URL, the first of
    # REDIS_HOSTS, or the Sentinel master.
    CACHES = {
        "default": cache_config(
            url=REDIS_URL or (REDIS_HOSTS or [""])[0],
            sentinels=REDIS_SENTINELS,
            master_name=REDIS_SENTINEL_MASTER,
            db=REDIS_SENTINEL_DB,
            password=REDIS_PASSWORD,
        )
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    LIVE_STORE = "chat.store.memory.MemoryStore"
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "staff-login"
LOGIN_REDIRECT_URL = "staff-home"

# Languages are chosen by URL prefix only: no cookie, no Accept-Language guessing that could
# surprise someone on a shared computer.
LANGUAGE_CODE = "en"
# Each language is named in itself. A right-to-left language (Arabic) gets dir="rtl" from base.html.
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("nl", "Nederlands"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ar", "العربية"),
]
LOCALE_PATHS = [BASE_DIR / "helpline" / "locale"]
LANGUAGE_COOKIE_NAME = "staff_language"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
SERVICE_TIME_ZONE = env_str("SERVICE_TIME_ZONE", "Europe/London")

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "helpline.staticfiles.HashedStaticStorage"},
}
# In one-process mode Daphne serves the collected, content-hashed files itself; behind nginx, nginx does.
SERVE_STATIC = env_bool("SERVE_STATIC", not (REDIS_HOSTS or REDIS_SENTINELS))

# Sessions and cookies exist only for staff. Help-seeker pages set no cookie at all (the
# privacy middleware strips any that slip through).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_NAME = "staff_session"
SESSION_COOKIE_AGE = env_int("STAFF_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True  # idle expiry: every request pushes the expiry forward
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_NAME = "staff_csrftoken"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG and not DEMO_MODE)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if (DEBUG or DEMO_MODE) else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a decision for the operator (it is hard to undo), not a default.
    "security.W021",
    # SSL redirect is done by nginx in front of Daphne (deploy/nginx/helpline.conf).
    "security.W008",
]

# Where the quick-exit button sends people: a neutral, commonly visited site.
QUICK_EXIT_URL = env_str("QUICK_EXIT_URL", "https://www.bbc.co.uk/weather")
SERVICE_NAME = env_str("SERVICE_NAME", "Helpline")
ONION_LOCATION = env_str("ONION_LOCATION", "")

# The live path (docs/PROTOCOL.md). Times are in seconds.
SEEKER_GRACE_SECONDS = env_int("SEEKER_GRACE_SECONDS", 120, minimum=5)
COUNSELLOR_GRACE_SECONDS = env_int("COUNSELLOR_GRACE_SECONDS", 60, minimum=5)
DEFAULT_CHAT_LIMIT = env_int("DEFAULT_CHAT_LIMIT", 2, minimum=1, maximum=10)
QUEUE_MAX_LENGTH = env_int("QUEUE_MAX_LENGTH", 200, minimum=1)
QUEUE_MAX_WAIT_SECONDS = env_int("QUEUE_MAX_WAIT_SECONDS", 3600, minimum=60)
QUEUE_AGEING_SECONDS = env_int("QUEUE_AGEING_SECONDS", 600, minimum=1)
SEEKER_QUEUE_IDLE_SECONDS = env_int("SEEKER_QUEUE_IDLE_SECONDS", 1800, minimum=30)
SEEKER_CHAT_IDLE_SECONDS = env_int("SEEKER_CHAT_IDLE_SECONDS", 900, minimum=30)
IDLE_WARNING_SECONDS = env_int("IDLE_WARNING_SECONDS", 120, minimum=10)
LIVE_TTL_SECONDS = env_int("LIVE_TTL_SECONDS", 6 * 3600, minimum=60)
BLOCK_HOURS = env_int("BLOCK_HOURS", 24, minimum=1)
# Organisation root public key (PEM) that browsers verify counsellor certificates against.
ORG_ROOT_PUBLIC_KEY = Path(env_str("ORG_ROOT_PUBLIC_KEY", str(VAR_DIR / "org_root_public.pem")))
# Demo mode only: the private root key on the server so that `make run` can certify at once.
ORG_ROOT_PRIVATE_KEY = env_str("ORG_ROOT_PRIVATE_KEY", str(VAR_DIR / "org_root_private.pem") if DEMO_MODE else "")

# Statistics: counts from 1 to k-1 are never published.
STATS_MIN_COUNT = env_int("STATS_MIN_COUNT", 5, minimum=2)
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 365, minimum=1)

# Rate limiting keys on an HMAC of the address with a key that lives only in the cache.
RATELIMIT_USE_CACHE = "default"
RATELIMIT_VIEW = "helpline.views.ratelimited"
RATELIMIT_KEY_ROTATE_SECONDS = env_int("RATELIMIT_KEY_ROTATE_SECONDS", 86400, minimum=60)

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "helpline.logging.ScrubIdentifiersFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["scrub"], "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Daphne logs client addresses at DEBUG and in its access log; neither is ever wanted.
        "daphne": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.channels.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # While Redis is down, channels-redis' pub/sub layer logs a traceback on every reconnect
        # attempt. The outage is reported once by chat.health and told to every socket
        # (docs/RESILIENCE.md), so the library's own repetition is left out.
        "channels_redis": {"handlers": ["console"], "level": "CRITICAL", "propagate": False},
    },
}

# --- Self-help resources (resources/) ----------------------------------------------------------
# Crisis contacts shown when a seeker has not chosen a country (ISO 3166-1 alpha-2): the country
# for the page's language from CRISIS_DEFAULT_COUNTRIES, else CRISIS_DEFAULT_COUNTRY.
CRISIS_DEFAULT_COUNTRY = env_str("CRISIS_DEFAULT_COUNTRY", "GB").strip().upper()
CRISIS_DEFAULT_COUNTRIES = {
    language: country.upper()
    for language, country in env_map(
        "CRISIS_DEFAULT_COUNTRIES", {"en": "GB", "de": "DE", "nl": "NL", "fr": "FR", "es": "ES"}
    ).items()
}
for _language, _country in {"": CRISIS_DEFAULT_COUNTRY, **CRISIS_DEFAULT_COUNTRIES}.items():
    if not re.fullmatch(r"[A-Z]{2}", _country):
        raise ImproperlyConfigured(f"crisis default countries are two-letter codes such as GB (got {_country!r})")
    if _language and _language not in dict(LANGUAGES):
        raise ImproperlyConfigured(f"CRISIS_DEFAULT_COUNTRIES names {_language!r}, which is not in LANGUAGES")

# --- Deployment (deploy/, docs/OPERATIONS.md) ---------------------------------------------------
# The database password from a file (DATABASE_PASSWORD_FILE: Docker secrets, systemd credentials),
# so that DATABASE_URL itself holds no secret. A password in DATABASE_URL still works.
_database_password = env_secret("DATABASE_PASSWORD", "")
if _database_password and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["PASSWORD"] = _database_password

# --- Staff accounts (helpline/staff) -----------------------------------------------------------
# The admin app is installed through its staff config: the default admin site demands the second
# factor and the admin role, and audits every change (helpline/staff/admin_site.py).
INSTALLED_APPS = [
    "helpline.staff.apps.HelplineAdminConfig" if app == "django.contrib.admin" else app for app in INSTALLED_APPS
]
# Authenticator apps show this name beside the account.
OTP_TOTP_ISSUER = SERVICE_NAME
# The admin never shows a TOTP secret or its QR code; secrets are issued by `manage.py createstaff`
# or at enrolment, to their owner only.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Sign-in, code and enrolment attempts: per keyed address hash, and per account.
STAFF_SIGNIN_RATE = env_str("STAFF_SIGNIN_RATE", "10/m")
STAFF_SIGNIN_ACCOUNT_RATE = env_str("STAFF_SIGNIN_ACCOUNT_RATE", "30/h")
for _name in ("STAFF_SIGNIN_RATE", "STAFF_SIGNIN_ACCOUNT_RATE"):
    _rate = globals()[_name]
    if not re.fullmatch(r"[1-9][0-9]*/[1-9]?[0-9]*[smhd]", _rate):
        raise ImproperlyConfigured(f"{_name} must look like 10/m or 30/h (got {_rate!r})")

# --- Secure messages (chat/mailbox, docs/PROTOCOL.md section 9) -------------------------------
# A mailbox and every message in it are deleted this many days after its last activity.
MAILBOX_RETENTION_DAYS = env_int("MAILBOX_RETENTION_DAYS", 30, minimum=1, maximum=365)
# Codename attempts (open, send, delete) per keyed address hash.
MAILBOX_CODENAME_RATE = env_str("MAILBOX_CODENAME_RATE", "20/h")
# New mailboxes per keyed address hash.
MAILBOX_CREATE_RATE = env_str("MAILBOX_CREATE_RATE", "5/h")
# A returning seeker's message goes back to the counsellor who answered last if they signed in
# within this many days; otherwise to the shared inbox.
MAILBOX_CONTINUITY_DAYS = env_int("MAILBOX_CONTINUITY_DAYS", 14, minimum=1, maximum=365)
# The most messages one mailbox holds (both directions together).
MAILBOX_MAX_MESSAGES = env_int("MAILBOX_MAX_MESSAGES", 200, minimum=10, maximum=10000)
for _name in ("MAILBOX_CODENAME_RATE", "MAILBOX_CREATE_RATE"):
    _rate = globals()[_name]
    if not re.fullmatch(r"[1-9][0-9]*/[1-9]?[0-9]*[smhd]", _rate):
        raise ImproperlyConfigured(f"{_name} must look like 10/m or 30/h (got {_rate!r})")

# --- Counsellor workspace (helpline/workspace.py, helpline/staff/workspace_views.py) -----------
# Demo mode only: certify a counsellor's identity key as soon as their browser sends it, with the
# demo root key in VAR_DIR. A real service certifies with `manage.py orgkey certify` instead.
DEMO_AUTO_CERTIFY = DEMO_MODE and env_bool("DEMO_AUTO_CERTIFY", True)

# --- Help-seeker web experience (issue 5) ---------------------------------------------------------
# The organisation root public key is published as a content-hashed static file
# (chat/keys/org-root.json), written into VAR_DIR/public by chat's collectstatic command.
STATICFILES_DIRS = [VAR_DIR / "public"]
(VAR_DIR / "public").mkdir(parents=True, exist_ok=True)

# --- Resilience (issue 7, docs/RESILIENCE.md) -------------------------------------------------
# While Redis is down or restarting: the cache answers "nothing cached" instead of raising (pages
# keep working, rate limits let requests through rather than refuse everyone), and the channel
# layer tells each socket once instead of ending it.
RATELIMIT_FAIL_OPEN = True
# Websocket connection attempts per keyed address hash and minute (each socket is also limited to
# 20 frames a second, bursts of 60, and 512 KiB a second: chat.flood.FrameBudget).
SEEKER_CONNECTIONS_PER_MINUTE = env_int("SEEKER_CONNECTIONS_PER_MINUTE", 30, minimum=1)
STAFF_CONNECTIONS_PER_MINUTE = env_int("STAFF_CONNECTIONS_PER_MINUTE", 30, minimum=1)
if REDIS_HOSTS or REDIS_SENTINELS:
    CACHES["default"]["BACKEND"] = "helpline.cache.FailSoftRedisCache"
    CACHES["default"]["OPTIONS"] = {  # type: ignore[assignment]
        **CACHES["default"].get("OPTIONS", {}), "socket_connect_timeout": 1, "socket_timeout": 2,  # type: ignore[dict-item]
    }
    # One worker's sockets share one inbox in Redis: room for bursts across many chats.
    CHANNEL_LAYERS["default"]["CONFIG"]["capacity"] = 5000  # type: ignore[index]
    CHANNEL_LAYERS["default"]["BACKEND"] = (
        "chat.layers.ResilientRedisPubSubChannelLayer"
        if CHANNEL_LAYER_KIND == "pubsub"
        else "chat.layers.ResilientRedisChannelLayer"
    )
# (The load test spreads its sockets over loopback addresses instead of raising these.)

# --- Platform partners (issue 21, docs/PLATFORMS.md) ------------------------------------------
# How often impressions counted in the live store are flushed to the hourly counters, in seconds.
PLATFORM_FLUSH_SECONDS = env_int("PLATFORM_FLUSH_SECONDS", 10, minimum=1, maximum=3600)
