"""
``/healthz`` for load balancers and monitors: 200 when this server can reach
its database and its cache, 503 naming what failed. Never cached, never
converted, no session: it must say how this server is now.
"""

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    checks = {"database": _database, "cache": _cache}
    results = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as error:  # whatever the backend raises, the answer is "not healthy"
            logger.warning("healthz: %s unavailable: %s", name, error)
            results[name] = "unavailable"
        else:
            results[name] = "ok"
    healthy = all(result == "ok" for result in results.values())
    return JsonResponse(results, status=200 if healthy else 503)


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise DatabaseError("SELECT 1 did not answer 1")


def _cache():
    cache.set("healthz", "ok", timeout=10)
    if cache.get("healthz") != "ok":
        raise ConnectionError("the cache did not keep a value")
