"""Settings for the test run: the project's settings in one-process mode.

The suite decides per test whether it talks to Redis (through the fixtures in tests/conftest.py),
so REDIS_URL is taken out of the environment before the project settings read it, and kept in
TEST_REDIS_URL for the fixtures. DATABASE_URL stays: in CI the whole suite runs on PostgreSQL.
"""

from __future__ import annotations

import os
import tempfile

TEST_REDIS_URL = os.environ.pop("REDIS_URL", "") or "redis://127.0.0.1:6379/15"
os.environ.pop("REDIS_HOSTS", None)
os.environ.pop("REDIS_SENTINELS", None)
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 20)
os.environ.setdefault("HELPLINE_VAR_DIR", tempfile.mkdtemp(prefix="helpline-test-var-"))
os.environ["SERVE_STATIC"] = "1"

from helpline.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
