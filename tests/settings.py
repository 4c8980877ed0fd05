"""Test settings: the real settings module, with fast hashing, captured email and a scratch data dir.

DATABASE_URL and REDIS_URL still come from the environment, so CI runs this same suite against
PostgreSQL and Redis. Under pytest-xdist every worker gets its own data dir, test database (named by
pytest-django) and Redis key prefix, so workers never see each other's files, rows or counters.
"""

import atexit
import os
import shutil
import tempfile

if "LETMEPOST_DATA_DIR" not in os.environ:
    _scratch = tempfile.mkdtemp(prefix="letmepost-test-")
    os.environ["LETMEPOST_DATA_DIR"] = _scratch
    atexit.register(shutil.rmtree, _scratch, ignore_errors=True)
if "PYTEST_XDIST_WORKER" in os.environ:
    # Workers inherit the controller's environment, scratch dir included: each takes a folder of
    # its own inside it (removed with it).
    os.environ["LETMEPOST_DATA_DIR"] += f"/{os.environ['PYTEST_XDIST_WORKER']}"
os.environ.setdefault("LETMEPOST_SECRET_KEY", "test-secret-key-" + "x" * 40)
os.environ.setdefault(
    "LETMEPOST_ENCRYPTION_KEYS", "3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
)

from letmepost.settings import *  # noqa: F403
from letmepost.settings import CACHES, DATA_DIR, DATABASES, EMBEDDED, REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
RATE_LIMIT = 100_000  # tests that exercise the limiter lower it themselves
if EMBEDDED:
    # A file, not :memory:, so live-server threads get their own connections and real locking.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
if REDIS_URL:
    CACHES["default"]["BACKEND"] = "tests.cache.WorkerRedisCache"
    CACHES["default"]["KEY_PREFIX"] = (
        f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    )
