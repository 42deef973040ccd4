"""
Feed import (采集): RSS, Atom and JSON items become drafts, once, without
touching what editors changed; broken input fails alone and loudly; hostile
files and markup do no harm. The samples are in tests/data/import/.
"""

import json
import threading
import time
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
import reversion
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from reversion.models import Version

from articles import importers
from articles.importers import sources
from articles.models import Article, Transition
from newsportal.conversion import HANS, HANT

DATA = Path(__file__).parent / "data" / "import"
SAMPLES = [DATA / "feed.rss", DATA / "feed.atom", DATA / "items.json"]


def run(*locations, section="caijing", **options):
    """Run the command; ``(stdout, stderr)``. Raises ``CommandError`` as the command does."""
    out, err = StringIO(), StringIO()
    call_command(
        "import_articles", *map(str, locations), section=section, stdout=out, stderr=err, **options
    )
    return out.getvalue(), err.getvalue()


def run_failing(*locations, **options):
    """Run a command that must fail; ``(stdout, stderr, error message)``."""
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(
            "import_articles",
            *map(str, locations),
            section=options.pop("section", "caijing"),
            stdout=out,
            stderr=err,
            **options,
        )
    return out.getvalue(), err.getvalue(), str(failure.value)


def assert_harmless(body):
    for hostile in ("<script", "onclick", "onerror", "onmouseover", "javascript:", "<iframe",
                    "<style", "style=", "document.cookie", "display:none", "\x00"):  # fmt: skip
        assert hostile not in body


# Each format ---------------------------------------------------------------------


def test_rss_items_become_drafts_with_their_fields(section, editor):
    out, err = run(DATA / "feed.rss", user="editor", verbosity=2)

    assert err == ""
    assert "新建 created 3，跳过 skipped 0，失败 failed 0" in out
    assert "RSS 2.0，3 条" in out
    lvdao = Article.objects.get(title="江城绿道二期今日开工")
    assert lvdao.status == Article.Status.DRAFT
    assert lvdao.published_at is None
    assert lvdao.section == section
    assert lvdao.created_by == editor
    assert lvdao.source == "江城晨报"
    assert lvdao.source_url == "https://jiangcheng.example/news/lvdao-2"
    # A bare GUID is unique only within its feed: it is kept qualified by the feed's link.
    assert lvdao.import_guid == "https://jiangcheng.example/#jc-20250603-01"
    assert lvdao.source_published_at == datetime(2025, 6, 3, 1, 30, tzinfo=UTC)
    assert timezone.is_aware(lvdao.source_published_at)
    assert lvdao.author == "周明远"
    assert lvdao.summary == "绿道二期全长十二公里，预计明年通车。"
    assert sorted(lvdao.tags.names()) == ["交通", "城建"]
    assert "沿江串起三座公园" in lvdao.body
    assert '<a href="https://jiangcheng.example/notice"' in lvdao.body
    assert_harmless(lvdao.body)
    assert "lvdao.jpg" not in lvdao.body  # enclosures are noted, never put in the body
    assert f"文章 #{lvdao.pk}" in out


def test_rss_traditional_item_keeps_its_text_and_script(section):
    run(DATA / "feed.rss")

    book_fair = Article.objects.get(source_url="https://jiangcheng.example/news/shuzhan")
    assert book_fair.title == "港灣書展週末登場"
    assert book_fair.field_scripts["title"] == HANT
    assert book_fair.field_scripts["body"] == HANT
    # No GUID: the link is the identity. A plain-text description becomes paragraphs.
    assert book_fair.import_guid == "https://jiangcheng.example/news/shuzhan"
    assert book_fair.body == (
        "<p>今年書展共有三百多家出版社參展，主辦單位預計入場人數會比去年多。</p>"
        "<p>週六晚上另有作家對談，歡迎讀者到場交流。</p>"
    )
    assert book_fair.author == "陳詠欣"  # not the e-mail address in "chen@… (陳詠欣)"
    assert book_fair.summary == ""  # the description is the body, not repeated as summary
    assert book_fair.source_published_at == datetime(2025, 6, 4, 10, 0, tzinfo=UTC)


