"""
Reader views, counted without a database write per view.

The article page reports a view with a beacon (``static/js/portal.js`` posts
to ``/views/<pk>/`` once the page is shown), so a view counts even when the page
came from a cache or a CDN, and crawlers, which run no scripts, rarely report
at all. The beacon only adds to a tally:

- with ``REDIS_URL``: Redis, shared by every worker and server — one
  ``HINCRBY`` per view, repeat views remembered with ``SET NX EX``;
- otherwise: a buffer in this process (repeat views remembered per process).

``flush()`` moves the tally into the database in a few statements per batch
(hour buckets for the hot lists, plus the all-time ``Article.view_count``). It
runs from the beacon at most once per ``NEWSPORTAL_VIEW_FLUSH_SECONDS`` per
process, from ``manage.py flush_view_counts`` (for cron), and, for the
in-process buffer, when the process exits. What Redis holds survives a restart
of the app; a batch taken but not written is written by the next flush.
"""

import atexit
import functools
import hmac
import logging
import re
import threading
import time
import uuid
from collections import Counter, OrderedDict
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from itertools import islice

import redis
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from newsportal.clients import client_address

from .models import Article, HourlyViews

logger = logging.getLogger(__name__)

REPEAT_WINDOW = 30 * 60  # seconds in which the same reader's views of an article count once
RETENTION = timedelta(days=8)  # hour buckets kept: the week's hot list and a day's margin
SEEN_LIMIT = 200_000  # readers remembered by one process's buffer, oldest dropped first
BATCH = 500
MAX_ID = 2**63 - 1  # larger numbers cannot name an article (and would upset PostgreSQL)

_BOT = re.compile(
    r"bot|crawl|spider|slurp|archiver|preview|externalhit|whatsapp|mediapartners|lighthouse|"
    r"pingdom|monitor|scan|fetch|curl|wget|libwww|python-|http-client|okhttp|axios|java/|headless",
    re.I,
)


def record(request, article_id):
    """Count a reader's view of ``article_id``; True if it counted. Never raises for Redis."""
    if not 0 < article_id <= MAX_ID or not is_reader(request):
        return False
    tally = current()
    try:
        counted = tally.add(article_id, visitor(request), time.time())
    except redis.RedisError as error:
        _warn("view not counted, Redis is unavailable: %s", error)
        return False
    _flush_when_due(tally)
    return counted


def is_reader(request):
    """A person reading: no crawler or monitor, no prefetch, no staff checking their work."""
    agent = request.headers.get("User-Agent", "")
    if not agent or _BOT.search(agent):
        return False
    purpose = request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", "")
    if "prefetch" in purpose or "prerender" in purpose:
        return False
    return not request.user.is_staff


def visitor(request):
    """
    Who is reading, as far as repeat views go: a keyed hash of address and
    browser, so no identifier is stored and no cookie is needed.
    """
    agent = request.headers.get("User-Agent", "")
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{client_address(request)}\n{agent}".encode(), "sha256").hexdigest()[:20]


