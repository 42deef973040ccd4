"""RSS 2.0 and Atom feeds: well-formed, public articles only, in the reader's variant."""

import io
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.urls import resolve
from django.utils import timezone
from PIL import Image

from articles import images
from articles.feeds import LIMIT
from articles.models import Article, ConversionRule

ATOM = "{http://www.w3.org/2005/Atom}"
LANGS = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant", "zh-tw": "zh-TW", "zh-hk": "zh-HK"}
TAG = quote("科技")


@pytest.fixture
def newsroom(make_section, make_article, section):
    """Public articles in a section and under a tag, and the ones no feed may show."""
    child = make_section(name="股市", slug="gushi", parent=section)
    other = make_section(name="体育", slug="tiyu")
    return {
        "simplified": make_article(
            title="软件发布会今日举行", summary="简体导语：新产品发布。", author="陈航",
            tags=["科技"],
        ),
        "traditional": make_article(
            title="說明會裏的軟體佈局", summary="繁體導語。", section=child, tags=["科技"]
        ),
        "elsewhere": make_article(title="足球联赛开幕", section=other),
        "draft": make_article(title="草稿不应出现", status=Article.Status.DRAFT, tags=["科技"]),
        "review": make_article(title="待审不应出现", status=Article.Status.REVIEW),
        "scheduled": make_article(
            title="定时不应出现", published_at=timezone.now() + timedelta(days=1), tags=["科技"]
        ),
        "withdrawn": make_article(title="撤稿不应出现", status=Article.Status.WITHDRAWN),
    }  # fmt: skip