def test_rss_item_source_and_permalink_guid(section):
    run(DATA / "feed.rss")

    canteen = Article.objects.get(title="社区食堂试运营一周")
    assert canteen.source == "民生快讯"  # the item's <source> wins over the channel title
    assert canteen.source_url == "https://jiangcheng.example/news/shitang"
    assert canteen.import_guid == "https://jiangcheng.example/news/shitang"
    assert canteen.field_scripts["title"] == HANS


def test_atom_entries_become_drafts_with_their_fields(section):
    out, err = run(DATA / "feed.atom")

    assert err == ""
    assert "新建 created 3，跳过 skipped 0，失败 failed 0" in out
    cable = Article.objects.get(import_guid="tag:shancheng.example,2025:entry-101")
    assert cable.title == "纜車線路維修後恢復營運"
    assert cable.field_scripts["title"] == HANT
    assert cable.status == Article.Status.DRAFT
    assert cable.source == "山城週報"
    assert cable.source_url == "https://shancheng.example/articles/101"
    assert cable.source_published_at == datetime(2025, 6, 5, 0, 0, tzinfo=UTC)  # published
    assert cable.author == "林嘉慧"
    assert cable.summary == "纜車停駛兩週後今天恢復營運。"
    assert sorted(cable.tags.names()) == ["交通", "旅遊"]  # a category's label over its term
    assert "票價維持不變" in cable.body
    assert '<img src="https://shancheng.example/a.png" alt="纜車">' in cable.body
    assert_harmless(cable.body)

    drains = Article.objects.get(title="老城区雨水管网改造完成")
    assert drains.import_guid == "https://shancheng.example/articles/102"  # no <id>: the link
    assert drains.source_published_at == datetime(2025, 6, 4, 2, 30, tzinfo=UTC)  # updated
    assert drains.body.startswith("<p>老城区雨水管网改造历时八个月，今天通过验收。</p><p>")
    assert drains.field_scripts["body"] == HANS

    night_market = Article.objects.get(import_guid="tag:shancheng.example,2025:entry-103")
    assert night_market.title == "夜市延長營業時間"  # an HTML title, as plain text
    assert "夜市攤位即日起延長營業至午夜十二點。" in night_market.body


def test_json_items_become_drafts_with_their_fields(section):
    out, err = run(DATA / "items.json")

    assert err == ""
    assert "新建 created 3，跳过 skipped 0，失败 failed 0" in out
    park = Article.objects.get(import_guid="https://haibin.example/#hb-2025-0601")
    assert park.title == "海滨公园新增无障碍步道"
    assert park.status == Article.Status.DRAFT
    assert park.summary == "步道全长八百米，连接公园三个入口。"
    assert park.source == "海滨日报"
    assert park.source_url == "https://haibin.example/news/601"
    assert park.source_published_at == datetime(2025, 6, 1, 2, 0, tzinfo=UTC)
    assert park.author == "许海宁"
    assert sorted(park.tags.names()) == ["公园", "无障碍", "民生"]  # 、，; split tags
    assert "<strong>今天开放</strong>" in park.body
    assert_harmless(park.body)

    harbour = Article.objects.get(source_url="https://haibin.example/news/602")
    assert harbour.field_scripts["title"] == HANT
    assert harbour.source == "漁港通訊"
    assert harbour.body == (
        "<p>今年開漁節首日吸引上萬名遊客。</p><p>漁民表示，今年的漁獲比往年豐富。</p>"
    )
    # No offset: the site's time zone.
    assert harbour.source_published_at == timezone.make_aware(datetime(2025, 6, 2, 16, 30))


