"""
Readable differences between two versions of an article's text, for the
history's comparison and the edit-conflict page.

Editors compare what a reader sees, not markup: the body is split into its
blocks (paragraphs, headings, list items, captions), compared block by block,
and a changed block is compared again inside, character by character for
Chinese and word by word for Latin text (Chinese has no spaces to split words
at). Every piece of text is escaped: what is compared is what editors typed.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from html.parser import HTMLParser

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from newsportal.markup import INLINE, RAW_TEXT, VOID

# Blocks this close are shown as one changed block, not as a deletion and an insertion.
SIMILAR = 0.4
# Unchanged blocks kept around a change; longer unchanged runs are folded away.
CONTEXT = 1
# Comparing two texts costs up to the product of their lengths (in tokens); past
# this (two 5,000-character paragraphs, ~50 ms) the whole text is shown replaced.
MOST_WORK = 25_000_000

_TOKEN = re.compile(r"[0-9A-Za-z\u00c0-\u024f_'’-]+|\s+|.", re.S)


def tokens(text):
    """Words of Latin letters and digits, runs of space, and single characters otherwise."""
    return _TOKEN.findall(text)


def inline(old, new):
    """``old`` to ``new`` as escaped HTML, with <del> and <ins> where they differ."""
    a, b = tokens(old or ""), tokens(new or "")
    # What both start and end with is cheap to find and keeps the costly part small.
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    a_mid, b_mid = a[head : len(a) - tail], b[head : len(b) - tail]
    pieces = [escape("".join(a[:head]))]
    if len(a_mid) * len(b_mid) > MOST_WORK:
        opcodes = [("replace", 0, len(a_mid), 0, len(b_mid))]
    else:
        opcodes = SequenceMatcher(None, a_mid, b_mid, autojunk=False).get_opcodes()
    for op, i1, i2, j1, j2 in opcodes:
        if op == "equal":
            pieces.append(escape("".join(a_mid[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(f"<del>{escape(''.join(a_mid[i1:i2]))}</del>")
        if j2 > j1:
            pieces.append(f"<ins>{escape(''.join(b_mid[j1:j2]))}</ins>")
    pieces.append(escape("".join(a[len(a) - tail :])))
    return mark_safe("".join(pieces))  # every piece of text is escaped above


@dataclass(frozen=True)
class Block:
    tag: str  # the element it came from: p, h2, li, figcaption…
    text: str

    @property
    def label(self):
        return _block_label(self.tag)


class _Blocks(HTMLParser):
    """Body HTML as its blocks of text; an image is a block of its own, named by its alt text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []
        self.tags = []
        self.text = []
        self.hidden = 0  # inside script or style: not text

    def handle_starttag(self, tag, attrs):
        if tag in INLINE:
            return
        if tag in RAW_TEXT:
            self.hidden += 1
            return
        if tag == "br":
            self.text.append("\n")
            return
        self.flush()
        if tag == "img":
            alt = dict(attrs).get("alt") or ""
            self.blocks.append(Block("img", _("[图片] %(alt)s") % {"alt": alt}))
        elif tag not in VOID:
            self.tags.append(tag)

    def handle_endtag(self, tag):
        if tag in RAW_TEXT:
            self.hidden = max(0, self.hidden - 1)
            return
        if tag in INLINE or tag in VOID:
            return
        self.flush()
        if tag in self.tags:
            del self.tags[len(self.tags) - 1 - self.tags[::-1].index(tag) :]

    def handle_data(self, data):
        if not self.hidden:
            self.text.append(data)

    def flush(self):
        text = " ".join(line.strip() for line in "".join(self.text).split("\n")).strip()
        if text:
            self.blocks.append(Block(self.tags[-1] if self.tags else "p", text))
        self.text = []


def _block_label(tag):
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return _("小标题")
    return {
        "li": _("列表"),
        "blockquote": _("引用"),
        "figcaption": _("图片说明"),
        "caption": _("表格标题"),
        "pre": _("代码"),
        "td": _("表格"),
        "th": _("表格"),
    }.get(tag, "")


def blocks(html):
    parser = _Blocks()
    parser.feed(html or "")
    parser.close()
    parser.flush()
    return parser.blocks


@dataclass(frozen=True)
class Row:
    """One line of a body comparison: same, changed, deleted, inserted or folded."""

    kind: str
    tag: str = ""
    html: str = ""
    count: int = 0  # folded: how many unchanged blocks

    @property
    def label(self):
        """What kind of block it is, when not a plain paragraph."""
        return _block_label(self.tag)


def body(old, new):
    """The rows comparing two bodies; empty if their text is the same."""
    a, b = blocks(old), blocks(new)
    if a == b:
        return []
    rows = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            rows.append([Row("same", block.tag, escape(block.text)) for block in a[i1:i2]])
            continue
        olds, news = a[i1:i2], b[j1:j2]
        changed = []
        while olds and news and _similar(olds[0], news[0]):
            old, new = olds.pop(0), news.pop(0)
            changed.append(Row("changed", new.tag, inline(old.text, new.text)))
        changed += [Row("deleted", block.tag, escape(block.text)) for block in olds]
        changed += [Row("inserted", block.tag, escape(block.text)) for block in news]
        rows.append(changed)
    return _fold(rows)


def _similar(old, new):
    if len(old.text) * len(new.text) > MOST_WORK:
        return True
    return SequenceMatcher(None, old.text, new.text, autojunk=False).ratio() >= SIMILAR


def _fold(groups):
    """Unchanged runs shrink to CONTEXT blocks either side of a change and a count."""
    rows = []
    for index, group in enumerate(groups):
        if not group or group[0].kind != "same":
            rows += group
            continue
        keep_before = CONTEXT if index > 0 else 0
        keep_after = CONTEXT if index < len(groups) - 1 else 0
        if len(group) <= keep_before + keep_after + 1:
            rows += group
            continue
        rows += group[:keep_before]
        rows.append(Row("folded", count=len(group) - keep_before - keep_after))
        rows += group[len(group) - keep_after :]
    return rows
