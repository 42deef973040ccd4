"""Shared fixtures: plain builders for sections and articles, an editor and their client."""

import itertools
import math
import time
from datetime import timedelta
from importlib import import_module
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from articles import view_counts, views
from articles.models import Article, Section

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads go to a folder of the test's own, which pytest cleans up."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def content_types_after_flush(request):
    """
    A test in a real transaction ends by emptying every table, and content types
    come back with new ids: forget the cached ones, or the next test's revisions
    point at ids that are gone.
    """
    yield
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames:
        ContentType.objects.clear_cache()


@pytest.fixture
def newsroom_roles():
    """
    The roles 记者/编辑/主编, made again the way migration 0006 makes them: a
    test in a real transaction starts after an earlier one emptied every table,
    rows of data migrations included.
    """
    roles = import_module("articles.migrations.0006_newsroom_groups")
    state = MigrationLoader(connection).project_state(("articles", "0006_newsroom_groups"))

    class SchemaEditor:  # all that create_groups asks of one
        pass

    SchemaEditor.connection = connection
    if Group.objects.filter(name__in=["记者", "编辑", "主编"]).count() != 3:
        roles.create_groups(state.apps, SchemaEditor())


@pytest.fixture(autouse=True)
def empty_cache():
    """
    Every test starts with an empty page cache: the database is rolled back
    between tests, and page-cache generations with it, so entries kept from an
    earlier test could otherwise match again.
    """
    cache.clear()


@pytest.fixture(autouse=True)
def view_tally(monkeypatch):
    """
    Each test counts views into a buffer of its own, flushed only when the test
    says so (no process-wide buffer flushing at exit into a test database).
    """
    tally = view_counts.MemoryTally()
    monkeypatch.setattr(view_counts, "current", lambda: tally)
    monkeypatch.setattr(view_counts, "_next_flush", math.inf)
    return tally


@pytest.fixture
def add_views(db):
    """Record ``views`` of an article ``hours_ago``, as a flush of reader beacons would."""

    def add(article, views, hours_ago=0):
        hour = view_counts.hour_of(time.time()) - hours_ago * 3600
        view_counts.store({(article.pk, hour): views})

    return add


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
