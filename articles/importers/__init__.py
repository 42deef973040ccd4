"""
Import (采集): RSS, Atom and JSON items become draft articles.

Every item becomes a *draft* for an editor to review: the importer never
publishes and never touches an article that exists already (editors may have
changed it), so running it again on the same feed only adds what is new.

Reading is in ``sources`` (files, and URLs fetched within bounds), which hands
the bytes to ``feeds`` (RSS 0.9x/1.0/2.0 and Atom, via feedparser, with our
guards against entities and malformed XML) or ``json_items`` (the format
below); both produce the ``Feed`` and ``Item`` of ``items``. What is here turns
items into drafts: the one part that writes to the database.

JSON format
-----------
UTF-8, one object::

    {
      "source": "南方晨报",                     # optional: the source's name
      "link": "https://news.example.cn/",       # optional: the source's home page
      "items": [
        {
          "guid": "nf-2025-0603-001",           # optional if "url" is given
          "title": "城市绿道二期工程开工",         # required
          "summary": "纯文本导语",                # optional, plain text
          "body_html": "<p>正文……</p>",          # body_html or summary required
          "url": "https://news.example.cn/a/1", # optional, http(s) only
          "published_at": "2025-06-03T09:30:00+08:00",  # optional, ISO 8601
          "author": "李文",                      # optional
          "source": "晨报评论",                   # optional, overrides the top-level one
          "tags": ["城建", "交通"],               # optional, list of strings
          "image": "https://news.example.cn/1.jpg"      # optional, noted, not downloaded
        }
      ]
    }

Strings must be strings and ``tags`` a list of strings; an item that breaks
this fails alone. A ``published_at`` without an offset is taken in the site's
time zone (``TIME_ZONE``). Unknown keys are ignored.

Mapping, for all formats: a ``guid``/``<guid>``/``<id>`` is the item's identity,
else its link; one with neither fails. A bare identifier such as ``1024`` is
only unique within its feed, so it is kept as ``<feed link or name>#1024``.
Titles longer than 200 characters are cut with "…". A plain-text body becomes
paragraphs. Image enclosures are never downloaded nor put in the body: their
addresses go into the import's transition note for the editor.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction

from .. import revisions, workflow
from ..models import Article
from ..text import clean_text, parse_tags, sanitize_html
from .items import Feed, InputError, Item, ItemError, html_to_text, is_web_url, paragraphs, plain
from .sources import load, parse

__all__ = [  # the API of the command and tests; the rest is the submodules' own
    "CREATED", "FAILED", "SKIPPED", "Feed", "InputError", "Item", "ItemError", "Outcome",
    "article_fields", "find_duplicate", "html_to_text", "import_feed", "import_item", "load",
    "paragraphs", "parse",
]  # fmt: skip

CREATED, SKIPPED, FAILED = "created", "skipped", "failed"

_title_field = Article._meta.get_field("title")


@dataclass
class Outcome:
    status: str
    item: Item
    message: str = ""
    article: Article | None = None


def article_fields(item, feed, source=""):
    """The new draft's fields from ``item``, or ``ItemError`` saying what is wrong."""
    if item.problem:
        raise ItemError(item.problem)
    if not item.title.strip():
        raise ItemError("没有标题")
    if item.link and (len(item.link) > 500 or not is_web_url(item.link)):
        raise ItemError(f"原文网址无效（只接受不超过 500 字符的 http(s) 网址）：{item.link[:100]}")
    guid = item.guid
    if guid and ":" not in guid and (feed.link or feed.title):
        guid = f"{feed.link or feed.title}#{guid}"
    key = guid or item.link
    if not key:
        raise ItemError("既没有 guid/id，也没有原文网址，无法判断是否重复")
    if len(key) > 500:
        raise ItemError("guid/id 超过 500 个字符")
    body = sanitize_html(item.body or paragraphs(item.summary)) or ""
    if not html_to_text(body) and "<img" not in body:
        raise ItemError("没有正文（正文和摘要都为空）")
    return {
        "title": _cut(plain(item.title), _title_field.max_length),
        "summary": "" if not item.body else html_to_text(item.summary),
        "body": body,
        "author": _cut(item.author.strip(), 100),
        "source": _cut((source or item.source or feed.title).strip(), 100),
        "source_url": item.link,
        "import_guid": key,
        "source_published_at": item.published,
    }


def find_duplicate(import_guid, source_url):
    duplicates = Article.objects.filter(import_guid=import_guid)
    if source_url:
        duplicates = duplicates | Article.objects.filter(source_url=source_url)
    return duplicates.only("pk").first()


def import_item(item, feed, *, section, user=None, source=""):
    """Create a draft from ``item``, or say why not; never changes an existing article."""
    try:
        fields = article_fields(item, feed, source=source)
    except ItemError as error:
        return Outcome(FAILED, item, str(error))
    if duplicate := find_duplicate(fields["import_guid"], fields["source_url"]):
        return Outcome(SKIPPED, item, f"已导入过（文章 #{duplicate.pk}）")
    origin = clean_text(fields["source"] or feed.location)
    note = f"采集自 {origin}"
    if item.images:
        note += "；原文配图（未下载）：" + " ".join(item.images)
    try:
        with transaction.atomic(), revisions.recording(user, f"采集导入：{origin}"):
            article = Article(
                **fields, section=section, status=Article.Status.DRAFT, created_by=user
            )
            article.full_clean(exclude=["import_guid"])
            article.save()
            article.tags.add(*_tag_names(item.tags))
            workflow.record(article, user, workflow.NEW, Article.Status.DRAFT, _cut(note, 500))
    except ValidationError as error:
        return Outcome(FAILED, item, "；".join(error.messages))
    except IntegrityError as error:
        if duplicate := find_duplicate(fields["import_guid"], fields["source_url"]):
            return Outcome(SKIPPED, item, f"已导入过（文章 #{duplicate.pk}）")
        return Outcome(FAILED, item, f"数据库拒绝保存：{error}")
    except DatabaseError as error:
        return Outcome(FAILED, item, f"数据库拒绝保存：{error}")
    return Outcome(CREATED, item, article=article)


def _cut(value, limit):
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _tag_names(categories):
    # A trailing comma keeps taggit from splitting a lone category on its spaces.
    names = parse_tags(",".join(c.replace('"', "") for c in categories) + ",")
    return [_cut(name, 100) for name in names]


def import_feed(feed, *, section, user=None, source=""):
    """Import every item of ``feed``, each in its own transaction; the outcomes, in order."""
    return [
        import_item(item, feed, section=section, user=user, source=source) for item in feed.items
    ]
