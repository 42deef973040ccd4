"""
Cleaning what editors type, before it is stored.

NUL and other control characters are stripped because OpenCC silently drops
everything after a NUL (``s2tw("技术\\x00说明") == "技術"``), and no reader
needs them. Body HTML is sanitised with an allow-list: editors paste from Word
and the web, and a page must never run what they pasted.
"""

import re

import nh3
from taggit.utils import _parse_tags

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s",
    "sub", "sup", "mark", "small", "span", "a", "ul", "ol", "li", "blockquote", "q", "cite",
    "figure", "figcaption", "img", "table", "thead", "tbody", "tfoot", "tr", "th", "td",
    "caption", "pre", "code", "kbd", "samp", "abbr", "time", "div",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"lang", "translate", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "time": {"datetime"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_text(value):
    """``value`` without control characters (tabs and line breaks stay)."""
    if not value:
        return value
    return _CONTROL.sub("", value)


def sanitize_html(value):
    """Body HTML reduced to the allow-list: no scripts, handlers, styles or unsafe URLs."""
    if not value:
        return value
    return nh3.clean(
        clean_text(value),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_TAG_SEPARATORS = str.maketrans({"，": ",", "、": ",", "；": ",", ";": ","})


def parse_tags(value):
    """Tag names from what an editor typed: Chinese commas and 、 separate tags too."""
    return _parse_tags((value or "").translate(_TAG_SEPARATORS))
