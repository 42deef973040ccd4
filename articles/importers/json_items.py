"""
Our own JSON format (documented in the package's docstring), for sources
that have no feed: a partner's export, a script's output.

The format is strict where feeds are lenient: a value of the wrong type is a
mistake in the exporting program, so the item fails alone and says which
fields, rather than being guessed at.
"""

import json
from datetime import datetime

from django.utils import timezone

from ..text import clean_text
from .items import Feed, InputError, Item, body_html

_TEXT_FIELDS = ("guid", "title", "summary", "body_html", "url", "published_at", "author",
                "source", "image")  # fmt: skip


def parse_json(data, location):
    """A ``Feed`` from the bytes of a JSON document; ``InputError`` if it is not one of ours."""
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
    feed = Feed(location, "JSON", title=clean_text(source).strip(), link=clean_text(link).strip())
    feed.items = [_item(n, entry) for n, entry in enumerate(document["items"], 1)]
    return feed


def _item(position, entry):
    item = Item(position)
    if not isinstance(entry, dict):
        item.problem = "条目应是一个 JSON 对象"
        return item
    entry = {name: value for name, value in entry.items() if value is not None}
    wrong = [name for name in _TEXT_FIELDS if not isinstance(entry.get(name, ""), str)]
    tags = entry.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        wrong.append("tags")
    text = {name: entry.get(name, "") if name not in wrong else "" for name in _TEXT_FIELDS}
    item.guid, item.title, item.link = text["guid"].strip(), text["title"], text["url"].strip()
    if wrong:
        item.problem = (
            "字段类型不对：" + "、".join(wrong) + "（文字字段应为字符串，tags 应为字符串列表）"
        )
        return item
    item.summary, item.body = text["summary"], body_html(text["body_html"], "text/html")
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