def test_json_nul_bytes_are_stripped_and_a_summary_alone_makes_the_body(section):
    run(DATA / "items.json")

    heat = Article.objects.get(import_guid="https://haibin.example/#hb-2025-0603")
    assert heat.title == "海滨气象站发布高温提醒"
    assert heat.body == "<p>未来三天最高气温可达三十五度，请注意防暑。</p>"
    assert heat.summary == ""
    assert heat.source_url == ""
    assert heat.source_published_at is None


def test_control_characters_in_xml_are_stripped(section, tmp_path):
    feed = tmp_path / "control.rss"
    feed.write_bytes(
        "<rss version='2.0'><channel><title>江城晨报</title><item><guid>ctl-1</guid>"
        "<title>标题\x00里有\x0b控制字符</title><description>正文\x1f一段</description>"
        "</item></channel></rss>".encode()
    )
    run(feed)

    article = Article.objects.get()
    assert article.title == "标题里有控制字符"
    assert article.body == "<p>正文一段</p>"


def test_big5_feed_is_read_in_its_declared_encoding(section, tmp_path):
    feed = tmp_path / "big5.rss"
    feed.write_bytes(
        '<?xml version="1.0" encoding="Big5"?><rss version="2.0"><channel><title>臺北街訊</title>'
        "<item><guid>https://taipei.example/1</guid><title>捷運新站啟用</title>"
        "<description>捷運新站今天啟用，沿線居民通勤更方便。</description></item>"
        "</channel></rss>".encode("big5")
    )
    run(feed)

    article = Article.objects.get()
    assert article.title == "捷運新站啟用"
    assert article.source == "臺北街訊"
    assert article.field_scripts["title"] == HANT


def test_long_title_is_cut_with_an_ellipsis(section, tmp_path):
    feed = tmp_path / "long.json"
    feed.write_text(
        '{"items": [{"url": "https://haibin.example/long", "title": "' + "很长的标题" * 60 + '",'
        '"body_html": "<p>正文</p>"}]}',
        encoding="utf-8",
    )
    run(feed)

    title = Article.objects.get().title
    assert len(title) == 200
    assert title.endswith("…")
    assert title.startswith("很长的标题很长的标题")


def test_source_option_overrides_the_feed_name(section):
    run(DATA / "feed.atom", source="合作媒体")

    assert set(Article.objects.values_list("source", flat=True)) == {"合作媒体"}


def test_import_records_a_transition_and_a_revision(section, editor):
    run(DATA / "feed.rss", user="editor")

    lvdao = Article.objects.get(title="江城绿道二期今日开工")
    transition = Transition.objects.get(article=lvdao)
    assert (transition.from_status, transition.to_status) == ("", Article.Status.DRAFT)
    assert transition.user == editor
    assert transition.note == (
        "采集自 江城晨报；原文配图（未下载）：https://img.jiangcheng.example/lvdao.jpg"
    )
    assert reversion.is_registered(Article)  # the article admin registers it
    version = Version.objects.get_for_object(lvdao).get()
    assert version.revision.comment == "采集导入：江城晨报"
    assert version.revision.user == editor


def test_import_without_a_user_records_no_user(section):
    run(DATA / "feed.atom")

    assert not Article.objects.filter(created_by__isnull=False).exists()
    assert Transition.objects.filter(user=None).count() == 3
    assert Transition.objects.get(article__source_url__endswith="/101").note == (
        "采集自 山城週報；原文配图（未下载）：https://shancheng.example/cable.png"
    )


# Re-import -----------------------------------------------------------------------


def test_reimport_creates_nothing_and_reports_skips(section):
    run(*SAMPLES)
    count = Article.objects.count()

    out, err = run(*SAMPLES, verbosity=2)

    assert count == 9
    assert Article.objects.count() == count
    assert Transition.objects.count() == count
    assert err == ""
    assert "新建 created 0，跳过 skipped 9，失败 failed 0" in out
    first = Article.objects.get(title="江城绿道二期今日开工")
    assert f"跳过，已导入过（文章 #{first.pk}）" in out


