"""
The page cache: anonymous readers get stored pages, editors never do, each
variant is kept apart, every content change shows on the next request, and a
failing cache only makes pages slower.
"""

import logging
import shutil
import socket
import subprocess
import time
import uuid
from datetime import timedelta

import pytest
import redis
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, ConversionRule
from newsportal import page_cache

from .redis_server import REDIS_URL, forget, redis_or_skip

pytestmark = pytest.mark.django_db

VARIANTS = ("zh-hans", "zh-hant", "zh-tw", "zh-hk")


@pytest.fixture(params=["locmem", "redis"])
def backend(request, settings):
    """The page cache in this process's memory, and in a real Redis under a prefix of its own."""
    if request.param == "redis":
        redis_or_skip()
        prefix = f"newsportal-test-{uuid.uuid4().hex}"
        settings.CACHES = {
            "default": {
                "BACKEND": "newsportal.redis_cache.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": prefix,
                "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
            }
        }
        yield request.param
        forget(f"{prefix}:")
    else:
        yield request.param


@pytest.mark.parametrize("backend", ["redis"], indirect=True)
def test_the_redis_backend_keeps_one_client_per_pool(backend):
    """Django's own builds a client per call: a fifth of what a hit cost."""
    assert cache._cache.get_client() is cache._cache.get_client()
    cache.set("one-client", 1)
    assert cache.get("one-client") == 1


def state(response):
    return response.get("X-Page-Cache")


def url_in(article, variant="zh-hans"):
    with translation.override(variant):
        return article.get_absolute_url()


# --- Hits, bypasses, variants ---------------------------------------------------------


def test_a_reader_s_second_visit_is_served_from_the_cache(client, article, backend):
    first = client.get(url_in(article))
    assert state(first) == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url_in(article))
    assert state(second) == "hit"
    assert second.content == first.content
    assert second["Content-Language"] == first["Content-Language"] == "zh-Hans"
    # Local memory is per process: its generations are read from the database.
    assert len(queries) == (0 if backend == "redis" else 1)


@pytest.mark.parametrize(
    "path",
    [
        "/zh-hans/",
        "/zh-hant/caijing/",
        "/zh-tw/tags/科技/",
        "/zh-hk/feed/",
        "/zh-hans/search/?q=发布",
    ],
)
def test_every_kind_of_public_page_is_cached(client, make_article, path):
    make_article(tags=["科技"])
    assert state(client.get(path)) == "miss"
    assert state(client.get(path)) == "hit"


def test_cached_pages_carry_headers_for_a_cdn(client, article):
    for response in (client.get("/zh-hans/"), client.get("/zh-hans/")):
        control = response["Cache-Control"]
        assert "public" in control
        assert "max-age=60" in control
        assert "stale-while-revalidate=300" in control
        assert response["ETag"].startswith('"')
        assert response["Last-Modified"].endswith("GMT")
        assert int(response["Content-Length"]) == len(response.content)  # never sent chunked


def test_a_hit_carries_the_security_headers_the_whole_stack_set(client, article):
    miss, hit = client.get("/zh-hans/"), client.get("/zh-hans/")
    assert state(hit) == "hit"
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "Referrer-Policy",
        "X-Content-Type-Options",
        "Cross-Origin-Opener-Policy",
        "Content-Language",
    ):
        assert hit[header] == miss[header], header


def test_an_https_page_is_never_served_over_http(client, article, settings):
    """Entries are per scheme (and host): HSTS and secure cookies belong to HTTPS answers."""
    settings.SECURE_HSTS_SECONDS = 3600
    secure = client.get("/zh-hans/", secure=True)
    assert "Strict-Transport-Security" in secure
    plain = client.get("/zh-hans/")
    assert state(plain) == "miss"
    assert "Strict-Transport-Security" not in plain
    assert state(client.get("/zh-hans/", secure=True)) == "hit"
    assert state(client.get("/zh-hans/", headers={"Host": "localhost"})) == "miss"


def test_conditional_gets_are_answered_with_304(client, article):
    url = url_in(article)
    first = client.get(url)
    unchanged = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    since = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    changed = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200


def test_editors_bypass_the_cache_both_ways(client, editor, article):
    desk = Client()
    desk.force_login(editor)
    assert state(desk.get("/zh-hans/")) is None  # neither served from the cache…
    assert state(client.get("/zh-hans/")) == "miss"  # …nor stored in it
    assert state(desk.get("/zh-hans/")) is None


