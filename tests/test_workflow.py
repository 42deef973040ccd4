"""The publishing workflow: every move and its record, 410 for withdrawn articles, previews."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pytest_django.asserts import assertContains, assertNotContains

from articles import workflow
from articles.models import Article, Transition

from .newsroom import (
    CHIEF,
    EDITOR,
    WRITER,
    change_url,
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
D, R, P, W = Status.DRAFT, Status.REVIEW, Status.PUBLISHED, Status.WITHDRAWN
VARIANTS = ["zh-hans", "zh-hant", "zh-tw", "zh-hk"]


@pytest.fixture
def people(section):
    writer = member("writer", WRITER)
    return {
        "writer": writer,
        "other writer": member("other-writer", WRITER),
        "editor": member("desk-editor", EDITOR, sections=[section]),
        "other editor": member("other-editor", EDITOR),
        "chief": member("chief", CHIEF),
    }


@pytest.fixture
def written(make_article, people):
    """An article by the writer, in the desk editor's section, at a given status."""

    def make(status, **fields):
        published_at = timezone.now() - timedelta(hours=1) if status in (P, W) else None
        return make_article(
            status=status, published_at=published_at, created_by=people["writer"], **fields
        )

    return make


# --- The rules ----------------------------------------------------------------------

# Who may make each move on the writer's article in the editor's section.
MOVE_MATRIX = [
    (D, R, {"writer", "editor", "chief"}),
    (D, P, {"editor", "chief"}),
    (R, P, {"editor", "chief"}),
    (R, D, {"editor", "chief"}),
    (P, D, {"editor", "chief"}),
    (P, W, {"chief"}),
    (W, D, {"chief"}),
]


@pytest.mark.parametrize(("source", "target", "allowed"), MOVE_MATRIX)
def test_who_may_make_each_move(people, written, source, target, allowed):
    article = written(source)
    for name, user in people.items():
        refused = workflow.refusal(user, article, target)
        assert (refused is None) == (name in allowed), (name, source, target, refused)


@pytest.mark.parametrize(
    ("source", "target"), [(D, W), (R, W), (W, P), (R, R), (P, R), (W, R), ("", W)]
)
def test_moves_outside_the_workflow_are_refused_even_for_the_chief(
    people, written, source, target
):
    article = written(source or D)
    if not source:
        article = Article(section=article.section, title="新稿")
    assert workflow.refusal(people["chief"], article, target) is not None


def test_status_choices_are_the_current_state_and_the_allowed_moves(people, written):
    article = written(P)
    assert [v for v, _ in workflow.status_choices(people["editor"], article)] == [D, P]
    assert [v for v, _ in workflow.status_choices(people["chief"], article)] == [D, P, W]
    assert [v for v, _ in workflow.status_choices(people["writer"], article)] == [P]


def test_a_writer_edits_only_their_own_drafts(people, written):
    writer, other = people["writer"], people["other writer"]
    assert workflow.may_edit(writer, written(D))
    for status in (R, P, W):
        assert not workflow.may_edit(writer, written(status))
        assert workflow.may_view(writer, written(status))
    assert not workflow.may_view(other, written(D))


def test_a_section_editor_may_not_publish_elsewhere(people, written, make_section):
    elsewhere = written(R, section=make_section(name="体育", slug="tiyu"))
    assert workflow.refusal(people["editor"], elsewhere, P) is not None
    assert not workflow.may_view(people["editor"], elsewhere)
    assert not workflow.may_view(people["other editor"], written(R))


def test_an_inactive_or_non_staff_user_previews_nothing(people, written):
    writer = people["writer"]
    article = written(D)
    writer.is_staff = False
    assert not workflow.may_view(writer, article)
    writer.is_staff, writer.is_active = True, False
    assert not workflow.may_view(writer, article)


# --- Every move, through the admin, recorded and shown ----------------------------------------


FORM_MOVES = [
    ("writer", D, R, ""),
    ("editor", R, D, "导语需要补充数据来源。"),
    ("editor", R, P, ""),
    ("editor", D, P, "快讯直接发布"),
    ("editor", P, D, "标题有误，先撤下"),
    ("chief", P, W, "报道失实，撤稿致歉。"),
    ("chief", W, D, "核实后重新编辑"),
]