def test_reimport_does_not_overwrite_an_edited_article(section):
    run(DATA / "feed.rss")
    edited = Article.objects.get(title="江城绿道二期今日开工")
    edited.title = "编辑改过的标题"
    edited.body = "<p>编辑重写的正文。</p>"
    edited.status = Article.Status.REVIEW
    edited.save()

    out, _ = run(DATA / "feed.rss")

    edited.refresh_from_db()
    assert (edited.title, edited.body, edited.status, edited.version) == (
        "编辑改过的标题", "<p>编辑重写的正文。</p>", Article.Status.REVIEW, 1,
    )  # fmt: skip
    assert "新建 created 0，跳过 skipped 3" in out


def test_item_whose_link_an_article_already_has_is_skipped(make_article):
    existing = make_article(
        title="编辑手工录入的书展稿", source_url="https://jiangcheng.example/news/shuzhan"
    )

    out, _ = run(DATA / "feed.rss", verbosity=2)

    assert "新建 created 2，跳过 skipped 1" in out
    assert f"港灣書展週末登場》：跳过，已导入过（文章 #{existing.pk}）" in out
    existing.refresh_from_db()
    assert existing.title == "编辑手工录入的书展稿"
    assert existing.import_guid == ""


# Broken input --------------------------------------------------------------------


def test_broken_rss_items_fail_alone_and_the_command_fails(section):
    out, err, message = run_failing(DATA / "broken-items.rss")

    assert set(Article.objects.values_list("title", flat=True)) == {
        "地铁五号线试运行", "江城图书馆延长开放时间",
    }  # fmt: skip
    assert "新建 created 2，跳过 skipped 0，失败 failed 4" in out
    assert message == "4 项导入失败 / 4 failed"
    assert "第 2 条《没有标识也没有网址的条目》：失败，既没有 guid/id，也没有原文网址" in err
    assert (
        "第 3 条 [jc-broken-03]《发布时间写错的条目》：失败，无法识别的发布时间：下周二上午" in err
    )
    assert "第 4 条 [javascript:alert(document.cookie)]" in err
    assert "原文网址无效" in err
    assert "第 5 条 [jc-broken-05]：失败，没有标题" in err
    assert Transition.objects.count() == 2


def test_broken_json_items_fail_alone_and_the_command_fails(section):
    out, err, _ = run_failing(DATA / "broken-items.json")

    assert set(Article.objects.values_list("title", flat=True)) == {
        "海滨渡轮加开夜班", "海滨夜跑活动报名开始",
    }  # fmt: skip
    assert "新建 created 2，跳过 skipped 0，失败 failed 5" in out
    assert "第 2 条 [hb-broken-2]《标签写成了字符串》：失败，字段类型不对：tags" in err
    assert "第 3 条：失败，条目应是一个 JSON 对象" in err
    assert "第 4 条 [hb-broken-4]：失败，没有标题" in err
    assert "无法识别的发布时间：六月五日（应为 ISO 8601）" in err
    assert "第 6 条 [hb-broken-6]《只有标题没有正文》：失败，没有正文" in err
    run_it = Article.objects.get(title="海滨夜跑活动报名开始")
    assert run_it.body == "<p>报名截至本周五。</p>"


def test_malformed_file_is_reported_and_other_inputs_still_run(section):
    out, err, _ = run_failing(DATA / "malformed.rss", DATA / "feed.rss")

    assert f"{DATA / 'malformed.rss'}：无法导入，XML 格式错误（第 9 行第 7 列）" in err
    assert Article.objects.count() == 3
    assert "新建 created 3，跳过 skipped 0，失败 failed 1" in out


