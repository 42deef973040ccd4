"""
Search across scripts: a query in either script finds articles written in
either, ranked title > summary > body and newest first, with the matches
marked in the text as written; the index follows every save; and no query,
however hostile, is more than a page without results. Runs on SQLite (FTS5
trigrams) and on PostgreSQL (character pairs) alike.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

import articles.search
from articles import search
from articles.models import Article
from articles.search import folding, postgresql, sqlite
from articles.search.views import SearchView

pytestmark = pytest.mark.django_db

URL = "/zh-hans/search/"


@pytest.fixture(params=["indexed", "walked"])
def short_terms(request, monkeypatch):
    """
    On SQLite, short terms either go through the index or are checked while
    walking the newest articles, by how common they are: try both ways.
    """
    monkeypatch.setattr(sqlite, "COMMON", 2 if request.param == "indexed" else 0)
    return request.param


def titles(query, **filters):
    return [hit.article.title for hit in search.search(query, **filters)[:50]]


# --- Across scripts ----------------------------------------------------------

# (Simplified, Traditional) spellings of one term: three, two and one characters.
SPELLINGS = [("方济各", "方濟各"), ("头发", "頭髮"), ("台风", "颱風"), ("发", "髮")]
FIELDS = ["title", "summary", "body"]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("written", ["simplified", "traditional"])
@pytest.mark.parametrize("typed", ["simplified", "traditional"])
@pytest.mark.parametrize(("simplified", "traditional"), SPELLINGS)
def test_a_term_in_either_script_finds_articles_written_in_either(
    make_article, short_terms, simplified, traditional, typed, written, field
):
    term = {"simplified": simplified, "traditional": traditional}
    text = f"甲乙{term[written]}丙丁"
    fields = {"title": "无关标题", "summary": "无关导语", "body": "<p>无关正文</p>"}
    fields[field] = f"<p>{text}</p>" if field == "body" else text
    found = make_article(**fields)
    make_article(title="另一篇", summary="别的导语", body="<p>别的正文</p>")
    hits = search.search(term[typed])
    assert [hit.article.pk for hit in hits[:10]] == [found.pk]


def test_a_term_at_the_very_end_of_a_field_is_found(make_article, short_terms):
    """One- and two-character terms have no trigram of their own: the index pads each text."""
    make_article(title="沿海城市迎战台风", summary="导语", body="<p>正文最后一个字是港</p>")
    assert titles("台风") == ["沿海城市迎战台风"]
    assert titles("风") == ["沿海城市迎战台风"]
    assert titles("港") == ["沿海城市迎战台风"]


def test_latin_text_matches_regardless_of_case_and_width(make_article):
    make_article(title="ＡＢＣ电视台专访", body="<p>The NewsPortal Straße story</p>")
    assert titles("abc") == ["ＡＢＣ电视台专访"]
    assert titles("newsportal") == ["ＡＢＣ电视台专访"]
    assert titles("STRASSE") == ["ＡＢＣ电视台专访"]


def test_every_term_must_match_somewhere(make_article, short_terms):
    make_article(title="台风登陆沿海", body="<p>港口暂停作业</p>")
    make_article(title="台风远离", body="<p>内陆晴好</p>")
    assert titles("台风 港口") == ["台风登陆沿海"]
    assert titles("颱風，港口") == ["台风登陆沿海"]  # punctuation separates terms too
    assert titles("台风 机场") == []
    assert titles("台风登陆 港口") == ["台风登陆沿海"]  # a long term and a short one
    assert titles("港 沿海") == ["台风登陆沿海"]


def test_paragraphs_do_not_run_together_but_inline_markup_does(make_article):
    make_article(title="分段", body="<p>第一段末尾是头</p><p>发现新段落</p>")
    make_article(title="加粗", body="<p>剪短<b>头</b>发</p>")
    assert titles("头发") == ["加粗"]


# --- Who may be found --------------------------------------------------------


@pytest.mark.parametrize(
    "status", [Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.WITHDRAWN]
)
def test_unpublished_articles_are_never_found(make_article, status):
    make_article(title="未公开的独家报道", status=status)
    assert titles("独家报道") == []


def test_a_scheduled_article_is_found_once_its_time_comes_without_any_job(make_article):
    article = make_article(
        title="定时发布的独家报道", published_at=timezone.now() + timedelta(hours=1)
    )
    assert titles("独家报道") == []
    # Time passes (moved here by changing the time, not the clock): nothing re-indexes.
    Article.objects.filter(pk=article.pk).update(
        published_at=timezone.now() - timedelta(minutes=1)
    )
    assert titles("独家报道") == ["定时发布的独家报道"]


def test_withdrawing_with_a_queryset_update_hides_the_article_at_once(make_article):
    article = make_article(title="即将撤稿的报道")
    Article.objects.filter(pk=article.pk).update(status=Article.Status.WITHDRAWN)
    assert titles("撤稿") == []


# --- Keeping the index current -----------------------------------------------


def test_the_index_follows_edits_and_deletes(make_article):
    article = make_article(title="旧标题关于候鸟")
    assert titles("候鸟") == ["旧标题关于候鸟"]
    article.title = "新标题关于湿地"
    article.save()
    assert titles("候鸟") == []
    assert titles("濕地") == ["新标题关于湿地"]
    article.delete()
    assert titles("湿地") == []


def test_reindex_catches_up_with_text_changed_by_a_queryset_update(make_article):
    article = make_article(title="原来的标题")
    Article.objects.filter(pk=article.pk).update(title="批量改过的标题")
    assert titles("批量") == []
    search.reindex([article.pk])
    assert titles("批量") == ["批量改过的标题"]
    assert titles("原来") == []


def test_rebuild_command_indexes_articles_that_bypassed_save(make_article, section):
    make_article(title="正常保存的文章")
    Article.objects.bulk_create(
        [Article(title="批量导入的文章", body="<p>正文</p>", section=section,
                 status=Article.Status.PUBLISHED, published_at=timezone.now())]
    )  # fmt: skip
    assert titles("文章") == ["正常保存的文章"]
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "2 篇文章" in out.getvalue()
    assert sorted(titles("文章")) == ["批量导入的文章", "正常保存的文章"]


# --- Ranking and results -----------------------------------------------------


def test_ranking_is_title_then_summary_then_body_newest_first_on_ties(make_article):
    now = timezone.now()
    in_body_new = make_article(title="甲", summary="乙", body="<p>熊猫</p>", published_at=now)
    in_title_old = make_article(title="熊猫", published_at=now - timedelta(days=3))
    in_summary = make_article(title="丙", summary="熊猫", published_at=now - timedelta(days=1))
    in_title_new = make_article(title="大熊猫", published_at=now - timedelta(hours=1))
    hits = search.search("熊猫")
    assert [hit.article for hit in hits[:10]] == [
        in_title_new,
        in_title_old,
        in_summary,
        in_body_new,
    ]


def test_ranking_adds_up_where_each_term_is(make_article):
    now = timezone.now()
    both_in_body = make_article(title="甲", body="<p>候鸟 湿地</p>", published_at=now)
    one_in_title = make_article(title="候鸟", body="<p>湿地</p>", published_at=now - timedelta(1))
    assert [hit.article for hit in search.search("湿地 候鸟")[:5]] == [one_in_title, both_in_body]


def test_searches_go_through_the_index(make_article):
    make_article(title="熊猫报道")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The query's expression must be the index's, or the index is never used.
            cursor.execute("SET LOCAL enable_seqscan = off")
            sql = f"EXPLAIN SELECT 1 FROM articles_search_text t WHERE {postgresql.MATCH}"
            cursor.execute(sql, ["'熊猫'"])
            assert "Bitmap Index Scan on articles_search_grams" in str(cursor.fetchall())
        else:
            captured = []

            def spy(execute, sql, params, many, context):
                captured.append((sql, params))
                return execute(sql, params, many, context)

            with connection.execute_wrapper(spy):
                assert titles("熊猫报道") == ["熊猫报道"]
            sql, params = captured[-2]  # the search; the last query loads its page
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            assert "VIRTUAL TABLE INDEX" in str(cursor.fetchall())


def test_only_the_newest_matches_are_ranked_when_there_are_very_many(make_article, monkeypatch):
    monkeypatch.setattr(articles.search, "MAX_RESULTS", 3)
    made = [make_article(title=f"常见词第{n}篇") for n in range(5)]
    results = search.search("常见词")
    assert results.capped
    assert {hit.article.pk for hit in results[:5]} == {a.pk for a in made[-3:]}


def test_short_terms_starting_too_many_trigrams_are_checked_row_by_row(make_article, monkeypatch):
    monkeypatch.setattr(sqlite, "COMMON", 2)
    monkeypatch.setattr(sqlite, "MAX_ALTERNATIVES", 0)
    make_article(title="港口新闻", body="<p>台风过境</p>")
    make_article(title="内陆新闻")
    assert titles("港") == ["港口新闻"]
    assert titles("港 台风") == ["港口新闻"]
    assert titles("港口新 风") == ["港口新闻"]


def test_filters_by_section_with_its_children_and_by_date(make_article, make_section):
    parent = make_section(slug="finance")
    child = make_section(slug="ecommerce", parent=parent)
    other = make_section(slug="sports")
    now = timezone.now()
    make_article(title="财经里的熊猫", section=parent, published_at=now - timedelta(days=10))
    make_article(title="电商里的熊猫", section=child, published_at=now - timedelta(days=1))
    make_article(title="体育里的熊猫", section=other, published_at=now - timedelta(days=1))
    ids = [parent.pk, child.pk]
    assert titles("熊猫", sections=ids) == ["电商里的熊猫", "财经里的熊猫"]
    assert titles("熊猫", sections=ids, since=now - timedelta(days=5)) == ["电商里的熊猫"]
    assert titles("熊猫", until=now - timedelta(days=5)) == ["财经里的熊猫"]


# --- Highlighting ------------------------------------------------------------


def test_snippet_marks_the_match_in_the_script_it_was_written_in(make_article):
    make_article(
        title="理髮師",
        summary="",
        body="<p>" + "前文" * 40 + "他剪短了頭髮。" + "後文" * 80 + "</p>",
    )
    hit = search.search("头发")[0]
    assert "<mark>頭髮</mark>" in hit.snippet
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert hit.snippet_field == "body"
    assert len(hit.snippet) < 200


def test_highlight_maps_folded_positions_back_to_the_written_text():
    """NFKC and casefold change lengths (㍿ is 株式会社, ß is ss): marks still land right."""
    assert search.highlight("㍿の頭髮", ["株式"]) == "<mark>㍿</mark>の頭髮"
    assert search.highlight("Große 頭髮 news", ["头发", "grosse"]) == (
        "<mark>Große</mark> <mark>頭髮</mark> news"
    )


def test_titles_and_snippets_are_escaped_around_the_marks(make_article):
    make_article(title="<script>熊猫</script>", summary="", body="<p>&lt;b&gt;熊猫&amp;</p>")
    hit = search.search("熊猫")[0]
    assert hit.title == "&lt;script&gt;<mark>熊猫</mark>&lt;/script&gt;"
    assert hit.snippet == "&lt;b&gt;<mark>熊猫</mark>&amp;"


# --- The page ----------------------------------------------------------------


def test_search_page_lists_marked_results_and_is_not_indexed(client, make_article):
    article = make_article(title="沿海城市迎戰颱風", summary="台风今晚登陆。")
    response = client.get(URL, {"q": "台风"})
    assertContains(response, '<meta name="robots" content="noindex">')
    assertContains(response, "找到 1 篇相关文章")
    assertContains(response, article.get_absolute_url())
    # The Traditional title, marked, converted for a Simplified reader: the mark survives.
    assertContains(response, "迎战<mark>台风</mark>")
    assertContains(response, "<mark>台风</mark>今晚登陆")


def test_results_are_shown_in_the_readers_variant_but_the_query_as_typed(client, make_article):
    make_article(title="理发店", summary="他剪短了头发。", body="<p>正文</p>")
    response = client.get("/zh-hant/search/", {"q": "头发"})
    content = response.content.decode()
    assert "<mark>頭髮</mark>" in content  # Simplified text, Traditional reader
    assert 'value="头发"' in content  # a form value is never converted


def test_empty_query_shows_the_form_without_results(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assertContains(response, 'name="q"')
    assertNotContains(response, "相关文章")


HOSTILE_QUERIES = [
    "",
    "   ",
    "熊猫" * 5000,
    "熊\x00猫",
    "\x00",
    "！？。，、",
    "!!!",
    '"',
    '"熊猫',
    "熊猫*",
    "NEAR(熊猫 大)",
    "熊猫 AND 大",
    "熊猫 OR",
    "-熊猫",
    "title:熊猫",
    "{title}: 熊猫",
    "^熊猫",
    "熊猫'",
    "\\",
    "%",
    "_",
    "%熊%",
    "'); DROP TABLE articles_article; --",
    "熊 & 猫 | !大",
    "\U0001f43c",
    "\ufffd",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_give_a_normal_page(client, make_article, query):
    make_article(title="大熊猫", body="<p>熊猫_100%</p>")
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    assert Article.objects.count() == 1


def test_nul_characters_are_dropped_from_the_query_not_refused(client, make_article):
    make_article(title="大熊猫")
    response = client.get(URL, {"q": "熊猫\x00"})
    assertContains(response, "找到 1 篇相关文章")
    assertNotContains(response, 'class="errorlist')
    assertContains(response, 'value="熊猫"')


@pytest.mark.parametrize(
    "raw", ["q=%ED%A0%80", "q=%ED%A0%80%E7%86%8A%E7%8C%AB", "q=%FF%FE", "q=%00"]
)
def test_undecodable_bytes_in_the_query_string_give_a_normal_page(client, make_article, raw):
    make_article(title="大熊猫")
    response = client.get(URL, QUERY_STRING=raw)
    assert response.status_code == 200
    assertNotContains(response, "\ufffd")  # not echoed back


def test_lone_surrogates_and_nul_given_to_search_directly_are_harmless(make_article):
    make_article(title="大熊猫")
    assert titles("\ud800熊猫\x00") == ["大熊猫"]
    assert titles("\ud800") == []


def test_wildcards_are_matched_literally_not_as_patterns(make_article):
    make_article(title="大熊猫", body="<p>编号A_1，增长100%</p>")
    make_article(title="无关")
    assert titles("_") == []
    assert titles("%") == []
    assert titles("100") == ["大熊猫"]


def test_a_long_query_is_cut_and_said_so(client, make_article):
    make_article(title="大熊猫")
    response = client.get(URL, {"q": "熊猫" + "长" * 10_000})
    assertContains(response, "关键词太长")
    assertContains(response, 'value="熊猫' + "长" * (folding.MAX_QUERY_LENGTH - 2) + '"')


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"section": "no-such-section"}, "no-such-section"),
        ({"from": "2026-13-45"}, 'name="from" value="2026-13-45"'),
        ({"to": "yesterday"}, 'name="to" value="yesterday"'),
        ({"from": "0001-01-01"}, 'class="errorlist'),
        ({"to": "9999-12-31"}, 'class="errorlist'),
        ({"from": "2026-05-02", "to": "2026-05-01"}, "起始日期晚于截止日期"),
    ],
)
def test_bad_filters_are_reported_and_ignored(client, make_article, params, error):
    make_article(title="大熊猫")
    response = client.get(URL, {"q": "熊猫", **params})
    assert response.status_code == 200
    assertContains(response, 'class="errorlist')
    assertContains(response, error)
    assertContains(response, "找到 1 篇相关文章")


def test_filters_from_the_page(client, make_article, make_section):
    sports = make_section(name="体育", slug="sports")
    older = make_article(section=sports, published_at=timezone.now() - timedelta(days=2))
    today = make_article(published_at=timezone.now())
    for article in (older, today):
        article.title = "熊猫报道"
        article.save()
    response = client.get(URL, {"q": "熊猫", "section": "sports"})
    assertContains(response, older.get_absolute_url())
    assertNotContains(response, today.get_absolute_url())
    assertContains(response, '<option value="sports" lang="zh-Hans" selected>')
    date = timezone.localdate().isoformat()
    response = client.get(URL, {"q": "熊猫", "from": date, "to": date})
    assertContains(response, today.get_absolute_url())
    assertNotContains(response, older.get_absolute_url())


def test_results_are_paginated_keeping_the_query(client, make_article, monkeypatch):
    monkeypatch.setattr(SearchView, "paginate_by", 2)
    for n in range(5):
        make_article(title=f"熊猫第{n}篇")
    response = client.get(URL, {"q": "熊猫", "section": ""})
    assertContains(response, "第 1 / 3 页")
    assertContains(response, 'href="?q=%E7%86%8A%E7%8C%AB&amp;page=2"')
    last = client.get(URL, {"q": "熊猫", "page": "3"})
    assertContains(last, "<mark>熊猫</mark>第4篇")  # the oldest
    for page in ("abc", "999", "-1", "0"):
        assert client.get(URL, {"q": "熊猫", "page": page}).status_code == 200


def test_query_count_does_not_grow_with_the_number_of_results(client, make_article, section):
    def queries(count):
        for n in range(count):
            make_article(title=f"熊猫报道{n}")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"q": "熊猫"}).status_code == 200
        return len(captured)

    client.get(URL, {"q": "预热"})  # the glossary is loaded once per process, as on a running site
    few = queries(2)
    assert queries(30) == few
    assert few <= 8  # two are the page cache's (generations, next scheduled article)