def test_an_editor_s_page_is_never_served_to_readers(client, editor, make_article):
    desk = Client()
    desk.force_login(editor)
    draft = make_article(status=Article.Status.DRAFT, title="编辑正在看的草稿")
    preview = desk.get(url_in(draft))
    assertContains(preview, "编辑正在看的草稿")
    assert "no-store" in preview["Cache-Control"]
    assert client.get(url_in(draft)).status_code == 404


def test_posts_are_never_served_from_the_cache(client, article):
    client.get("/zh-hans/search/?q=发布")
    response = client.post("/zh-hans/search/?q=发布")
    assert state(response) is None


def test_each_variant_has_its_own_entry(client, make_article, backend):
    make_article(title="软件发布会今日举行")
    hant = client.get("/zh-hant/")
    hans = client.get("/zh-hans/")
    assert state(hans) == "miss"  # not the Traditional page, though it was stored first
    assertContains(hant, "軟件發佈會今日舉行")
    assertContains(hans, "软件发布会今日举行")
    assertNotContains(hans, "軟件")
    assert state(client.get("/zh-hant/")) == "hit"


def test_a_hit_still_remembers_the_reader_s_variant(client, article):
    client.get("/zh-hant/")
    client.cookies.clear()
    response = client.get("/zh-hant/")
    assert state(response) == "hit"
    assert response.cookies["variant"].value == "zh-hant"
    again = client.get("/zh-hant/")  # the cookie is already right: nothing to set
    assert state(again) == "hit"
    assert "variant" not in again.cookies


def test_the_variant_cookie_is_not_stored_with_the_page(client, article):
    client.get("/zh-hant/")  # stored from a miss that set the cookie
    reader = Client(headers={"Cookie": "variant=zh-hant"})
    response = reader.get("/zh-hant/")
    assert state(response) == "hit"
    assert not response.cookies


def test_a_very_long_query_is_served_but_not_stored(client, article):
    url = "/zh-hans/search/?q=" + "长" * 600
    assert client.get(url).status_code == 200
    assert state(client.get(url)) != "hit"


# --- Exact invalidation -------------------------------------------------------------------


def _cache_everywhere(client, article, extra=()):
    urls = [f"/{variant}/" for variant in VARIANTS]
    urls += [url_in(article, variant) for variant in VARIANTS]
    urls += ["/zh-hans/caijing/", "/zh-hans/tags/科技/", "/zh-hans/feed/", *extra]
    for url in urls:
        client.get(url)
        assert state(client.get(url)) == "hit", url
    return urls


def test_publishing_shows_at_once_everywhere_it_belongs(client, make_article, backend):
    article = make_article(tags=["科技"])
    draft = make_article(title="刚刚发布的新闻", status=Article.Status.DRAFT, tags=["科技"])
    _cache_everywhere(client, article)
    draft.status = Article.Status.PUBLISHED
    draft.published_at = timezone.now() - timedelta(seconds=1)
    draft.save()
    for variant in VARIANTS:
        assertContains(
            client.get(f"/{variant}/"), "刚刚发布的新闻" if variant == "zh-hans" else "剛剛發"
        )
    for url in ("/zh-hans/caijing/", "/zh-hans/tags/科技/", "/zh-hans/feed/"):
        assertContains(client.get(url), "刚刚发布的新闻")


def test_editing_an_article_shows_in_all_four_variants(client, make_article, backend):
    article = make_article(title="原来的标题", tags=["科技"])
    _cache_everywhere(client, article)
    article.title = "改过的标题"
    article.save()
    for variant in VARIANTS:
        page = client.get(url_in(article, variant))
        assert state(page) == "miss"
        assertContains(page, "改过的标题" if variant == "zh-hans" else "改過的標題")
    assertContains(client.get("/zh-hans/tags/科技/"), "改过的标题")


def test_withdrawing_removes_the_article_at_once(client, make_article):
    article = make_article(title="将被撤回的报道", tags=["科技"])
    _cache_everywhere(client, article)
    article.status = Article.Status.WITHDRAWN
    article.save()
    assert client.get(url_in(article)).status_code == 410
    for url in ("/zh-hans/", "/zh-hans/caijing/", "/zh-hans/tags/科技/", "/zh-hans/feed/"):
        assertNotContains(client.get(url), "将被撤回的报道")


def test_rescheduling_into_the_future_hides_it_at_once(client, make_article):
    article = make_article(title="改为定时发布", tags=["科技"])
    _cache_everywhere(client, article)
    article.published_at = timezone.now() + timedelta(hours=2)
    article.save()
    assert client.get(url_in(article)).status_code == 404
    assertNotContains(client.get("/zh-hans/"), "改为定时发布")