@pytest.mark.parametrize(("who", "source", "target", "note"), FORM_MOVES)
def test_every_move_through_the_form_is_recorded_and_shown(
    client, people, written, who, source, target, note
):
    article = written(source)
    user = people[who]
    client.force_login(user)
    response = client.post(
        change_url(article), form_data(article, status=target, transition_note=note)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.status == target
    transition = article.transitions.get()
    assert (transition.user, transition.from_status, transition.to_status, transition.note) == (
        user,
        source,
        target,
        note,
    )
    client.force_login(people["chief"])  # the writer may no longer see some of them
    page = client.get(change_url(article))
    assertContains(page, "状态记录")
    assertContains(page, f"{Status(source).label} → {Status(target).label}")
    if note:
        assertContains(page, note)


ACTION_MOVES = [
    ("writer", "submit", D, R),
    ("editor", "send_back", R, D),
    ("editor", "publish", R, P),
    ("editor", "unpublish", P, D),
    ("chief", "withdraw", P, W),
    ("chief", "restore", W, D),
]


@pytest.mark.parametrize(("who", "action", "source", "target"), ACTION_MOVES)
def test_every_move_by_action_is_recorded_with_the_note(
    client, people, written, who, action, source, target
):
    article = written(source)
    client.force_login(people[who])
    run_action(client, action, [article], note="批量操作的说明")
    article.refresh_from_db()
    assert article.status == target
    assert article.version == 1
    transition = article.transitions.get()
    assert (transition.from_status, transition.to_status) == (source, target)
    assert (transition.user, transition.note) == (people[who], "批量操作的说明")


@pytest.mark.parametrize(
    ("who", "action", "source"), [("editor", "send_back", R), ("chief", "withdraw", P)]
)
def test_sending_back_and_withdrawing_need_a_reason(client, people, written, who, action, source):
    article = written(source)
    client.force_login(people[who])
    response = run_action(client, action, [article])
    assert "需要写明原因" in messages_of(response)[0]
    assert Article.objects.get(pk=article.pk).status == source
    target = D if source == R else W
    response = client.post(change_url(article), form_data(article, status=target))
    assert "transition_note" in response.context["adminform"].form.errors
    assert not Transition.objects.exists()


def test_a_note_without_a_move_is_an_error_not_silently_dropped(client, people, written):
    article = written(D)
    client.force_login(people["writer"])
    response = client.post(change_url(article), form_data(article, transition_note="只是说明"))
    assert "transition_note" in response.context["adminform"].form.errors


def test_creating_an_article_records_it(client, people, section):
    client.force_login(people["editor"])
    response = client.post(
        reverse("admin:articles_article_add"),
        new_article_data(section, title="新建即发布", status=P),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(title="新建即发布")
    assert article.is_public
    transition = article.transitions.get()
    assert (transition.from_status, transition.to_status) == ("", P)
    assertContains(client.get(change_url(article)), "新建 → 已发布")


def test_scheduled_articles_show_as_scheduled_on_their_change_page(client, people, written):
    article = written(P)
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() + timedelta(days=1))
    client.force_login(people["editor"])
    assertContains(client.get(change_url(article)), "定时发布：")


# --- 410 for withdrawn articles ---------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
def test_withdrawn_article_is_gone_with_a_chinese_page(client, written, variant):
    article = written(W, title="被撤回的报道")
    with translation.override(variant):
        url = article.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 410
    assert "Cookie" in response["Vary"]
    assertNotContains(response, "被撤回的报道", status_code=410)
    text = response.content.decode()
    if variant == "zh-hans":
        assert "文章已撤稿" in text and "这篇文章已由编辑部撤回" in text
    else:
        assert "這篇文章已由編輯部撤回" in text
    assert 'href="/' + variant + '/"' in text  # home, in the reader's variant


def test_withdrawn_article_is_gone_for_staff_who_may_not_see_it(client, people, written):
    article = written(W)
    client.force_login(people["other writer"])
    assert client.get(article.get_absolute_url()).status_code == 410


def test_withdrawn_article_previews_for_the_chief_and_its_writer(client, people, written):
    article = written(W, title="被撤回的报道")
    for who in ("chief", "writer"):
        client.force_login(people[who])
        response = client.get(article.get_absolute_url())
        assertContains(response, "被撤回的报道")
        assertContains(response, "预览")


@pytest.mark.parametrize("status", [D, R])
def test_drafts_and_submissions_stay_not_found_for_readers(client, written, status):
    assert client.get(written(status).get_absolute_url()).status_code == 404


def test_unpublishing_makes_an_article_not_found_not_gone(client, people, written):
    article = written(P)
    client.force_login(people["editor"])
    run_action(client, "unpublish", [article])
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


# --- Previews -----------------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
def test_editor_previews_an_unpublished_article_in_every_variant(client, people, written, variant):
    article = written(R, title="待审的稿件")
    client.force_login(people["editor"])
    with translation.override(variant):
        url = article.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Language"].lower().startswith("zh")
    cache_control = response["Cache-Control"]
    assert {"no-store", "private", "no-cache", "max-age=0"} <= {
        part.strip() for part in cache_control.split(",")
    }
    assert "Cookie" in response["Vary"]
    assert "待审" in response.content.decode() or "待審" in response.content.decode()


def test_writer_previews_their_own_draft_but_not_another_s(client, people, written, make_article):
    own = written(D, title="自己的草稿")
    other = make_article(status=D, published_at=None, created_by=people["other writer"])
    client.force_login(people["writer"])
    assertContains(client.get(own.get_absolute_url()), "自己的草稿")
    assert client.get(other.get_absolute_url()).status_code == 404


def test_editor_of_another_section_cannot_preview(client, people, written):
    client.force_login(people["other editor"])
    assert client.get(written(R).get_absolute_url()).status_code == 404


def test_scheduled_article_previews_for_its_editor_and_is_hidden_from_readers(
    client, people, written
):
    article = written(P)
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() + timedelta(hours=2))
    assert client.get(article.get_absolute_url()).status_code == 404
    client.force_login(people["editor"])
    response = client.get(article.get_absolute_url())
    assertContains(response, "定时于")
    assert "no-store" in response["Cache-Control"]


def test_a_preview_is_never_counted_as_a_reader_s_view(client, people, written):
    article = written(R)
    client.force_login(people["chief"])
    response = client.get(article.get_absolute_url())
    assertContains(response, article.title)
    assertNotContains(response, "data-view-beacon")


def test_change_form_links_to_previews_in_four_variants(client, people, written):
    article = written(R)
    client.force_login(people["editor"])
    response = client.get(change_url(article))
    assertContains(response, "预览（读者看不到）")
    for variant in VARIANTS:
        with translation.override(variant):
            assertContains(response, f'href="{article.get_absolute_url()}"')
