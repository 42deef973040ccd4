"""
What every reader of a source produces: a ``Feed`` of ``Item``s in our terms,
and the errors that stop an input or an item.

The text helpers live here too because both the RSS/Atom and the JSON reader
turn a source's text into ours the same way (plain text into paragraphs,
titles onto one line), and the import checks the result with them again.
"""

import html
import re
from dataclasses import dataclass, field
from datetime import datetime

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from ..text import clean_text

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


# Text and HTML ----------------------------------------------------------------

_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_BLOCK_END = re.compile(r"<(?:br|/p|/div|/li|/h[1-6]|/blockquote|/tr)\b[^>]*>", re.IGNORECASE)


def html_to_text(value):
    """Markup to one line of plain text (scripts and styles dropped with their content)."""
    text = html.unescape(nh3.clean(_BLOCK_END.sub(" ", value or ""), tags=set()))
    return " ".join(text.split())


def plain(value, detail=None):
    """A title or summary on one line; markup only read as such when ``detail`` says HTML."""
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


def body_html(value, content_type):
    """A body as HTML: "HTML" without a single tag is plain text in paragraphs all the same."""
    if "html" not in content_type:
        return paragraphs(value)
    return value if _TAG.search(value) else paragraphs(value, escape=False)


def is_web_url(value):
    try:
        _is_web_url(value)
    except ValidationError:
        return False
    return True
