"""``manage.py loaddemo``: the demo portal ``make run`` opens on, and that re-running is safe."""

import io
import re
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from articles import listings, workflow
from articles.demo import EDITOR_PASSWORD, content
from articles.models import RESERVED_SLUGS, Article, Section, Tag, TaggedArticle
from newsportal.conversion import HANS, HANT, detect_script


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def loaddemo(db, media_root):
    def run():
        out = io.StringIO()
        call_command("loaddemo", stdout=out)
        return out.getvalue()

    return run


@pytest.fixture
def loaded(loaddemo):
    return loaddemo()


def _files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


def _state(root):
    return {
        "sections": Section.objects.count(),
        "articles": Article.objects.count(),
        "tags": Tag.objects.count(),
        "tag links": TaggedArticle.objects.count(),
        "users": get_user_model().objects.count(),
        "files": _files(root),
    }


def test_loaddemo_creates_sections_with_a_nested_one(loaded):
    assert Section.objects.count() >= 5
    child = Section.objects.get(slug="xiaofei-dianshang")
    assert child.parent.slug == "caijing"
    assert not Section.objects.filter(description="").exists()


def test_loaddemo_creates_articles_in_both_scripts(loaded):
    articles = list(Article.objects.all())
    assert len(articles) >= 40
    scripts = {script for article in articles for script in article.field_scripts.values()}
    assert {HANS, HANT} <= scripts
    traditional = [a for a in articles if set(a.field_scripts.values()) == {HANT}]
    assert len(traditional) >= len(articles) // 4
    mixed = [a for a in articles if a.script_of("title") == HANS and a.script_of("body") == HANT]
    assert len(mixed) >= 2


def test_loaddemo_spreads_articles_over_every_section(loaded):
    assert not Section.objects.filter(articles__isnull=True).exists()


def test_covers_are_real_images(loaded, media_root):
    covered = Article.objects.exclude(cover="")
    assert covered.count() >= Article.objects.count() // 2
    for article in covered:
        assert (article.cover_width, article.cover_height) == (1200, 675)
        with Image.open(article.cover.path) as picture:
            picture.verify()
            assert picture.format == "JPEG"
        assert article.cover_caption


def test_covers_have_alt_text_in_the_article_s_script(loaded):
    for article in Article.objects.exclude(cover=""):
        assert "封面" in article.cover_alt
        assert detect_script(article.cover_alt) == detect_script(article.title), article.title


def test_covers_go_through_the_pipeline(loaded, media_root):
    """Re-encoded (no metadata), with renditions on disk, made at load and not on page views."""
    for article in Article.objects.exclude(cover=""):
        with Image.open(article.cover.path) as picture:
            assert "exif" not in picture.info and "icc_profile" not in picture.info
        renditions = article.cover_renditions
        assert renditions["source"] == article.cover.name
        assert [size["width"] for size in renditions["sizes"]] == [320, 640, 1200]
        for size in renditions["sizes"]:
            for kind in ("webp", "jpeg"):
                with Image.open(media_root / size[kind]) as picture:
                    assert picture.size == (size["width"], size["height"])


def test_second_run_changes_nothing(loaddemo, media_root):
    loaddemo()
    before = _state(media_root)
    output = loaddemo()
    assert _state(media_root) == before
    assert "新建 created 0" in output
    assert not re.search(r"created [1-9]", output)


def test_editors_changes_survive_a_rerun(loaded, loaddemo):
    article = Article.objects.published().first()
    article.status = Article.Status.WITHDRAWN
    article.summary = "编辑改过的导语"
    article.save()
    loaddemo()
    article.refresh_from_db()
    assert article.status == Article.Status.WITHDRAWN
    assert article.summary == "编辑改过的导语"


def test_missing_cover_files_are_redrawn_in_place(loaded, loaddemo, media_root):
    files = _files(media_root)
    article = Article.objects.exclude(cover="").first()
    master = media_root / article.cover.name
    rendition = media_root / article.cover_renditions["sizes"][1]["webp"]
    other = Article.objects.exclude(cover="").exclude(pk=article.pk).first()
    other_rendition = media_root / other.cover_renditions["sizes"][0]["jpeg"]
    for path in (master, rendition, other_rendition):
        path.unlink()
    output = loaddemo()
    assert _files(media_root) == files
    assert "封面图 covers: 新建 created 2" in output
    with Image.open(master) as picture:
        assert picture.size == (1200, 675)
    with Image.open(other_rendition) as picture:
        assert picture.size == (320, 180)


