"""
Cleaning what editors type, before it is stored.

NUL and other control characters are stripped because OpenCC silently drops
everything after a NUL (``s2tw("技术\\x00说明") == "技術"``), and no reader
needs them. Body HTML is sanitised with an allow-list: editors paste from Word
and the web, importers bring whatever a source site wrote, and a page must never
run any of it. What the allow-list keeps is then written in the one form the
body editor holds (``articles/body_reader.py``): a body the editor wrote survives
sanitising unchanged, and a body saved any other way (imports, the demo, scripts)
opens in the editor and saves again without a change (``tests/test_editor.py``
checks both in Chromium).
"""

import re
import unicodedata

import nh3
from taggit.utils import _parse_tags

from .body_reader import WRAPPERS, normalise_body

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# What nh3 lets through. Tags the editor has no node for are kept this far so that
# normalise_body can map them (h5 to h4, <caption> to <figcaption>, <del> to <s>, a
# <section> to a block boundary rather than text run into its neighbour's).
ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "ins",
    "s", "del", "strike", "sub", "sup", "mark", "small", "span", "a", "ul", "ol", "li",
    "blockquote", "q", "cite", "figure", "figcaption", "img", "table", "caption", "pre",
    "code", "kbd", "samp", "abbr", "time", *WRAPPERS,
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"lang", "translate", "title"},
    "a": {"href", "target"},
    "img": {"src", "alt", "width", "height", "data-image"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start", "type", "data-type"},
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
    tags=ALLOWED_TAGS | {"h1"},  # kept only to become h2 (normalise_body)
    clean_content_tags=DROPPED_WITH_CONTENT,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_attribute_filter,
    url_schemes=URL_SCHEMES,
    # Every link gets it; for target="_blank" it is what keeps the new page from
    # steering this one (window.opener).
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def clean_text(value):
    """``value`` without control characters (tabs and line breaks stay)."""
    if not value:
        return value
    return _CONTROL.sub("", value)


def clean_html(value):
    """Body HTML reduced to the allow-list: no scripts, handlers, styles or unsafe URLs."""
    return _cleaner.clean(clean_text(value))


def sanitize_html(value):
    """Body HTML as it is stored: allow-listed, then in the form the body editor holds."""
    if not value:
        return value
    return normalise_body(clean_html(value))


_TAG_SEPARATORS = str.maketrans({"，": ",", "、": ",", "；": ",", ";": ","})


def clean_tag_name(name):
    """
    A tag name as stored: no control characters and no invisible format
    characters (zero-width spaces and joiners, bidi marks, soft hyphens), so
    新\u200b闻 cannot become a second 新闻 that looks the same; spaces collapsed.
    """
    visible = "".join(ch for ch in clean_text(name or "") if unicodedata.category(ch) != "Cf")
    return " ".join(visible.split())


def folded_tag_name(name):
    """
    What makes two tag names the same tag: 关键词 and 關鍵詞, Ｃ919 and c919.
    Readers see every tag in their own script, so two tags that differ only by
    script would show as one name twice.
    """
    from newsportal.conversion import converter  # the converter loads OpenCC on first use

    folded = unicodedata.normalize("NFKC", clean_tag_name(name)).casefold()
    return " ".join(converter("t2s").convert(folded).split())


def parse_tags(value):
    """Tag names from what an editor typed: Chinese commas and 、 separate tags too."""
    return _parse_tags((value or "").translate(_TAG_SEPARATORS))
