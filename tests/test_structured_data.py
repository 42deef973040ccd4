"""Structured data on reader pages: JSON-LD NewsArticle and BreadcrumbList, Open Graph, Twitter."""

import io
import json
import re
from datetime import datetime
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.utils import translation
from PIL import Image

from articles.models import Article

_LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


class _Meta(HTMLParser):
    """Every ``<meta property|name content>`` of a page, as name -> [contents]."""

    def __init__(self):
        super().__init__()
        self.found = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        key = attrs.get("property") or attrs.get("name")
        if tag == "meta" and key and "content" in attrs:
            self.found.setdefault(key, []).append(attrs["content"])


def _meta(html):
    parser = _Meta()
    parser.feed(html)
    return parser.found


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _json_ld(html):
    """The page's JSON-LD objects by @type."""
    return {data["@type"]: data for data in map(json.loads, _LD_JSON.findall(html))}


def _jpeg(size):
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 120, 200)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _absolute(path):
    return f"http://testserver{path}"


def _url(thing, code="zh-hans"):
    """``thing``'s path in variant ``code`` (a request leaves its variant active)."""
    with translation.override(code):
        return thing.get_absolute_url()


def test_article_json_ld_carries_the_news_article_fields(client, article):
    html = _page(client, _url(article))
    data = _json_ld(html)["NewsArticle"]
    url = _absolute(_url(article))
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == "软件发布会今日举行"
    assert data["description"] == "简体导语：新产品发布。"
    published = datetime.fromisoformat(data["datePublished"])
    assert published.utcoffset() is not None
    assert published == article.published_at.replace(microsecond=0)
    modified = datetime.fromisoformat(data["dateModified"])
    assert modified.utcoffset() is not None
    assert modified == article.updated_at.replace(microsecond=0)
    assert data["author"] == {"@type": "Person", "name": "陈航"}
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["name"] == "新闻门户"
    assert data["publisher"]["logo"] == {
        "@type": "ImageObject",
        "url": _absolute("/static/img/logo.svg"),
    }
    assert data["articleSection"] == "财经"
    assert sorted(data["keywords"]) == ["新闻", "科技"]
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["inLanguage"] == "zh-Hans"
    assert "image" not in data  # no cover


def test_article_without_author_has_no_author(client, make_article):
    article = make_article(author="  ")
    data = _json_ld(_page(client, _url(article)))["NewsArticle"]
    assert "author" not in data
    assert "keywords" not in data


def test_long_headline_is_cut_to_110_characters(client, make_article):
    article = make_article(title="长" * 150)
    headline = _json_ld(_page(client, _url(article)))["NewsArticle"]["headline"]
    assert len(headline) == 110
    assert headline.endswith("…")


def test_breadcrumb_list_runs_from_home_through_ancestor_sections(
    client, make_section, make_article
):
    parent = make_section(name="国际", slug="guoji")
    child = make_section(name="亚洲", slug="yazhou", parent=parent)
    article = make_article(section=child, title="地区经济观察")
    crumbs = _json_ld(_page(client, _url(article)))["BreadcrumbList"]
    items = crumbs["itemListElement"]
    assert [item["position"] for item in items] == [1, 2, 3, 4]
    assert [item["name"] for item in items] == ["首页", "国际", "亚洲", "地区经济观察"]
    assert [item["item"] for item in items] == [
        _absolute("/zh-hans/"),
        _absolute(_url(parent)),
        _absolute(_url(child)),
        _absolute(_url(article)),
    ]
    assert all(item["@type"] == "ListItem" for item in items)


def test_cover_renditions_give_json_ld_images_and_og_image(client, make_article):
    article = make_article(
        cover=ContentFile(_jpeg((1600, 1200)), name="c.jpg"), cover_alt="一片海"
    )
    article.refresh_from_db()
    ladder = article.cover_renditions["sizes"]
    assert [entry["width"] for entry in ladder] == [320, 640, 1280]
    html = _page(client, _url(article))
    images = _json_ld(html)["NewsArticle"]["image"]
    storage = article.cover.storage
    assert images == [_absolute(storage.url(entry["jpeg"])) for entry in reversed(ladder)]
    meta = _meta(html)
    assert meta["og:image"] == [images[0]]
    assert meta["og:image:width"] == ["1280"]
    assert meta["og:image:height"] == ["960"]
    assert meta["og:image:alt"] == ["一片海"]
    assert meta["twitter:card"] == ["summary_large_image"]


def test_page_without_cover_has_no_image_fields(client, article):
    html = _page(client, _url(article))
    meta = _meta(html)
    assert not any(key.startswith("og:image") for key in meta)
    assert meta["twitter:card"] == ["summary"]
    assert "image" not in _json_ld(html)["NewsArticle"]


