"""Sitemaps and robots.txt: every public page once per variant, each naming its siblings."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article
from articles.sitemaps import ArticleSitemap
from newsportal.conversion import VARIANTS

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
BASE = "http://testserver"
BCP47 = re.compile(r"zh-(Hans|Hant|[A-Z]{2})")

TWO_VARIANTS = [("zh-hans", "简体"), ("zh-hant", "繁體")]
FOUR_VARIANTS = [*TWO_VARIANTS, ("zh-tw", "臺灣"), ("zh-hk", "香港")]


@pytest.fixture(params=[TWO_VARIANTS, FOUR_VARIANTS], ids=["2-variants", "4-variants"])
def variants(request, settings):
    """The enabled variant codes: the sitemaps must follow settings.LANGUAGES."""
    settings.LANGUAGES = request.param
    return [code for code, _label in request.param]


def entries(response):
    """The sitemap's <url> entries as (loc, lastmod, {hreflang: href})."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    assert root.tag == f"{{{NS['sm']}}}urlset"
    found = []
    for url in root.findall("sm:url", NS):
        links = url.findall("xhtml:link", NS)
        assert all(link.get("rel") == "alternate" for link in links)
        alternates = {link.get("hreflang"): link.get("href") for link in links}
        assert len(alternates) == len(links), "an hreflang is listed twice"
        found.append(
            (
                url.findtext("sm:loc", namespaces=NS),
                url.findtext("sm:lastmod", namespaces=NS),
                alternates,
            )
        )
    return found


def locations(response):
    return [loc for loc, _lastmod, _alternates in entries(response)]


def url_in(code, obj):
    with translation.override(code):
        return BASE + obj.get_absolute_url()


def sitemap_url(section):
    return reverse("django.contrib.sitemaps.views.sitemap", kwargs={"section": section})


def test_index_lists_the_four_sitemaps(client, article):
    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    listed = [loc.text for loc in root.findall("sm:sitemap/sm:loc", NS)]
    assert listed == [
        f"{BASE}/sitemap-articles.xml",
        f"{BASE}/sitemap-news.xml",
        f"{BASE}/sitemap-sections.xml",
        f"{BASE}/sitemap-tags.xml",
    ]


def test_article_sitemap_lists_each_published_article_once_per_variant(
    client, variants, make_article
):
    published = [make_article(), make_article()]

    found = entries(client.get(sitemap_url("articles")))

    expected = sorted(url_in(code, a) for a in published for code in variants)
    assert sorted(loc for loc, _lastmod, _alternates in found) == expected
    for _loc, _lastmod, alternates in found:
        article = next(a for a in published if alternates["x-default"].endswith(f"/{a.pk}/"))
        assert alternates == {
            **{VARIANTS[code].lang: url_in(code, article) for code in variants},
            "x-default": f"{BASE}/{article.section.slug}/{article.pk}/",
        }


def test_drafts_and_scheduled_articles_are_left_out(client, make_article):
    public = make_article()
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=1))

    listed = " ".join(locations(client.get(sitemap_url("articles"))))

    assert f"/{public.pk}/" in listed
    assert f"/{draft.pk}/" not in listed
    assert f"/{scheduled.pk}/" not in listed


def test_hreflang_values_are_bcp47_tags(client, variants, article):
    found = entries(client.get(sitemap_url("articles")))

    tags = {tag for _loc, _lastmod, alternates in found for tag in alternates}
    assert tags == {VARIANTS[code].lang for code in variants} | {"x-default"}
    assert {"zh-Hans", "zh-Hant"} <= tags
    assert all(BCP47.fullmatch(tag) for tag in tags - {"x-default"})


def test_x_default_is_the_unprefixed_url_that_picks_a_variant(client, article):
    (_loc, _lastmod, alternates), *_ = entries(client.get(sitemap_url("articles")))

    response = client.get(alternates["x-default"], HTTP_ACCEPT_LANGUAGE="zh-Hant")

    assert response.status_code == 302
    assert BASE + response["Location"] == alternates["zh-Hant"]


def test_article_lastmod_is_its_last_edit(client, article):
    edited = timezone.make_aware(datetime(2031, 3, 4, 12, 0))  # dates are written in TIME_ZONE
    Article.objects.filter(pk=article.pk).update(updated_at=edited)

    lastmods = {
        lastmod for _loc, lastmod, _alternates in entries(client.get(sitemap_url("articles")))
    }

    assert lastmods == {"2031-03-04"}


def test_section_sitemap_lists_active_sections_only(client, variants, make_section):
    shown = make_section(slug="keji")
    make_section(slug="hidden", is_active=False)

    listed = locations(client.get(sitemap_url("sections")))

    assert sorted(listed) == sorted(url_in(code, shown) for code in variants)