def test_malformed_json_is_reported_with_its_position(section):
    _, err, _ = run_failing(DATA / "malformed.json")

    assert "无法导入，JSON 格式错误（第 4 行第 45 列）：Expecting ',' delimiter" in err
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "文件是空的"),
        (b"<html><body><p>not a feed</p></body></html>", "不是 RSS、Atom 或 JSON 文件"),
        (b'["a list"]', "JSON 顶层应是一个对象，含 items 列表"),
        (b'{"items": [}', "JSON 格式错误（第 1 行第 12 列）"),
        ('{"items": [{"title": "标"}]}'.encode("gbk"), "JSON 文件必须是 UTF-8 编码"),
        (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><item>'
            "<title>中文</title></item></channel></rss>".encode("gbk"),
            "无法按声明的编码读取文件",
        ),
    ],
)
def test_unreadable_content_is_a_clear_input_failure(section, tmp_path, content, reason):
    path = tmp_path / "input"
    path.write_bytes(content)

    _, err, _ = run_failing(path)

    assert f"{path}：无法导入，{reason}" in err
    assert not Article.objects.exists()


def test_missing_file_is_reported(section, tmp_path):
    _, err, _ = run_failing(tmp_path / "nowhere.rss")

    assert "无法导入，无法读取文件：No such file or directory" in err


def test_unknown_section_is_a_command_error_listing_the_slugs(section, make_section):
    make_section(slug="shehui")

    with pytest.raises(
        CommandError, match="没有网址名为“keji”的栏目。可用的栏目：caijing, shehui"
    ):
        run(DATA / "feed.rss", section="keji")
    assert not Article.objects.exists()


def test_unknown_user_is_a_command_error(section):
    with pytest.raises(CommandError, match="没有用户名为“nobody”的用户"):
        run(DATA / "feed.rss", user="nobody")
    assert not Article.objects.exists()


def test_section_is_required():
    with pytest.raises(CommandError, match="--section"):
        call_command("import_articles", str(DATA / "feed.rss"))


# Hostile files -------------------------------------------------------------------


def one_line_laughs(tmp_path):
    """Billion laughs on one line: feedparser's own entity stripping misses this form."""
    levels = ['<!ENTITY a0 "ha">'] + [
        f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10)
    ]
    path = tmp_path / "laughs.rss"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE rss [{"".join(levels)}]><rss version="2.0"><channel>'
        "<item><guid>https://evil.example/2</guid><title>&a9;</title></item></channel></rss>",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("make_file", [lambda tmp: DATA / "billion-laughs.xml", one_line_laughs])
def test_billion_laughs_is_refused_at_once(section, tmp_path, make_file):
    started = time.monotonic()
    _, err, _ = run_failing(make_file(tmp_path))

    assert time.monotonic() - started < 2
    assert "无法导入，出于安全原因，拒绝声明实体（<!ENTITY>）的 XML 文件" in err
    assert not Article.objects.exists()


@pytest.mark.parametrize("hiding", ["", "<!-- <item> -->", "\n<!-- a comment -->\n"])
def test_external_entity_never_reads_a_local_file(section, tmp_path, hiding):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    feed = tmp_path / "xxe.rss"
    feed.write_text(
        f'<?xml version="1.0"?>{hiding}<!DOCTYPE rss [{hiding}<!ENTITY xxe SYSTEM '
        f'"{secret.as_uri()}">]><rss version="2.0"><channel><title>x</title><item>'
        "<guid>https://evil.example/1</guid><title>&xxe;标题</title>"
        "<description>&xxe;</description></item></channel></rss>",
        encoding="utf-8",
    )

    _, err, _ = run_failing(feed)

    assert "拒绝声明实体" in err
    assert "TOP-SECRET-VALUE" not in err
    assert not Article.objects.exists()


# Helpers ---------------------------------------------------------------------------


def test_plain_text_becomes_escaped_paragraphs():
    assert importers.paragraphs("甲 < 乙\n\n第二段\n第二行\n\n\n") == (
        "<p>甲 &lt; 乙</p><p>第二段<br>第二行</p>"
    )


def test_html_to_text_drops_scripts_and_keeps_words_apart():
    assert importers.html_to_text("<p>一</p><p>二 &amp; 三</p><script>x()</script>") == (
        "一 二 & 三"
    )


