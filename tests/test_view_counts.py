"""
Reader views: counted from the article page's beacon into a tally (this
process's buffer, or Redis), never written to the database per view, and
flushed in batches that survive a restart.
"""

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles import view_counts
from articles.models import Article, HourlyViews

from .redis_server import REDIS_URL, forget, redis_or_skip

pytestmark = pytest.mark.django_db

BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Safari/604.1"
)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=["memory", "redis"])
def tally(request, monkeypatch):
    """Both tallies the beacon can report to; a Redis one under a prefix of its own."""
    if request.param == "memory":
        tally = view_counts.MemoryTally()
    else:
        redis_or_skip()
        tally = view_counts.RedisTally(REDIS_URL, f"newsportal-test-{uuid.uuid4().hex}:views:")
        request.addfinalizer(lambda: forget(tally.prefix))
    monkeypatch.setattr(view_counts, "current", lambda: tally)
    return tally


def beacon(client, article_or_pk, agent=BROWSER, address="203.0.113.7", **headers):
    pk = getattr(article_or_pk, "pk", article_or_pk)
    return client.post(
        reverse("count-view", args=[pk]),
        headers={"User-Agent": agent, **headers},
        REMOTE_ADDR=address,
    )


def counted(article):
    return Article.objects.get(pk=article.pk).view_count


# --- The beacon -------------------------------------------------------------------


def test_a_view_is_counted_without_touching_the_database(client, article, tally):
    with CaptureQueriesContext(connection) as queries:
        response = beacon(client, article)
    assert response.status_code == 204
    assert "no-cache" in response["Cache-Control"]
    assert len(queries) == 0
    assert counted(article) == 0
    assert view_counts.flush() == 1
    assert counted(article) == 1
    bucket = HourlyViews.objects.get(article=article)
    assert bucket.views == 1
    assert bucket.hour == timezone.now().replace(minute=0, second=0, microsecond=0)


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
        "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile "
        "Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari/537.36",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "UptimeRobot/2.0; http://www.uptimerobot.com/ (monitor)",
        "",
    ],
)
def test_crawlers_monitors_and_scripts_are_not_counted(client, article, tally, agent):
    assert beacon(client, article, agent=agent).status_code == 204
    view_counts.flush()
    assert counted(article) == 0


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Purpose": "prefetch"}, {"Sec-Purpose": "prefetch;prerender"}, {"Purpose": "prefetch"}],
)
def test_prefetches_are_not_counted(client, article, tally, headers):
    beacon(client, article, **headers)
    view_counts.flush()
    assert counted(article) == 0


def test_repeat_views_by_one_reader_count_once(client, article, tally):
    for _ in range(3):
        beacon(client, article)
    beacon(client, article, address="198.51.100.20")  # another reader
    beacon(client, article, agent=BROWSER.replace("iPhone", "iPad"))  # another device
    view_counts.flush()
    assert counted(article) == 3


def test_a_reader_behind_trusted_proxies_is_told_apart_by_forwarded_address(
    client, article, tally, settings
):
    settings.NEWSPORTAL_PROXY_HOPS = 1
    proxy = "10.0.0.2"
    beacon(client, article, address=proxy, **{"X-Forwarded-For": "198.51.100.1"})
    beacon(client, article, address=proxy, **{"X-Forwarded-For": "198.51.100.2"})
    # A forged entry before the one the proxy added changes nothing.
    beacon(client, article, address=proxy, **{"X-Forwarded-For": "1.2.3.4, 198.51.100.2"})
    view_counts.flush()
    assert counted(article) == 2


def test_a_reader_counts_again_after_the_repeat_window(article, monkeypatch):
    tally = view_counts.MemoryTally()
    now = time.time()
    assert tally.add(article.pk, "reader", now)
    assert not tally.add(article.pk, "reader", now + view_counts.REPEAT_WINDOW - 1)
    assert tally.add(article.pk, "reader", now + view_counts.REPEAT_WINDOW + 1)


