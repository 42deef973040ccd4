"""
Import (采集): RSS, Atom and JSON items become draft articles.

Every item becomes a *draft* for an editor to review: the importer never
publishes and never touches an article that exists already (editors may have
changed it), so running it again on the same feed only adds what is new.

RSS 0.9x/1.0/2.0 and Atom are read with feedparser: it knows the formats' many
dialects, dates and encodings (GBK and Big5 feeds included), and it never
fetches external entities. We add two guards of our own: a document that
declares entities (billion laughs, external entities) is refused before it is
parsed, as defusedxml refuses them, and an XML file that is not well formed is
refused whole rather than half-read by feedparser's lenient fallback.

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

import codecs
import html
import http.client
import io
import json
import re
import time
import urllib.error
import urllib.request
import xml.sax
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import nh3
import reversion
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from feedparser.exceptions import (
    CharacterEncodingOverride,
    CharacterEncodingUnknown,
    UndeclaredNamespace,
)

from .models import Article, Transition
from .text import clean_text, parse_tags, sanitize_html

FETCH_TIMEOUT = 10  # seconds without a byte from the server
FETCH_DEADLINE = 60  # seconds for the whole download
MAX_BYTES = 20 * 1024 * 1024
USER_AGENT = "newsportal-import/1.0"

CREATED, SKIPPED, FAILED = "created", "skipped", "failed"
FORMATS = {"rss20": "RSS 2.0", "rss10": "RSS 1.0", "atom10": "Atom 1.0", "atom03": "Atom 0.3"}

_title_field = Article._meta.get_field("title")
_is_web_url = URLValidator(schemes=["http", "https"])


class InputError(Exception):
    """A whole input (file or URL) cannot be read or parsed: none of it is imported."""


class ItemError(Exception):
    """One item cannot become an article; the others go on."""


@dataclass
class Item:
    """One feed entry in our terms, before anything is saved."""

    position: int
    guid: str = ""
    title: str = ""
    summary: str = ""
    body: str = ""
    link: str = ""
    published: datetime | None = None
    author: str = ""
    source: str = ""
    tags: list = field(default_factory=list)
    images: list = field(default_factory=list)
    problem: str = ""  # why it cannot be imported, found while parsing

    def __str__(self):
        label = f"第 {self.position} 条"
        if self.guid or self.link:
            label += f" [{self.guid or self.link}]"
        return clean_text(label + (f"《{self.title}》" if self.title else ""))


@dataclass
class Feed:
    location: str
    format: str
    title: str = ""
    link: str = ""
    items: list = field(default_factory=list)


@dataclass
class Outcome:
    status: str
    item: Item
    message: str = ""
    article: Article | None = None


# Reading --------------------------------------------------------------------


def load(location):
    """The feed at a path or an http(s) URL, parsed; ``InputError`` says why not."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]+:", location):
        if urlsplit(location).scheme.lower() not in ("http", "https"):
            raise InputError("只支持 http(s) 网址；本地文件请直接给出路径")
        data, url, charset = fetch(location)
        return parse(data, location, base_url=url, charset=charset)
    try:
        data = Path(location).read_bytes()
    except OSError as error:
        raise InputError(f"无法读取文件：{error.strerror}") from error
    return parse(data, location)