# URLs ------------------------------------------------------------------------------


@pytest.fixture
def web(monkeypatch):
    """An HTTP server on 127.0.0.1 serving tests/data/import, plus a few special paths."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    user_agents, pages = [], {}

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(DATA), **kwargs)

        def do_GET(self):
            user_agents.append(self.headers["User-Agent"])
            if self.path.startswith("/redirect?"):
                self.send_response(302)
                self.send_header("Location", self.path.partition("?")[2])
                self.end_headers()
            elif self.path in pages:
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.end_headers()
                self.wfile.write(pages[self.path])
            elif self.path == "/slow":
                time.sleep(1.5)
                self.send_error(504)
            else:
                super().do_GET()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(
        url=f"http://127.0.0.1:{server.server_port}", user_agents=user_agents, pages=pages
    )
    server.shutdown()
    server.server_close()


def test_feed_is_imported_from_an_http_url(section, web):
    out, err = run(f"{web.url}/feed.rss", f"{web.url}/items.json")

    assert err == ""
    assert "新建 created 6，跳过 skipped 0，失败 failed 0" in out
    assert web.user_agents == [sources.USER_AGENT] * 2
    assert Article.objects.get(title="港灣書展週末登場").field_scripts["title"] == HANT


def test_relative_links_resolve_against_the_feed_url(section, web):
    web.pages["/feeds/relative.rss"] = (
        '<rss version="2.0"><channel><title>江城晨报</title><item><title>相对链接</title>'
        "<link>/news/relative</link><description>正文</description></item></channel></rss>"
    ).encode()

    run(f"{web.url}/feeds/relative.rss")

    assert Article.objects.get().source_url == f"{web.url}/news/relative"


def test_http_error_is_an_input_failure(section, web):
    _, err, _ = run_failing(f"{web.url}/missing.rss")

    assert "missing.rss：无法导入，服务器返回 HTTP 404" in err


def test_download_over_the_size_cap_is_refused(section, web, monkeypatch):
    monkeypatch.setattr(sources, "MAX_BYTES", 1024)

    _, err, _ = run_failing(f"{web.url}/feed.rss")

    assert "无法导入，文件超过" in err
    assert not Article.objects.exists()


def test_slow_server_times_out(section, web, monkeypatch):
    monkeypatch.setattr(sources, "FETCH_TIMEOUT", 0.3)

    _, err, _ = run_failing(f"{web.url}/slow")

    assert "无法导入，无法下载：timed out" in err


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://127.0.0.1/feed.rss"])
def test_other_url_schemes_are_refused(section, location):
    _, err, _ = run_failing(location)

    assert f"{location}：无法导入，只支持 http(s) 网址；本地文件请直接给出路径" in err


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/feed.rss"])
def test_redirect_to_another_scheme_is_refused(section, web, target):
    _, err, _ = run_failing(f"{web.url}/redirect?{target}")

    assert f"无法导入，拒绝跳转到非 http(s) 网址：{target}" in err
    assert not Article.objects.exists()


def test_redirect_to_another_http_url_is_followed(section, web):
    out, _ = run(f"{web.url}/redirect?/feed.atom")

    assert "新建 created 3" in out
    assert web.user_agents == [sources.USER_AGENT] * 2


def test_nul_in_the_feed_s_source_name_does_not_fail_its_items(section, tmp_path):
    """The source name reaches the revision comment and transition note; PostgreSQL refuses NUL."""
    feed = tmp_path / "nul-source.json"
    feed.write_text(
        json.dumps(
            {
                "source": "江城\x00晨报",
                "items": [{"guid": "nul-1", "title": "来源名里有空字符", "summary": "一段正文。"}],
            }
        ),
        encoding="utf-8",
    )
    run(feed)

    article = Article.objects.get(title="来源名里有空字符")
    assert "\x00" not in article.source
    assert "\x00" not in article.transitions.get().note