def rss_items(response, variant):
    """The RSS items as dicts, after checking the feed is well-formed and in ``variant``."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    channel = root.find("channel")
    assert channel.findtext("language") == LANGS[variant]
    return [
        {
            "title": item.findtext("title"),
            "link": item.findtext("link"),
            "guid": item.findtext("guid"),
            "description": item.findtext("description"),
            "categories": [c.text for c in item.findall("category")],
            "author": item.findtext("{http://purl.org/dc/elements/1.1/}creator"),
            "enclosures": [e.attrib for e in item.findall("enclosure")],
        }
        for item in channel.findall("item")
    ]


def atom_entries(response, variant):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == LANGS[variant]
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link[@rel='alternate']").get("href"),
            "summary": entry.findtext(f"{ATOM}summary"),
            "categories": [c.get("term") for c in entry.findall(f"{ATOM}category")],
            "enclosures": [e.attrib for e in entry.findall(f"{ATOM}link[@rel='enclosure']")],
        }
        for entry in root.findall(f"{ATOM}entry")
    ]


def titles(entries):
    return {entry["title"] for entry in entries}


@pytest.mark.parametrize("variant", list(LANGS))
def test_site_rss_lists_public_articles_in_the_variant(client, newsroom, variant):
    items = rss_items(client.get(f"/{variant}/feed/"), variant)
    assert len(items) == 3
    for item in items:
        assert item["link"].startswith(f"http://testserver/{variant}/")
        assert item["guid"] == item["link"]
    found = titles(items)
    if variant == "zh-hans":
        assert {"软件发布会今日举行", "说明会里的软体布局"} <= found
    else:
        assert "软件发布会今日举行" not in found  # every Traditional variant converts it
    if variant == "zh-hant":
        assert "說明會裏的軟體佈局" in found  # written in Traditional: exactly as written
    assert not found & {"草稿不应出现", "待审不应出现", "定时不应出现", "撤稿不应出现"}


@pytest.mark.parametrize("variant", list(LANGS))
def test_site_atom_lists_public_articles_in_the_variant(client, newsroom, variant):
    entries = atom_entries(client.get(f"/{variant}/feed/atom/"), variant)
    assert len(entries) == 3
    assert all(e["link"].startswith(f"http://testserver/{variant}/") for e in entries)
    assert not titles(entries) & {"草稿不应出现", "待审不应出现", "定时不应出现", "撤稿不应出现"}


def test_zh_hant_feed_converts_simplified_and_keeps_traditional(client, newsroom):
    items = {i["link"]: i for i in rss_items(client.get("/zh-hant/feed/"), "zh-hant")}
    simplified = items[f"http://testserver/zh-hant/caijing/{newsroom['simplified'].pk}/"]
    assert simplified["title"] == "軟件發佈會今日舉行"
    assert "簡體導語：新產品發佈。" in simplified["description"]
    assert simplified["author"] == "陳航"
    assert simplified["categories"] == ["科技", "財經"]
    traditional = items[f"http://testserver/zh-hant/gushi/{newsroom['traditional'].pk}/"]
    assert traditional["title"] == "說明會裏的軟體佈局"  # s2tw would turn 裏 into 裡
    assert "繁體導語。" in traditional["description"]


def test_feed_applies_the_glossary_site_and_article_rules(client, make_article):
    pinned = make_article(title="李干发布新品", summary="李干说明安排。")
    other = make_article(title="李干事发布通知")
    ConversionRule.objects.all().delete()  # the default glossary has its own 发布
    ConversionRule.objects.create(phrase="发布", zh_hant="公布")
    ConversionRule.objects.create(phrase="李干", zh_hant="李乾", article=pinned)
    items = {i["link"]: i for i in rss_items(client.get("/zh-hant/feed/"), "zh-hant")}
    assert items[f"http://testserver/zh-hant/caijing/{pinned.pk}/"]["title"] == "李乾公布新品"
    assert (
        "李乾說明安排。" in items[f"http://testserver/zh-hant/caijing/{pinned.pk}/"]["description"]
    )
    assert items[f"http://testserver/zh-hant/caijing/{other.pk}/"]["title"] == "李幹事公布通知"


def test_zh_hans_feed_converts_traditional_to_simplified(client, newsroom):
    entries = atom_entries(client.get("/zh-hans/feed/atom/"), "zh-hans")
    assert "说明会里的软体布局" in titles(entries)


@pytest.mark.parametrize("variant", ["zh-hans", "zh-hant"])
@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
def test_section_feed_lists_the_section_and_its_sub_sections(client, newsroom, variant, atom):
    url = f"/{variant}/caijing/feed/" + ("atom/" if atom else "")
    response = client.get(url)
    entries = atom_entries(response, variant) if atom else rss_items(response, variant)
    assert len(entries) == 2
    links = {e["link"] for e in entries}
    assert f"http://testserver/{variant}/gushi/{newsroom['traditional'].pk}/" in links
    assert f"http://testserver/{variant}/caijing/{newsroom['simplified'].pk}/" in links
    root = ET.fromstring(response.content)
    title = root.findtext(f"{ATOM}title") if atom else root.find("channel").findtext("title")
    assert title.startswith("财经" if variant == "zh-hans" else "財經")


@pytest.mark.parametrize("variant", ["zh-hans", "zh-hant"])
@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
def test_tag_feed_lists_the_tags_public_articles(client, newsroom, variant, atom):
    response = client.get(f"/{variant}/tags/{TAG}/feed/" + ("atom/" if atom else ""))
    entries = atom_entries(response, variant) if atom else rss_items(response, variant)
    assert {e["link"].rsplit("/", 2)[-2] for e in entries} == {
        str(newsroom["simplified"].pk),
        str(newsroom["traditional"].pk),
    }


@pytest.mark.parametrize(
    "url",
    [
        "/zh-hans/no-such-section/feed/",
        "/zh-hant/no-such-section/feed/atom/",
        f"/zh-hans/tags/{quote('没有这个标签')}/feed/",
        f"/zh-hant/tags/{quote('没有这个标签')}/feed/atom/",
    ],
)
def test_unknown_section_or_tag_feed_is_404(client, newsroom, url):
    assert client.get(url).status_code == 404


def test_inactive_section_feed_is_404(client, make_section):
    make_section(slug="tingyong", is_active=False)
    assert client.get("/zh-hans/tingyong/feed/").status_code == 404


@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
def test_hostile_title_stays_well_formed_and_escaped(client, make_article, atom):
    hostile = "<script>alert(1)</script> A&B ]]> 结束"
    make_article(title=hostile, summary="<b>粗</b> & ]]>", author="<i>某</i>", tags=["<x>&"])
    response = client.get("/zh-hant/feed/" + ("atom/" if atom else ""))
    assert b"<script>" not in response.content
    assert b"]]>" not in response.content
    entries = atom_entries(response, "zh-hant") if atom else rss_items(response, "zh-hant")
    (entry,) = entries
    assert entry["title"] == "<script>alert(1)</script> A&B ]]> 結束"
    description = entry["summary"] if atom else entry["description"]
    assert "&lt;b&gt;粗&lt;/b&gt; &amp; ]]&gt;" in description  # shown as text, not markup
    assert "<x>&" in entry["categories"]


@pytest.mark.parametrize(
    "url",
    [
        "/zh-hant/feed/",
        "/zh-hant/feed/atom/",
        "/zh-hant/caijing/feed/",
        f"/zh-hant/tags/{TAG}/feed/",
    ],
)
def test_feed_queries_do_not_grow_with_articles(
    client, make_article, django_assert_max_num_queries, url
):
    make_article(tags=["科技", "新闻"])
    # Two of them are the page cache's, on a miss: its generations and the next scheduled article.
    with django_assert_max_num_queries(7):
        client.get(url)
    for number in range(LIMIT + 5):
        make_article(tags=["科技", f"标签{number}"], author="作者")
    with django_assert_max_num_queries(7):
        response = client.get(url)
    root = ET.fromstring(response.content)
    assert len(root.findall("channel/item") or root.findall(f"{ATOM}entry")) == LIMIT


def _jpeg(size=(1600, 900)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 60, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
def test_cover_is_the_largest_jpeg_rendition_enclosure(client, make_article, atom):
    cover = images.prepare(ContentFile(_jpeg(), name="cover.jpg"))
    article = make_article(cover=cover, cover_alt="封面")
    make_article(title="没有封面")
    article.refresh_from_db()
    largest = max(article.cover_renditions["sizes"], key=lambda s: s["width"])
    response = client.get("/zh-hans/feed/" + ("atom/" if atom else ""))
    entries = atom_entries(response, "zh-hans") if atom else rss_items(response, "zh-hans")
    by_title = {e["title"]: e for e in entries}
    (enclosure,) = by_title[article.title]["enclosures"]
    assert enclosure["type"] == "image/jpeg"
    url = enclosure["url"] if not atom else enclosure["href"]
    assert url == "http://testserver" + article.cover.storage.url(largest["jpeg"])
    assert int(enclosure["length"]) == article.cover.storage.size(largest["jpeg"]) > 0
    assert by_title["没有封面"]["enclosures"] == []


def feed_links(client, url):
    """The include's output for the page at ``url``, rendered with that page's context."""
    response = client.get(url)
    assert response.status_code == 200
    request = response.wsgi_request
    request.resolver_match = resolve(request.path_info)
    context = {key: response.context[key] for key in response.context.keys()}  # noqa: SIM118
    html = render_to_string("includes/feed_links.html", context, request)
    return {(m["type"], m["href"]) for m in LINK.finditer(html)}


LINK = re.compile(r'<link rel="alternate" type="(?P<type>[^"]+)"[^>]* href="(?P<href>[^"]+)">')
RSS, ATOM_TYPE = "application/rss+xml", "application/atom+xml"


def test_every_page_links_the_site_feeds(client, newsroom):
    site = {(RSS, "/zh-hant/feed/"), (ATOM_TYPE, "/zh-hant/feed/atom/")}
    assert feed_links(client, "/zh-hant/") == site
    assert feed_links(client, f"/zh-hant/caijing/{newsroom['simplified'].pk}/") == site


def test_section_and_tag_pages_link_their_own_feeds(client, newsroom):
    site = {(RSS, "/zh-hant/feed/"), (ATOM_TYPE, "/zh-hant/feed/atom/")}
    assert feed_links(client, "/zh-hant/caijing/") == site | {
        (RSS, "/zh-hant/caijing/feed/"),
        (ATOM_TYPE, "/zh-hant/caijing/feed/atom/"),
    }
    assert feed_links(client, f"/zh-hant/tags/{TAG}/") == site | {
        (RSS, f"/zh-hant/tags/{TAG}/feed/"),
        (ATOM_TYPE, f"/zh-hant/tags/{TAG}/feed/atom/"),
    }


def test_linked_feeds_resolve(client, newsroom):
    for _type, href in feed_links(client, f"/zh-hans/tags/{TAG}/") | feed_links(
        client, "/zh-hans/caijing/"
    ):
        assert client.get(href).status_code == 200
