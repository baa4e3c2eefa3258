"""Settings for the test run: the project's settings in one-process mode.

The suite decides per test whether it talks to Redis (through the fixtures in tests/conftest.py),
so REDIS_URL is taken out of the environment before the project settings read it, and kept in
TEST_REDIS_URL for the fixtures. DATABASE_URL stays: in CI the whole suite runs on PostgreSQL.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEST_REDIS_URL = os.environ.pop("REDIS_URL", "") or "redis://127.0.0.1:6379/15"
os.environ.pop("REDIS_HOSTS", None)
os.environ.pop("REDIS_SENTINELS", None)
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 20)
os.environ.setdefault("HELPLINE_VAR_DIR", tempfile.mkdtemp(prefix="helpline-test-var-"))
os.environ["SERVE_STATIC"] = "1"

from helpline.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only



def _test_root_key() -> tuple[Path, Path]:
    """A throwaway organisation root key pair for the test run, in the run's own VAR_DIR.

    The session fixture collects static files once (tests/conftest.py), which publishes the root
    public key; the key must exist before that. Only test code creates it, so a production
    collectstatic still fails loudly when no key is configured. The browser tests start their live
    servers with these paths too, so that the counsellors those servers certify are trusted by the
    chat page. (chat.certificates cannot be imported here: the app registry is not ready yet.)
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    private, public = VAR_DIR / "test_root_private.pem", VAR_DIR / "test_root_public.pem"  # noqa: F405
    if not private.exists():
        private.parent.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        pkcs8 = serialization.PrivateFormat.PKCS8
        private.write_bytes(key.private_bytes(serialization.Encoding.PEM, pkcs8, serialization.NoEncryption()))
        private.chmod(0o600)
        public.write_bytes(
            key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        )
    return private, public


_private_root, ORG_ROOT_PUBLIC_KEY = _test_root_key()
ORG_ROOT_PRIVATE_KEY = str(_private_root)
# The origins of the in-process socket tests (WebsocketCommunicator sends no Host header).
SITE_ORIGINS = ["http://localhost", "http://testserver"]
