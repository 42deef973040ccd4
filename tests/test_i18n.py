"""
The site's own interface strings through Django's i18n: each variant reads its
own wording (Taiwan and Hong Kong phrasing where it differs), the interface
chrome of a Traditional page holds no Simplified character, the variant a
reader lands on, and the admin in the script of the reader's choice.
"""

import gettext
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import check_for_language, override
from pytest_django.asserts import assertContains, assertNotContains

from articles import views
from articles.models import Article
from newsportal.conversion import script_counts

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME
TRADITIONAL = ["zh-hant", "zh-tw", "zh-hk"]
LABELS = {"zh-hans": "简体", "zh-hant": "繁體", "zh-tw": "臺灣", "zh-hk": "香港"}


class _InterfaceText(HTMLParser):
    """
    The text a reader sees that the site wrote, not its editors: everything
    outside elements marked with a ``lang`` of their own (content fields) and
    outside ``translate="no"`` (the toggle, whose labels are in their own script).
    """

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    READABLE = ("title", "alt", "aria-label", "placeholder")

    def __init__(self):
        super().__init__()
        self.stack = []
        self.parts = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = bool(self.stack and self.stack[-1]) or (
            tag != "html" and ("lang" in attrs or attrs.get("translate") == "no")
        )
        if not hidden:
            self.parts.extend(attrs[name] or "" for name in self.READABLE if name in attrs)
            if tag == "meta" and attrs.get("name") == "description":
                self.parts.append(attrs.get("content") or "")
        if tag not in self.VOID:
            self.stack.append(hidden)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def interface_text(response):
    parser = _InterfaceText()
    parser.feed(response.content.decode())
    return " ".join(part.strip() for part in parser.parts if part.strip())


@pytest.fixture
def site(make_section, make_article, add_views, monkeypatch):
    """A small portal with every piece of chrome a page can show, page 2 included."""
    monkeypatch.setattr(views.ArticleListMixin, "paginate_by", 1)
    parent = make_section(name="财经频道", slug="finance")
    make_section(name="消费电商", slug="ecommerce", parent=parent)
    make_article(title="头条新闻标题", section=parent, is_featured=True, tags=["新闻", "经济"])
    second = make_article(
        title="第二篇新闻",
        section=parent,
        tags=["新闻"],
        author="陈航",
        editor="林小雨",
        source="新闻门户",
        source_url="https://example.com/source",
    )
    for article in Article.objects.all():
        add_views(article, 3)  # both on the hot lists
    return {
        "home": "/",
        "section": "/finance/?page=2",
        "article": f"/finance/{second.pk}/",
        "tag": f"/tags/{quote('新闻')}/?page=2",
        "not found": "/no-such-section/",
    }


# --- Each variant's wording ------------------------------------------------------


@pytest.mark.parametrize(
    ("variant", "label"),
    [
        ("zh-hans", "点击排行"),
        ("zh-hant", "點擊排行"),
        ("zh-tw", "熱門點閱"),
        ("zh-hk", "熱門排行"),
    ],
)
def test_hot_list_title_is_in_each_variants_own_wording(client, site, variant, label):
    response = client.get(f"/{variant}/")
    assertContains(response, f'<h2 id="hot-title" class="panel-title">{label}</h2>')


@pytest.mark.parametrize(
    ("variant", "home", "keywords", "breadcrumb"),
    [
        ("zh-hans", "首页", "今日关键词", "当前位置"),
        ("zh-hant", "首頁", "今日關鍵詞", "當前位置"),
        ("zh-tw", "首頁", "今日關鍵字", "目前位置"),
        ("zh-hk", "主頁", "今日關鍵詞", "當前位置"),
    ],
)
def test_navigation_reads_in_each_variants_own_wording(
    client, site, variant, home, keywords, breadcrumb
):
    assertContains(client.get(f"/{variant}/"), f">{keywords}</h2>")
    response = client.get(f"/{variant}{site['section']}")
    assertContains(response, f'<li><a href="/{variant}/">{home}</a></li>')
    assertContains(response, f'<nav class="breadcrumb" aria-label="{breadcrumb}">')


