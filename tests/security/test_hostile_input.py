"""
The hostile-input catalogue: what readers, crawlers and attackers can send,
each case with its correct outcome — a clear 4xx, a form error, or escaped
output; never a 500, and nothing already saved lost. Runs on SQLite and
PostgreSQL like the rest of the suite.

Deeper catalogues live beside the code they pin: tests/test_sanitizer.py (40
hostile HTML snippets and their exact safe output), tests/test_images.py
(18 hostile files at three upload points), tests/test_search.py (hostile
queries) and tests/test_import.py (hostile feeds).
"""

import json
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, ArticleImage, Section, Tag

from ..changeform import form_data
from ..newsroom import new_article_data

pytestmark = pytest.mark.django_db

EVIL = "<script>alert(1)</script>"
ATTR = '"><img src=x onerror=alert(1)>'


@pytest.fixture
def chief(client, django_user_model):
    user = django_user_model.objects.create_superuser("chief", password="chief-pass-123")
    client.force_login(user)
    return client


# --- Paths, query strings, headers, cookies: a clear 4xx or a normal page ----------------

REQUESTS = {
    # id: (path, extra request arguments, expected status)
    "NUL in the path": ("/zh-hans/%00/", {}, 404),
    "lone surrogate in the path": ("/zh-hans/%ED%A0%80/", {}, 404),
    "invalid UTF-8 in the path": ("/zh-hans/%FF%FE/", {}, 404),
    "unknown variant prefix": ("/zh-xx/", {}, 404),
    "huge article id": ("/zh-hans/caijing/99999999999999999999999999/", {}, 404),
    "NUL in a tag": ("/zh-hans/tags/%00/", {}, 404),
    "very long tag": ("/zh-hans/tags/" + "长" * 3000 + "/", {}, 404),
    "NUL in a search": ("/zh-hans/search/?q=%00%00", {}, 200),
    "lone surrogate in a search": ("/zh-hans/search/?q=%ED%A0%80", {}, 200),
    "invalid UTF-8 in a search": ("/zh-hans/search/?q=%FF%FE%FD", {}, 200),
    "10 000-character search": ("/zh-hans/search/?q=" + "新" * 10000, {}, 200),
    "bogus search dates": ("/zh-hans/search/?q=新&start=2026-13-45&end=abc", {}, 200),
    "bogus search section": ("/zh-hans/search/?q=新&section=%00' OR 1=1", {}, 200),
    "page abc": ("/zh-hans/caijing/?page=abc", {}, 404),
    "page -1": ("/zh-hans/caijing/?page=-1", {}, 404),
    "page 10**20": ("/zh-hans/caijing/?page=" + "1" + "0" * 20, {}, 404),
    "search page 10**20": ("/zh-hans/search/?q=新&page=" + "1" + "0" * 20, {}, 200),
    "too many parameters": ("/zh-hans/?" + "&".join(f"p{n}=1" for n in range(1500)), {}, 400),
    "100 KB query string": ("/zh-hans/?x=" + "a" * 100_000, {}, 200),
    "malformed Accept-Language": ("/", {"HTTP_ACCEPT_LANGUAGE": "zh-;q=abc,,;;=,*;q=-1"}, 302),
    "huge Accept-Language": ("/", {"HTTP_ACCEPT_LANGUAGE": "zh-TW," * 5000}, 302),
    "spoofed Host": ("/zh-hans/", {"HTTP_HOST": "evil.example"}, 400),
    "NUL in the feed path": ("/zh-hans/feed/%00", {}, 404),
    "unknown section feed": ("/zh-hans/no-such-section/feed/", {}, 404),
}


@pytest.mark.parametrize(("path", "extra", "status"), REQUESTS.values(), ids=REQUESTS.keys())
def test_hostile_requests_get_a_clear_answer(client, make_article, path, extra, status):
    make_article(tags=["科技"])
    response = client.get(path, **extra)
    assert response.status_code == status


@pytest.mark.parametrize("cookie", ["<script>", "zh-hans\x00", "zh-" + "x" * 5000, "../../etc"])
def test_a_bogus_variant_cookie_falls_back_to_the_default(client, db, cookie):
    client.cookies["variant"] = cookie
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/"


def test_spoofed_forwarded_host_and_proto_change_no_link(client, make_article):
    make_article()
    response = client.get(
        "/zh-hans/", HTTP_X_FORWARDED_HOST="evil.example", HTTP_X_FORWARDED_PROTO="https"
    )
    assert response.status_code == 200
    assertNotContains(response, "evil.example")


