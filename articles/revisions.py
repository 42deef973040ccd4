"""
Revisions: every save of an article keeps one (django-reversion), and editors
can read, compare and restore them.

Saves outside the admin keep revisions too: wrap them in ``recording(user,
comment)`` (the importer, admin actions), or call ``record()`` after changing
rows with ``update()``; a bare ``article.save()`` or tag change outside any
revision block records one by itself, so no save goes unrecorded.

The admin's screens are ``revision_admin.RevisionAdmin``; the version check
that refuses a stale save and keeps its text is in ``edit_conflicts``.
"""

import json
from contextlib import contextmanager
from dataclasses import dataclass, field

import reversion
from django.db.models.signals import m2m_changed, post_save
from django.utils import timezone
from django.utils.translation import gettext as _
from reversion.models import Version

from . import textdiff
from .models import Article, Script, Section, Tag, TaggedArticle

# Tags are rows of the through model: the article's revision follows them. Tags
# themselves are not versioned, so restoring an article never renames a tag.
reversion.register(TaggedArticle)
reversion.register(Article, exclude=["tags"], follow=["taggedarticle_set"])

# What a restore brings back. Not status, published_at, section or is_featured:
# restoring old words must not publish, unpublish or move an article.
RESTORED_FIELDS = (
    "title", "subtitle", "summary", "body", "author", "editor", "source", "source_url",
    "reprint_note", "cover", "cover_width", "cover_height", "cover_alt", "cover_caption",
    "cover_renditions", "script",
)  # fmt: skip
TEXT_FIELDS = ("title", "subtitle", "summary")
OTHER_FIELDS = (
    "author", "editor", "source", "source_url", "reprint_note", "cover", "cover_alt",
    "cover_caption", "script", "section_id", "status", "published_at", "is_featured",
)  # fmt: skip


# --- Recording --------------------------------------------------------------------


@contextmanager
def recording(user=None, comment=""):
    """
    Saves made inside are one revision, by ``user`` with ``comment``. Inside an
    outer revision block (an admin view) they join it.
    """
    with reversion.create_revision():
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        if comment:
            reversion.set_comment(str(comment))
        yield


def record(article, user=None, comment=""):
    """A revision of ``article`` as stored now: for code that changed it with ``update()``."""
    with recording(user, comment):
        reversion.add_to_revision(Article._base_manager.get(pk=article.pk))


def _record_plain_save(sender, instance, created, raw, **kwargs):
    if raw or reversion.is_active():
        return
    with recording(comment=_("新建") if created else _("保存")):
        reversion.add_to_revision(instance)


def _record_tag_change(sender, instance, action, reverse, pk_set, **kwargs):
    """
    Tags are set after the article is saved. Inside a revision block reversion's
    own receiver reads the article and its tags again; outside one this keeps a
    revision of its own.
    """
    if reverse or not action.startswith("post_") or reversion.is_active():
        return
    if action != "post_clear" and not pk_set:
        return
    with recording(comment=_("修改标签")):
        reversion.add_to_revision(instance)


post_save.connect(_record_plain_save, sender=Article, dispatch_uid="articles_revision_on_save")
m2m_changed.connect(
    _record_tag_change, sender=TaggedArticle, dispatch_uid="articles_revision_tags"
)


# --- Reading revisions ---------------------------------------------------------------


def versions_of(article):
    """The article's revisions, newest first."""
    return (
        Version.objects.get_for_object(article)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
    )


@dataclass
class Content:
    """An article's content as compared: field values by attribute name, and tag names."""

    fields: dict
    tags: list = field(default_factory=list)

    @classmethod
    def of(cls, article):
        fields = {f.attname: getattr(article, f.attname) for f in Article._meta.concrete_fields}
        return cls(fields, sorted(article.tags.names()))


