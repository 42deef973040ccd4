from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from articles.models import Article, Section, Tag

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "offset", "public"),
    [
        (Article.Status.PUBLISHED, timedelta(minutes=-1), True),
        (Article.Status.PUBLISHED, timedelta(hours=2), False),
        (Article.Status.DRAFT, timedelta(minutes=-1), False),
        (Article.Status.REVIEW, timedelta(minutes=-1), False),
        (Article.Status.WITHDRAWN, timedelta(minutes=-1), False),
    ],
)
def test_published_matrix(make_article, status, offset, public):
    article = make_article(status=status, published_at=timezone.now() + offset)
    assert (article in Article.objects.published()) is public
    assert article.is_public is public


def test_future_article_is_not_published_until_its_time(make_article):
    article = make_article(published_at=timezone.now() + timedelta(hours=1))
    assert article.is_scheduled
    assert not Article.objects.published().filter(pk=article.pk).exists()
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now())
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_publishing_without_a_time_stamps_now(make_article):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    article.status = Article.Status.PUBLISHED
    article.save()
    assert article.published_at is not None
    assert article.published_at <= timezone.now()


def test_article_url_is_id_based_under_the_active_variant(article):
    with override("zh-hant"):
        assert article.get_absolute_url() == f"/zh-hant/caijing/{article.pk}/"
    with override("zh-hans"):
        assert article.get_absolute_url() == f"/zh-hans/caijing/{article.pk}/"


def test_each_field_script_is_detected_on_save(make_article):
    article = make_article(
        title="软件发布会", body="<p>這是繁體正文，佈局與內容。</p>", summary=""
    )
    assert article.script_of("title") == "zh-Hans"
    assert article.script_of("body") == "zh-Hant"


def test_editor_can_override_the_detected_script(make_article):
    article = make_article(title="软件发布会", body="<p>这是简体。</p>", script="zh-Hant")
    assert set(article.field_scripts.values()) == {"zh-Hant"}


def test_nul_characters_are_stripped_on_save(make_article):
    article = make_article(title="技术\x00说明", body="<p>技术\x00说明</p>", summary="导\x00语")
    article.refresh_from_db()
    assert article.title == "技术说明"
    assert article.body == "<p>技术说明</p>"
    assert article.summary == "导语"


def test_body_is_sanitised_on_save(make_article):
    article = make_article(
        body='<p onclick="x()">正文<script>alert(1)</script><a href="javascript:alert(1)">链接</a>'
        '<span lang="zh-Hant" translate="no">陳航</span></p>'
    )
    assert "script" not in article.body
    assert "onclick" not in article.body
    assert "javascript:" not in article.body
    assert 'lang="zh-Hant"' in article.body
    assert 'translate="no"' in article.body


def test_chinese_tag_keeps_a_chinese_slug(make_article):
    article = make_article(tags=["新闻"])
    tag = article.tags.get()
    assert tag.slug == "新闻"
    with override("zh-hans"):
        assert tag.get_absolute_url() == "/zh-hans/tags/%E6%96%B0%E9%97%BB/"


def test_tag_knows_its_script(db):
    assert Tag.objects.create(name="電動車").script == "zh-Hant"
    assert Tag.objects.create(name="新能源").script == "zh-Hans"


def test_section_cannot_be_its_own_ancestor(make_section):
    top = make_section(slug="top")
    child = make_section(slug="child", parent=top)
    top.parent = child
    with pytest.raises(ValidationError) as error:
        top.full_clean()
    assert "parent" in error.value.message_dict


@pytest.mark.parametrize("slug", ["tags", "search", "admin", "feed"])
def test_section_slug_cannot_shadow_a_site_url(db, slug):
    with pytest.raises(ValidationError) as error:
        Section(name="保留", slug=slug).full_clean()
    assert "slug" in error.value.message_dict


def test_section_slug_must_be_ascii(db):
    with pytest.raises(ValidationError):
        Section(name="财经", slug="财经").full_clean()


def test_tags_that_differ_only_by_script_are_one_tag(make_article):
    first = make_article(tags=["关键词"])
    second = make_article(tags=["關鍵詞"])
    assert list(first.tags.all()) == list(second.tags.all())
    assert Tag.objects.filter(folded="关键词").count() == 1


def test_two_new_names_of_one_tag_in_one_save_make_one_tag(make_article):
    article = make_article(tags=["電動車", "电动车", "Ｃ919", "c919"])
    assert {tag.name for tag in article.tags.all()} == {"電動車", "Ｃ919"}


def test_a_tag_cannot_be_created_again_in_the_other_script(make_article):
    make_article(tags=["关键词"])
    with pytest.raises(ValidationError):
        Tag(name="關鍵詞", slug="guan-jian-ci").full_clean()