@pytest.mark.parametrize(
    "path", ["//evil.example/", "/%2F%2Fevil.example/", "/\\evil.example/", "/%5Cevil.example"]
)
def test_unprefixed_redirects_stay_on_the_site(client, db, path):
    response = client.get(path)
    location = response.get("Location", "")
    assert response.status_code in (302, 404)
    assert not location.startswith(("//", "/\\", "http")), location


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "\x00/x",
    ],
)
def test_login_never_redirects_off_the_site(client, django_user_model, target):
    django_user_model.objects.create_user("desk", password="desk-pass-123", is_staff=True)
    response = client.post(
        f"/admin/login/?next={target}", {"username": "desk", "password": "desk-pass-123"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_the_variant_toggle_links_only_to_this_site(client, make_article):
    article = make_article()
    page = client.get(article.get_absolute_url() + "?next=//evil.example").content.decode()
    toggles = re.findall(r'<a[^>]+href="([^"]+)"[^>]*hreflang', page)
    assert toggles and all(href.startswith("/zh-") for href in toggles)


# --- Forms and JSON ------------------------------------------------------------------------


def test_the_view_beacon_ignores_a_body(client, article):
    response = client.post(
        reverse("count-view", args=[article.pk]),
        data=b"\x00\xff" * 1000,
        content_type="text/plain",
    )
    assert response.status_code == 204


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "标题\x00截断"), ("summary", "导语\x00"), ("tags", "新闻\x00")],
    ids=["NUL in the title", "NUL in the summary", "NUL in a tag"],
)
def test_a_nul_byte_in_a_form_field_is_a_form_error(chief, section, field, value):
    response = chief.post(
        reverse("admin:articles_article_add"), new_article_data(section, **{field: value})
    )
    assert response.status_code == 200
    assertContains(response, "errornote")
    assert not Article.objects.exists()


def test_a_failed_save_keeps_what_was_saved_before(chief, article):
    data = form_data(chief.get(reverse("admin:articles_article_change", args=[article.pk])))
    data["title"] = "坏标题\x00"
    response = chief.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assertContains(response, "errornote")
    article.refresh_from_db()
    assert article.title == "软件发布会今日举行"


def test_a_javascript_source_link_is_a_form_error(chief, section):
    data = new_article_data(section, source_url="javascript:alert(1)")
    response = chief.post(reverse("admin:articles_article_add"), data)
    assertContains(response, "errornote")


@pytest.mark.parametrize(
    "query", ["?q=%00", "?p=abc", "?o=abc.def", "?status__exact=<script>", "?section__id__exact=x"]
)
def test_hostile_admin_list_parameters_get_a_page(chief, article, query):
    response = chief.get(reverse("admin:articles_article_changelist") + query)
    assert response.status_code in (200, 302)


def test_a_section_cannot_become_its_own_ancestor(chief):
    parent = Section.objects.create(name="要闻", slug="yaowen")
    child = Section.objects.create(name="国内", slug="guonei", parent=parent)
    url = reverse("admin:articles_section_change", args=[parent.pk])
    data = form_data(chief.get(url), form_id="section_form")
    data["parent"] = str(child.pk)
    response = chief.post(url, data)
    assertContains(response, "errornote")
    parent.refresh_from_db()
    assert parent.parent is None


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.jpg", b""),
        ("fake.jpg", b"<html><script>alert(1)</script></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("truncated.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"),
    ],
)
def test_hostile_uploads_to_the_image_library_are_refused(chief, name, content):
    response = chief.post(
        reverse("admin:articles_articleimage_add"),
        {"image": SimpleUploadedFile(name, content), "alt": "图", "caption": ""},
    )
    assert response.status_code == 200
    assertContains(response, "errornote")
    assert not ArticleImage.objects.exists()


def test_the_editor_s_upload_endpoint_answers_bad_json_with_400(chief):
    url = reverse("admin:articles_articleimage_upload")
    response = chief.post(url, data=b"{not json", content_type="application/json")
    assert 400 <= response.status_code < 500


# --- XSS through every field a reader or editor sees -----------------------------------------