def test_redis_forgets_a_reader_after_the_repeat_window(article, monkeypatch):
    redis_or_skip()
    monkeypatch.setattr(view_counts, "REPEAT_WINDOW", 1)
    tally = view_counts.RedisTally(REDIS_URL, f"newsportal-test-{uuid.uuid4().hex}:views:")
    try:
        assert tally.add(article.pk, "reader", time.time())
        assert not tally.add(article.pk, "reader", time.time())
        time.sleep(1.2)
        assert tally.add(article.pk, "reader", time.time())
    finally:
        forget(tally.prefix)


def test_staff_checking_their_work_are_not_counted(editor_client, article, tally):
    beacon(editor_client, article)
    view_counts.flush()
    assert counted(article) == 0


def test_the_beacon_only_accepts_post(client, article, tally):
    response = client.get(
        reverse("count-view", args=[article.pk]), headers={"User-Agent": BROWSER}
    )
    assert response.status_code == 405


def test_views_of_what_is_not_public_are_dropped_at_flush(client, make_article, tally):
    draft = make_article(status=Article.Status.DRAFT)
    withdrawn = make_article(status=Article.Status.WITHDRAWN)
    public = make_article()
    for pk in (draft.pk, withdrawn.pk, public.pk, 987654321, 2**63 - 1):
        assert beacon(client, pk).status_code == 204
    assert beacon(client, 10**30).status_code == 204  # no article can have it: not even tallied
    assert view_counts.flush() == 1
    assert list(HourlyViews.objects.values_list("article", flat=True)) == [public.pk]
    assert counted(draft) == counted(withdrawn) == 0


def test_the_article_page_carries_the_beacon_and_robots_keep_out(client, article):
    response = client.get(article.get_absolute_url())
    assertContains(response, f'data-view-beacon="{reverse("count-view", args=[article.pk])}"')
    assertContains(client.get("/robots.txt"), "Disallow: /views/\n")


def test_other_pages_carry_no_beacon(client, article):
    assertNotContains(client.get("/zh-hans/"), "data-view-beacon")


# --- Flushing ------------------------------------------------------------------------


def _flush_queries():
    with CaptureQueriesContext(connection) as queries:
        view_counts.flush()
    return len(queries)


def test_a_flush_takes_the_same_few_statements_for_3_or_300_articles(make_article, tally):
    now = time.time()
    small = [make_article() for _ in range(3)]
    for article in small:
        tally.add(article.pk, "reader", now)
    few = _flush_queries()
    large = [make_article() for _ in range(300)]
    for article in large:
        for reader in range(4):
            tally.add(article.pk, f"reader{reader}", now)
    assert _flush_queries() == few
    assert {counted(article) for article in large} == {4}
    print("statements per flush:", few)
    assert few <= 8


def test_flushes_add_to_what_is_stored(client, article, tally):
    beacon(client, article)
    view_counts.flush()
    beacon(client, article, address="198.51.100.9")
    view_counts.flush()
    assert counted(article) == 2
    assert HourlyViews.objects.get(article=article).views == 2


def test_views_in_different_hours_go_to_their_own_buckets(article, tally):
    now = time.time()
    tally.add(article.pk, "a", now - 3 * 3600)
    tally.add(article.pk, "b", now)
    view_counts.flush()
    assert HourlyViews.objects.filter(article=article).count() == 2
    assert counted(article) == 2


def test_a_flush_running_elsewhere_makes_this_one_wait_for_the_next(article, tally):
    tally.add(article.pk, "reader", time.time())
    with tally.flushing() as won:
        assert won
        assert view_counts.flush() is None
    assert counted(article) == 0
    assert view_counts.flush() == 1


def test_a_failed_flush_loses_nothing(article, tally, monkeypatch):
    tally.add(article.pk, "reader", time.time())
    store = view_counts.store

    def database_down(counts):
        raise ConnectionError("the database went away")

    monkeypatch.setattr(view_counts, "store", database_down)
    with pytest.raises(ConnectionError):
        view_counts.flush()
    tally.add(article.pk, "another reader", time.time())
    monkeypatch.setattr(view_counts, "store", store)
    assert view_counts.flush() == 2
    assert counted(article) == 2


