"""
What a piece of markup means to conversion: whether it is a tag, which kind
(does it break a phrase, is it pushed on the stack of open elements, is its
text shown as written), and what its attributes do (``lang``, ``data-article``,
``translate``, human-readable values to convert).

The tokenizer meets every tag of every page view, and a site's pages repeat the
same tags on every view, so each distinct tag is described once and the
description remembered; what a tag becomes in a given context is remembered
with it. Descriptions depend only on the tag's text.
"""

import re
import sys
from functools import lru_cache

HANS = "zh-Hans"
HANT = "zh-Hant"


@lru_cache(maxsize=1024)
def script_of_lang(value):
    """The source script a ``lang`` attribute names, or None if it names no Chinese script."""
    tag = value.strip().lower().replace("_", "-")
    if not (tag == "zh" or tag.startswith("zh-")):
        return None
    parts = tag.split("-")[1:]
    # A script subtag says it outright (zh-Hans-HK is Simplified); a region implies one.
    script = next((p for p in parts if len(p) == 4 and p.isalpha()), None)
    if script is not None:
        return {"hans": HANS, "hant": HANT}.get(script)  # zh-Latn (pinyin): no Chinese script
    if any(p in {"tw", "hk", "mo"} for p in parts):
        return HANT
    return HANS


# Their content is not HTML text: skipped whole, up to the matching end tag.
RAW_TEXT = {"script", "style", "textarea", "xmp", "iframe", "noembed", "noframes", "plaintext"}
# Text inside these is shown as written (code samples, keyboard input).
VERBATIM = {"pre", "code", "kbd", "samp", "var"}
# Inline elements do not break a phrase: <b>发</b>布会 converts as 发布会.
INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "data", "dfn", "em", "font", "i", "ins", "del",
    "mark", "q", "s", "small", "span", "strong", "sub", "sup", "time", "u",
}  # fmt: skip
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
_TEXT_ATTRS = {"title", "alt", "placeholder", "aria-label", "aria-description"}
_META_TEXT_NAMES = {
    "description", "keywords", "og:title", "og:description", "og:site_name",
    "og:image:alt", "article:section", "article:tag",
    "twitter:title", "twitter:description", "twitter:image:alt",
}  # fmt: skip

# Kinds of markup. Start tags: inline or not (a phrase runs on across an inline
# tag), pushed or a leaf (void elements and "/>"), text shown as written (CODE),
# raw text. Then end tags; and markup that is no tag: a comment or doctype, a
# comment or CDATA never closed (the rest of the page is in it), and markup the
# lexer cannot be trusted with: a ">" inside it may not end it, or its "<" opens
# nothing (and is text).
INLINE_START, INLINE_LEAF, BLOCK, LEAF, CODE, CODE_LEAF, RAW = range(7)
END, INLINE_END, LITERAL, OPENER, UNSURE = range(7, 12)
PUSHED = frozenset({INLINE_START, BLOCK, CODE})