@dataclass
class Snapshot:
    """One revision of an article."""

    version: Version
    content: Content
    tag_ids: list

    @classmethod
    def of(cls, version):
        fields = version.field_dict
        tagged = version.revision.version_set.filter(
            content_type__app_label=TaggedArticle._meta.app_label,
            content_type__model=TaggedArticle._meta.model_name,
        )
        tag_ids = [
            v.field_dict["tag_id"]
            for v in tagged
            if v.field_dict["content_object_id"] == fields["id"]
        ]
        names = Tag.objects.in_bulk(tag_ids)
        tags = sorted(names[pk].name if pk in names else f"#{pk}" for pk in tag_ids)
        return cls(version, Content(fields, tags), tag_ids)

    @property
    def revision(self):
        return self.version.revision

    @property
    def number(self):
        return self.content.fields.get("version", 0)

    @property
    def label(self):
        return _("第 %(number)s 版（%(date)s，%(user)s）") % {
            "number": self.number,
            "date": local(self.revision.date_created),
            "user": who(self.revision.user),
        }


def version_number(version):
    """The article's version counter in a revision (read without building the article)."""
    if version.format == "json":
        return json.loads(version.serialized_data)[0]["fields"].get("version", 0)
    return version.field_dict.get("version", 0)


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def who(user):
    if user is None:
        return _("系统任务")
    return user.get_full_name() or user.get_username()


# --- Comparing ----------------------------------------------------------------------


def label_of(attname):
    return str(Article._meta.get_field(attname.removesuffix("_id")).verbose_name)


def _shown(attname, value, sections):
    if attname == "section_id":
        return str(sections.get(value, value or ""))
    if attname == "status":
        return str(Article.Status(value).label) if value in Article.Status.values else value
    if attname == "published_at":
        return local(value)
    if attname == "is_featured":
        return _("是") if value else _("否")
    if attname == "script":
        return str(Script(value).label) if value in Script.values else value
    return str(getattr(value, "name", value) or "")


def compare(old, new):
    """Everything that differs from ``old`` to ``new`` (two ``Content``), ready to show."""
    sections = Section.objects.in_bulk({c.fields.get("section_id") for c in (old, new)} - {None})
    texts = [
        {
            "label": label_of(name),
            "changed": old.fields.get(name) != new.fields.get(name),
            "html": textdiff.inline(old.fields.get(name, ""), new.fields.get(name, "")),
        }
        for name in TEXT_FIELDS
    ]
    others = []
    for name in OTHER_FIELDS:
        before = _shown(name, old.fields.get(name), sections)
        after = _shown(name, new.fields.get(name), sections)
        if before != after:
            others.append({"label": label_of(name), "html": textdiff.inline(before, after)})
    tags = {
        "removed": [t for t in old.tags if t not in new.tags],
        "added": [t for t in new.tags if t not in old.tags],
    }
    body = textdiff.body(old.fields.get("body", ""), new.fields.get("body", ""))
    changed = bool(any(t["changed"] for t in texts) or others or body or any(tags.values()))
    return {"texts": texts, "body": body, "tags": tags, "others": others, "changed": changed}


# --- Restoring ----------------------------------------------------------------------


def restore(article, snapshot, user, base_version):
    """
    Bring back ``snapshot``'s content as a new save (and revision) of ``article``,
    read at ``base_version``: raises ``EditConflict`` if it has moved on since.
    Returns the revision's comment and what could not be brought back (a
    deleted tag, a missing cover file).
    """
    fields = dict(snapshot.content.fields)
    lost = []
    names = list(RESTORED_FIELDS)
    cover = fields["cover"] = getattr(fields.get("cover"), "name", None) or ""
    if cover == (article.cover.name or ""):
        # Assigning an image reads its file for the size: not when it stays the same.
        names = [name for name in names if name not in ("cover", "cover_width", "cover_height")]
    elif cover and not article.cover.storage.exists(cover):
        names = [name for name in names if not name.startswith("cover") or name == "cover_caption"]
        lost.append(_("封面图文件 %(name)s 已不存在") % {"name": cover})
    tags = Tag.objects.in_bulk(snapshot.tag_ids)
    lost += [_("标签 #%(id)s 已被删除") % {"id": pk} for pk in snapshot.tag_ids if pk not in tags]
    comment = _("恢复自%(label)s") % {"label": snapshot.label}
    with recording(user, comment):  # one transaction: a refused save sets no tags
        article.version = base_version
        for name in names:
            if name in fields:
                setattr(article, name, fields[name])
        article.save()
        article.tags.set(list(tags.values()))
    return comment, lost