def test_hostile_text_fields_are_escaped_everywhere_they_show(client, chief, make_article):
    article = make_article(
        title=f"标题{EVIL}",
        subtitle=f"副题{ATTR}",
        summary="导语</script><script>alert(2)</script>",
        author=f"作者{EVIL}",
        editor=f"编辑{ATTR}",
        source=f"来源{EVIL}",
        reprint_note=f"转载{EVIL}",
        cover_alt=f"图{ATTR}",
        cover_caption=f"说明{EVIL}",
        tags=[f"标签{ATTR}"],
        published_at=timezone.now() - timedelta(minutes=1),
    )
    tag = Tag.objects.get()
    pages = {
        "article": client.get(article.get_absolute_url()),
        "home": client.get("/zh-hans/"),
        "home zh-hant": client.get("/zh-hant/"),
        "tag": client.get(tag.get_absolute_url()),
        "feed": client.get("/zh-hans/feed/"),
        "atom": client.get("/zh-hans/feed/atom/"),
        "search": client.get("/zh-hans/search/?q=标题"),
        "admin list": chief.get(reverse("admin:articles_article_changelist")),
        "admin form": chief.get(reverse("admin:articles_article_change", args=[article.pk])),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        body = response.content.decode()
        assert "<script>alert" not in body, name
        assert "<img src=x" not in body, name
        assert "</script><script>" not in body, name
    ld = re.search(
        r'<script type="application/ld\+json">(.*?)</script>',
        pages["article"].content.decode(),
        re.S,
    )
    data = json.loads(ld.group(1))
    items = data if isinstance(data, list) else data.get("@graph", [data])
    headlines = [item.get("headline") for item in items if item.get("headline")]
    assert headlines == [f"标题{EVIL}"]  # the text itself, safely inside JSON


def test_a_hostile_section_name_is_escaped_in_the_navigation(client, make_article, make_section):
    make_article(section=make_section(name=f"栏目{EVIL}", slug="evil"))
    assertNotContains(client.get("/zh-hans/"), "<script>alert")


def test_an_uploaded_file_name_never_reaches_a_page(chief):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    name = '"><svg onload=alert(1)>.png'
    chief.post(
        reverse("admin:articles_articleimage_add"),
        {"image": SimpleUploadedFile(name, buffer.getvalue()), "alt": "红色方块", "caption": ""},
    )
    image = ArticleImage.objects.get()
    assert "svg" not in image.image.name and "onload" not in image.image.name
    assertNotContains(chief.get(reverse("admin:articles_articleimage_changelist")), "<svg onload")


# --- Chinese edge cases: saved and reloaded byte for byte ----------------------------------------

EDGE_TEXTS = {
    "non-BMP 𠮷": "𠮷野家的𠀋字与𪚥字",
    "variation selector": "葛\U000e0100城与葛城",
    "emoji sequences": "全家👨\u200d👩\u200d👧出游，点赞👍🏽，国旗🇨🇳",
    "full-width punctuation": "「引号」『书名』，。！？；：（括号）——破折号……省略号",
    "ideographic space": "第一段\u3000第二段",
    "mixed scripts": "简体软件与繁體軟體並存",
}


@pytest.mark.parametrize("text", EDGE_TEXTS.values(), ids=EDGE_TEXTS.keys())
def test_chinese_edge_cases_survive_the_admin_byte_for_byte(chief, section, text):
    data = new_article_data(section, title=text, summary=text, body=f"<p>{text}</p>")
    response = chief.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.title, article.summary, article.body) == (text, text, f"<p>{text}</p>")
    reopened = form_data(chief.get(reverse("admin:articles_article_change", args=[article.pk])))
    assert reopened["title"] == text


def test_a_100000_character_unbroken_body_survives(chief, section):
    text = ("中文长段落没有任何标点或空格" * 7200)[:100_000]
    data = new_article_data(section, body=f"<p>{text}</p>")
    assert chief.post(reverse("admin:articles_article_add"), data).status_code == 302
    article = Article.objects.get()
    assert article.body == f"<p>{text}</p>"
    article.status = Article.Status.PUBLISHED
    article.published_at = timezone.now()
    article.save()
    page = chief.get(article.get_absolute_url().replace("/zh-hans/", "/zh-hant/"))
    assert page.status_code == 200


def test_zero_width_characters_do_not_make_a_lookalike_tag(make_article):
    make_article(tags=["新闻"])
    make_article(tags=["新\u200b闻"])
    names = list(Tag.objects.values_list("name", flat=True))
    assert names == ["新闻"]
