"""
A throwaway demo site for a benchmark run: SQLite and media in a temporary
folder, migrated and loaded with the demo content.

The environment is set here, before ``django.setup()``, and set outright
rather than defaulted: a developer's DATABASE_URL or REDIS_URL, or the
Makefile's DJANGO_DEBUG=1, must not decide what the numbers measure.
"""

import io
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def throwaway_site():
    """Yield the temporary folder of a ready demo site; remove it all afterwards."""
    with tempfile.TemporaryDirectory(prefix="newsportal-bench-") as folder:
        root = Path(folder)
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DATABASE_URL": f"sqlite:///{root / 'bench.sqlite3'}",
                "DJANGO_SECRET_KEY": "bench-only-not-a-secret",
                "DJANGO_DEBUG": "0",
                "DJANGO_ALLOWED_HOSTS": "testserver",
                "MEDIA_ROOT": str(root / "media"),
                "DJANGO_LOG_LEVEL": "WARNING",
            }
        )
        os.environ.pop("REDIS_URL", None)
        (root / "static").mkdir()  # bench.settings.STATIC_ROOT

        import django
        from django.core.management import call_command
        from django.db import connections

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("loaddemo", stdout=io.StringIO())
        try:
            yield root
        finally:
            connections.close_all()
