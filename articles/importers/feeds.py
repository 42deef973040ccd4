"""
RSS 0.9x/1.0/2.0 and Atom, read with feedparser.

feedparser knows the formats' many dialects, dates and encodings (GBK and
Big5 feeds included), and it never fetches external entities. We add two
guards of our own: a document that declares entities (billion laughs,
external entities) is refused before it is parsed, as defusedxml refuses
them, and an XML file that is not well formed is refused whole rather than
half-read by feedparser's lenient fallback.
"""

import codecs
import io
import re
import xml.sax
from datetime import UTC, datetime

import feedparser
from feedparser.exceptions import (
    CharacterEncodingOverride,
    CharacterEncodingUnknown,
    UndeclaredNamespace,
)

from .items import Feed, InputError, Item, body_html, is_web_url, plain

FORMATS = {"rss20": "RSS 2.0", "rss10": "RSS 1.0", "atom10": "Atom 1.0", "atom03": "Atom 0.3"}

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
    """A ``Feed`` from the bytes of an RSS or Atom document; ``InputError`` if none can be read."""
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
        title=plain(channel.get("title", ""), channel.get("title_detail")),
        link=channel.get("link", ""),
    )
    feed.items = [_entry_item(n, entry) for n, entry in enumerate(result["entries"], 1)]
    return feed


def _entry_item(position, entry):
    item = Item(position, guid=entry.get("id", "").strip(), link=_entry_link(entry))
    item.title = plain(entry.get("title", ""), entry.get("title_detail"))
    contents = entry.get("content", [])
    content = next((c for c in contents if "html" in c.get("type", "")), None)
    content = content or (contents[0] if contents else None)
    summary = entry.get("summary", "")
    summary_type = entry.get("summary_detail", {}).get("type", "text/html")
    if content:
        item.body = body_html(content.get("value", ""), content.get("type", "text/html"))
        if summary != content.get("value"):  # feedparser copies content into a missing summary
            item.summary = plain(summary, entry.get("summary_detail"))
    else:
        item.body = body_html(summary, summary_type)
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
    if entry.get("guidislink") and not is_web_url(link):
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
