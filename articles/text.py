"""
Cleaning what editors type, before it is stored.

NUL and other control characters are stripped because OpenCC silently drops
everything after a NUL (``s2tw("技术\\x00说明") == "技術"``), and no reader
needs them. Body HTML is sanitised with an allow-list: editors paste from Word
and the web, importers bring whatever a source site wrote, and a page must never
run any of it. The allow-list covers everything the body editor can produce
(``articles/editor.py``; ``tests/test_editor.py`` checks the two agree), so a
body the editor wrote survives sanitising unchanged.
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
    "a": {"href", "target"},
    "img": {"src", "alt", "width", "height", "data-image"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start", "type", "data-type"},
    "time": {"datetime"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Removed with everything inside: their content is code, markup or metadata, never
# body text (Word's clipboard carries <xml> and <title>; <noscript> and <template>
# hold markup that a browser would parse differently from the sanitiser).
DROPPED_WITH_CONTENT = {
    "script", "style", "xml", "title", "noscript", "template", "iframe", "object", "embed",
    "applet", "svg", "math", "noembed", "noframes", "select", "textarea",
}  # fmt: skip

# A language tag as BCP 47 shapes it (zh, zh-Hant, zh-Hant-TW, en-US, yue-HK).
_LANG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,4}")
_DIGITS = re.compile(r"[0-9]{1,6}")
_ATTRIBUTE_VALUES = {
    "translate": lambda v: v.lower() if v.lower() in {"yes", "no"} else None,
    "lang": lambda v: v if _LANG.fullmatch(v) else None,
    "target": lambda v: v if v == "_blank" else None,
    "data-image": lambda v: v if _DIGITS.fullmatch(v) else None,
    "width": lambda v: v if _DIGITS.fullmatch(v) else None,
    "height": lambda v: v if _DIGITS.fullmatch(v) else None,
    "colspan": lambda v: v if _DIGITS.fullmatch(v) else None,
    "rowspan": lambda v: v if _DIGITS.fullmatch(v) else None,
    "start": lambda v: v if re.fullmatch(r"-?[0-9]{1,6}", v) else None,
    "type": lambda v: v if v in {"1", "a", "A", "i", "I"} else None,
    "data-type": lambda v: (
        v if v in {"decimal", "lower-alpha", "upper-alpha", "lower-roman", "upper-roman"} else None
    ),
    "scope": lambda v: v.lower() if v.lower() in {"row", "col", "rowgroup", "colgroup"} else None,
}


def _attribute_filter(tag, attribute, value):
    """Keep an allowed attribute only if its value has the shape the page expects."""
    check = _ATTRIBUTE_VALUES.get(attribute)
    return value if check is None else check(value.strip())


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS | {"h1"},  # kept only to become h2, see _tidy()
    clean_content_tags=DROPPED_WITH_CONTENT,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_attribute_filter,
    url_schemes=URL_SCHEMES,
    # Every link gets it; for target="_blank" it is what keeps the new page from
    # steering this one (window.opener).
    link_rel="noopener noreferrer",
    strip_comments=True,
)

# nh3's output is well-formed and normalised (lower-case names, values in double
# quotes with " escaped, < escaped in text), so a tag can be matched exactly.
_TAG = re.compile(r'<(/?)(span|a|img|h1)((?:\s+[a-z][^\s"=>/]*(?:="[^"]*")?)*)\s*>')

_EMPTY_SPAN = re.compile(r'<span(?:\s+[a-z][^\s"=>/]*(?:="[^"]*")?)*></span>')


def _tidy(html):
    """
    ``html`` without the wrappers sanitising left meaningless: a ``<span>`` with
    no attribute (Word's style-only spans), an ``<a>`` with no address (Word's
    bookmarks, or a link whose ``javascript:`` address was removed) and an
    ``<img>`` with no source; their text stays. Spans left empty go too. An
    ``<h1>`` becomes ``<h2>``: the title is the page's only h1, a body's
    headings start below it.
    """
    kept = {"span": [], "a": []}

    def replace(match):
        closing, tag, attributes = match.groups()
        if tag == "h1":
            return f"<{closing}h2{attributes}>"
        if tag == "img":
            return match.group(0) if ' src="' in attributes else ""
        if closing:
            return match.group(0) if not kept[tag] or kept[tag].pop() else ""
        keep = ' href="' in attributes if tag == "a" else bool(attributes.strip())
        kept[tag].append(keep)
        return match.group(0) if keep else ""

    html = _TAG.sub(replace, html)
    # Then spans left empty (Word's <span lang=EN-US><o:p></o:p></span>), innermost first.
    while True:
        html, count = _EMPTY_SPAN.subn("", html)
        if not count:
            return html


def clean_text(value):
    """``value`` without control characters (tabs and line breaks stay)."""
    if not value:
        return value
    return _CONTROL.sub("", value)


def sanitize_html(value):
    """Body HTML reduced to the allow-list: no scripts, handlers, styles or unsafe URLs."""
    if not value:
        return value
    return _tidy(_cleaner.clean(clean_text(value)))


_TAG_SEPARATORS = str.maketrans({"，": ",", "、": ",", "；": ",", ";": ","})


def parse_tags(value):
    """Tag names from what an editor typed: Chinese commas and 、 separate tags too."""
    return _parse_tags((value or "").translate(_TAG_SEPARATORS))