def test_tag_sitemap_lists_tags_with_a_published_article(client, make_article):
    make_article(tags=["新闻"])
    make_article(tags=["草稿标签"], status=Article.Status.DRAFT, published_at=None)
    make_article(tags=["定时标签"], published_at=timezone.now() + timedelta(days=1))

    listed = locations(client.get(sitemap_url("tags")))

    # Chinese slugs keep their characters, percent-encoded, and are never converted (新聞).
    assert f"{BASE}/zh-hant/tags/%E6%96%B0%E9%97%BB/" in listed
    assert all("%E6%96%B0%E9%97%BB" in loc for loc in listed)


def test_long_sitemaps_are_split_into_pages(client, variants, make_article, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 3)
    published = [make_article() for _ in range(4)]
    pages = -(-len(published) * len(variants) // 3)

    index = ET.fromstring(client.get("/sitemap.xml").content)
    article_pages = [
        loc.text for loc in index.findall("sm:sitemap/sm:loc", NS) if "articles" in loc.text
    ]
    listed = [
        loc
        for page in range(1, pages + 1)
        for loc in locations(client.get(sitemap_url("articles"), {"p": page}))
    ]

    assert article_pages == [
        f"{BASE}/sitemap-articles.xml",
        *[f"{BASE}/sitemap-articles.xml?p={page}" for page in range(2, pages + 1)],
    ]
    assert sorted(listed) == sorted(url_in(code, a) for a in published for code in variants)
    assert client.get(sitemap_url("articles"), {"p": pages + 1}).status_code == 404


def test_sitemaps_are_the_same_for_every_reader(client, article):
    """Unprefixed and never converted: one document whatever the reader's variant."""
    simplified = client.get(sitemap_url("tags"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    client.cookies["variant"] = "zh-hant"
    traditional = client.get(sitemap_url("tags"), HTTP_ACCEPT_LANGUAGE="zh-TW")

    assert simplified.status_code == traditional.status_code == 200
    assert simplified.content == traditional.content


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    disallowed = [line for line in lines if line.startswith("Disallow:")]
    assert disallowed == ["Disallow: /admin/", "Disallow: /views/"]
    assert f"Sitemap: {BASE}/sitemap.xml" in lines


def test_article_sitemap_queries_do_not_grow_with_the_archive(client, make_article, make_section):
    sections = [make_section() for _ in range(3)]

    def queries_with(total):
        while Article.objects.count() < total:
            make_article(section=sections[Article.objects.count() % 3])
        with CaptureQueriesContext(connection) as queries:
            assert len(locations(client.get(sitemap_url("articles")))) >= total
        return len(queries)

    at_10 = queries_with(10)
    at_100 = queries_with(100)

    assert at_100 == at_10 <= 2


NEWS = "http://www.google.com/schemas/sitemap-news/0.9"


def news_entries(response):
    """The news sitemap's entries as {loc: (language, title, publication date)}."""
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    found = {}
    for url in root.findall("sm:url", NS):
        news = url.find(f"{{{NEWS}}}news")
        found[url.findtext("sm:loc", namespaces=NS)] = (
            news.findtext(f"{{{NEWS}}}publication/{{{NEWS}}}language"),
            news.findtext(f"{{{NEWS}}}title"),
            news.findtext(f"{{{NEWS}}}publication_date"),
        )
    return found


def test_news_sitemap_lists_the_last_48_hours_in_every_variant(client, variants, make_article):
    fresh = make_article(
        title="软件发布会今日举行", published_at=timezone.now() - timedelta(hours=3)
    )
    old = make_article(title="上周的旧闻", published_at=timezone.now() - timedelta(hours=49))
    make_article(title="明天的定时稿", published_at=timezone.now() + timedelta(hours=2))
    make_article(title="草稿", status=Article.Status.DRAFT)

    found = news_entries(client.get("/sitemap-news.xml"))

    assert sorted(found) == sorted(url_in(code, fresh) for code in variants)
    assert url_in(variants[0], old) not in found
    language, title, published = found[url_in("zh-hans", fresh)]
    assert (language, title) == ("zh-cn", "软件发布会今日举行")
    assert datetime.fromisoformat(published) == fresh.published_at
    language, title, _published = found[url_in("zh-hant", fresh)]
    assert (language, title) == ("zh-tw", "軟件發佈會今日舉行")


def test_news_titles_keep_traditional_text_as_written_and_escape_markup(client, make_article):
    article = make_article(title="裏約<b>&新聞</b>", published_at=timezone.now())
    response = client.get("/sitemap-news.xml")
    found = news_entries(response)
    assert found[url_in("zh-hant", article)][1] == "裏約<b>&新聞</b>"
    assert found[url_in("zh-hans", article)][1] == "里约<b>&新闻</b>"
