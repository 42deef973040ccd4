"""
Backups (issue 7): ``manage.py backup`` and ``manage.py restore``.

The site is compared before and after through the database rows themselves
(``site_rows``), not through the backup's own serializer, so a field the
backup lost or rounded would show. Restores run in real transactions, since
"nothing changed" after a refused restore is a claim about what was committed.
"""

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from datetime import date, datetime
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from PIL import Image, ImageDraw
from reversion.models import Version

from articles import backups, images, search, workflow
from articles.backups import content
from articles.models import Article, ArticleImage, Tag, TaggedArticle
from articles.revisions import recording, versions_of

ROOT = Path(__file__).resolve().parent.parent
BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15"
RESTORE_PG_URL = os.environ.get(
    "NEWSPORTAL_TEST_RESTORE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/np_backup_restore"
)
# Real transactions, as the commands run. Tables start empty: what migrations
# put there (the newsroom's roles) is made again by ``newsroom_roles``.
in_real_transactions = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _migrated_site(request):
    if request.node.get_closest_marker("django_db"):
        ContentType.objects.clear_cache()  # ids from before an earlier test emptied the tables
        request.getfixturevalue("newsroom_roles")


# --- What the site is --------------------------------------------------------------------


def site_rows():
    """
    Every backed-up model's rows, all fields, as plain JSON values, with content
    types and permissions by natural key (their ids are each database's own).
    """
    rows = {}
    for model in content.backed_up_models():
        found = []
        for row in model._base_manager.order_by("pk").values():
            found.append({name: _plain(model, name, value) for name, value in row.items()})
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if not through._meta.auto_created:
                continue
            pairs = through.objects.values_list(field.m2m_field_name(), field.m2m_reverse_name())
            targets = {}
            for owner, target in pairs:
                if field.remote_field.model is Permission:
                    target = list(Permission.objects.get(pk=target).natural_key())
                targets.setdefault(owner, []).append(target)
            for row in found:
                row[field.name] = sorted(targets.get(row["id"], []), key=str)
        rows[model._meta.label_lower] = found
    return rows


