"""
Two editors on one article: the second save is refused, the refused text is kept
(in the form, and in the editor's session across a reload), and nothing is lost.
"""

import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import F
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles import edit_conflicts
from articles.models import Article

from .changeform import change_url, form_data, open_form

pytestmark = pytest.mark.django_db

BEN_BODY = "<p>本写的新正文，一字一句都不能丢。</p>"


@pytest.fixture
def anna(django_user_model):
    return django_user_model.objects.create_superuser(
        "anna", password="anna-pass-123", first_name="安娜"
    )


@pytest.fixture
def ben(django_user_model):
    return django_user_model.objects.create_superuser("ben", password="ben-pass-123")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _hidden_version(response):
    found = re.search(r'<input type="hidden" name="base_version" value="(\d+)"', response.text)
    assert found, "the change form carries the version it was read at"
    return int(found.group(1))


def test_change_form_carries_the_version_it_was_read_at(anna, article):
    Article.objects.filter(pk=article.pk).update(version=7)
    response, data = open_form(_client(anna), article)
    assert _hidden_version(response) == 7
    assert data["base_version"] == "7"


def test_second_editor_is_refused_and_keeps_their_text(anna, ben, article):
    first, second = _client(anna), _client(ben)
    _, anna_form = open_form(first, article)
    _, ben_form = open_form(second, article)

    anna_form["title"] = "安娜改的标题"
    assert first.post(change_url(article), anna_form).status_code == 302

    ben_form["body"] = BEN_BODY
    response = second.post(change_url(article), ben_form)

    assert response.status_code == 200
    assertContains(response, "保存被拒绝")
    assertContains(response, "安娜 于")  # who saved in between, from the latest revision
    form = response.context["adminform"].form
    assert form["body"].value() == BEN_BODY  # Ben's text, still in the form
    assertContains(response, "本写的新正文，一字一句都不能丢。")
    # The stored text is shown beside it, with the difference marked.
    assertContains(response, '<td class="diff-text">安娜改的标题</td>', html=True)
    assertContains(response, "<del>安娜改的标题</del><ins>软件发布会今日举行</ins>", html=True)
    their_changes = response.context["their_changes_url"]  # what Anna changed, to merge
    assertContains(second.get(their_changes), "<ins>安娜改的标题</ins>")
    article.refresh_from_db()
    assert article.title == "安娜改的标题"
    assert "本写的新正文" not in article.body
    assert article.version == 1


def test_resubmitting_after_merging_saves_both_edits(anna, ben, article):
    first, second = _client(anna), _client(ben)
    _, anna_form = open_form(first, article)
    _, ben_form = open_form(second, article)
    anna_form["title"] = "安娜改的标题"
    first.post(change_url(article), anna_form)
    ben_form["body"] = BEN_BODY
    refused = second.post(change_url(article), ben_form)

    merged = form_data(refused)
    assert merged["base_version"] == "1"  # moved on to the stored version
    assert merged["body"] == BEN_BODY
    merged["title"] = "安娜改的标题"  # Ben takes Anna's title over
    response = second.post(change_url(article), merged)

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.body) == ("安娜改的标题", BEN_BODY)
    assert article.version == 2
    assert (
        edit_conflicts.KEPT_SESSION_KEY not in second.session
        or not second.session[edit_conflicts.KEPT_SESSION_KEY]
    )


def test_refused_text_survives_a_reload_until_discarded(anna, ben, article):
    first, second = _client(anna), _client(ben)
    _, anna_form = open_form(first, article)
    _, ben_form = open_form(second, article)
    anna_form["summary"] = "安娜的导语"
    first.post(change_url(article), anna_form)
    ben_form["body"] = BEN_BODY
    second.post(change_url(article), ben_form)

    reloaded = second.get(change_url(article))
    assertContains(reloaded, "你有一份没有保存成功的修改")
    assertContains(reloaded, "本写的新正文，一字一句都不能丢。")
    # The form itself holds the stored text; the kept one is beside it, not in a field.
    assert "本写的新正文" not in reloaded.context["adminform"].form["body"].value()
    assertNotContains(first.get(change_url(article)), "你有一份没有保存成功的修改")

    discard = f"/admin/articles/article/{article.pk}/kept-edit/discard/"
    assert second.get(discard).status_code == 405  # only a POST discards
    assert second.post(discard).status_code == 302
    assertNotContains(second.get(change_url(article)), "你有一份没有保存成功的修改")


def test_a_stale_form_with_no_edits_of_its_own_keeps_nothing(anna, ben, article):
    first, second = _client(anna), _client(ben)
    _, anna_form = open_form(first, article)
    _, ben_form = open_form(second, article)
    anna_form["title"] = "安娜改的标题"
    first.post(change_url(article), anna_form)

    response = second.post(change_url(article), ben_form)

    assertContains(response, "保存被拒绝")
    assert not second.session.get(edit_conflicts.KEPT_SESSION_KEY)
    article.refresh_from_db()
    assert article.title == "安娜改的标题"  # the stale copy did not undo Anna's edit


def test_schedule_only_change_on_a_stale_form_is_refused(anna, ben, article):
    first, second = _client(anna), _client(ben)
    _, anna_form = open_form(first, article)
    _, ben_form = open_form(second, article)
    anna_form["body"] = "<p>安娜补充的正文。</p>"
    first.post(change_url(article), anna_form)

    ben_form["published_at_0"] = "2099-01-01"
    ben_form["published_at_1"] = "08:00:00"
    response = second.post(change_url(article), ben_form)

    assertContains(response, "保存被拒绝")
    article.refresh_from_db()
    assert article.body == "<p>安娜补充的正文。</p>"
    assert not article.is_scheduled