class _WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only: urllib would follow one to ftp: too."""

    def http_error_302(self, req, fp, code, msg, headers):
        target = urljoin(req.full_url, headers.get("location") or headers.get("uri") or "")
        if urlsplit(target).scheme.lower() not in ("http", "https"):
            raise InputError(f"拒绝跳转到非 http(s) 网址：{target}")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def fetch(url):
    """``(body, final url, charset)``, within the timeout, deadline and size cap."""
    opener = urllib.request.build_opener(_WebOnlyRedirects)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    deadline = time.monotonic() + FETCH_DEADLINE
    try:
        with opener.open(request, timeout=FETCH_TIMEOUT) as response:
            if int(response.headers.get("Content-Length") or 0) > MAX_BYTES:
                raise InputError(f"文件超过 {MAX_BYTES / 2**20:g} MB")
            chunks, size = [], 0
            while chunk := response.read(64 * 1024):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise InputError(f"文件超过 {MAX_BYTES / 2**20:g} MB")
                if time.monotonic() > deadline:
                    raise InputError(f"下载超过 {FETCH_DEADLINE} 秒")
                chunks.append(chunk)
            return b"".join(chunks), response.geturl(), response.headers.get_content_charset()
    except urllib.error.HTTPError as error:
        raise InputError(f"服务器返回 HTTP {error.code}") from error
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise InputError(f"无法下载：{reason}") from error


def parse(data, location, base_url=None, charset=None):
    """A ``Feed`` from the bytes of a JSON, RSS or Atom document."""
    if not data.strip():
        raise InputError("文件是空的")
    if data.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:1] in (b"{", b"["):
        return parse_json(data, location)
    return parse_xml(data, location, base_url=base_url, charset=charset)


# JSON -----------------------------------------------------------------------

_JSON_TEXT_FIELDS = ("guid", "title", "summary", "body_html", "url", "published_at", "author",
                     "source", "image")  # fmt: skip


def parse_json(data, location):
    try:
        document = json.loads(data)
    except UnicodeDecodeError as error:
        raise InputError("JSON 文件必须是 UTF-8 编码") from error
    except json.JSONDecodeError as error:
        raise InputError(
            f"JSON 格式错误（第 {error.lineno} 行第 {error.colno} 列）：{error.msg}"
        ) from error
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise InputError("JSON 顶层应是一个对象，含 items 列表")
    source, link = document.get("source", ""), document.get("link", "")
    if not isinstance(source, str) or not isinstance(link, str):
        raise InputError("JSON 的 source 和 link 应是字符串")
    feed = Feed(location, "JSON", title=source.strip(), link=link.strip())
    feed.items = [_json_item(n, entry) for n, entry in enumerate(document["items"], 1)]
    return feed


def _json_item(position, entry):
    item = Item(position)
    if not isinstance(entry, dict):
        item.problem = "条目应是一个 JSON 对象"
        return item
    entry = {name: value for name, value in entry.items() if value is not None}
    wrong = [name for name in _JSON_TEXT_FIELDS if not isinstance(entry.get(name, ""), str)]
    tags = entry.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        wrong.append("tags")
    text = {name: entry.get(name, "") if name not in wrong else "" for name in _JSON_TEXT_FIELDS}
    item.guid, item.title, item.link = text["guid"].strip(), text["title"], text["url"].strip()
    if wrong:
        item.problem = (
            "字段类型不对：" + "、".join(wrong) + "（文字字段应为字符串，tags 应为字符串列表）"
        )
        return item
    item.summary, item.body = text["summary"], _body(text["body_html"], "text/html")
    item.author, item.source, item.tags = text["author"], text["source"], tags
    item.images = [text["image"]] if text["image"] else []
    if text["published_at"]:
        try:
            published = datetime.fromisoformat(text["published_at"].strip())
        except ValueError:
            item.problem = f"无法识别的发布时间：{text['published_at']}（应为 ISO 8601）"
            return item
        if timezone.is_naive(published):
            published = timezone.make_aware(published)
        item.published = published
    return item


# RSS and Atom ---------------------------------------------------------------

_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
_ROOT = re.compile(rb"<[A-Za-z_:]")
_DECLARED_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*)["'][^"']*["']""")
_WIDE = [  # byte order marks and BOM-less starts ("<?") of UTF-32 and UTF-16
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
    (b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00?\x00", "utf-16-le"), (b"\x00<\x00?", "utf-16-be"),
]  # fmt: skip
# What feedparser falls back to when the declared encoding fails: Chinese read so is garbage.
_GUESSED_ENCODINGS = {"windows-1252", "iso-8859-2"}


def _narrow(data):
    """UTF-16/32 documents as UTF-8, so byte-level checks and cleaning can read them."""
    for mark, encoding in _WIDE:
        if data.startswith(mark):
            try:
                text = data.decode(encoding).lstrip("\ufeff")
            except UnicodeDecodeError as error:
                raise InputError(f"文件不是有效的 {encoding.upper()} 编码") from error
            return _DECLARED_ENCODING.sub(rb'\1"utf-8"', text.encode())
    return data


def _declares_entities(data):
    """Whether the prolog (DOCTYPE and all, before the root element) declares entities."""
    data = _COMMENT.sub(b"", data)
    root = _ROOT.search(data)
    return b"<!ENTITY" in data[: root.start() if root else None]


def parse_xml(data, location, base_url=None, charset=None):
    # Control characters are not XML; feeds still carry them. Safe to drop
    # byte-wise once wide encodings are narrowed: no GBK/Big5 byte is below 0x20.
    data = _CONTROL_BYTES.sub(b"", _narrow(data))
    if _declares_entities(data):
        raise InputError("出于安全原因，拒绝声明实体（<!ENTITY>）的 XML 文件")
    headers = {"content-type": "application/xml" + (f"; charset={charset}" if charset else "")}
    if base_url:
        headers["content-location"] = base_url
    try:
        result = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=False)
    except UndeclaredNamespace as error:
        raise InputError(f"XML 格式错误：{error}") from error
    error = result.get("bozo_exception")
    if isinstance(error, xml.sax.SAXParseException):
        raise InputError(
            f"XML 格式错误（第 {error.getLineNumber()} 行第 {error.getColumnNumber() + 1} 列）："
            f"{error.getMessage()}"
        )
    if isinstance(error, CharacterEncodingUnknown) or (
        isinstance(error, CharacterEncodingOverride) and result["encoding"] in _GUESSED_ENCODINGS
    ):
        raise InputError(f"无法按声明的编码读取文件（{error}）")
    if not result.get("version"):
        raise InputError("不是 RSS、Atom 或 JSON 文件")
    channel = result["feed"]
    feed = Feed(
        location,
        FORMATS.get(result["version"], result["version"]),
        title=_plain(channel.get("title", ""), channel.get("title_detail")),
        link=channel.get("link", ""),
    )
    feed.items = [_entry_item(n, entry) for n, entry in enumerate(result["entries"], 1)]
    return feed


