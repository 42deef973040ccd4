"""
The page cache: anonymous readers' public pages served from memory, every edit
visible on the next request.

A page is stored under its path and query (the variant is the path's prefix,
so 简体 and 繁體 never share an entry) plus the *generations* of the things it
shows: ``article:12``, ``section:caijing``, ``tag:新闻``, ``site`` (home,
feeds, search) and ``all`` (the glossary, sections, tags — what every page
shows). The content app says which scopes a URL depends on and bumps them when
content changes (``articles/page_scopes.py``); a bump makes every key naming
that scope miss, so invalidation is exact without knowing which keys exist.

Generations live where every server sees them: in the cache when it is shared
(Redis), in the database otherwise (local memory is per process, so one
worker's purge would not reach another's entries).

Lists (home, sections, tags, feeds, search) are kept no longer than until the
next scheduled article is due, so it appears on time without anyone saving.

The cache is an accelerator, never a point of failure: if the cache backend
fails, the page is rendered as if there were no cache, the error is logged (at
most once a minute), and the cache is left alone for a few seconds before it is
tried again.
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from .models import PageGeneration

logger = logging.getLogger(__name__)

CACHED_TYPES = {"text/html", "application/rss+xml", "application/atom+xml"}
# Headers a stored page keeps; the rest (cookies, Vary: Cookie) are about one reader.
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag")
MAX_QUERY = 500  # longer query strings are served but not stored
RETRY_AFTER = 5.0  # seconds the cache is left alone after it failed
NEXT_DUE_KEY = "page-cache:next-due"
NOTHING_DUE = "none"


@dataclass(frozen=True)
class Dependencies:
    """What a page shows: the scopes it depends on, and whether it lists articles."""

    scopes: tuple
    is_list: bool = False


_dependencies = None  # set by the content app: resolver match -> Dependencies or None
_next_due = None  # set by the content app: () -> when the next scheduled article is due


def register(dependencies, next_due):
    """The content app says what pages depend on (``newsportal`` never imports it)."""
    global _dependencies, _next_due
    _dependencies, _next_due = dependencies, next_due


# --- Generations -----------------------------------------------------------------


class CacheGenerations:
    """In the shared cache. A generation evicted or never set starts at the clock, never reused."""

    def get(self, scopes):
        keys = {scope: f"gen:{scope}" for scope in scopes}
        found = cache.get_many(keys.values())
        values = {}
        for scope, key in keys.items():
            if key not in found:
                cache.add(key, time.time_ns(), timeout=None)
                found[key] = cache.get(key)
            values[scope] = found[key]
        return values

    def bump(self, scopes):
        for scope in scopes:
            key = f"gen:{scope}"
            try:
                cache.incr(key)
            except ValueError:  # not there: any new value differs from what keys used
                cache.set(key, time.time_ns(), timeout=None)


class DatabaseGenerations:
    """In the database, which every process shares, when the cache is per process."""

    def get(self, scopes):
        found = dict(PageGeneration.objects.filter(scope__in=scopes).values_list("scope", "value"))
        return {scope: found.get(scope, 0) for scope in scopes}

    def bump(self, scopes):
        PageGeneration.objects.bulk_create(
            [PageGeneration(scope=scope, value=0) for scope in scopes], ignore_conflicts=True
        )
        PageGeneration.objects.filter(scope__in=scopes).update(value=F("value") + 1)


def _shared_cache():
    backend = settings.CACHES["default"]["BACKEND"]
    return not backend.endswith(("LocMemCache", "DummyCache"))


def generations():
    return CacheGenerations() if _shared_cache() else DatabaseGenerations()


def purge(scopes):
    """Make every page depending on any of ``scopes`` miss from now on, on every server."""
    scopes = sorted(set(scopes))
    if not scopes or not settings.NEWSPORTAL_PAGE_CACHE:
        return
    try:
        generations().bump(scopes)
        if _shared_cache():
            cache.delete(NEXT_DUE_KEY)  # a change may have scheduled something sooner
    except Exception as error:
        # Entries keyed by the old generation may live until their TTL; say so loudly.
        logger.error("page cache: could not purge %s: %s", ", ".join(scopes), error)


# --- The middleware ---------------------------------------------------------------


class PageCacheMiddleware:
    """
    Serves and stores anonymous GETs of public pages. Placed just above
    ``ConversionMiddleware``, so what it stores is the converted page and a hit
    skips conversion too; the middleware above it (security headers, the
    variant cookie) still runs on every hit.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = settings.NEWSPORTAL_PAGE_CACHE
        self.timeout = settings.NEWSPORTAL_PAGE_CACHE_SECONDS
        self.max_age = settings.NEWSPORTAL_CDN_MAX_AGE
        self.stale = settings.NEWSPORTAL_CDN_STALE_SECONDS
        self.private_cookies = {settings.SESSION_COOKIE_NAME, "messages"}
        self.down_until = 0.0
        self.last_error = 0.0

    def __call__(self, request):
        dependencies = self.dependencies(request) if self.enabled else None
        if dependencies is None:
            return self.get_response(request)
        key = self.lookup_key(request, dependencies)
        entry = self.cache_call(cache.get, key) if key else None
        if entry is not None and entry["expires"] > time.time():
            response = _rebuild(entry)
            response["X-Page-Cache"] = "hit"
        else:
            response = self.get_response(request)
            if key is None:
                return response  # the cache is down or the page is not storable by address
            if self.storable(request, response):
                entry = self.store(key, response, dependencies)
            response["X-Page-Cache"] = "miss"
        if entry is None or response.status_code != 200:
            return response
        remaining = max(0, int(entry["expires"] - time.time()))
        patch_cache_control(
            response,
            public=True,
            max_age=min(self.max_age, remaining),
            stale_while_revalidate=self.stale,
        )
        response["ETag"] = entry["etag"]
        response["Last-Modified"] = http_date(entry["stored"])
        return get_conditional_response(
            request, etag=entry["etag"], last_modified=int(entry["stored"]), response=response
        )

    def dependencies(self, request):
        if request.method not in ("GET", "HEAD") or _dependencies is None:
            return None
        if self.private_cookies & request.COOKIES.keys():
            return None  # an editor (or someone with a flash message): their page is theirs
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        return _dependencies(match)

    def lookup_key(self, request, dependencies):
        query = request.META.get("QUERY_STRING", "")
        if len(query) > MAX_QUERY:
            return None
        versions = self.cache_call(generations().get, ("all", *dependencies.scopes))
        if versions is None:
            return None
        address = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()[:32]
        stamp = ".".join(f"{versions[scope]}" for scope in sorted(versions))
        return f"page:{address}:{hashlib.sha256(stamp.encode()).hexdigest()[:16]}"

    def storable(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        control = response.get("Cache-Control", "")
        return (
            request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and content_type in CACHED_TYPES
            and not response.cookies
            and "private" not in control
            and "no-store" not in control
            # A page holding a CSRF token belongs to one reader.
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        )

    def store(self, key, response, dependencies):
        timeout = self.timeout
        if dependencies.is_list:
            due = next_due()
            if due is not None:
                timeout = max(1, min(timeout, int(due - time.time()) + 1))
        now = time.time()
        entry = {
            "content": response.content,
            "headers": {
                name: response[name] for name in KEPT_HEADERS if response.has_header(name)
            },
            "etag": f'"{hashlib.sha256(response.content).hexdigest()[:32]}"',
            "stored": now,
            "expires": now + timeout,
        }
        self.cache_call(cache.set, key, entry, timeout)
        return entry

    def cache_call(self, function, *args):
        """Call the cache, or skip it (None) while it is failing."""
        if time.monotonic() < self.down_until:
            return None
        try:
            return function(*args)
        except Exception as error:  # any backend failure: serve uncached, never a 500
            self.down_until = time.monotonic() + RETRY_AFTER
            if time.monotonic() - self.last_error > 60:
                self.last_error = time.monotonic()
                logger.warning("page cache unavailable, serving uncached: %s", error)
            return None


def next_due():
    """
    When the next scheduled article is due (epoch seconds), or None. A shared
    cache keeps the answer until a purge or until it passes; a per-process cache
    asks the database each time, since another worker's purge cannot reach it.
    """
    if _next_due is None:
        return None
    if not _shared_cache():
        return _next_due()
    due = cache.get(NEXT_DUE_KEY)
    if due is None or (due != NOTHING_DUE and due <= time.time()):
        due = _next_due()
        cache.set(NEXT_DUE_KEY, NOTHING_DUE if due is None else due, timeout=None)
    return None if due == NOTHING_DUE else due


def _rebuild(entry):
    response = HttpResponse(entry["content"])
    for name, value in entry["headers"].items():
        response[name] = value
    return response