def test_moving_an_article_purges_the_section_it_left(client, make_article, make_section):
    article = make_article(title="换栏目的文章")
    client.get("/zh-hans/caijing/")
    article.section = make_section(name="体育", slug="tiyu")
    article.save()
    assertNotContains(client.get("/zh-hans/caijing/"), "换栏目的文章")
    assertContains(client.get("/zh-hans/tiyu/"), "换栏目的文章")


def test_removing_a_tag_purges_that_tag_s_page(client, make_article):
    article = make_article(title="去掉标签的文章", tags=["科技", "芯片"])
    client.get("/zh-hans/tags/芯片/")
    article.tags.remove("芯片")
    assertNotContains(client.get("/zh-hans/tags/芯片/"), "去掉标签的文章")


def test_a_change_purges_only_what_shows_the_article(client, make_article, make_section, backend):
    elsewhere = make_section(name="体育", slug="tiyu")
    article = make_article()
    make_article(section=elsewhere, title="体育新闻")
    other_article = make_article(section=elsewhere, title="另一篇体育新闻")
    for url in ("/zh-hans/tiyu/", url_in(other_article)):
        client.get(url)
    article.title = "财经新标题"
    article.save()
    assert state(client.get("/zh-hans/tiyu/")) == "hit"
    assert state(client.get(url_in(other_article))) == "hit"
    assert state(client.get("/zh-hans/")) == "miss"


def test_a_site_glossary_rule_purges_every_page(client, make_article):
    article = make_article(title="软件发布会今日举行", tags=["科技"])
    _cache_everywhere(client, article, extra=["/zh-tw/"])
    ConversionRule.objects.create(phrase="发布会", zh_tw="記者會")
    assertContains(client.get("/zh-tw/"), "記者會")
    assertContains(client.get(url_in(article, "zh-tw")), "記者會")


def test_an_article_s_glossary_rule_purges_that_article(client, make_article, make_section):
    article = make_article(title="软件发布会今日举行")
    other = make_article(section=make_section(slug="tiyu", name="体育"))
    tw = url_in(article, "zh-tw")
    client.get(tw)
    client.get(url_in(other))
    ConversionRule.objects.create(phrase="发布会", zh_tw="記者會", article=article)
    assertContains(client.get(tw), "記者會")
    assert state(client.get(url_in(other))) == "hit"


def test_renaming_a_section_purges_every_page(client, article, section):
    client.get(url_in(article))
    section.name = "金融"
    section.save()
    assertContains(client.get(url_in(article)), "金融")


def test_a_scheduled_article_appears_on_time_on_cached_lists(client, make_article, backend):
    make_article(title="已经发布的")
    scheduled = make_article(
        title="准时出现的定时新闻", published_at=timezone.now() + timedelta(seconds=2)
    )
    assertNotContains(client.get("/zh-hans/"), "准时出现的定时新闻")
    assert state(client.get("/zh-hans/")) == "hit"
    time.sleep(max(0, (scheduled.published_at - timezone.now()).total_seconds()) + 1.1)
    assertContains(client.get("/zh-hans/"), "准时出现的定时新闻")


# --- Failure ------------------------------------------------------------------------------


def test_with_redis_down_pages_are_served_uncached(client, article, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "newsportal.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    caplog.set_level(logging.WARNING)
    for _ in range(3):
        response = client.get(url_in(article))
        assert response.status_code == 200
        assertContains(response, article.title)
        assert state(response) is None  # not looked up, not stored
    assert "page cache unavailable" in caplog.text
    article.title = "缓存不可用时的修改"
    article.save()  # the purge fails and says so; the save does not
    assertContains(client.get(url_in(article)), "缓存不可用时的修改")


def test_the_cache_can_be_switched_off(client, article, settings):
    settings.NEWSPORTAL_PAGE_CACHE = False
    client.get("/zh-hans/")
    assert state(client.get("/zh-hans/")) is None


def test_the_cache_comes_back_by_itself_when_redis_returns(client, article, settings, monkeypatch):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "newsportal.redis_cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
    monkeypatch.setattr(page_cache, "RETRY_AFTER", 0.2)
    url = url_in(article)
    assert state(client.get(url)) is None  # down: rendered, neither looked up nor stored
    started = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=port, socket_connect_timeout=0.2).ping()
                break
            except redis.RedisError:
                time.sleep(0.1)
        time.sleep(0.3)  # past RETRY_AFTER
        assert state(client.get(url)) == "miss"
        assert state(client.get(url)) == "hit"
    finally:
        started.terminate()
        started.wait(timeout=10)
