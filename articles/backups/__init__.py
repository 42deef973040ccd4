"""
The whole site in one file, and back (``manage.py backup`` / ``restore``).

A backup is a tar.gz (``archive``) of:

- ``manifest.json``, first, so a restore refuses a wrong archive before
  unpacking the rest: format and version, when and from what it was made
  (packages, database), the migrations applied, the rows of each model, and
  the size and SHA-256 of ``data.json`` and of every media file;
- ``data.json``: the rows of every model but a few (``content.EXCLUDED``
  says which and why), in Django's serialization format;
- ``media/<name>``: every file under MEDIA_ROOT that a row points at.

Everything a backup reads comes from one database snapshot. A restore goes
into a database migrated to the same migrations, on either backend. It checks
all it can before touching anything (each member, the manifest, the
migrations, every checksum, on a staged copy); then in one transaction it
empties the tables, loads the rows, checks constraints and row counts,
rebuilds the search index and only then writes the media files. Any failure
rolls the database back and removes the files it wrote. Afterwards every
cached page is purged. Media files already in MEDIA_ROOT are left there.
"""

import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from newsportal import page_cache

from .. import search
from . import archive, content
from .archive import DATA, FORMAT, MEDIA, VERSION, BackupError

__all__ = ["BackupError", "Restored", "create", "restore"]

PACKAGES = ("Django", "django-reversion", "django-taggit", "newsportal")


def create(path, *, using=DEFAULT_DB_ALIAS, storage=default_storage):
    """Write the site's backup to ``path``; returns its manifest."""
    path = Path(path)
    content.check_migrated(using)
    with tempfile.TemporaryDirectory(prefix="newsportal-backup-") as work:
        data_path = Path(work) / DATA
        with _snapshot(connections[using]):
            counts = content.dump(data_path, using)
            names = content.media_names(using)
            migrations = content.migration_state(using)
        media, missing = _hash_media(names, storage)
        with data_path.open("rb") as data:
            size, sha256 = archive.digest(data)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created": timezone.now().isoformat(),
            "site": settings.SITE_NAME,
            "database": connections[using].vendor,
            "packages": {name: _version_of(name) for name in PACKAGES},
            "migrations": migrations,
            "counts": counts,
            "excluded": content.EXCLUDED,
            "data": {"size": size, "sha256": sha256},
            "media": media,
            "missing_media": missing,
        }
        archive.write(path, manifest, data_path, lambda name: storage.open(name, "rb"))
    return manifest


@contextmanager
def _snapshot(connection):
    """
    One transaction for all a backup reads, so the rows agree with each other
    and with the files they name while editors work: on PostgreSQL a
    repeatable-read snapshot; on SQLite a read transaction is one already.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=connection.alias):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _hash_media(names, storage):
    """Size and SHA-256 of each file, by name; and the names with no readable file."""
    media, missing = {}, []
    for name in sorted(names):
        if not archive.safe_name(name):
            missing.append(name)
            continue
        try:
            with storage.open(name, "rb") as file:
                size, sha256 = archive.digest(file)
        except (OSError, SuspiciousFileOperation):
            missing.append(name)
            continue
        media[name] = {"size": size, "sha256": sha256}
    return media, missing


def _version_of(package):
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


@dataclass
class Restored:
    """What a restore did, for the command to report."""

    manifest: dict
    written: list  # media files written
    present: list  # media files already there with the same bytes
    indexed: int  # articles in the rebuilt search index


def restore(path, *, force=False, using=DEFAULT_DB_ALIAS, storage=default_storage):
    """
    Replace the site with the backup at ``path``; ``force`` replaces a site
    that has content. Raises BackupError, with nothing changed, if it cannot.
    """
    ContentType.objects.clear_cache()  # another process may have emptied the database
    content.check_migrated(using)
    if not force:
        content.refuse_unless_empty(using)
    with tempfile.TemporaryDirectory(prefix="newsportal-restore-") as work:
        manifest, staged = archive.unpack(
            Path(path), Path(work), lambda manifest: content.check_migrations(manifest, using)
        )
        written, present = [], []
        try:
            with transaction.atomic(using=using):
                if not force:
                    content.refuse_unless_empty(using)
                content.empty(using)
                content.load(staged[DATA], manifest["counts"], using)
                indexed = search.rebuild(using)
                _write_media(manifest["media"], staged, storage, written, present)
        except BaseException:
            for name in written:
                storage.delete(name)
            raise
    ContentType.objects.clear_cache()
    page_cache.purge({"all"})  # every cached page's key has "all": none of the old site is served
    return Restored(manifest, written, present, indexed)


def _write_media(media, staged, storage, written, present):
    """Store each file under its own name; a file already there with these bytes stays."""
    for name, entry in media.items():
        if storage.exists(name):
            with storage.open(name, "rb") as existing:
                if archive.digest(existing)[1] == entry["sha256"]:
                    present.append(name)
                    continue
            storage.delete(name)
        with staged[MEDIA + name].open("rb") as file:
            saved = storage.save(name, File(file, name=name))
        written.append(saved)
        if saved != name:
            raise BackupError(f"{name} 被存成了 {saved} / was stored as {saved}")
