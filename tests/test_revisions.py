"""Every save keeps a revision; editors read the history, compare two revisions and restore one."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from pytest_django.asserts import assertContains, assertNotContains
from reversion.models import Version

from articles import revisions, textdiff
from articles.models import Article

from .changeform import change_url, form_data, open_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief(django_user_model):
    return django_user_model.objects.create_superuser(
        "chief", password="chief-pass-123", first_name="主编"
    )


@pytest.fixture
def chief_client(chief):
    client = Client()
    client.force_login(chief)
    return client


def _versions(article):
    return list(Version.objects.get_for_object(article).select_related("revision__user"))


def _tags_in(version):
    """The tag names a revision recorded for its article."""
    return set(revisions.Snapshot.of(version).content.tags)


def _history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


def _revision_url(article, version):
    return reverse("admin:articles_article_revision", args=[article.pk, version.pk])


def _compare_url(article, older, newer):
    url = reverse("admin:articles_article_compare", args=[article.pk])
    return f"{url}?from={older.pk}&to={newer.pk}"


def _edit(client, article, **changes):
    _, data = open_form(client, article)
    data.update(changes)
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    return response


# --- Recording ---------------------------------------------------------------------


def test_plain_save_outside_the_admin_keeps_a_revision(make_article):
    article = make_article(title="脚本建的文章")
    assert len(_versions(article)) == 1
    article.title = "脚本改的标题"
    article.save()
    latest = _versions(article)[0]
    assert latest.field_dict["title"] == "脚本改的标题"
    assert latest.field_dict["version"] == 1
    assert latest.revision.comment == "保存"


def test_tags_set_outside_the_admin_are_in_a_revision(make_article):
    article = make_article()
    article.tags.set(["新闻", "电动车"])
    assert _tags_in(_versions(article)[0]) == {"新闻", "电动车"}
    article.tags.set(["新闻", "电动车"])  # nothing changes: no empty revision
    assert len(_versions(article)) == 2  # created, tags added; setting the same adds none


def test_admin_save_keeps_one_revision_with_user_and_tags(chief, chief_client, article):
    before = len(_versions(article))
    _edit(chief_client, article, title="主编改的标题", tags="新闻, 深度报道")

    versions = _versions(article)
    assert len(versions) == before + 1
    latest = versions[0]
    assert latest.revision.user == chief
    assert latest.field_dict["title"] == "主编改的标题"
    assert latest.field_dict["version"] == article.version == 1
    assert _tags_in(latest) == {"新闻", "深度报道"}  # set after the article, still recorded
    assert "标题" in latest.revision.get_comment()  # what the admin says was changed


def test_recording_names_the_user_and_comment_and_makes_one_revision(chief, make_article):
    first, second = make_article(), make_article()
    with revisions.recording(chief, "批量改署名"):
        for article in (first, second):
            article.author = "新署名"
            article.save()
            article.tags.add("改署名")
    latest = _versions(first)[0]
    assert latest.revision == _versions(second)[0].revision
    assert (latest.revision.user, latest.revision.comment) == (chief, "批量改署名")
    assert latest.field_dict["author"] == "新署名"
    assert _tags_in(latest) == {"改署名"}
    assert _tags_in(_versions(second)[0]) == {"改署名"}


def test_record_keeps_a_revision_after_an_update(chief, make_article):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(is_featured=True)
    revisions.record(Article.objects.get(pk=article.pk), chief, "设为头条")
    latest = _versions(article)[0]
    assert latest.field_dict["is_featured"] is True
    assert latest.revision.comment == "设为头条"


# --- History and comparison ------------------------------------------------------------


def test_history_lists_who_when_why_and_the_version(chief_client, article):
    _edit(chief_client, article, title="第一次修改")
    _edit(chief_client, article, title="第二次修改")
    response = chief_client.get(_history_url(article))
    assertContains(response, "第 2 版")
    assertContains(response, "第 1 版")
    assertContains(response, "主编")  # who
    assertContains(response, "新建")  # the plain save's comment
    assertContains(response, "已修改标题")  # the admin's change message
    assertContains(response, 'name="from"')
    assertContains(response, 'name="to"')


def test_history_queries_do_not_grow_with_revisions(chief_client, make_article):
    few, many = make_article(), make_article()
    for number in range(12):
        many.title = f"第{number}次修改的标题"
        many.save()
    counts = []
    for article in (few, many):
        with CaptureQueriesContext(connection) as queries:
            assert chief_client.get(_history_url(article)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_diff_marks_the_changed_words(chief_client, article):
    article.body = "<p>第一段没有改。</p><p>第二段说发布会在上午举行。</p><p>第三段也没改。</p>"
    article.save()
    _edit(
        chief_client,
        article,
        title="软件发布会明日举行",
        body="<p>第一段没有改。</p><p>第二段说发布会在下午举行。</p><p>第三段也没改。</p>"
        "<h2>新的小标题</h2>",
    )
    newer, older = _versions(article)[:2]
    response = chief_client.get(_compare_url(article, older, newer))
    assertContains(response, "软件发布会<del>今</del><ins>明</ins>日举行", html=True)
    assertContains(response, "第二段说发布会在<del>上</del><ins>下</ins>午举行。", html=True)
    assertContains(response, "<ins>新的小标题</ins>", html=True)
    assertContains(response, "小标题")  # the block's kind
    assertNotContains(response, "&lt;p&gt;")  # text compared, not markup


def test_diff_escapes_what_editors_typed(chief_client, make_article):
    article = make_article(
        title="标题 <b>粗</b>", body="<p>正文写着 &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )
    article.title = "标题 <i>斜</i>"
    article.body = "<p>正文写着 &lt;script&gt;alert(2)&lt;/script&gt;</p>"
    article.save()
    newer, older = _versions(article)[:2]
    response = chief_client.get(_compare_url(article, older, newer))
    assertContains(response, "<del>粗</del><ins>斜</ins>", html=True)
    assertNotContains(response, "<b>粗")
    assertNotContains(response, "<i>斜")
    assertNotContains(response, "<script>alert")
    assertContains(response, "&lt;script&gt;alert(<del>1</del><ins>2</ins>)")


def test_compare_defaults_to_the_latest_two_and_404s_on_foreign_versions(
    chief_client, article, make_article
):
    _edit(chief_client, article, summary="改过的导语")
    url = reverse("admin:articles_article_compare", args=[article.pk])
    assertContains(chief_client.get(url), "<ins>改过的</ins>导语")
    other = _versions(make_article())[0]
    own = _versions(article)[0]
    assert chief_client.get(f"{url}?from={other.pk}&to={own.pk}").status_code == 404
    assert chief_client.get(f"{url}?from=x&to=y").status_code == 200  # the default pair


# --- Restoring ---------------------------------------------------------------------


def test_restore_brings_back_the_content_but_not_the_status(chief_client, article):
    old = _versions(article)[0]  # with tags 新闻, 科技
    _edit(chief_client, article, title="后来的标题", body="<p>后来的正文。</p>", tags="后来")
    published_at = article.published_at
    assert article.status == Article.Status.PUBLISHED

    page = chief_client.get(_revision_url(article, old))
    assertContains(page, "恢复这个版本")
    assertContains(page, "<del>后来的正文。</del>", html=True)
    response = chief_client.post(_revision_url(article, old), form_data(page, "revision-restore"))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "软件发布会今日举行"
    assert article.body == "<p>這是繁體正文，介紹軟體的佈局。</p>"
    assert set(article.tags.names()) == {"新闻", "科技"}
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == published_at
    latest = _versions(article)[0]
    assert latest.revision.comment.startswith("恢复自第 0 版")
    assert latest.field_dict["version"] == article.version == 2
    assert _tags_in(latest) == {"新闻", "科技"}


def _cover(colour):
    out = io.BytesIO()
    Image.new("RGB", (800, 500), colour).save(out, "JPEG")
    return SimpleUploadedFile("cover.jpg", out.getvalue(), content_type="image/jpeg")


def test_revisions_keep_the_cover_and_restore_brings_it_back(chief_client, article):
    _edit(chief_client, article, cover=_cover("red"), cover_alt="红色封面")
    red = _versions(article)[0]
    red_name = article.cover.name
    # Read again after the renditions were made: the revision has them.
    assert red.field_dict["cover_renditions"]["source"] == red_name
    _edit(chief_client, article, cover=_cover("blue"), cover_alt="蓝色封面")
    assert article.cover.name != red_name

    page = chief_client.get(_revision_url(article, red))
    chief_client.post(_revision_url(article, red), form_data(page, "revision-restore"))

    article.refresh_from_db()
    assert (article.cover.name, article.cover_alt) == (red_name, "红色封面")
    assert (article.cover_width, article.cover_height) == (800, 500)
    assert article.cover_renditions["source"] == red_name


def test_restore_does_not_publish_a_draft(chief_client, make_article):
    draft = make_article(status=Article.Status.DRAFT, published_at=None, title="草稿原题")
    old = _versions(draft)[0]
    draft.title = "草稿新题"
    draft.save()
    page = chief_client.get(_revision_url(draft, old))
    chief_client.post(_revision_url(draft, old), form_data(page, "revision-restore"))
    draft.refresh_from_db()
    assert (draft.title, draft.status, draft.published_at) == ("草稿原题", "draft", None)


def test_restore_from_a_stale_page_is_refused(chief_client, article):
    old = _versions(article)[0]
    _edit(chief_client, article, title="后来的标题")
    page = chief_client.get(_revision_url(article, old))
    _edit(chief_client, article, title="又改了的标题")  # after the page was read

    response = chief_client.post(
        _revision_url(article, old), form_data(page, "revision-restore"), follow=True
    )
    assertContains(response, "恢复被拒绝")
    article.refresh_from_db()
    assert article.title == "又改了的标题"


def test_restore_makes_an_open_change_form_stale(chief_client, article):
    old = _versions(article)[0]
    _edit(chief_client, article, title="后来的标题")
    _, open_copy = open_form(chief_client, article)
    page = chief_client.get(_revision_url(article, old))
    chief_client.post(_revision_url(article, old), form_data(page, "revision-restore"))

    open_copy["summary"] = "恢复之后才提交的导语"
    response = chief_client.post(change_url(article), open_copy)
    assertContains(response, "保存被拒绝")


def test_view_only_user_may_read_history_but_not_restore(django_user_model, article):
    reader = django_user_model.objects.create_user("reader", password="r-pass-123", is_staff=True)
    reader.user_permissions.set(Permission.objects.filter(codename="view_article"))
    Article.objects.filter(pk=article.pk).update(created_by=reader)  # their own: may view
    article.refresh_from_db()
    article.title = "改过的标题"
    article.save()
    client = Client()
    client.force_login(reader)
    newer, older = _versions(article)[:2]

    assert client.get(_history_url(article)).status_code == 200
    assertContains(client.get(_compare_url(article, older, newer)), "<ins>改过的标题</ins>")
    page = client.get(_revision_url(article, older))
    assert page.status_code == 200
    assertNotContains(page, 'id="revision-restore"')
    forged = client.post(_revision_url(article, older), {"base_version": article.version})
    assert forged.status_code == 403
    article.refresh_from_db()
    assert article.title == "改过的标题"


# --- The comparison itself ---------------------------------------------------------------


def test_body_comparison_folds_unchanged_paragraphs():
    same = "".join(f"<p>没改的第{n}段。</p>" for n in range(6))
    rows = textdiff.body(same + "<p>旧的结尾。</p>", same + "<p>新的结尾。</p>")
    kinds = [row.kind for row in rows]
    assert kinds == ["folded", "same", "changed"]
    assert rows[0].count == 5
    assert str(rows[-1].html) == "<del>旧</del><ins>新</ins>的结尾。"


def test_body_comparison_names_images_and_drops_scripts():
    assert textdiff.blocks('<p>前<script>x()</script>文</p><img src="a.jpg" alt="会场">') == [
        textdiff.Block("p", "前文"),
        textdiff.Block("img", "[图片] 会场"),
    ]


def test_inline_comparison_keeps_latin_words_whole():
    assert str(textdiff.inline("发布 beta 版", "发布 stable 版")) == (
        "发布 <del>beta</del><ins>stable</ins> 版"
    )


def test_very_long_texts_are_compared_in_bounded_time():
    """The common start and end are cut first; a long changed middle is shown replaced."""
    long = "甲乙丙丁" * 1500
    one_change = long[:3000] + "改" + long[3001:]
    assert str(textdiff.inline(long, one_change)) == (
        f"{long[:3000]}<del>{long[3000]}</del><ins>改</ins>{long[3001:]}"
    )
    reordered = "乙甲丁丙" * 1500
    assert str(textdiff.inline(long, reordered)) == f"<del>{long}</del><ins>{reordered}</ins>"