def _entry_item(position, entry):
    item = Item(position, guid=entry.get("id", "").strip(), link=_entry_link(entry))
    item.title = _plain(entry.get("title", ""), entry.get("title_detail"))
    contents = entry.get("content", [])
    content = next((c for c in contents if "html" in c.get("type", "")), None)
    content = content or (contents[0] if contents else None)
    summary = entry.get("summary", "")
    summary_type = entry.get("summary_detail", {}).get("type", "text/html")
    if content:
        item.body = _body(content.get("value", ""), content.get("type", "text/html"))
        if summary != content.get("value"):  # feedparser copies content into a missing summary
            item.summary = _plain(summary, entry.get("summary_detail"))
    else:
        item.body = _body(summary, summary_type)
    # The raw text, not feedparser's author_detail: its e-mail pattern misreads long TLDs.
    item.author = _author_name(entry.get("author", ""))
    item.source = entry.get("source", {}).get("title", "")
    item.tags = [tag.get("label") or tag.get("term") or "" for tag in entry.get("tags", [])]
    item.images = _image_urls(entry)
    for name in ("published", "updated"):
        if entry.get(f"{name}_parsed"):
            item.published = datetime(*entry[f"{name}_parsed"][:6], tzinfo=UTC)
            break
        if entry.get(name):
            item.problem = f"无法识别的发布时间：{entry[name]}"
            break
    return item


def _entry_link(entry):
    for link in entry.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link["href"].strip()
    link = entry.get("link", "").strip()
    # An RSS <guid> is a permalink by default; feedparser then copies it to the link.
    if entry.get("guidislink") and not _web_url(link):
        return ""
    return link


def _author_name(author):
    """The name in "li@example.com (李文)"; a bare e-mail address is not a byline."""
    author = author.strip()
    if match := re.fullmatch(r"\S+@\S+\s*\((.+)\)", author):
        return match[1].strip()
    return "" if re.fullmatch(r"\S+@\S+", author) else author