@pytest.mark.parametrize(
    ("variant", "title"),
    [
        ("zh-hans", "页面不存在"),
        ("zh-hant", "頁面不存在"),
        ("zh-tw", "找不到網頁"),
        ("zh-hk", "網頁不存在"),
    ],
)
def test_not_found_page_title_is_in_each_variants_own_wording(client, db, variant, title):
    response = client.get(f"/{variant}/no-such-section/")
    assert response.status_code == 404
    assertContains(response, f"<title>{title} - ", status_code=404)
    assertContains(response, f'<h1 id="error-title">{title}</h1>', status_code=404)


@pytest.mark.parametrize(
    ("variant", "title"),
    [
        ("zh-hans", "服务器出错"),
        ("zh-hant", "服務器出錯"),
        ("zh-tw", "伺服器發生錯誤"),
        ("zh-hk", "伺服器出錯"),
    ],
)
def test_server_error_page_is_in_each_variants_own_wording(variant, title):
    with override(variant):
        html = render_to_string("500.html")
    assert f"<h1>{title}</h1>" in html
    assert f'<html lang="{variant}">' in html


def test_tag_page_counts_articles_in_each_variant(client, site):
    for variant in LABELS:
        assertContains(client.get(f"/{variant}/tags/{quote('新闻')}/"), "共 2 篇文章")


@pytest.mark.parametrize(
    ("variant", "banner"),
    [
        ("zh-hans", "预览：这篇文章尚未公开（待审），读者看不到本页。"),
        ("zh-tw", "預覽：這篇文章尚未公開（待審），讀者看不到本頁。"),
        ("zh-hk", "預覽：這篇文章尚未公開（待審），讀者看不到本頁。"),
    ],
)
def test_preview_banner_reads_in_the_variant_with_the_status_label(
    editor_client, make_article, variant, banner
):
    article = make_article(status=Article.Status.REVIEW)
    with override(variant):
        response = editor_client.get(article.get_absolute_url())
    assertContains(response, banner)


def test_scheduled_preview_banner_reads_in_taiwan_wording(editor_client, make_article):
    when = timezone.now() + timedelta(days=1)
    article = make_article(published_at=when)
    with override("zh-tw"):
        response = editor_client.get(article.get_absolute_url())
    assertContains(response, f"預定於 {timezone.localtime(when):%Y-%m-%d %H:%M} 發布")


# --- Reading wholly in one's script ----------------------------------------------


@pytest.mark.parametrize("variant", TRADITIONAL)
@pytest.mark.parametrize("kind", ["home", "section", "article", "tag", "not found"])
def test_interface_of_traditional_pages_has_no_simplified_character(client, site, variant, kind):
    response = client.get(f"/{variant}{site[kind]}")
    assert response.status_code == (404 if kind == "not found" else 200)
    text = interface_text(response)
    assert re.search("首頁|主頁", text)  # the chrome was read, not skipped
    simplified, _traditional = script_counts(text)
    assert simplified == 0, text


def test_interface_of_the_simplified_page_has_no_traditional_character(client, site):
    for kind in ["home", "section", "article", "tag"]:
        text = interface_text(client.get(f"/zh-hans{site[kind]}"))
        assert script_counts(text)[1] == 0, text


@pytest.mark.parametrize("variant", LABELS)
def test_root_lang_names_the_script_the_interface_was_written_in(rf, variant):
    # Before conversion: the middleware takes the root's lang for the interface text.
    request = rf.get(f"/{variant}/no-such-section/")
    with override(variant):
        html = render_to_string("404.html", request=request)
    script = "zh-Hans" if variant == "zh-hans" else "zh-Hant"
    assert f'<html lang="{script}">' in html


@pytest.mark.parametrize("variant", LABELS)
def test_toggle_shows_all_four_labels_as_written_on_every_variant(client, site, variant):
    response = client.get(f"/{variant}/")
    for code, label in LABELS.items():
        assertContains(response, f'<a href="/{code}/" hreflang=')
        assertContains(response, f">{label}</a>", count=1)