def hour_of(moment):
    """The start of the hour ``moment`` (seconds since the epoch) falls in, in seconds."""
    return int(moment // 3600 * 3600)


class MemoryTally:
    """One process's views since its last flush."""

    def __init__(self):
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._counts = Counter()
        self._held = {}
        self._seen = OrderedDict()  # (article, visitor) -> expiry, oldest first

    def add(self, article_id, reader, now):
        key = (article_id, reader)
        with self._lock:
            while self._seen and next(iter(self._seen.values())) <= now:
                self._seen.popitem(last=False)
            if key in self._seen:
                return False
            if len(self._seen) >= SEEN_LIMIT:
                self._seen.popitem(last=False)
            self._seen[key] = now + REPEAT_WINDOW
            self._counts[(article_id, hour_of(now))] += 1
            return True

    @contextmanager
    def flushing(self):
        won = self._flushing.acquire(blocking=False)
        try:
            yield won
        finally:
            if won:
                self._flushing.release()

    def pending(self):
        """Take the counts so far, and any batch a failed flush left: ``[(token, counts)]``."""
        with self._lock:
            if self._counts:
                self._held[uuid.uuid4().hex] = self._counts
                self._counts = Counter()
            return list(self._held.items())

    def confirm(self, token):
        with self._lock:
            del self._held[token]


class RedisTally:
    """Views in Redis, shared by every process; batches are renamed away before they are read."""

    # Count only the first view in the window, atomically and in one round trip.
    ADD = """
    if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
        redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
        return 1
    end
    return 0
    """

    def __init__(self, url, prefix):
        self.redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.prefix = prefix
        self.live = f"{prefix}live"
        self._add = self.redis.register_script(self.ADD)

    def add(self, article_id, reader, now):
        seen = f"{self.prefix}seen:{article_id}:{reader}"
        field = f"{article_id}:{hour_of(now)}"
        return bool(self._add(keys=[seen, self.live], args=[REPEAT_WINDOW, field]))

    @contextmanager
    def flushing(self):
        # Generous timeout: a flush that dies leaves its batch held, not lost.
        lock = self.redis.lock(f"{self.prefix}flushing", timeout=300)
        won = lock.acquire(blocking=False)
        try:
            yield won
        finally:
            if won:
                # Expired and maybe taken since: the other flush goes on.
                with suppress(redis.exceptions.LockNotOwnedError):
                    lock.release()

    def pending(self):
        with suppress(redis.ResponseError):  # no views since the last flush
            self.redis.rename(self.live, f"{self.prefix}held:{uuid.uuid4().hex}")
        batches = []
        # SCAN may return a key twice (while Redis rehashes): a set, or a batch counts double.
        for key in set(self.redis.scan_iter(f"{self.prefix}held:*")):
            counts = {}
            for field, views in self.redis.hgetall(key).items():
                article_id, hour = field.split(b":")
                counts[(int(article_id), int(hour))] = int(views)
            batches.append((key, counts))
        return batches

    def confirm(self, token):
        self.redis.delete(token)


@functools.cache
def current():
    """The tally this process reports to, chosen once from the settings."""
    if settings.REDIS_URL:
        return RedisTally(settings.REDIS_URL, f"{settings.REDIS_KEY_PREFIX}:views:")
    tally = MemoryTally()
    atexit.register(_flush_at_exit, tally)
    return tally


def flush(tally=None):
    """
    Write the tally to the database; returns how many views were written. A
    flush already running elsewhere makes this one a no-op (None).
    """
    tally = tally or current()
    with tally.flushing() as won:
        if not won:
            return None
        written = 0
        for token, counts in tally.pending():
            written += store(counts)
            tally.confirm(token)
        return written


def store(counts):
    """
    Add ``{(article_id, hour_epoch): views}`` to the hour buckets and the
    totals, in one transaction and a handful of statements per ``BATCH``
    articles; views of articles no longer public are dropped.
    """
    now = timezone.now()
    with transaction.atomic():
        public = set()
        for ids in _batched({article_id for article_id, _ in counts}, BATCH):
            public.update(
                Article.objects.published().filter(pk__in=ids).values_list("pk", flat=True)
            )
        rows = [
            (article_id, datetime.fromtimestamp(hour, UTC), views)
            for (article_id, hour), views in counts.items()
            if article_id in public and views > 0
        ]
        totals = Counter()
        for article_id, _, views in rows:
            totals[article_id] += views
        for chunk in _batched(rows, BATCH):
            _add_to_hours(chunk)
        for chunk in _batched(totals.items(), BATCH):
            added = Case(
                *[When(pk=pk, then=Value(views)) for pk, views in chunk], default=Value(0)
            )
            Article.objects.filter(pk__in=[pk for pk, _ in chunk]).update(
                view_count=F("view_count") + added
            )
        HourlyViews.objects.filter(hour__lt=now - RETENTION).delete()
        refresh_windows(now)
    return sum(totals.values())


def refresh_windows(now=None):
    """
    Recompute ``Article.views_day``/``views_week`` (the rolling last 24 hours and
    7 days) from the hour buckets, writing only the rows whose numbers change:
    two statements, once per flush, instead of summing buckets on every page.
    """
    from .listings import DAY, WEEK, window_start

    now = now or timezone.now()
    quote = connection.ops.quote_name
    article, hours = quote(Article._meta.db_table), quote(HourlyViews._meta.db_table)
    day, week = (
        connection.ops.adapt_datetimefield_value(window_start(w, now)) for w in (DAY, WEEK)
    )
    totals = (
        f"SELECT {quote('article_id')} AS id, "
        f"SUM(CASE WHEN {quote('hour')} >= %s THEN {quote('views')} ELSE 0 END) AS day, "
        f"SUM({quote('views')}) AS week FROM {hours} WHERE {quote('hour')} >= %s "
        f"GROUP BY {quote('article_id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {article} SET {quote('views_day')} = 0, {quote('views_week')} = 0 "
            f"WHERE ({quote('views_day')} > 0 OR {quote('views_week')} > 0) AND {quote('id')} "
            f"NOT IN (SELECT {quote('article_id')} FROM {hours} WHERE {quote('hour')} >= %s)",
            [week],
        )
        cursor.execute(
            f"UPDATE {article} SET {quote('views_day')} = totals.day, "
            f"{quote('views_week')} = totals.week FROM ({totals}) AS totals "
            f"WHERE {article}.{quote('id')} = totals.id AND "
            f"({article}.{quote('views_day')} <> totals.day "
            f"OR {article}.{quote('views_week')} <> totals.week)",
            [day, week],
        )


def _add_to_hours(rows):
    """
    One upsert for a batch of ``(article_id, hour, views)``. The ORM's
    ``bulk_create(update_conflicts=True)`` can only overwrite a count, not add to
    it; ``ON CONFLICT … DO UPDATE`` reads the same on SQLite and PostgreSQL.
    """
    quote = connection.ops.quote_name
    table = quote(HourlyViews._meta.db_table)
    article, hour, views = (quote(name) for name in ("article_id", "hour", "views"))
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    params = []
    for article_id, moment, count in rows:
        params += [article_id, connection.ops.adapt_datetimefield_value(moment), count]
    sql = (
        f"INSERT INTO {table} ({article}, {hour}, {views}) VALUES {values} "
        f"ON CONFLICT ({article}, {hour}) "
        f"DO UPDATE SET {views} = {table}.{views} + excluded.{views}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _batched(items, size):
    """itertools.batched, which needs Python 3.12."""
    iterator = iter(items)
    while chunk := tuple(islice(iterator, size)):
        yield chunk


_next_flush = 0.0
_last_warning = 0.0


def _flush_when_due(tally):
    global _next_flush
    now = time.monotonic()
    if now < _next_flush:
        return
    _next_flush = now + settings.NEWSPORTAL_VIEW_FLUSH_SECONDS
    try:
        flush(tally)
    except Exception:  # a reader's beacon must not fail because the database did
        logger.exception("flushing view counts failed; they stay in the tally for the next flush")


def _flush_at_exit(tally):
    try:
        flush(tally)
    except Exception:
        logger.exception("view counts of this process could not be written at exit")


def _warn(message, *args):
    """Log at most once a minute: with Redis down every beacon would say the same."""
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= 60:
        _last_warning = now
        logger.warning(message, *args)