def _image_urls(entry):
    urls = [
        link.get("href", "")
        for link in entry.get("links", [])
        if link.get("rel") == "enclosure" and link.get("type", "").startswith("image/")
    ]
    urls += [
        media.get("url", "")
        for media in entry.get("media_content", [])
        if media.get("medium") == "image" or media.get("type", "").startswith("image/")
    ]
    urls += [media.get("url", "") for media in entry.get("media_thumbnail", [])]
    return list(dict.fromkeys(url for url in urls if url))


# Text and HTML ----------------------------------------------------------------

_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_BLOCK_END = re.compile(r"<(?:br|/p|/div|/li|/h[1-6]|/blockquote|/tr)\b[^>]*>", re.IGNORECASE)


def html_to_text(value):
    """Markup to one line of plain text (scripts and styles dropped with their content)."""
    text = html.unescape(nh3.clean(_BLOCK_END.sub(" ", value or ""), tags=set()))
    return " ".join(text.split())


def _plain(value, detail=None):
    if detail and "html" in detail.get("type", ""):
        return html_to_text(value)
    return " ".join((value or "").split())


def paragraphs(text, escape=True):
    """Plain text as ``<p>`` per blank-line-separated block, ``<br>`` per line break."""
    if escape:
        text = html.escape(text, quote=False)
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return "".join(
        "<p>" + "<br>".join(line.strip() for line in block.splitlines() if line.strip()) + "</p>"
        for block in blocks
        if block.strip()
    )


def _body(value, content_type):
    if "html" not in content_type:
        return paragraphs(value)
    return value if _TAG.search(value) else paragraphs(value, escape=False)


def _web_url(value):
    try:
        _is_web_url(value)
    except ValidationError:
        return False
    return True


def _cut(value, limit):
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


# Import -----------------------------------------------------------------------


def article_fields(item, feed, source=""):
    """The new draft's fields from ``item``, or ``ItemError`` saying what is wrong."""
    if item.problem:
        raise ItemError(item.problem)
    if not item.title.strip():
        raise ItemError("没有标题")
    if item.link and (len(item.link) > 500 or not _web_url(item.link)):
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
        "title": _cut(_plain(item.title), _title_field.max_length),
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
    origin = fields["source"] or feed.location
    note = f"采集自 {origin}"
    if item.images:
        note += "；原文配图（未下载）：" + " ".join(item.images)
    try:
        with transaction.atomic(), reversion.create_revision():
            article = Article(
                **fields, section=section, status=Article.Status.DRAFT, created_by=user
            )
            article.full_clean(exclude=["import_guid"])
            article.save()
            article.tags.add(*_tag_names(item.tags))
            Transition.objects.create(
                article=article,
                user=user,
                from_status="",
                to_status=Article.Status.DRAFT,
                note=_cut(note, 500),
            )
            reversion.set_comment(f"采集导入：{origin}")
            if user is not None:
                reversion.set_user(user)
    except ValidationError as error:
        return Outcome(FAILED, item, "；".join(error.messages))
    except IntegrityError as error:
        if duplicate := find_duplicate(fields["import_guid"], fields["source_url"]):
            return Outcome(SKIPPED, item, f"已导入过（文章 #{duplicate.pk}）")
        return Outcome(FAILED, item, f"数据库拒绝保存：{error}")
    except DatabaseError as error:
        return Outcome(FAILED, item, f"数据库拒绝保存：{error}")
    return Outcome(CREATED, item, article=article)


def _tag_names(categories):
    # A trailing comma keeps taggit from splitting a lone category on its spaces.
    names = parse_tags(",".join(c.replace('"', "") for c in categories) + ",")
    return [_cut(name, 100) for name in names]


def import_feed(feed, *, section, user=None, source=""):
    """Import every item of ``feed``, each in its own transaction; the outcomes, in order."""
    return [
        import_item(item, feed, section=section, user=user, source=source) for item in feed.items
    ]