def test_taiwan_page_shows_taiwan_phrasing_of_simplified_content(client, make_article):
    article = make_article(title="新品发布", body="<p>这款软件需要更多内存。</p>")
    with override("zh-tw"):
        taiwan = client.get(article.get_absolute_url())
    assertContains(taiwan, "軟體")
    assertContains(taiwan, "記憶體")
    assertNotContains(taiwan, "軟件")
    with override("zh-hk"):
        hong_kong = client.get(article.get_absolute_url())
    assertContains(hong_kong, "軟件")
    assertContains(hong_kong, "內存")
    assertNotContains(hong_kong, "記憶體")


# --- Landing on a variant ----------------------------------------------------------


@pytest.mark.parametrize(
    ("remembered", "accept_language"),
    [("zh-tw", "zh-CN"), ("zh-tw", "zh-HK"), ("zh-hk", "zh-TW"), ("zh-hant", "zh-TW")],
)
def test_remembered_regional_choice_wins_over_accept_language(client, remembered, accept_language):
    client.cookies[COOKIE] = remembered
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response["Location"] == f"/{remembered}/"


def test_visiting_a_taiwan_page_remembers_the_choice(client, db):
    response = client.get("/zh-tw/")
    assert response.cookies[COOKIE].value == "zh-tw"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")["Location"] == "/zh-tw/"


# --- The admin ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("remembered", "username"),
    [
        ("zh-hans", "用户名"),
        ("zh-hant", "使用者名稱"),
        ("zh-tw", "使用者名稱"),
        ("zh-hk", "使用者名稱"),
    ],
)
def test_admin_login_page_follows_the_script_of_the_readers_choice(client, remembered, username):
    client.cookies[COOKIE] = remembered
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assertContains(response, username)


def test_admin_in_traditional_does_not_change_where_the_root_redirects(client):
    client.cookies[COOKIE] = "zh-hk"
    client.get("/admin/login/")
    assert client.get("/")["Location"] == "/zh-hk/"


# --- The catalogues -----------------------------------------------------------------

LOCALE = Path(settings.BASE_DIR) / "locale"


def _po_entries(path):
    """(references, fields) of each entry of a .po file, header excluded."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields = {}
        key = None
        references = []
        for line in block.splitlines():
            if line.startswith("#:"):
                references.extend(line[2:].split())
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[key] += _unquote(line)
            else:
                key, _space, rest = line.partition(" ")
                fields[key] = _unquote(rest)
        if fields.get("msgid"):
            entries.append((references, fields))
    return entries


def _translations(fields):
    return [value for key, value in fields.items() if key.startswith("msgstr")]


def _unquote(quoted):
    return quoted.strip()[1:-1].replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


@pytest.mark.parametrize("code", [code for code, _label in settings.LANGUAGES])
def test_every_variant_has_a_catalogue_so_django_accepts_its_code(code):
    assert check_for_language(code)


@pytest.mark.parametrize("locale", ["zh_Hant", "zh_TW", "zh_HK"])
def test_every_interface_string_is_translated(locale):
    entries = _po_entries(LOCALE / locale / "LC_MESSAGES" / "django.po")
    interface = [
        fields for refs, fields in entries if any(r.startswith("templates/") for r in refs)
    ]
    assert interface
    assert [f["msgid"] for f in interface if not all(_translations(f))] == []
    for fields in interface:
        assert script_counts("".join(_translations(fields)))[0] == 0, fields


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant", "zh_TW", "zh_HK"])
def test_compiled_catalogue_matches_its_po_file(locale):
    folder = LOCALE / locale / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for _refs, fields in _po_entries(folder / "django.po"):
        msgid, translation = fields["msgid"], _translations(fields)[0]
        if "msgid_plural" in fields:
            assert compiled.ngettext(msgid, fields["msgid_plural"], 1) == (translation or msgid)
        elif translation:
            assert compiled.gettext(msgid) == translation, msgid
