"""
点击排行, 今日关键词 and related articles: what readers read and what the
newsroom writes decide them, over rolling windows.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains

from articles import listings
from articles.models import Article

pytestmark = pytest.mark.django_db


def _titles(articles):
    return [article.title for article in articles]


def test_the_day_s_hot_list_ranks_by_views_in_the_last_24_hours(make_article, add_views):
    steady = make_article(title="上周常读")
    today = make_article(title="今天热读")
    add_views(steady, 500, hours_ago=30)
    add_views(steady, 5)
    add_views(today, 40, hours_ago=2)
    add_views(today, 10, hours_ago=23)  # still inside the day
    assert _titles(listings.hot(10, listings.DAY)) == ["今天热读", "上周常读"]
    assert _titles(listings.hot(10, listings.WEEK)) == ["上周常读", "今天热读"]
    assert listings.hot(10, listings.DAY)[0].recent_views == 50


def test_views_older_than_the_window_do_not_count(make_article, add_views):
    old = make_article(title="八天前的热度")
    add_views(old, 900, hours_ago=24 * 7 + 1)
    assert list(listings.hot(10, listings.WEEK)) == []


def test_an_old_article_read_today_is_on_today_s_list(make_article, add_views):
    archive = make_article(title="旧文新读", published_at=timezone.now() - timedelta(days=400))
    add_views(archive, 3)
    assert _titles(listings.hot(10, listings.DAY)) == ["旧文新读"]


def test_hot_lists_hold_only_public_articles(make_article, add_views):
    shown = make_article(title="公开文章")
    withdrawn = make_article(title="已撤稿")
    add_views(shown, 1)
    add_views(withdrawn, 100)
    Article.objects.filter(pk=withdrawn.pk).update(status=Article.Status.WITHDRAWN)
    assert _titles(listings.hot(10, listings.DAY)) == ["公开文章"]


def test_a_section_s_hot_list_covers_its_sub_sections_only(
    make_article, make_section, add_views, section
):
    child = make_section(name="股市", slug="stocks", parent=section)
    other = make_section(name="体育", slug="sports")
    add_views(make_article(title="子栏目文章", section=child), 5)
    add_views(make_article(title="别的栏目", section=other), 50)
    ids = [section.pk, child.pk]
    assert _titles(listings.hot(10, listings.WEEK, section_ids=ids)) == ["子栏目文章"]


def test_pages_show_both_hot_lists_with_the_day_s_first(client, make_article, add_views):
    article = make_article(title="今日第一")
    weekly = make_article(title="本周第一")
    add_views(article, 10)
    add_views(weekly, 99, hours_ago=48)
    for url in ("/zh-hans/", article.section.get_absolute_url(), article.get_absolute_url()):
        response = client.get(url)
        assert _titles(response.context["hot"]["day"]) == ["今日第一"]
        assert _titles(response.context["hot"]["week"]) == ["本周第一", "今日第一"]
        assertContains(response, 'id="hot-day" class="hot-switch" checked')
    traditional = client.get("/zh-hant/")
    assertContains(traditional, "本週第一")
    assertContains(traditional, "7天")


def test_a_quiet_day_opens_on_the_week_s_list(client, make_article, add_views):
    add_views(make_article(title="前天的热读"), 10, hours_ago=48)
    response = client.get("/zh-hans/")
    assertContains(response, 'id="hot-week" class="hot-switch" checked')
    assertContains(response, "24小时内暂无排行。")


# --- 今日关键词 -------------------------------------------------------------------


def test_keywords_weigh_today_s_reading_and_writing(make_article, add_views):
    read = make_article(tags=["读者关注"], published_at=timezone.now() - timedelta(days=3))
    add_views(read, 3 * listings.NEW_ARTICLE_WEIGHT)
    for _ in range(2):
        make_article(tags=["编辑部追踪"])  # two new articles today, no readers yet
    quiet = make_article(tags=["冷门"], published_at=timezone.now() - timedelta(days=3))
    add_views(quiet, 1, hours_ago=30)  # this week, not today
    add_views(read, 7, hours_ago=2)  # a second hour bucket of the same article
    ranked = [(tag.name, tag.today) for tag in listings.keywords(10)]
    # The week's fill the strip after today's.
    assert ranked == [
        ("读者关注", 67),
        ("编辑部追踪", 2 * listings.NEW_ARTICLE_WEIGHT),
        ("冷门", 0),
    ]


def test_keywords_fall_back_to_the_week_on_a_quiet_day(make_article, add_views):
    older = make_article(tags=["本周话题"], published_at=timezone.now() - timedelta(days=3))
    add_views(older, 2, hours_ago=40)
    assert [tag.name for tag in listings.keywords(10)] == ["本周话题"]


def test_keywords_ignore_articles_that_are_not_public(make_article):
    make_article(tags=["草稿话题"], status=Article.Status.DRAFT)
    make_article(tags=["定时话题"], published_at=timezone.now() + timedelta(hours=1))
    assert listings.keywords(10) == []


def test_tags_differing_only_by_script_are_one_keyword(make_article, add_views):
    make_article(tags=["关键词"])
    make_article(tags=["關鍵詞"])
    make_article(tags=["另一个词"])
    assert [tag.name for tag in listings.keywords(10)] == ["关键词", "另一个词"]


def test_keywords_take_one_query_however_many_tags(
    make_article, add_views, django_assert_num_queries
):
    for number in range(40):
        add_views(make_article(tags=[f"话题{number}", "共同"]), number + 1)
    with django_assert_num_queries(1):
        tags = listings.keywords(12)
    assert [tag.name for tag in tags][:2] == ["共同", "话题39"]
    assert len(tags) == 12


# --- Related articles -----------------------------------------------------------------


def test_related_prefers_a_fresh_story_to_an_old_one_sharing_one_more_tag(make_article):
    article = make_article(tags=["地铁", "票价", "通勤"])
    make_article(
        title="两年前的同题报道",
        tags=["地铁", "票价"],
        published_at=timezone.now() - timedelta(days=700),
    )
    make_article(
        title="昨天的跟进", tags=["地铁"], published_at=timezone.now() - timedelta(days=1)
    )
    make_article(title="无关文章", tags=["体育"])
    assert _titles(listings.related(article, 6)) == ["昨天的跟进", "两年前的同题报道"]


def test_related_ranks_by_shared_tags_among_articles_of_the_same_age(make_article):
    article = make_article(tags=["地铁", "票价"])
    one = make_article(title="共享一个标签", tags=["地铁"])
    two = make_article(title="共享两个标签", tags=["地铁", "票价"])
    assert list(listings.related(article, 6)) == [two, one]
