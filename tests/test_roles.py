"""Each role's permissions, through the admin the way each role uses it."""

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from pytest_django.asserts import assertContains, assertNotContains

from articles import workflow
from articles.models import Article, ConversionRule, EditConflict, Section, Transition

from .newsroom import (
    CHIEF,
    EDITOR,
    WRITER,
    change_url,
    changelist_url,
    form_data,
    member,
    messages_of,
    new_article_data,
    run_action,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def simplified():
    """URLs built here are the 简体 ones, whatever variant an earlier request activated."""
    with translation.override("zh-hans"):
        yield


Status = Article.Status


@pytest.fixture
def child_section(make_section, section):
    return make_section(name="股市", slug="gushi", parent=section)


@pytest.fixture
def other_section(make_section):
    return make_section(name="体育", slug="tiyu")


@pytest.fixture
def writer():
    return member("writer", WRITER)


@pytest.fixture
def desk_editor(section):
    return member("desk-editor", EDITOR, sections=[section])


@pytest.fixture
def chief():
    return member("chief", CHIEF)


def login(client, user):
    client.force_login(user)
    return client


def draft_by(make_article, user, **fields):
    return make_article(status=Status.DRAFT, published_at=None, created_by=user, **fields)


# --- The groups -------------------------------------------------------------------


def _codenames(group_name):
    group = Group.objects.get(name=group_name)
    return set(group.permissions.values_list("codename", flat=True))


def test_migration_creates_the_three_roles_with_their_permissions():
    writer, editor, chief = _codenames(WRITER), _codenames(EDITOR), _codenames(CHIEF)
    assert {"add_article", "change_article", "view_article", "view_section"} <= writer
    assert not writer & {"publish_article", "withdraw_article", "delete_article"}
    assert "publish_article" in editor
    assert not editor & {"withdraw_article", "change_section", "change_conversionrule"}
    assert {
        "publish_article",
        "withdraw_article",
        "delete_article",
        "change_section",
        "add_conversionrule",
        "change_tag",
    } <= chief
    assert writer < editor < chief


def test_group_migration_can_be_reversed_and_applied_again():
    migration = import_module("articles.migrations.0006_newsroom_groups")
    migration.remove_groups(apps, None)
    assert not Group.objects.filter(name__in=[WRITER, EDITOR, CHIEF]).exists()

    class Editor:
        connection = connection

    migration.create_groups(apps, Editor())
    assert "publish_article" in _codenames(EDITOR)


# --- 记者 ---------------------------------------------------------------------------


def test_writer_adds_an_article_as_their_own_recorded_draft(client, writer, section):
    response = login(client, writer).post(
        reverse("admin:articles_article_add"), new_article_data(section)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(title="记者新写的稿件")
    assert article.created_by == writer
    assert article.status == Status.DRAFT
    created = article.transitions.get()
    assert (created.from_status, created.to_status, created.user) == ("", Status.DRAFT, writer)


def test_writer_cannot_publish_a_new_article_by_a_forged_post(client, writer, section):
    response = login(client, writer).post(
        reverse("admin:articles_article_add"),
        new_article_data(section, status=Status.PUBLISHED, is_featured="on"),
    )
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert not Article.objects.exists()
    assert not Transition.objects.exists()


def test_writer_cannot_publish_their_draft_by_a_forged_post(client, writer, make_article):
    article = draft_by(make_article, writer)
    response = login(client, writer).post(
        change_url(article), form_data(article, status=Status.PUBLISHED, title="偷偷发布")
    )
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    stored = Article.objects.get(pk=article.pk)
    assert (stored.status, stored.title, stored.version) == (Status.DRAFT, article.title, 0)


def test_writer_s_status_choices_are_draft_and_review_only(client, writer, make_article):
    article = draft_by(make_article, writer)
    form = login(client, writer).get(change_url(article)).context["adminform"].form
    assert [value for value, _label in form.fields["status"].choices] == [
        Status.DRAFT,
        Status.REVIEW,
    ]
    assert "is_featured" not in form.fields
    assert "published_at" not in form.fields


def test_writer_cannot_set_featured_or_publish_time(client, writer, make_article):
    article = draft_by(make_article, writer)
    response = login(client, writer).post(
        change_url(article),
        form_data(article, is_featured="on", published_at_0="2099-01-01", published_at_1="8:00"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert not article.is_featured
    assert article.published_at is None


def test_writer_submits_for_review_and_can_no_longer_edit(client, writer, make_article):
    article = draft_by(make_article, writer)
    login(client, writer)
    response = client.post(
        change_url(article),
        form_data(article, status=Status.REVIEW, transition_note="请审阅，数据已核对。"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.REVIEW
    response = client.get(change_url(article))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]  # shown read-only
    refused = client.post(change_url(article), form_data(article, title="改了标题"))
    assert refused.status_code == 403
    assert Article.objects.get(pk=article.pk).title == article.title


def test_writer_sees_only_their_own_articles(client, writer, make_article):
    draft_by(make_article, writer, title="记者自己的稿子")
    draft_by(make_article, member("other-writer", WRITER), title="别人的稿子")
    make_article(title="已发布的别人的文章")
    response = login(client, writer).get(changelist_url())
    assertContains(response, "记者自己的稿子")
    assertNotContains(response, "别人的稿子")
    assertNotContains(response, "已发布的别人的文章")


def test_writer_cannot_open_another_writer_s_draft(client, writer, make_article):
    other = draft_by(make_article, member("other-writer", WRITER))
    login(client, writer)
    assert client.get(change_url(other)).status_code == 302  # "no such article"
    client.post(change_url(other), form_data(other, title="改别人的稿子"))
    assert Article.objects.get(pk=other.pk).title == other.title


def test_writer_has_only_the_submit_action(client, writer):
    response = login(client, writer).get(changelist_url())
    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert actions == ["", "submit"]


def test_writer_s_forged_publish_action_changes_nothing(client, writer, make_article):
    article = draft_by(make_article, writer)
    run_action(login(client, writer), "publish", [article])
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert not article.transitions.exists()


def test_writer_picks_a_section_for_their_article(client, writer, section):
    response = login(client, writer).get(
        "/admin/autocomplete/",
        {"term": "财", "app_label": "articles", "model_name": "article", "field_name": "section"},
    )
    assert [item["text"] for item in response.json()["results"]] == ["财经"]


def test_writer_cannot_reach_sections_tags_or_glossary(client, writer, section):
    login(client, writer)
    change_section = reverse("admin:articles_section_change", args=[section.pk])
    assert client.post(change_section, {"name": "改名"}).status_code == 403
    assert client.get(reverse("admin:articles_conversionrule_changelist")).status_code == 403
    assert client.get(reverse("admin:articles_tag_add")).status_code == 403


# --- 编辑 ---------------------------------------------------------------------------


def test_editor_sees_their_sections_with_descendants_and_their_own(
    client, desk_editor, make_article, child_section, other_section
):
    make_article(title="本栏目的文章")
    make_article(title="下级栏目的文章", section=child_section)
    make_article(title="别的栏目的文章", section=other_section)
    draft_by(make_article, desk_editor, title="编辑自己在别处写的", section=other_section)
    response = login(client, desk_editor).get(changelist_url())
    assertContains(response, "本栏目的文章")
    assertContains(response, "下级栏目的文章")
    assertContains(response, "编辑自己在别处写的")
    assertNotContains(response, "别的栏目的文章")


def test_editor_publishes_a_submitted_article_of_their_section(
    client, desk_editor, writer, make_article, child_section
):
    article = make_article(status=Status.REVIEW, published_at=None, section=child_section)
    response = login(client, desk_editor).post(
        change_url(article), form_data(article, status=Status.PUBLISHED)
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_public
    assert article.transitions.get().user == desk_editor


def test_editor_schedules_by_a_future_publish_time(client, desk_editor, make_article):
    article = make_article(status=Status.REVIEW, published_at=None)
    login(client, desk_editor).post(
        change_url(article),
        form_data(
            article, status=Status.PUBLISHED, published_at_0="2099-01-01", published_at_1="8:00"
        ),
    )
    article.refresh_from_db()
    assert article.is_scheduled
    assertContains(client.get(changelist_url()), "定时发布")


def test_editor_cannot_touch_articles_outside_their_sections(
    client, desk_editor, make_article, other_section
):
    article = make_article(status=Status.REVIEW, published_at=None, section=other_section)
    login(client, desk_editor)
    assert client.get(change_url(article)).status_code == 302
    client.post(change_url(article), form_data(article, status=Status.PUBLISHED))
    run_action(client, "publish", [article])
    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_editor_cannot_move_an_article_out_of_their_sections(
    client, desk_editor, make_article, other_section
):
    article = make_article(title="本栏目的文章")
    response = login(client, desk_editor).post(
        change_url(article), form_data(article, section=other_section.pk)
    )
    assert response.status_code == 200
    assert "section" in response.context["adminform"].form.errors
    assert Article.objects.get(pk=article.pk).section_id == article.section_id


def test_editor_cannot_publish_their_own_article_outside_their_sections(
    client, desk_editor, make_article, other_section
):
    article = draft_by(make_article, desk_editor, section=other_section)
    login(client, desk_editor)
    response = client.post(change_url(article), form_data(article, status=Status.PUBLISHED))
    assert "status" in response.context["adminform"].form.errors
    submitted = client.post(change_url(article), form_data(article, status=Status.REVIEW))
    assert submitted.status_code == 302  # they may still submit it, like any writer


def test_editor_cannot_withdraw(client, desk_editor, make_article):
    article = make_article()
    login(client, desk_editor)
    form = client.get(change_url(article)).context["adminform"].form
    assert Status.WITHDRAWN not in dict(form.fields["status"].choices)
    response = client.post(
        change_url(article), form_data(article, status=Status.WITHDRAWN, transition_note="撤")
    )
    assert "status" in response.context["adminform"].form.errors
    run_action(client, "withdraw", [article], note="撤")
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED


def test_editor_s_actions_are_the_desk_s(client, desk_editor):
    response = login(client, desk_editor).get(changelist_url())
    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert actions == ["", "submit", "publish", "send_back", "unpublish", "feature", "unfeature"]


def test_editor_cannot_change_sections_or_the_glossary(client, desk_editor, section):
    login(client, desk_editor)
    change_section = reverse("admin:articles_section_change", args=[section.pk])
    assert client.get(change_section).status_code == 200  # read-only
    response = client.post(
        change_section, {"name": "改名", "slug": "caijing", "position": 0, "is_active": "on"}
    )
    assert response.status_code == 403
    assert Section.objects.get(pk=section.pk).name == "财经"
    assert client.get(reverse("admin:articles_conversionrule_changelist")).status_code == 200
    add_rule = reverse("admin:articles_conversionrule_add")
    assert client.post(add_rule, {"phrase": "门户测试词", "zh_tw": "門戶"}).status_code == 403
    assert not ConversionRule.objects.filter(phrase="门户测试词").exists()


def test_editor_cannot_delete(client, desk_editor, make_article):
    article = make_article()
    login(client, desk_editor)
    delete = reverse("admin:articles_article_delete", args=[article.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


# --- 主编 ---------------------------------------------------------------------------


def test_chief_sees_every_section_and_has_every_action(client, chief, make_article, other_section):
    make_article(title="体育版的文章", section=other_section)
    response = login(client, chief).get(changelist_url())
    assertContains(response, "体育版的文章")
    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert {"delete_selected", "withdraw", "restore", "publish"} <= set(actions)


def test_chief_edits_sections_and_their_editors(client, chief, desk_editor, writer, section):
    login(client, chief)
    url = reverse("admin:articles_section_change", args=[section.pk])
    form = client.get(url).context["adminform"].form
    # Only those who may publish can be in charge of a section: not the writer.
    assert set(form.fields["editors"].queryset) == {chief, desk_editor}
    response = client.post(
        url,
        {"name": "财经新闻", "slug": "caijing", "position": 0, "is_active": "on",
         "editors": [desk_editor.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    assert Section.objects.get(pk=section.pk).name == "财经新闻"
    assertContains(client.get(reverse("admin:articles_section_changelist")), "desk-editor")


def test_chief_deletes_an_article(client, chief, make_article):
    article = make_article()
    response = login(client, chief).post(
        reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()


def test_superuser_may_do_everything(admin_user, make_article):
    article = make_article()
    assert workflow.targets(admin_user, article) == [Status.DRAFT, Status.WITHDRAWN]
    assert workflow.may_edit(admin_user, article)


# --- Actions ------------------------------------------------------------------------


def test_actions_skip_what_the_user_may_not_do_and_say_which(client, desk_editor, make_article):
    draft = make_article(title="待发布的草稿", status=Status.DRAFT, published_at=None)
    live = make_article(title="早已发布的文章")
    response = run_action(login(client, desk_editor), "publish", [draft, live])
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    shown = messages_of(response)
    assert shown[0] == "1 篇文章已发布。"
    assert "《早已发布的文章》" in shown[1]
    assert "已发布" in shown[1]


def test_actions_move_the_version_on(client, desk_editor, make_article):
    article = make_article()
    stale = Article.objects.get(pk=article.pk)  # an editor's open copy
    run_action(login(client, desk_editor), "feature", [article])
    article.refresh_from_db()
    assert article.is_featured
    assert article.version == stale.version + 1
    stale.title = "基于旧副本的修改"
    with pytest.raises(EditConflict):
        stale.save()


def test_an_action_makes_an_editor_s_open_form_stale(client, desk_editor, chief, make_article):
    article = make_article(title="原来的标题")
    opened = form_data(article, title="编辑在表单里改的标题")  # read at version 0
    run_action(login(client, chief), "unpublish", [article])
    response = login(client, desk_editor).post(change_url(article), opened)
    assert response.status_code == 200  # refused, the typed text kept in the form
    assertContains(response, "编辑在表单里改的标题")
    stored = Article.objects.get(pk=article.pk)
    assert (stored.title, stored.status, stored.version) == ("原来的标题", Status.DRAFT, 1)


# --- Query counts -------------------------------------------------------------------


# Session, user, permissions, counts, filters, the page; two more for an editor's sections.
CHANGELIST_BUDGET = 15


def _changelist_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(changelist_url())
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", [EDITOR, CHIEF])
def test_changelist_queries_do_not_grow_with_the_number_of_articles(
    client, role, section, make_article
):
    user = member("member", role, sections=[section])
    login(client, user)
    for number in range(3):
        make_article(title=f"文章{number}", created_by=user)
    few = _changelist_queries(client)
    for number in range(27):
        make_article(title=f"更多文章{number}", published_at=timezone.now())
    assert _changelist_queries(client) == few <= CHANGELIST_BUDGET