def _plain(model, name, value):
    if name == "content_type_id" and value is not None:
        return list(ContentType.objects.get_for_id(value).natural_key())
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def media_files(root):
    """Every file under ``root``: relative path → bytes."""
    root = Path(root)
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _picture(size, seed):
    image = Image.new("RGB", size, (20 + seed * 40 % 200, 90, 160))
    draw = ImageDraw.Draw(image)
    for step in range(0, size[0], 40):
        box = (step, step // 2, step + 60, step // 2 + 60)
        draw.ellipse(box, fill=(240, 200 - step % 150, 40))
    return image


def upload(size=(900, 600), seed=1, kind="JPEG"):
    """Image bytes through the upload pipeline, as an editor's upload is stored."""
    out = io.BytesIO()
    _picture(size, seed).save(out, kind)
    return images.prepare(ContentFile(out.getvalue(), name=f"upload.{kind.lower()}"))


def backup(tmp_path, name="site.tar.gz"):
    path = tmp_path / name
    out = io.StringIO()
    call_command("backup", output=str(path), stdout=out, stderr=io.StringIO())
    return path, out.getvalue()


def restore(path, *options):
    out = io.StringIO()
    call_command("restore", str(path), *options, stdout=out)
    return out.getvalue()


def chief():
    return get_user_model().objects.get(username="chief")


@pytest.fixture
def small_site(make_article, django_user_model):
    """An article with a cover and tags, a library image, a user: enough for the refusals."""
    user = django_user_model.objects.create_user("desk", password="desk-pass-123", is_staff=True)
    article = make_article(
        title="台风过境后的城市清理",
        cover=upload(seed=2),
        cover_alt="街道上的清洁车",
        tags=["台风", "城市"],
        created_by=user,
    )
    ArticleImage.objects.create(image=upload(seed=3), alt="积水的路口", uploaded_by=user)
    return article


# --- The round trip ----------------------------------------------------------------------


@in_real_transactions
def test_a_populated_site_comes_back_whole_after_the_database_and_media_are_wiped(
    tmp_path, media_root, client, newsroom_roles
):
    """
    The issue's acceptance test: a living site (the demo, edits kept as
    revisions, a replaced cover that only an old revision still names, a
    library image, reads not yet flushed) is backed up; the database is
    flushed and MEDIA_ROOT deleted; the restore brings back every row of every
    model and every file byte for byte, and search finds the article again.
    """
    call_command("loaddemo", stdout=io.StringIO())
    editor = chief()
    article = Article.objects.published().exclude(cover="").first()
    first_cover = article.cover.name
    with recording(editor, "备份演练：改标题和正文"):
        article.title = "備份演練：江岸夜跑團的第一百次集合"
        article.body += "<p>这段文字只在第二个版本里。</p>"
        article.save()
        article.tags.add("备份演练")
    with recording(editor, "备份演练：换封面"):
        article.cover = upload(seed=4)
        article.cover_alt = "夜跑团在江边集合"
        article.save()
    workflow.move(article, Article.Status.WITHDRAWN, editor, note="演练撤稿，马上恢复")
    workflow.move(article, Article.Status.PUBLISHED, editor, note="演练结束，恢复发布")
    ArticleImage.objects.create(image=upload(seed=5, kind="PNG"), alt="江边跑道", caption="示意图")
    read = Article.objects.published().exclude(pk=article.pk).first()
    views_before = read.view_count
    for number in range(3):  # three readers' beacons, still in the tally when the backup starts
        agent = f"{BROWSER} reader/{number}"
        client.post(reverse("count-view", args=[read.pk]), headers={"User-Agent": agent})

    path, report = backup(tmp_path)

    read.refresh_from_db()
    assert read.view_count == views_before + 3  # the backup wrote waiting reads first
    assert "图片文件 media files" in report
    rows, files = site_rows(), media_files(media_root)
    assert len(versions_of(article)) >= 4
    assert not Article.objects.filter(cover=first_cover).exists()  # only a revision names it

    call_command("flush", interactive=False)
    search.rebuild()
    shutil.rmtree(media_root)
    assert not Article.objects.exists()
    assert len(search.search("夜跑团")) == 0

    report = restore(path)

    assert site_rows() == rows
    assert media_files(media_root) == files
    assert first_cover in files
    assert "搜索索引已重建" in report
    assert [hit.article.pk for hit in search.search("备份演练 夜跑團")[:10]] == [article.pk]
    restored = Article.objects.get(pk=article.pk)
    assert restored.tags.filter(name="备份演练").exists()
    page = client.get(restored.get_absolute_url())
    assert page.status_code == 200
    assert restored.cover_renditions["sizes"][0]["webp"] in page.content.decode()


@in_real_transactions
def test_revisions_and_tags_survive_with_their_ids_and_serialized_data(small_site, tmp_path):
    """Revisions name articles and tags by id: restoring them means keeping every id."""
    with recording(None, "第二版"):
        small_site.summary = "第二版导语"
        small_site.save()
    before = list(Version.objects.order_by("pk").values_list("pk", "object_id", "serialized_data"))
    tagged = list(TaggedArticle.objects.values_list("pk", "content_object_id", "tag__name"))
    path, _ = backup(tmp_path)
    restore(path, "--force")
    after = list(Version.objects.order_by("pk").values_list("pk", "object_id", "serialized_data"))
    assert after == before
    assert list(TaggedArticle.objects.values_list("pk", "content_object_id", "tag__name")) == (
        tagged
    )
    assert Tag.objects.get(name="台风").tagged_articles.get().content_object == small_site


@in_real_transactions
def test_a_file_gone_from_media_is_reported_and_the_rest_still_backed_up(
    small_site, tmp_path, media_root
):
    """One lost file must not cost the whole backup; the operator is told which one."""
    image = ArticleImage.objects.get()
    (media_root / image.image.name).unlink()
    path = tmp_path / "site.tar.gz"
    errors = io.StringIO()
    call_command("backup", output=str(path), stdout=io.StringIO(), stderr=errors)
    assert image.image.name in errors.getvalue()
    manifest = json.loads(read_members(path)[0][1])
    assert manifest["missing_media"] == [image.image.name]
    assert small_site.cover.name in manifest["media"]
    restore(path, "--force")
    assert ArticleImage.objects.get().image.name == image.image.name


# --- Refusing a site that has content ------------------------------------------------------


@in_real_transactions
def test_restoring_into_a_database_with_content_is_refused_without_force(small_site, tmp_path):
    """Restoring over a live site by mistake would replace it: without --force nothing changes."""
    path, _ = backup(tmp_path)
    small_site.title = "备份之后改过的标题"
    small_site.save()
    rows = site_rows()
    with pytest.raises(CommandError, match="--force"):
        restore(path)
    assert site_rows() == rows


@in_real_transactions
def test_force_replaces_the_site_and_no_cached_page_of_the_old_one_is_served(
    small_site, make_article, tmp_path, client
):
    """
    --force empties and reloads; the page cache must forget the replaced
    site, or readers would be served its pages until they expired.
    """
    path, _ = backup(tmp_path)
    rows = site_rows()
    small_site.title = "备份之后改过的标题"
    small_site.save()
    later = make_article(title="备份之后才写的文章")
    url = small_site.get_absolute_url()
    assert "备份之后改过的标题" in client.get(url).content.decode()
    assert client.get(url)["X-Page-Cache"] == "hit"

    restore(path, "--force")

    assert site_rows() == rows
    assert not Article.objects.filter(pk=later.pk).exists()
    page = client.get(url)
    assert page["X-Page-Cache"] == "miss"
    assert "台风过境后的城市清理" in page.content.decode()


# --- Refusing a bad archive, with nothing changed -------------------------------------------


def read_members(path):
    with tarfile.open(path, "r:gz") as archive:
        return [(member, archive.extractfile(member).read()) for member in archive]


def rewrite(source, target, *, edit=None, manifest=None, extra=()):
    """
    Copy the archive ``source`` to ``target``: ``edit(name, data)`` may change a
    member's bytes (the manifest keeps its checksum unless ``manifest`` changes
    it), ``extra`` are ``(TarInfo, bytes)`` members added at the end.
    """
    with tarfile.open(target, "w:gz") as out:
        for member, data in read_members(source):
            if member.name == backups.archive.MANIFEST and manifest is not None:
                data = json.dumps(manifest(json.loads(data))).encode()
            elif edit is not None:
                data = edit(member.name, data)
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
        for member, data in extra:
            out.addfile(member, io.BytesIO(data) if data is not None else None)
    return target


def flip_a_byte(name, data):
    if name.startswith("media/covers/") and name.endswith(".jpg"):
        data = bytearray(data)
        data[len(data) // 2] ^= 0x01
    return bytes(data)


def member(name, kind=tarfile.REGTYPE, data=b"", linkname=""):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    info.linkname = linkname
    return info, (data if kind == tarfile.REGTYPE else None)


def assert_refused(path, media_root, match, *options):
    """The restore fails with ``match``, and neither the rows nor the media have changed."""
    rows, files = site_rows(), media_files(media_root)
    with pytest.raises(CommandError, match=match):
        restore(path, *options)
    assert site_rows() == rows
    assert media_files(media_root) == files


@in_real_transactions
def test_an_archive_with_one_changed_media_byte_is_refused(small_site, tmp_path, media_root):
    """A damaged or altered file is caught by its checksum before anything is touched."""
    path, _ = backup(tmp_path)
    tampered = rewrite(path, tmp_path / "tampered.tar.gz", edit=flip_a_byte)
    assert_refused(tampered, media_root, "checksum", "--force")


@in_real_transactions
@pytest.mark.parametrize(
    "bad",
    [
        member("../escaped.jpg", data=b"x"),
        member("media/covers/../../../escaped.jpg", data=b"x"),
        member("/tmp/np_backup_absolute.jpg", data=b"x"),
        member("media/link.jpg", tarfile.SYMTYPE, linkname="/etc/passwd"),
        member("media/hard.jpg", tarfile.LNKTYPE, linkname="data.json"),
        member("media/tty", tarfile.CHRTYPE),
        member("media/pipe", tarfile.FIFOTYPE),
        member("media/folder", tarfile.DIRTYPE),
    ],
    ids=["dotdot", "dotdot-inside", "absolute", "symlink", "hardlink", "device", "fifo", "dir"],
)
def test_an_archive_with_an_unsafe_member_is_refused(small_site, tmp_path, media_root, bad):
    """A crafted archive can neither write outside the staging folder nor plant a link."""
    path, _ = backup(tmp_path)
    tampered = rewrite(path, tmp_path / "tampered.tar.gz", extra=[bad])
    assert_refused(tampered, media_root, "unsafe path|not a regular file", "--force")
    assert not (tmp_path / "escaped.jpg").exists()
    assert not Path("/tmp/np_backup_absolute.jpg").exists()


@in_real_transactions
def test_a_member_the_manifest_does_not_list_is_refused(small_site, tmp_path, media_root):
    path, _ = backup(tmp_path)
    extra = member("media/covers/planted.jpg", data=b"\xff\xd8 not listed")
    tampered = rewrite(path, tmp_path / "tampered.tar.gz", extra=[extra])
    assert_refused(tampered, media_root, "not in the manifest", "--force")


@in_real_transactions
def test_an_archive_missing_a_file_its_manifest_lists_is_refused(small_site, tmp_path, media_root):
    path, _ = backup(tmp_path)
    with tarfile.open(tmp_path / "short.tar.gz", "w:gz") as out:
        for info, data in read_members(path)[:-1]:
            out.addfile(info, io.BytesIO(data))
    assert_refused(tmp_path / "short.tar.gz", media_root, "lacks 1 files", "--force")


@in_real_transactions
def test_another_format_version_is_refused(small_site, tmp_path, media_root):
    path, _ = backup(tmp_path)
    tampered = rewrite(
        path, tmp_path / "v2.tar.gz", manifest=lambda manifest: {**manifest, "version": 2}
    )
    assert_refused(tampered, media_root, "format version 2", "--force")


@in_real_transactions
def test_an_archive_made_at_other_migrations_is_refused(small_site, tmp_path, media_root):
    def newer(manifest):
        manifest["migrations"]["articles"].append("0099_from_a_later_release")
        return manifest

    path, _ = backup(tmp_path)
    tampered = rewrite(path, tmp_path / "newer.tar.gz", manifest=newer)
    assert_refused(tampered, media_root, "0099_from_a_later_release", "--force")


@in_real_transactions
@pytest.mark.parametrize("damage", ["not gzip", "truncated", "no manifest"])
def test_an_archive_that_cannot_be_read_is_refused(small_site, tmp_path, media_root, damage):
    path, _ = backup(tmp_path)
    broken = tmp_path / "broken.tar.gz"
    if damage == "not gzip":
        broken.write_bytes("这不是备份文件".encode() * 100)
    elif damage == "truncated":
        broken.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    else:
        with tarfile.open(broken, "w:gz") as out:
            for info, data in read_members(path)[1:]:
                out.addfile(info, io.BytesIO(data))
    assert_refused(broken, media_root, "cannot read|damaged|not a newsportal backup", "--force")


@in_real_transactions
@pytest.mark.parametrize("fault", ["dangling section", "row count"])
def test_data_that_fails_after_loading_leaves_nothing_behind(
    small_site, tmp_path, media_root, fault
):
    """
    The checksums agree (the manifest was rewritten to match), so the rows are
    loaded and only then found wrong: the emptied tables come back, and no
    media file is written, since files are written only after the rows are in.
    """
    path, _ = backup(tmp_path)
    data = json.loads(dict((m.name, d) for m, d in read_members(path))["data.json"])
    if fault == "dangling section":
        for row in data:
            if row["model"] == "articles.article":
                row["fields"]["section"] = 987654
    new_data = json.dumps(data, ensure_ascii=False).encode()

    def matching(manifest):
        manifest["data"] = {
            "size": len(new_data),
            "sha256": hashlib.sha256(new_data).hexdigest(),
        }
        if fault == "row count":
            manifest["counts"]["articles.article"] += 1
        return manifest

    tampered = rewrite(
        path,
        tmp_path / "tampered.tar.gz",
        edit=lambda name, d: new_data if name == "data.json" else d,
        manifest=matching,
    )
    shutil.rmtree(media_root)
    assert_refused(tampered, media_root, "could not be loaded|rows loaded", "--force")
    assert not media_root.exists()


# --- Another backend, another process --------------------------------------------------------


SNAPSHOT_SCRIPT = """
import json, sys
import django
django.setup()
from articles import search
from tests.test_backup import media_files, site_rows
from django.conf import settings
print(json.dumps({
    "rows": site_rows(),
    "media": {name: data.hex() for name, data in media_files(settings.MEDIA_ROOT).items()},
    "found": [hit.article.pk for hit in search.search(sys.argv[1])[:10]],
}))
"""


def _other_database(tmp_path):
    """A fresh database of the other backend than the tests', for the restore."""
    if connection.vendor == "postgresql":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    server, _, name = RESTORE_PG_URL.rpartition("/")
    try:
        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        pytest.skip(f"no PostgreSQL to restore into ({RESTORE_PG_URL}): {error}")
    return RESTORE_PG_URL


def manage(*args, database_url, media_root):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "REDIS_URL": "",
    }
    command = [sys.executable, *(args if args[0] == "-c" else ["manage.py", *args])]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@in_real_transactions
def test_a_backup_restores_into_a_fresh_database_of_the_other_backend(
    tmp_path, media_root, client, newsroom_roles
):
    """
    SQLite to PostgreSQL (or back, when the tests run on PostgreSQL), by the
    commands an operator types, in processes of their own: ids of content types
    and permissions differ there, and every row must still come back the same.
    """
    call_command("loaddemo", stdout=io.StringIO())
    with recording(chief(), "跨库演练"):
        article = Article.objects.published().first()
        article.title = "跨庫還原演練：颱風過後的江岸"
        article.save()
    path, _ = backup(tmp_path)
    rows = json.loads(json.dumps(site_rows()))
    files = {name: data.hex() for name, data in media_files(media_root).items()}

    target = _other_database(tmp_path)
    target_media = tmp_path / "restored-media"
    done = manage("migrate", "--noinput", database_url=target, media_root=target_media)
    assert done.returncode == 0, done.stderr
    done = manage("restore", str(path), database_url=target, media_root=target_media)
    assert done.returncode == 0, done.stderr
    done = manage("-c", SNAPSHOT_SCRIPT, "跨库还原", database_url=target, media_root=target_media)
    assert done.returncode == 0, done.stderr
    there = json.loads(done.stdout)

    assert there["rows"] == rows
    assert there["media"] == files
    assert there["found"] == [article.pk]

    again = manage("restore", str(path), database_url=target, media_root=target_media)
    assert again.returncode == 1
    assert "--force" in again.stderr