def test_the_beacon_flushes_when_due_and_not_before(client, article, tally, monkeypatch):
    monkeypatch.setattr(view_counts, "_next_flush", 0.0)
    beacon(client, article)
    assert counted(article) == 1  # the first beacon of the interval wrote the tally
    with CaptureQueriesContext(connection) as queries:
        beacon(client, article, address="198.51.100.30")
    assert len(queries) == 0
    assert counted(article) == 1


def test_old_hour_buckets_are_pruned_but_totals_kept(article, add_views):
    add_views(article, 5, hours_ago=24 * 9)
    add_views(article, 2)
    assert list(HourlyViews.objects.values_list("views", flat=True)) == [2]
    assert counted(article) == 7


def test_with_redis_down_a_view_is_dropped_quietly(client, article, monkeypatch, caplog):
    down = view_counts.RedisTally("redis://127.0.0.1:9/0", "newsportal-test:views:")
    monkeypatch.setattr(view_counts, "current", lambda: down)
    monkeypatch.setattr(view_counts, "_last_warning", float("-inf"))
    assert beacon(client, article).status_code == 204
    assert "Redis is unavailable" in caplog.text


# --- Restarts --------------------------------------------------------------------------

# A process of the app that takes three readers' beacons and stops: normally
# (in-process buffer, flushed at exit) or killed (Redis keeps the tally).
SCRIPT = """
import os, sys, django
django.setup()
from django.core.management import call_command
from django.test import Client
from articles.models import Article, Section
from django.utils import timezone
step = sys.argv[1]
if step == "views":
    call_command("migrate", verbosity=0)
    section = Section.objects.create(name="重启", slug="restart")
    article = Article.objects.create(
        section=section, title="重启前的阅读", status="published", published_at=timezone.now()
    )
    client = Client()
    for number in range(3):
        client.post(f"/views/{article.pk}/", headers={"User-Agent": "Mozilla/5.0"},
                    REMOTE_ADDR=f"198.51.100.{number}")
    print(Article.objects.get().view_count, flush=True)
    if os.environ.get("REDIS_URL"):
        os._exit(0)  # killed: no exit handlers run
elif step == "flush":
    call_command("flush_view_counts")
else:
    print(Article.objects.get().view_count)
"""


def _app_process(tmp_path, step, **environ):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'restart.sqlite3'}",
        "NEWSPORTAL_VIEW_FLUSH_SECONDS": "3600",
        "REDIS_URL": "",
        **environ,
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, step],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_buffered_views_are_written_when_the_process_stops(tmp_path):
    # The first beacon of a process flushes at once; the other two wait for the exit.
    assert _app_process(tmp_path, "views").split() == ["1"]
    assert _app_process(tmp_path, "count").split() == ["3"]


def test_views_in_redis_survive_a_killed_process(tmp_path):
    redis_or_skip()
    prefix = f"newsportal-test-{uuid.uuid4().hex}"
    environ = {"REDIS_URL": REDIS_URL, "REDIS_KEY_PREFIX": prefix}
    try:
        assert _app_process(tmp_path, "views", **environ).split() == ["1"]
        assert _app_process(tmp_path, "count", **environ).split() == ["1"]
        assert "已写入 2 次阅读" in _app_process(tmp_path, "flush", **environ)
        assert _app_process(tmp_path, "count", **environ).split() == ["3"]
    finally:
        forget(f"{prefix}:")


# --- A real browser ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_browser_opening_an_article_reports_one_view(
    live_server, make_article, view_tally, tmp_path
):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed")
    article = make_article(title="浏览器里打开的文章")
    command = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        f"--user-agent={BROWSER}",  # headless Chromium says so, and is not counted
        f"--user-data-dir={tmp_path / 'profile'}",
        f"{live_server.url}{article.get_absolute_url()}",
    ]  # fmt: skip
    # The browser stays open until the beacon has arrived (a browser told to exit
    # right after loading may drop it, as a reader's closed tab would).
    browser = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not view_tally._counts:
            time.sleep(0.1)
    finally:
        browser.terminate()
        browser.wait(timeout=30)
    assert view_counts.flush() == 1
    assert counted(article) == 1