def test_version_moved_by_an_action_makes_a_stale_form_refused(anna, article):
    client = _client(anna)
    _, data = open_form(client, article)
    Article.objects.filter(pk=article.pk).update(version=F("version") + 1, is_featured=True)

    data["title"] = "操作之后才提交的标题"
    response = client.post(change_url(article), data)

    assertContains(response, "保存被拒绝")
    assertContains(response, "批量操作或其他程序")  # no revision names who moved it
    article.refresh_from_db()
    assert article.title == "软件发布会今日举行"
    assert article.is_featured


def _someone_saves_first(monkeypatch, write):
    """Run ``write`` once, just before the admin saves: after the form's check passed."""
    admin_class = type(admin.site._registry[Article])
    save_model = admin_class.save_model

    def save_model_after_someone_else(self, request, obj, form, change):
        monkeypatch.setattr(admin_class, "save_model", save_model)
        write(obj)
        save_model(self, request, obj, form, change)

    monkeypatch.setattr(admin_class, "save_model", save_model_after_someone_else)


def test_a_failed_version_claim_is_refused_not_a_500(anna, article, monkeypatch):
    """
    ``Article.save()`` refuses the stale copy (EditConflict): the attempt rolls
    back and the conflict page shows, the editor's text in the form. (On one
    test connection the rival write rolls back with it; the next test commits it.)
    """
    client = _client(anna)
    _, data = open_form(client, article)
    _someone_saves_first(
        monkeypatch, lambda obj: Article.objects.filter(pk=obj.pk).update(version=F("version") + 1)
    )
    data["body"] = BEN_BODY
    response = client.post(change_url(article), data)

    assert response.status_code == 200
    assertContains(response, "保存被拒绝")
    assert response.context["adminform"].form["body"].value() == BEN_BODY
    article.refresh_from_db()
    assert article.body != BEN_BODY
    assert client.session[edit_conflicts.KEPT_SESSION_KEY][str(article.pk)]["fields"]["body"] == (
        BEN_BODY
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a second connection")
@pytest.mark.django_db(transaction=True)
def test_a_save_committed_by_another_connection_in_between_is_not_lost(anna, article, monkeypatch):
    def commit_elsewhere(obj):
        other = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with other.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Article._meta.db_table} SET version = version + 1, title = %s "
                    "WHERE id = %s",
                    ["别人抢先的标题", obj.pk],
                )
        finally:
            other.close()

    client = _client(anna)
    _, data = open_form(client, article)
    _someone_saves_first(monkeypatch, commit_elsewhere)
    data["body"] = BEN_BODY
    response = client.post(change_url(article), data)

    assertContains(response, "保存被拒绝")
    assertContains(response, "别人抢先的标题")  # the stored title, beside the editor's
    article.refresh_from_db()
    assert (article.title, article.version) == ("别人抢先的标题", 1)
    assert article.body != BEN_BODY
    resubmitted = form_data(response)
    assert resubmitted["base_version"] == "1"
    assert client.post(change_url(article), resubmitted).status_code == 302
    article.refresh_from_db()
    assert article.body == BEN_BODY


def test_staff_editor_with_change_permission_is_refused_too(django_user_model, anna, article):
    staff = django_user_model.objects.create_user("desk", password="desk-pass-123", is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="articles",
            codename__in=["view_article", "change_article", "publish_article"],
        )
    )
    article.section.editors.add(staff)  # the section's editor may change its articles
    desk, first = _client(staff), _client(anna)
    _, desk_form = open_form(desk, article)
    _, anna_form = open_form(first, article)
    anna_form["summary"] = "安娜先存的导语"
    assert first.post(change_url(article), anna_form).status_code == 302

    desk_form["summary"] = "值班编辑的导语"
    response = desk.post(change_url(article), desk_form)

    assertContains(response, "保存被拒绝")
    assertContains(response, "值班编辑的导语")
    article.refresh_from_db()
    assert article.summary == "安娜先存的导语"


def test_a_post_without_the_version_is_refused(anna, article):
    """A form opened before the check existed (or a forged one) cannot overwrite blindly."""
    client = _client(anna)
    _, data = open_form(client, article)
    del data["base_version"]
    data["title"] = "没有版本号的提交"
    response = client.post(change_url(article), data)
    assertContains(response, "保存被拒绝：表单没有带上版本号")
    article.refresh_from_db()
    assert article.title == "软件发布会今日举行"
    resubmitted = form_data(response)  # the refused form now carries the version
    assert client.post(change_url(article), resubmitted).status_code == 302
    article.refresh_from_db()
    assert article.title == "没有版本号的提交"


def test_view_only_user_sees_the_form_without_the_version(django_user_model, article):
    reader = django_user_model.objects.create_user("reader", password="r-pass-123", is_staff=True)
    reader.user_permissions.set(Permission.objects.filter(codename="view_article"))
    Article.objects.filter(pk=article.pk).update(created_by=reader)  # their own: may view
    client = _client(reader)
    response = client.get(change_url(article))
    assert response.status_code == 200
    assertNotContains(response, 'name="base_version"')
    assert client.post(change_url(article), {"title": "x"}).status_code == 403


def test_conflict_message_says_when(anna, ben, article):
    first, second = _client(anna), _client(ben)
    _, anna_form = open_form(first, article)
    _, ben_form = open_form(second, article)
    first.post(change_url(article), anna_form)
    response = second.post(change_url(article), ben_form)
    now = timezone.localtime()
    stamps = {(now + timedelta(minutes=m)).strftime("%Y-%m-%d %H:%M") for m in (-1, 0)}
    assert any(stamp in response.text for stamp in stamps)