def test_article_open_graph_meta(client, article):
    html = _page(client, _url(article))
    meta = _meta(html)
    assert meta["og:type"] == ["article"]
    assert meta["og:title"] == ["软件发布会今日举行"]
    assert meta["og:description"] == ["简体导语：新产品发布。"]
    assert meta["og:url"] == [_absolute(_url(article))]
    assert meta["og:site_name"] == ["新闻门户"]
    assert meta["og:locale"] == ["zh_CN"]
    published = datetime.fromisoformat(meta["article:published_time"][0])
    assert published == article.published_at.replace(microsecond=0)
    assert meta["article:modified_time"]
    assert meta["article:section"] == ["财经"]
    assert sorted(meta["article:tag"]) == ["新闻", "科技"]


def test_every_page_has_site_wide_social_defaults(client, section):
    for path in ("/zh-hans/", _url(section)):
        meta = _meta(_page(client, path))
        assert meta["og:site_name"] == ["新闻门户"]
        assert meta["og:type"] == ["website"]
        assert meta["og:title"] == ["新闻门户"]
        assert meta["og:description"][0].startswith("新闻门户：")
        assert meta["og:url"] == [_absolute(path)]
        assert meta["twitter:card"] == ["summary"]
        assert _json_ld(_page(client, path)) == {}


@pytest.mark.parametrize(
    "code, locale",
    [("zh-hans", "zh_CN"), ("zh-hant", "zh_TW"), ("zh-tw", "zh_TW"), ("zh-hk", "zh_HK")],
)
def test_og_locale_follows_the_variant(client, db, code, locale):
    assert _meta(_page(client, f"/{code}/"))["og:locale"] == [locale]


HOSTILE = "</script><script>alert(1)</script> \"引号\" 'x' & <b>粗</b>"


def test_hostile_text_stays_inside_json_ld_and_attributes(client, make_article):
    article = make_article(title=HOSTILE, summary=HOSTILE, author=HOSTILE, tags=[HOSTILE])
    html = _page(client, _url(article))
    assert "<script>alert(1)" not in html
    scripts = _LD_JSON.findall(html)
    assert len(scripts) == 2
    for script in scripts:
        assert "<" not in script and ">" not in script and "&" not in script
    data = _json_ld(html)["NewsArticle"]
    assert data["headline"] == HOSTILE
    assert data["description"] == HOSTILE
    assert data["author"]["name"] == HOSTILE
    assert data["keywords"] == [HOSTILE]
    meta = _meta(html)
    assert meta["og:title"] == [HOSTILE]
    assert meta["og:description"] == [HOSTILE]
    assert meta["article:tag"] == [HOSTILE]


def test_zh_hant_page_converts_json_ld_and_og_title_but_not_urls(client, article):
    path = _url(article, "zh-hant")
    html = _page(client, path)
    data = _json_ld(html)
    news = data["NewsArticle"]
    # Written in Simplified; the reader of zh-hant sees Traditional characters.
    assert news["headline"] != article.title
    assert "發" in news["headline"] and "发" not in news["headline"]
    meta = _meta(html)
    # The middleware converted og:title; the tag converted the JSON-LD: the same text.
    assert meta["og:title"] == [news["headline"]]
    assert "導語" in news["description"]
    assert news["author"]["name"] == "陳航"
    assert sorted(news["keywords"]) == ["新聞", "科技"]
    assert news["publisher"]["name"] == "新聞門戶"
    assert news["inLanguage"] == "zh-Hant"
    assert meta["og:locale"] == ["zh_TW"]
    # URLs are built for the reader's variant and left as they are.
    assert news["mainEntityOfPage"]["@id"] == _absolute(path)
    assert news["publisher"]["logo"]["url"] == _absolute("/static/img/logo.svg")
    crumbs = data["BreadcrumbList"]["itemListElement"]
    assert crumbs[0] == {
        "@type": "ListItem",
        "position": 1,
        "name": "首頁",
        "item": _absolute("/zh-hant/"),
    }
    assert crumbs[-1]["item"] == _absolute(path)
    assert crumbs[-1]["name"] == news["headline"]


def test_traditional_written_title_reaches_zh_hant_as_written(client, make_article):
    article = make_article(title="軟體佈局說明會", summary="")
    assert Article.objects.get(pk=article.pk).script_of("title") == "zh-Hant"
    path = _url(article, "zh-hant")
    html = _page(client, path)
    assert _json_ld(html)["NewsArticle"]["headline"] == "軟體佈局說明會"
    simplified = _json_ld(_page(client, _url(article)))["NewsArticle"]["headline"]
    assert simplified == _meta(_page(client, _url(article)))["og:title"][0]
    assert "说明" in simplified
