"""
The page cache: anonymous readers' public pages served from memory, every edit
visible on the next request.

A page is stored under its address (the variant is the path's prefix, so 简体
and 繁體 never share an entry), stamped with the *generations* of the things it
shows: ``article:12``, ``section:caijing``, ``tag:新闻``, ``site`` (home,
feeds, search) and ``all`` (the glossary, sections, tags — what every page
shows). The content app says which scopes a URL depends on and bumps them when
content changes (``articles/page_scopes.py``); a bump makes every entry stamped
with that scope's old generation miss, so invalidation is exact without knowing
which entries exist. The entry and the generations are read in one round trip.

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

import functools
import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from .middleware import remember_variant, variant_from_path
from .models import PageGeneration

logger = logging.getLogger(__name__)

CACHED_TYPES = {"text/html", "application/rss+xml", "application/atom+xml"}
# Headers set afresh for each response, never stored (cookies are not headers here).
PER_RESPONSE_HEADERS = {
    "content-length", "cache-control", "etag", "last-modified", "expires", "date", "x-page-cache",
}  # fmt: skip
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
    _page_dependencies.cache_clear()


# --- Generations -----------------------------------------------------------------


class CacheGenerations:
    """In the shared cache. A generation evicted or never set starts at the clock, never reused."""

    def read(self, page_key, scopes):
        """The stored page (or None) and the scopes' generations, in one round trip."""
        keys = {scope: f"gen:{scope}" for scope in scopes}
        found = cache.get_many([page_key, *keys.values()])
        values = {}
        for scope, key in keys.items():
            if key not in found:
                cache.add(key, time.time_ns(), timeout=None)
                found[key] = cache.get(key)
            values[scope] = found[key]
        return found.get(page_key), values

    def bump(self, scopes):
        for scope in scopes:
            key = f"gen:{scope}"
            try:
                cache.incr(key)
            except ValueError:  # not there: any new value differs from what keys used
                cache.set(key, time.time_ns(), timeout=None)


class DatabaseGenerations:
    """In the database, which every process shares, when the cache is per process."""

    def read(self, page_key, scopes):
        found = dict(PageGeneration.objects.filter(scope__in=scopes).values_list("scope", "value"))
        return cache.get(page_key), {scope: found.get(scope, 0) for scope in scopes}

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
        # Entries stamped with the old generation may live until their TTL; say so loudly.
        logger.error("page cache: could not purge %s: %s", ", ".join(scopes), error)


# --- The middleware ---------------------------------------------------------------


class PageCacheMiddleware:
    """
    Serves and stores anonymous GETs of public pages. First in ``MIDDLEWARE``,
    so a hit costs one cache round trip and no other middleware, and what it
    stores is the page as the whole stack made it: converted, with the security
    headers. What belongs to one reader (cookies) is not stored; the variant
    cookie is set on a hit as ``VariantMiddleware`` would set it.

    Entries are keyed by scheme, host, path and query (the variant is the
    path's prefix, so 简体 and 繁體 never share an entry; an HTTP request never
    gets the HTTPS page, whose headers differ) and stamped with the generations
    they were rendered under; a stamp that no longer matches is a miss.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = settings.NEWSPORTAL_PAGE_CACHE
        self.timeout = settings.NEWSPORTAL_PAGE_CACHE_SECONDS
        self.max_age = settings.NEWSPORTAL_CDN_MAX_AGE
        self.stale = settings.NEWSPORTAL_CDN_STALE_SECONDS
        self.private_cookies = {settings.SESSION_COOKIE_NAME, "messages"}
        self.shared_cookies = {settings.LANGUAGE_COOKIE_NAME}
        self.down_until = 0.0
        self.last_error = 0.0

    def __call__(self, request):
        dependencies = self.dependencies(request) if self.enabled else None
        found = self.lookup(request, dependencies) if dependencies else None
        if found is None:
            # Not a cacheable page, or the cache is down: as if there were no cache.
            return self.get_response(request)
        key, stamp, entry = found
        if entry is not None:
            response = _rebuild(entry)
            remember_variant(request, response, variant_from_path(request.path_info))
            response["X-Page-Cache"] = "hit"
        else:
            response = self.get_response(request)
            if self.storable(request, response):
                entry = self.store(key, stamp, response, dependencies)
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
        return _page_dependencies(settings.ROOT_URLCONF, request.path_info)

    def lookup(self, request, dependencies):
        """``(key, stamp, entry)``, entry None on a miss; None if the page cannot be cached now."""
        query = request.META.get("QUERY_STRING", "")
        if len(query) > MAX_QUERY:
            return None
        host = request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", "")
        address = f"{request.scheme}://{host}{request.path}?{query}"
        key = f"page:{hashlib.sha256(address.encode()).hexdigest()[:32]}"
        found = self.cache_call(generations().read, key, ("all", *dependencies.scopes))
        if found is None:
            return None
        entry, versions = found
        stamp = ".".join(f"{scope}={versions[scope]}" for scope in sorted(versions))
        if entry is not None and (entry.get("stamp") != stamp or entry["expires"] <= time.time()):
            entry = None
        return key, stamp, entry

    def storable(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        control = response.get("Cache-Control", "")
        return (
            request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and content_type in CACHED_TYPES
            and response.cookies.keys() <= self.shared_cookies
            and "private" not in control
            and "no-store" not in control
            # A page holding a CSRF token belongs to one reader.
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        )

    def store(self, key, stamp, response, dependencies):
        timeout = self.timeout
        if dependencies.is_list:
            due = next_due()
            if due is not None:
                timeout = max(1, min(timeout, int(due - time.time()) + 1))
        now = time.time()
        entry = {
            "content": response.content,
            "headers": {
                name: value
                for name, value in response.items()
                if name.lower() not in PER_RESPONSE_HEADERS
            },
            "stamp": stamp,
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


@functools.lru_cache(maxsize=4096)
def _page_dependencies(urlconf, path):
    """
    What the page at ``path`` depends on, or None. Remembered per process: it
    follows from the URL patterns alone, and resolving took a fifth of a hit.
    """
    variant = variant_from_path(path)
    if variant is None:
        return None  # only prefixed pages are public pages
    try:
        # Before VariantMiddleware: a prefixed URL resolves in its own language.
        with translation.override(variant):
            match = resolve(path, urlconf)
    except Resolver404:
        return None
    return _dependencies(match)


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
    # Content-Length too (CommonMiddleware, which sets it on a miss, does not run on a
    # hit): without it the server would send the page chunked.
    headers = {**entry["headers"], "Content-Length": str(len(entry["content"]))}
    return HttpResponse(entry["content"], headers=headers)
