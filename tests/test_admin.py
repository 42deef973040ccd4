"""The editors' admin, used the way an editor uses it."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, Section

from .changeform import change_url, open_form

pytestmark = pytest.mark.django_db


def _form(section, **overrides):
    data = {
        "title": "编辑新写的文章",
        "subtitle": "",
        "section": section.pk,
        "tags": "新闻, 電動車",
        "summary": "导语内容",
        "body": "<p>正文第一段。</p><h2>小标题</h2><p>正文第二段。</p>",
        "author": "王一",
        "editor": "李二",
        "source": "本网讯",
        "source_url": "",
        "reprint_note": "",
        "cover_caption": "",
        "status": Article.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "script": "",
    }
    data.update(overrides)
    return data


def test_admin_is_in_chinese(client):
    response = client.get("/admin/login/")
    assertContains(response, "用户名")
    assertContains(response, "新闻门户")


def test_admin_follows_the_editor_s_traditional_choice(client):
    client.cookies["variant"] = "zh-hant"
    assertContains(client.get("/admin/login/"), "使用者名稱")


def test_editor_adds_an_article(editor_client, section):
    response = editor_client.post(reverse("admin:articles_article_add"), _form(section))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(title="编辑新写的文章")
    assert set(article.tags.names()) == {"新闻", "電動車"}
    assert article.status == Article.Status.DRAFT
    assert article.script_of("title") == "zh-Hans"


def test_editor_changes_an_article_and_schedules_it(editor_client, article):
    url = reverse("admin:articles_article_change", args=[article.pk])
    assertContains(editor_client.get(url), "软件发布会今日举行")
    response = editor_client.post(
        url,
        _form(
            article.section,
            base_version=article.version,
            title="改过的標題",
            status=Article.Status.PUBLISHED,
            published_at_0="2099-01-01",
            published_at_1="08:00:00",
        ),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "改过的標題"
    assert article.is_scheduled


def test_admin_form_errors_instead_of_losing_input(editor_client, section):
    response = editor_client.post(
        reverse("admin:articles_article_add"), _form(section, title="", source_url="not a url")
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "title" in form.errors
    assert "source_url" in form.errors
    assertContains(response, "正文第一段")  # what the editor typed is still there


def test_changelist_searches_chinese_words_in_body(editor_client, make_article):
    make_article(title="甲文章", body="<p>关于新能源汽车的报道</p>")
    make_article(title="乙文章", body="<p>关于农业的报道</p>")
    response = editor_client.get(reverse("admin:articles_article_changelist"), {"q": "新能源"})
    assertContains(response, "甲文章")
    assertNotContains(response, "乙文章")


def test_changelist_shows_status_filters_and_scheduled_label(editor_client, make_article):
    make_article(title="定时的文章", published_at=timezone.now() + timezone.timedelta(days=1))
    response = editor_client.get(reverse("admin:articles_article_changelist"))
    assertContains(response, "定时发布")
    assertContains(response, "已发布")
    assertContains(response, "草稿")  # the status filter


def test_publish_action_publishes_and_stamps_the_time(editor_client, make_article):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    response = editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    assert draft.published_at is not None
    assert Article.objects.published().filter(pk=draft.pk).exists()


def test_unpublish_action_takes_an_article_off_the_site(editor_client, client, article):
    editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish", "_selected_action": [article.pk]},
    )
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_section_autocomplete_finds_chinese_names(editor_client, section):
    response = editor_client.get(
        "/admin/autocomplete/",
        {
            "term": "财",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "section",
        },
    )
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["财经"]


def test_tag_suggestions_are_for_staff_only(client, editor_client, make_article):
    make_article(tags=["新能源", "新闻"])
    url = reverse("admin:articles_article_tag_suggestions")
    assert set(editor_client.get(url, {"q": "新"}).json()["tags"]) == {"新能源", "新闻"}
    client.logout()
    assert client.get(url, {"q": "新"}).status_code == 302  # to the login page


def test_change_form_links_to_the_article_on_site(editor_client, article):
    response = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assertContains(response, "在站点上查看")


def test_section_admin_refuses_a_cycle(editor_client, make_section):
    top = make_section(name="上级", slug="top")
    child = make_section(name="下级", slug="child", parent=top)
    response = editor_client.post(
        reverse("admin:articles_section_change", args=[top.pk]),
        {"name": "上级", "slug": "top", "parent": child.pk, "position": 0, "is_active": "on"},
    )
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    top.refresh_from_db()
    assert top.parent is None


def test_section_list_shows_article_counts(editor_client, article):
    response = editor_client.get(reverse("admin:articles_section_changelist"))
    assertContains(response, "财经")
    assert Section.objects.count() == 1


def test_tags_typed_with_chinese_commas_become_separate_tags(editor_client, section):
    editor_client.post(
        reverse("admin:articles_article_add"), _form(section, tags="新闻，经济、民生")
    )
    article = Article.objects.get(title="编辑新写的文章")
    assert set(article.tags.names()) == {"新闻", "经济", "民生"}


def test_admin_index_lists_one_tag_table(editor_client):
    response = editor_client.get(reverse("admin:index"))
    assertContains(response, "/admin/articles/tag/")
    assertNotContains(response, "/admin/taggit/")


def test_body_editor_offers_do_not_convert_marks(editor_client, article):
    response = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assertContains(response, "admin/js/body-editor.js")
    assertContains(response, 'class="body-editor"')


def test_do_not_convert_span_survives_saving_and_shows_as_written(editor_client, client, section):
    body = '<p>记者<span translate="no">陈航</span>报道</p>'
    editor_client.post(
        reverse("admin:articles_article_add"),
        _form(section, body=body, status=Article.Status.PUBLISHED),
    )
    article = Article.objects.get(title="编辑新写的文章")
    assert article.body == body
    with override("zh-hant"):
        url = article.get_absolute_url()
    assertContains(client.get(url), '記者<span translate="no">陈航</span>報道')


def test_saving_an_untouched_form_keeps_the_publication_time_to_the_second(
    editor_client, make_article
):
    """The time widget shows minutes; a plain save must not move the time or log a change."""
    published_at = timezone.now().replace(second=42, microsecond=123000) - timedelta(hours=2)
    article = make_article(published_at=published_at)
    _, data = open_form(editor_client, article)
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.published_at == published_at
    entry = LogEntry.objects.filter(object_id=str(article.pk)).latest("pk")
    assert "发布时间" not in entry.get_change_message()