def test_reset_database_with_kept_media_draws_nothing_twice(loaded, loaddemo, media_root):
    files = _files(media_root)
    Article.objects.all().delete()
    output = loaddemo()
    assert _files(media_root) == files
    assert "封面图 covers: 新建 created 0" in output
    assert all(a.cover_renditions["sizes"] for a in Article.objects.exclude(cover=""))


def test_an_editor_s_cover_is_left_alone(loaded, loaddemo, media_root):
    article = Article.objects.exclude(cover="").first()
    article.cover = ""
    article.save()
    loaddemo()
    article.refresh_from_db()
    assert not article.cover


@pytest.mark.parametrize("username", ["chief", "editor", "reporter"])
def test_each_role_s_demo_account_can_log_in_to_the_admin(loaded, client, username):
    user = get_user_model().objects.get(username=username)
    assert user.is_staff
    assert not user.is_superuser
    login = {"username": username, "password": EDITOR_PASSWORD}
    assert client.post("/admin/login/?next=/admin/", login).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/articles/article/").status_code == 200


def test_demo_accounts_hold_their_roles(loaded):
    users = get_user_model().objects
    chief, editor, reporter = (
        users.get(username=name) for name in ("chief", "editor", "reporter")
    )
    assert chief.has_perm("articles.change_section") and chief.has_perm(
        "articles.withdraw_article"
    )
    assert editor.has_perm("articles.publish_article")
    assert not editor.has_perm("articles.withdraw_article")
    assert not editor.has_perm("articles.change_section")
    every_article = Article.objects.count()
    assert workflow.visible(editor, Article.objects.all()).count() == every_article
    assert not reporter.has_perm("articles.publish_article")
    assert workflow.visible(reporter, Article.objects.all()).count() == 0


def test_existing_editor_keeps_their_password(loaddemo, django_user_model):
    django_user_model.objects.create_user("editor", password="chosen-by-the-editor")
    output = loaddemo()
    assert django_user_model.objects.get(username="editor").check_password("chosen-by-the-editor")
    assert "already exists" in output


def test_loaddemo_prints_where_to_log_in(loaded):
    assert "http://127.0.0.1:8000/admin/" in loaded
    for username in ("chief", "editor", "reporter"):
        assert f"{username} / {EDITOR_PASSWORD}" in loaded


def test_scheduled_article_is_not_published(loaded):
    scheduled = Article.objects.filter(
        status=Article.Status.PUBLISHED, published_at__gt=timezone.now()
    )
    assert scheduled.exists()
    assert not Article.objects.published().filter(pk__in=scheduled).exists()
    assert Article.objects.filter(status=Article.Status.DRAFT).exists()
    assert Article.objects.filter(status=Article.Status.REVIEW).exists()


def test_front_page_has_fresh_and_featured_articles(loaded):
    published = Article.objects.published()
    day_ago = timezone.now() - timezone.timedelta(hours=24)
    assert published.filter(published_at__gte=day_ago).count() >= 5
    assert published.filter(is_featured=True).count() == 6
    assert published.filter(view_count__gt=0).count() == published.count()


def test_demo_reads_fill_both_hot_lists_differently(loaded):
    hot = listings.hot_lists(limit=10)
    assert len(hot["day"]) == len(hot["week"]) == 10
    assert hot["day"] != hot["week"]
    assert all(a.recent_views <= a.view_count for a in hot["week"])


# The data itself, checked without a database.


def test_demo_sections_take_no_reserved_slug():
    assert not {s["slug"] for s in content.SECTIONS} & RESERVED_SLUGS


def test_demo_articles_are_well_formed():
    keys = [a["key"] for a in content.ARTICLES]
    titles = [a["title"] for a in content.ARTICLES]
    assert len(set(keys)) == len(keys)
    assert len(set(titles)) == len(titles)
    sections = {s["slug"] for s in content.SECTIONS}
    for article in content.ARTICLES:
        assert len(article["title"]) <= 40, article["key"]
        assert article["section"] in sections
        assert 3 <= article["body"].count("<p>") <= 6, article["key"]
        assert "<h2>" in article["body"], article["key"]
        assert 2 <= len(article["tags"]) <= 4, article["key"]
        url = article.get("source_url", "")
        assert not url or re.match(r"https://example\.(com|org)/", url)


def test_demo_tags_come_from_one_pool_and_repeat():
    uses = Counter(tag for article in content.ARTICLES for tag in article["tags"])
    assert set(uses) <= set(content.TAGS)
    for tag in ("新能源", "人工智能", "城市更新"):
        assert uses[tag] >= 4
    assert uses["電動車"] >= 2
