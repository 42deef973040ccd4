"""
The benchmark's settings: production settings (DEBUG off, as readers get them),
minus what a throwaway site cannot have. ``bench.site`` sets the environment
(database, secret key, hosts, media folder) before Django reads this module.
"""

from newsportal.settings import *  # noqa: F403

# Hashed static names need collectstatic; pages render without it, as in tests.
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
# WhiteNoise looks for STATIC_ROOT at start-up; the throwaway site has an empty one.
STATIC_ROOT = MEDIA_ROOT.parent / "static"  # noqa: F405
# Renders are measured uncached: a page cache would only measure the cache.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
# The demo editor's password is hashed once at load; no need to make that slow.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
