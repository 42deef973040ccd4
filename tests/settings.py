"""
Test settings: production settings with a throwaway key and test hosts.

The database is whatever DATABASE_URL names (SQLite by default, PostgreSQL in
CI's second pass), so the same suite proves both.
"""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# The test client speaks plain HTTP; production's HTTPS settings are tested on their own.
os.environ.setdefault("DJANGO_HTTPS", "0")
# Each test gets its own MEDIA_ROOT (tests/conftest.py); this is only the fallback.
os.environ.setdefault("MEDIA_ROOT", os.path.join(tempfile.gettempdir(), "newsportal-test-media"))

from newsportal.settings import *  # noqa: F403

# Hashed static names need collectstatic; tests render templates without it.
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Serve static files from the finders, as runserver does, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
