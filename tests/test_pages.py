"""Reader pages: what each shows, and that its query count does not grow with the archive."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article

pytestmark = pytest.mark.django_db


def test_home_shows_headline_latest_section_blocks_hot_list_and_keywords(
    client, make_article, section
):
    headline = make_article(title="头条新闻标题", is_featured=True, tags=["新能源"])
    make_article(title="普通新闻标题", tags=["新能源", "城市更新"])
    response = client.get("/zh-hans/")
    assert response.status_code == 200
    assertContains(response, "头条新闻标题")
    assertContains(response, "普通新闻标题")
    assertContains(response, "点击排行")
    assertContains(response, "今日关键词")
    assertContains(response, "新能源")
    assertContains(response, f'href="{section.get_absolute_url()}"')
    assertContains(response, headline.get_absolute_url())


def test_home_never_lists_drafts_or_scheduled_articles(client, make_article):
    make_article(title="草稿不可见", status=Article.Status.DRAFT)
    make_article(title="定时文章未到时间", published_at=timezone.now() + timedelta(days=1))
    response = client.get("/zh-hans/")
    assertNotContains(response, "草稿不可见")
    assertNotContains(response, "定时文章未到时间")


def test_section_page_lists_its_own_and_descendant_articles(client, make_section, make_article):
    parent = make_section(name="财经频道", slug="finance")
    child = make_section(name="消费电商", slug="ecommerce", parent=parent)
    other = make_section(name="体育", slug="sports")
    make_article(title="父栏目文章", section=parent)
    make_article(title="子栏目文章", section=child)
    make_article(title="别的栏目文章", section=other)
    response = client.get("/zh-hans/finance/")
    assertContains(response, "父栏目文章")
    assertContains(response, "子栏目文章")
    assertNotContains(response, "别的栏目文章")
    assertContains(response, 'href="/zh-hans/ecommerce/"')  # sub-section link


def test_child_section_page_has_a_breadcrumb_through_its_parent(client, make_section):
    parent = make_section(name="财经频道", slug="finance")
    make_section(name="消费电商", slug="ecommerce", parent=parent)
    response = client.get("/zh-hans/ecommerce/")
    assertContains(response, 'class="breadcrumb"')
    assertContains(response, 'href="/zh-hans/finance/"')


def test_section_and_article_pages_mark_their_top_level_section_in_the_nav(
    client, make_section, make_article
):
    parent = make_section(name="财经频道", slug="finance")
    child = make_section(name="消费电商", slug="ecommerce", parent=parent)
    article = make_article(section=child)
    current = '<a href="/zh-hans/finance/" lang="zh-Hans" aria-current="page">'
    assertContains(client.get("/zh-hans/finance/"), current)
    assertContains(client.get("/zh-hans/ecommerce/"), current.replace('"page"', '"true"'))
    assertContains(client.get(article.get_absolute_url()), current.replace('"page"', '"true"'))


def test_inactive_section_page_is_not_found(client, make_section):
    make_section(slug="hidden", is_active=False)
    assert client.get("/zh-hans/hidden/").status_code == 404


def test_section_page_is_paginated(client, make_article, section):
    for number in range(25):
        make_article(title=f"分页文章{number:02d}")
    first = client.get("/zh-hans/caijing/")
    second = client.get("/zh-hans/caijing/?page=2")
    assert len(first.context["page_obj"]) == 20
    assert len(second.context["page_obj"]) == 5
    assertContains(first, 'rel="next"')


@pytest.mark.parametrize("page", ["abc", "-1", "0", str(10**20)])
def test_bad_page_numbers_are_not_found_not_errors(client, make_article, page):
    make_article()
    assert client.get(f"/zh-hans/caijing/?page={page}").status_code == 404


def test_article_page_shows_everything_a_reader_expects(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    for text in [
        "软件发布会今日举行",
        "简体导语：新产品发布。",
        "这是繁体正文",  # written in Traditional, shown in Simplified on /zh-hans/
        "陈航",
        "林小雨",
        "本文为原创，转载请注明出处。",
        'href="https://example.com/source"',
        'class="breadcrumb"',
        'href="/zh-hans/caijing/"',
        'href="/zh-hans/tags/%E6%96%B0%E9%97%BB/"',
    ]:
        assertContains(response, text)


def test_article_page_links_related_and_neighbouring_articles(client, make_article):
    older = make_article(title="较早的文章", published_at=timezone.now() - timedelta(days=2))
    current = make_article(
        title="当前文章", published_at=timezone.now() - timedelta(days=1), tags=["芯片"]
    )
    newer = make_article(title="较新的文章", published_at=timezone.now() - timedelta(hours=1))
    related = make_article(title="同标签文章", tags=["芯片"])
    response = client.get(current.get_absolute_url())
    assert response.context["previous"] == older
    assert response.context["next"] in {newer, related}
    assert list(response.context["related"]) == [related]
    assertContains(response, 'rel="prev"')


def test_article_under_a_wrong_section_slug_redirects_to_its_url(client, article):
    response = client.get(f"/zh-hans/wrong-section/{article.pk}/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.REVIEW])
def test_unpublished_article_is_not_found_for_readers(client, make_article, status):
    article = make_article(status=status)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_staff_preview_unpublished_article_with_never_cache(editor_client, make_article):
    article = make_article(status=Article.Status.DRAFT, title="编辑预览的草稿")
    response = editor_client.get(article.get_absolute_url())
    assertContains(response, "编辑预览的草稿")
    assertContains(response, "预览")
    assert "no-cache" in response["Cache-Control"]


def test_scheduled_article_appears_on_time(client, make_article):
    article = make_article(published_at=timezone.now() + timedelta(minutes=5))
    assert client.get(article.get_absolute_url()).status_code == 404
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now())
    assert client.get(article.get_absolute_url()).status_code == 200


def test_tag_page_lists_articles_with_a_chinese_tag(client, make_article):
    tagged = make_article(title="带新闻标签", tags=["新闻"])
    make_article(title="没有这个标签")
    response = client.get("/zh-hans/tags/新闻/")
    assert response.status_code == 200
    assertContains(response, "带新闻标签")
    assert list(response.context["page_obj"]) == [tagged]


def test_unknown_tag_is_not_found(client, db):
    assert client.get("/zh-hans/tags/不存在/").status_code == 404


def test_not_found_page_is_in_chinese(client, db):
    response = client.get("/zh-hans/no-such-section/")
    assert response.status_code == 404
    assertContains(response, "页面不存在", status_code=404)
    assert client.get("/zh-hant/no-such-section/").content.decode().count("頁面不存在") >= 1


# --- Query counts -----------------------------------------------------------


def _fill(make_article, make_section, count, offset=0):
    sections = [make_section(slug=f"fill-{offset}-{n}") for n in range(3)]
    child = make_section(slug=f"fill-{offset}-child", parent=sections[0])
    sections.append(child)
    for number in range(count):
        make_article(
            section=sections[number % len(sections)],
            is_featured=number % 7 == 0,
            tags=[f"标签{number % 5}", f"话题{number % 3}"],
            published_at=timezone.now() - timedelta(hours=number % 30, minutes=number),
        )


def _queries(client, url):
    cache.clear()  # what rendering the page costs, not serving it from the page cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _page_urls(section, article):
    return {
        "home": "/zh-hans/",
        "section": section.get_absolute_url(),
        "article": article.get_absolute_url(),
        "tag": "/zh-hans/tags/新闻/",
    }


# The most queries each page may make when it is rendered, whatever the number of
# articles. One is the glossary version the converter checks; with the page cache
# in local memory, one is the cache's generations and, on lists, one the next
# scheduled article (both live in Redis when REDIS_URL is set).
QUERY_BUDGET = {"home": 10, "section": 8, "article": 10, "tag": 9}


def test_query_counts_do_not_grow_with_the_number_of_articles(
    client, make_article, make_section, section
):
    article = make_article(tags=["新闻", "标签1"])
    _fill(make_article, make_section, 10)
    urls = _page_urls(section, article)
    for url in urls.values():  # once, so the glossary is loaded as on a running site
        client.get(url)
    small = {name: _queries(client, url) for name, url in urls.items()}
    _fill(make_article, make_section, 190, offset=1)
    large = {name: _queries(client, url) for name, url in urls.items()}
    print("queries per page:", large)
    assert small == large
    for name, count in large.items():
        assert count <= QUERY_BUDGET[name], (name, count)
