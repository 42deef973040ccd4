"""
Load with an editor at work: 32 readers for NEWSPORTAL_LOAD_SECONDS (60 in
CI) over a mix of pages, variants, toggles and searches, against gunicorn as
production runs it (workers from the CPU count), while an editor publishes a
draft every few seconds through the admin. No 5xx, no connection error, and
every published article is on the home page afterwards in every variant.
"""

import http.client
import os
import random
import re
import statistics
import threading
import time
import urllib.parse

import psycopg

from ..live_site import Editor, Gunicorn, get
from .stack import MARKS

pytestmark = MARKS

READERS = 32
SECONDS = float(os.environ.get("NEWSPORTAL_LOAD_SECONDS", "60"))
PUBLISH_EVERY = 3.0
VARIANTS = ("zh-hans", "zh-hant", "zh-tw", "zh-hk")
SEARCHES = ("新闻", "負載", "发布", "演練", "要闻", "第1篇")


class Reader(threading.Thread):
    """One reader: keeps a connection and a variant cookie, follows toggles, searches."""

    def __init__(self, port, seed, stop, article_paths):
        super().__init__(daemon=True)
        self.port, self.rng, self.stop, self.articles = (
            port,
            random.Random(seed),
            stop,
            article_paths,
        )
        self.variant = self.rng.choice(VARIANTS)
        self.latencies, self.statuses, self.errors = [], {}, []
        self.cookie = ""

    def run(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while not self.stop.is_set():
            path = self.next_path()
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": self.cookie})
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as error:
                self.errors.append(f"{path}: {error!r}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                continue
            self.latencies.append(time.perf_counter() - started)
            self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
            cookie = response.getheader("Set-Cookie")
            if cookie:
                self.cookie = cookie.split(";", 1)[0]
        connection.close()

    def next_path(self):
        roll = self.rng.random()
        if roll < 0.1:  # the toggle: the same kind of page in another variant, remembered
            self.variant = self.rng.choice(VARIANTS)
        if roll < 0.3:
            return f"/{self.variant}/"
        if roll < 0.45:
            return f"/{self.variant}/yaowen/"
        if roll < 0.8:
            return f"/{self.variant}{self.rng.choice(self.articles)}"
        if roll < 0.9:
            query = urllib.parse.quote(self.rng.choice(SEARCHES))
            return f"/{self.variant}/search/?q={query}"
        return f"/{self.variant}/feed/"


def test_readers_under_load_while_an_editor_publishes(stack):
    env = {**stack["env"]}
    env.pop("GUNICORN_WORKERS")  # as production: from the CPU count
    server = Gunicorn(env)
    try:
        _, home, _ = get(f"{server.base}/zh-hans/yaowen/")
        articles = sorted(set(_article_paths(home)))
        editor = Editor(server.base, "chief", "fault-drill-pass-123")
        drafts = _draft_ids(stack)
        stop = threading.Event()
        readers = [Reader(server.port, seed, stop, articles) for seed in range(READERS)]
        for reader in readers:
            reader.start()
        started, published = time.monotonic(), []
        while time.monotonic() - started < SECONDS:
            pk = drafts[len(published)]
            status, page = editor.post(
                "/admin/articles/article/",
                {"action": "publish", "_selected_action": str(pk), "index": "0"},
            )
            assert status == 200 and "已发布" in page
            published.append(pk)
            time.sleep(PUBLISH_EVERY)
        stop.set()
        for reader in readers:
            reader.join(timeout=60)
        elapsed = time.monotonic() - started
    finally:
        server.stop()

    latencies = sorted(t for reader in readers for t in reader.latencies)
    statuses = {}
    for reader in readers:
        for status, count in reader.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    errors = [error for reader in readers for error in reader.errors]
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(
        f"\nload: {READERS} readers, {elapsed:.0f} s, {len(latencies)} requests, "
        f"{len(latencies) / elapsed:.0f} req/s, p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p99 {p99 * 1000:.0f} ms, statuses {statuses}, {len(published)} articles published"
    )
    assert errors == []
    assert not any(status >= 500 for status in statuses)
    for variant in VARIANTS:
        _, page, _ = get(f"{stack['server'].base}/{variant}/yaowen/")
        for pk in published[-3:]:
            assert f"/{variant}/yaowen/{pk}/" in page, (variant, pk)


def _article_paths(page):
    return [
        path.removeprefix("/zh-hans")
        for path in re.findall(r'href="(/zh-hans/yaowen/\d+/)"', page)
    ]


def _draft_ids(stack):
    with psycopg.connect(stack["postgres"].url("newsportal")) as connection:
        rows = connection.execute(
            "SELECT id FROM articles_article WHERE status = 'draft' ORDER BY id"
        ).fetchall()
    return [pk for (pk,) in rows]