_KNOWN = {}  # markup -> (lower-case tag name or "", kind, Attributes or None)
_KNOWN_KEPT = 20000  # descriptions, at most
_KNOWN_LONGEST = 2000  # longer markup (an image in a data: URL) is described anew
_NAME = re.compile(r"</?([A-Za-z][^\s/>]*)")
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:(\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""", re.S)


def known():
    """The remembered descriptions, for the tokenizer's loop to look up itself."""
    return _KNOWN


def describe(markup, exact):
    """
    (lower-case tag name or "", kind, Attributes or None) of ``markup``: a tag
    up to its first ">", a comment or the like, or a "<" that opens nothing and
    what follows it up to a ">". ``exact`` markup comes from the exact lexer:
    its end is sure.
    """
    found = _describe(markup, exact)
    if not exact and len(markup) <= _KNOWN_LONGEST:
        if len(_KNOWN) >= _KNOWN_KEPT:
            _KNOWN.clear()
        _KNOWN[markup] = found
    return found


def _describe(markup, exact):
    name = _NAME.match(markup)
    if name is None:
        return "", _not_a_tag(markup, exact), None
    lower = sys.intern(name.group(1).lower())  # compared with the open elements' names
    if not exact and _may_be_longer(markup):
        return lower, UNSURE, None
    if markup[1] == "/":
        return lower, INLINE_END if lower in INLINE else END, None
    leaf = lower in VOID or markup.endswith("/>")
    if lower in RAW_TEXT:
        kind = RAW
    elif lower in INLINE:
        kind = INLINE_LEAF if leaf else INLINE_START
    elif lower in VERBATIM:
        kind = CODE_LEAF if leaf else CODE
    else:
        kind = LEAF if leaf else BLOCK
    return lower, kind, _attributes(markup, len(name.group(1)) + 1, lower, kind)


def _may_be_longer(tag):
    """
    Whether the tag may not end at its first ">": a quoted value after an "="
    hides ">", so only if its last quote opens one.
    """
    for quote in "\"'":
        at = tag.rfind(quote)
        if at > 0 and tag[:at].rstrip().endswith("="):
            return True
    return False


def _not_a_tag(markup, exact):
    if markup in ("<!--", "<![CDATA["):  # the exact lexer's: never closed
        return OPENER
    if markup.startswith("<!--"):  # a comment ends at the first "-->", "<!-->" included
        return LITERAL if exact or markup.endswith("-->") else UNSURE
    if markup.startswith("<![CDATA["):
        return LITERAL if exact or markup.endswith("]]>") else UNSURE
    if markup[1] in "!?":
        return LITERAL
    return UNSURE  # a "<" that opens nothing: the exact lexer reads it as text


def _attributes(tag, start, name, kind):
    """What a start tag's attributes do, or None if nothing."""
    attrs = list(_ATTR.finditer(tag, start, len(tag) - 1))
    values = {}
    for match in attrs:
        values.setdefault(match.group(1).lower(), _attr_value(match))  # the first one counts
    script = script_of_lang(values["lang"]) if "lang" in values else None
    scope = int(values["data-article"]) if values.get("data-article", "").isdigit() else None
    translate = None
    if "translate" in values:
        value = values["translate"].strip().lower()
        translate = False if value == "no" else True if value in ("yes", "") else None
    meta_text = (
        name == "meta"
        and "content" in values
        and (values.get("name") or values.get("property") or "").lower() in _META_TEXT_NAMES
    )
    spans = []
    done = set()
    for match in attrs:
        attr = match.group(1).lower()
        if not match.group(2) or attr in done:
            continue
        done.add(attr)
        if attr == "lang" or attr in _TEXT_ATTRS or (attr == "content" and meta_text):
            group = next(g for g in (3, 4, 5) if match.group(g) is not None)
            if match.start(group) < match.end(group) or attr == "lang":  # "" converts to ""
                spans.append((attr, match.start(group), match.end(group)))
    if script is None and scope is None and translate is None and not spans:
        return None
    return Attributes(tag, kind, script, scope, translate, spans)


def _attr_value(match):
    for group in (3, 4, 5):
        if match.group(group) is not None:
            return match.group(group)
    return ""


class Attributes:
    """
    What a start tag's attributes do: the source script its ``lang`` names,
    its ``data-article`` scope and ``translate`` setting (each None if it has
    none), and (attribute, start, end) of each value to convert or relabel;
    ``plans`` remembers what the tag becomes in each context it is met in.
    A plain tag only changes the source script or scope: in text that converts,
    it is emitted as is or, when its lang is relabelled, ``before`` the
    variant's lang and ``after``.
    """

    __slots__ = ("after", "before", "plain", "plans", "scope", "script", "spans", "translate")

    def __init__(self, tag, kind, script, scope, translate, spans):
        self.script = script
        self.scope = scope
        self.translate = translate
        self.spans = spans
        self.plans = {}
        self.plain = (
            translate is None
            and all(attr == "lang" for attr, *_ in spans)
            and kind in (INLINE_START, INLINE_LEAF, BLOCK, LEAF)
        )
        self.before = self.after = None
        if self.plain and script is not None:
            _attr, start, end = spans[0]
            self.before, self.after = tag[:start], tag[end:]


def plan(tag, kind, attrs, sig):
    """
    What a tag with attributes that matter becomes inside context signature
    ``sig`` (source, scope, translate, verbatim, the variant's lang): (the
    signature inside it, the pieces it is emitted as, which of them are
    attribute values to convert). Remembered in ``attrs``.
    """
    source, scope, translate, verbatim, variant_lang = sig
    source = attrs.script or source
    scope = scope if attrs.scope is None else attrs.scope
    translate = translate if attrs.translate is None else attrs.translate
    verbatim = verbatim or kind in (CODE, CODE_LEAF)
    # After conversion the text is in the variant's script, and lang says so; text
    # shown as written keeps its lang.
    relabel = translate and not verbatim and kind != RAW and attrs.script is not None
    pieces = []
    values = []
    cursor = 0
    for attr, start, end in attrs.spans:
        if attr == "lang":
            if not relabel:
                continue
            pieces += [tag[cursor:start], variant_lang]
        elif translate:
            pieces.append(tag[cursor:start])
            values.append(len(pieces))
            pieces.append(tag[start:end])
        else:
            continue
        cursor = end
    pieces.append(tag[cursor:])
    found = attrs.plans[sig] = ((source, scope, translate, verbatim, variant_lang), pieces, values)
    return found
