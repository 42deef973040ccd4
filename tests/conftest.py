"""Shared fixtures: plain builders for sections and articles, an editor and their client."""

import itertools
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from articles import views
from articles.models import Article, Section

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads go to a folder of the test's own, which pytest cleans up."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def make_section(db):
    def make(**overrides):
        number = next(_numbers)
        fields = {"name": f"栏目{number}", "slug": f"section-{number}"}
        fields.update(overrides)
        return Section.objects.create(**fields)

    return make


@pytest.fixture
def section(make_section):
    return make_section(name="财经", slug="caijing")


@pytest.fixture
def make_article(db, section):
    """A published article unless overridden; ``tags`` is a list of names."""

    def make(tags=(), **overrides):
        number = next(_numbers)
        fields = {
            "title": f"测试文章标题{number}",
            "summary": "这是一段简体导语。",
            "body": "<p>这是简体正文。</p>",
            "section": section,
            "status": Article.Status.PUBLISHED,
            "published_at": timezone.now() - timedelta(minutes=number),
        }
        fields.update(overrides)
        article = Article.objects.create(**fields)
        if tags:
            article.tags.add(*tags)
        return article

    return make


@pytest.fixture
def article(make_article):
    return make_article(
        title="软件发布会今日举行",
        summary="简体导语：新产品发布。",
        body="<p>這是繁體正文，介紹軟體的佈局。</p>",
        author="陈航",
        editor="林小雨",
        source="新闻门户",
        source_url="https://example.com/source",
        reprint_note="本文为原创，转载请注明出处。",
        tags=["新闻", "科技"],
    )


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        "editor", password="editor-pass-123", is_staff=True
    )
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["articles", "taggit"])
    )
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def pages(article, make_article, monkeypatch):
    """One URL (less its variant prefix) of each kind of public page, each with a page 2."""
    monkeypatch.setattr(views.ArticleListMixin, "paginate_by", 1)
    make_article(title="第二篇文章", tags=["新闻"])
    return {
        "home": "/",
        "section": "/caijing/",
        "article": f"/caijing/{article.pk}/",
        "tag": f"/tags/{quote('新闻')}/",
        "not found": "/no-such-section/",
    }
