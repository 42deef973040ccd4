"""
The backup file: a tar.gz of ``manifest.json`` (first), ``data.json`` and
``media/<name>`` for each media file, written and read here.

Reading trusts nothing in the file. Every member must be a regular file at a
safe relative path (no absolute path, no ``..``, no links, devices or
folders) and named in the manifest, with the manifest's size and SHA-256;
members are copied into a staging folder under names of our own, never
extracted where the archive says.
"""

import hashlib
import io
import json
import os
import tarfile
import time
import zlib

FORMAT = "newsportal-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.json"
MEDIA = "media/"
MANIFEST_LIMIT = 256 * 2**20  # a manifest is read into memory: refuse an absurd one
CHUNK = 2**20


class BackupError(Exception):
    """An archive that cannot be made or restored; the message tells the operator why."""


def safe_name(name):
    """A relative path that stays where it is put: no absolute path, ``..``, backslash or NUL."""
    return (
        isinstance(name, str)
        and bool(name)
        and not name.startswith("/")
        and "\\" not in name
        and "\0" not in name
        and ":" not in name.split("/")[0]
        and all(part not in ("", ".", "..") for part in name.split("/"))
    )


def digest(file):
    """(size, SHA-256) of what is left to read in ``file``."""
    hashed = hashlib.sha256()
    size = 0
    while chunk := file.read(CHUNK):
        hashed.update(chunk)
        size += len(chunk)
    return size, hashed.hexdigest()


# --- Writing ---------------------------------------------------------------------------


def write(path, manifest, data_path, open_media):
    """
    Write the archive to ``path`` by way of a neighbour renamed at the end, so
    no half-written archive ever has the name asked for. ``open_media(name)``
    opens a media file; its bytes must still be those the manifest records.
    """
    partial = path.with_name(path.name + ".partial")
    mtime = time.time()
    try:
        # Level 6: images, most of the bytes, do not compress; 9 would only be slower.
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            _add(archive, MANIFEST, io.BytesIO(manifest_bytes), len(manifest_bytes), mtime)
            with data_path.open("rb") as data:
                _add(archive, DATA, data, manifest["data"]["size"], mtime)
            for name, entry in manifest["media"].items():
                with open_media(name) as file:
                    hashing = _Hashing(file)
                    _add(archive, MEDIA + name, hashing, entry["size"], mtime)
                if hashing.hexdigest() != entry["sha256"]:
                    raise BackupError(f"{name} 在备份过程中被修改 / changed while being backed up")
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _add(archive, name, file, size, mtime):
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = mtime
    info.mode = 0o644
    archive.addfile(info, file)


class _Hashing:
    """A file read through a SHA-256: what went into the archive is what was checked."""

    def __init__(self, file):
        self.file = file
        self.hash = hashlib.sha256()

    def read(self, size=-1):
        data = self.file.read(size)
        self.hash.update(data)
        return data

    def hexdigest(self):
        return self.hash.hexdigest()


# --- Reading ---------------------------------------------------------------------------


def unpack(path, work, check):
    """
    Check the archive at ``path`` member by member and stage its files in the
    folder ``work``: the manifest first (its form here, then ``check(manifest)``
    for the rest), then every file against it. Returns the manifest and
    ``{member name: staged path}``; raises BackupError at the first fault.
    """
    staged = {}
    manifest = None
    try:
        with tarfile.open(path, "r:gz") as archive:
            for number, member in enumerate(archive):
                name = _checked_member(member)
                if manifest is None:
                    if name != MANIFEST:
                        raise BackupError(f"{path} 不是本站的备份 / is not a newsportal backup")
                    manifest = _read_manifest(archive, member)
                    check(manifest)
                    continue
                if name in staged:
                    raise BackupError(f"备份中 {name} 出现了两次 / {name} appears twice")
                target = work / (DATA if name == DATA else f"{number}.media")
                _stage(archive.extractfile(member), target, name, _entry(manifest, name, member))
                staged[name] = target
    except (OSError, tarfile.TarError, EOFError, zlib.error) as error:
        raise BackupError(
            f"无法读取备份文件，或文件已损坏 / cannot read {path}, or it is damaged: {error}"
        ) from error
    if manifest is None:
        raise BackupError(f"{path} 是空的 / is empty")
    absent = {DATA, *(MEDIA + name for name in manifest["media"])} - staged.keys()
    if absent:
        raise BackupError(
            f"备份不完整 / the archive lacks {len(absent)} files its manifest lists,"
            f" e.g. {min(absent)}"
        )
    return manifest, staged


def _checked_member(member):
    """The member's name, if it is a regular file at a safe relative path."""
    if not safe_name(member.name):
        raise BackupError(f"拒绝不安全的路径 / unsafe path in the archive: {member.name!r}")
    if not member.isreg():
        raise BackupError(
            f"拒绝非普通文件 / {member.name!r} is not a regular file"
            " (links, devices and folders have no place in a backup)"
        )
    return member.name


def _read_manifest(archive, member):
    if member.size > MANIFEST_LIMIT:
        raise BackupError("manifest.json 大得不合理 / manifest.json is too large")
    try:
        manifest = json.loads(archive.extractfile(member).read())
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"manifest.json 无法解析 / cannot be parsed: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("不是本站的备份 / not a newsportal backup (manifest format)")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"备份格式版本为 {manifest.get('version')!r}，本版本只能读 {VERSION}"
            f" / archive format version {manifest.get('version')!r}; this release reads {VERSION}"
        )
    if not _well_formed(manifest):
        raise BackupError("manifest.json 内容不完整 / manifest.json is malformed")
    return manifest


def _well_formed(manifest):
    def entry(value):
        return (
            isinstance(value, dict)
            and isinstance(value.get("size"), int)
            and isinstance(value.get("sha256"), str)
            and len(value["sha256"]) == 64
        )

    migrations, counts, media = (manifest.get(key) for key in ("migrations", "counts", "media"))
    return (
        isinstance(migrations, dict)
        and all(isinstance(names, list) for names in migrations.values())
        and isinstance(counts, dict)
        and all(isinstance(count, int) for count in counts.values())
        and entry(manifest.get("data"))
        and isinstance(media, dict)
        and all(safe_name(name) and entry(value) for name, value in media.items())
    )


def _entry(manifest, name, member):
    """The manifest's record of member ``name``, whose size must be the one it records."""
    if name == DATA:
        entry = manifest["data"]
    elif name.startswith(MEDIA) and name.removeprefix(MEDIA) in manifest["media"]:
        entry = manifest["media"][name.removeprefix(MEDIA)]
    else:
        raise BackupError(f"备份中有清单未列出的文件 / {name!r} is not in the manifest")
    if member.size != entry["size"]:
        raise BackupError(f"{name}: 大小与清单不符 / size does not match the manifest")
    return entry


def _stage(source, target, name, entry):
    """Copy a member out, refusing it unless its SHA-256 is the manifest's."""
    hashed = hashlib.sha256()
    with target.open("wb") as out:
        while chunk := source.read(CHUNK):
            hashed.update(chunk)
            out.write(chunk)
    if hashed.hexdigest() != entry["sha256"]:
        raise BackupError(
            f"{name}: 校验和与清单不符，备份已损坏或被改动"
            " / checksum does not match the manifest: the archive is damaged or was altered"
        )
