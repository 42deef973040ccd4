"""
The body editor's document model on the server, and the editor's way of writing it.

The body editor (Tiptap/ProseMirror, ``articles/editor.py`` and
``static/admin/js/body-editor.js``) holds a body as a tree of nodes with marked
text and writes it back with its own DOM serialiser. A stored body that is not
in exactly that form changes as soon as an editor opens it and types a letter.
``articles/body_reader.py`` reads sanitised HTML into this model; ``write`` then
produces the string the editor would produce: the same nesting of marks (in the
schema's order), the same attribute order, the same escaping and whitespace, and
tables as rectangular as prosemirror-tables makes them. ``tests/test_editor.py``
compares the two in Chromium.
"""

import re
from dataclasses import dataclass

# Marks in the order of the editor's schema, which is the order they nest in when
# written (outermost first). tests/test_editor.py checks it against the browser.
MARK_ORDER = [
    "link", "bold", "italic", "underline", "strike", "subscript", "superscript",
    "highlight", "code", "abbr", "noConvert", "sourceScript",
]  # fmt: skip
_RANK = {name: rank for rank, name in enumerate(MARK_ORDER)}
_MARK_TAGS = {
    "link": "a", "bold": "strong", "italic": "em", "underline": "u", "strike": "s",
    "subscript": "sub", "superscript": "sup", "highlight": "mark", "code": "code",
    "abbr": "abbr", "noConvert": "span", "sourceScript": "span",
}  # fmt: skip
_FIXED_MARK_ATTRIBUTES = {
    "link": (("rel", "noopener noreferrer"),),  # after the link's own, as the sanitiser puts it
    "noConvert": (("translate", "no"),),
}

# Node attributes in the order the editor writes them (lang/translate unless listed).
_SCRIPT = ["lang", "translate"]
_ATTRIBUTE_ORDER = {
    "orderedList": [*_SCRIPT, "data-type", "start", "type"],
    "tableHeader": ["scope", *_SCRIPT, "colspan", "rowspan"],
    "tableCell": [*_SCRIPT, "colspan", "rowspan"],
    "image": ["src", "alt", "title", "width", "height", "data-image"],
}
_NODE_TAGS = {
    "paragraph": "p", "blockquote": "blockquote", "bulletList": "ul", "orderedList": "ol",
    "listItem": "li", "table": "table", "tableRow": "tr", "tableHeader": "th",
    "tableCell": "td", "figure": "figure", "tableFigure": "figure", "caption": "figcaption",
    "codeBlock": "pre", "horizontalRule": "hr", "image": "img",
}  # fmt: skip
TEXTBLOCKS = {"paragraph", "heading", "caption"}
# The editor's table dialog makes at most 100 × 100 cells. Longer spans, and grids
# far larger than that, are a typo or an attempt to make the table map (and this
# server, and the editor) enormous: spans are cut, and such a grid keeps its cells
# without spans and without padding.
MAX_SPAN = 100
MAX_CELLS = 100 * MAX_SPAN

_WHITESPACE = re.compile(r"[ \t\r\n\f]+")
_CONTENT = re.compile(r"[^ \t\r\n\f]")
# What JavaScript's \s and trim() take for white space (Python's isspace() differs).
JS_WHITESPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# Tiptap's elementFromString drops every text node that is exactly this.
_DROPPED_BY_TIPTAP = re.compile(f"\n[{JS_WHITESPACE}]{{2}}|\n")
# What django-prose-editor puts in the form for a document of one empty block.
_ACTUALLY_EMPTY = re.compile(r"<(\w+)(\s[^>]*)?></\1>", re.IGNORECASE)


@dataclass(frozen=True)
class Mark:
    type: str
    attrs: tuple = ()  # (name, value) pairs in the order the editor writes them


@dataclass
class Text:
    text: str
    marks: tuple = ()


@dataclass
class Break:
    marks: tuple = ()


@dataclass
class Node:
    type: str
    attrs: dict
    content: list


def with_mark(marks, mark):
    """``marks`` with ``mark`` added; it replaces a mark of its type (the inner one wins)."""
    kept = [m for m in marks if m.type != mark.type]
    return tuple(sorted([*kept, mark], key=lambda m: _RANK[m.type]))


def without_mark(marks, mark_type):
    return tuple(m for m in marks if m.type != mark_type)


def paragraph(attrs=None, inline=()):
    return Node("paragraph", dict(attrs or {}), list(inline))


def paragraph_first(blocks):
    """A list item's blocks, starting with a paragraph as the schema requires."""
    if blocks and blocks[0].type == "paragraph":
        return blocks
    return [paragraph(), *blocks]


def has_content(inline):
    """Whether inline content holds more than whitespace (which the editor drops)."""
    return any(isinstance(item, Break) or _CONTENT.search(item.text) for item in inline)


def finish_inline(items):
    """
    Inline content with whitespace as ProseMirror's parser leaves it: runs
    collapsed to one space; a space dropped at the start of the block, after a
    space, or after a line break in the same marks; trailing space dropped.
    Neighbours in the same marks become one text.
    """
    out = []
    for item in items:
        if isinstance(item, Break):
            out.append(item)
            continue
        text = _WHITESPACE.sub(" ", item.text)
        if text.startswith(" "):
            before = out[-1] if out else None
            if (
                before is None
                or (isinstance(before, Break) and before.marks == item.marks)
                or (isinstance(before, Text) and before.text.endswith(" "))
            ):
                text = text[1:]
        if not text:
            continue
        if out and isinstance(out[-1], Text) and out[-1].marks == item.marks:
            out[-1] = Text(out[-1].text + text, item.marks)
        else:
            out.append(Text(text, item.marks))
    if out and isinstance(out[-1], Text) and out[-1].text.endswith(" "):
        text = out[-1].text.rstrip(" ")
        if text:
            out[-1] = Text(text, out[-1].marks)
        else:
            out.pop()
    return out


def code_block(attrs, text):
    """A code block holding ``text`` exactly, as far as Tiptap keeps it."""
    if _DROPPED_BY_TIPTAP.fullmatch(text):
        text = ""
    return Node("codeBlock", attrs, [Text(text)] if text else [])


def table(rows):
    """
    A table from rows of cells, as prosemirror-tables would fix it: spans cut
    where they overlap or run past the last row, short rows padded with empty
    cells of the row's first kind (unless the grid passes MAX_CELLS). None for a
    table without cells.
    """
    every_cell = [cell for cells in rows for cell in cells]
    for cell in every_cell:
        cell.attrs["colspan"] = min(max(cell.attrs.get("colspan", 1), 1), MAX_SPAN)
        cell.attrs["rowspan"] = min(max(cell.attrs.get("rowspan", 1), 1), MAX_SPAN)
    taken = _place_cells(rows)
    if taken is None:
        for cell in every_cell:
            cell.attrs["colspan"] = cell.attrs["rowspan"] = 1
        taken = _place_cells(rows)
    # A row without cells of its own that no cell spans into holds nothing.
    covered = {row for row, _column in taken}
    rows = [cells for row, cells in enumerate(rows) if cells or row in covered]
    counts = [0] * len(rows)
    for row, _column in _place_cells(rows):
        counts[row] += 1
    width = max(counts, default=0)
    if not width:
        return None
    if width * len(rows) > MAX_CELLS:
        counts = [width] * len(rows)
    table_rows = []
    for row, cells in enumerate(rows):
        kind = cells[0].type if cells else "tableCell"
        padding = [Node(kind, {}, [paragraph()]) for _ in range(width - counts[row])]
        table_rows.append(Node("tableRow", {}, cells + padding))
    return Node("table", {}, table_rows)


def _place_cells(rows):
    """
    The grid slots the cells take, left to right, their spans trimmed so that none
    overlap; None when spans would take more than MAX_CELLS slots beyond the cells.
    """
    height = len(rows)
    taken = set()
    limit = MAX_CELLS + sum(len(cells) for cells in rows)
    for row, cells in enumerate(rows):
        column = 0
        for cell in cells:
            while (row, column) in taken:
                column += 1
            span = 1
            while span < cell.attrs["colspan"] and (row, column + span) not in taken:
                span += 1
            cell.attrs["colspan"] = span
            cell.attrs["rowspan"] = min(cell.attrs["rowspan"], height - row)
            for down in range(cell.attrs["rowspan"]):
                for across in range(span):
                    taken.add((row + down, column + across))
            if len(taken) > limit:
                return None
            column += span
    return taken


# Writing, as the editor's DOM serialiser and the browser's innerHTML do.


def _escape_text(text):
    return (
        text.replace("&", "&amp;")
        .replace("\xa0", "&nbsp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def _escape_attribute(value):
    return _escape_text(value).replace('"', "&quot;")


def _start_tag(tag, attrs):
    written = "".join(f' {name}="{_escape_attribute(str(value))}"' for name, value in attrs)
    return f"<{tag}{written}>"


def _write_inline(items, out):
    """Marks stay open across neighbours that share them, outermost first."""
    active = []
    for item in items:
        keep = 0
        while keep < len(active) and keep < len(item.marks) and active[keep] == item.marks[keep]:
            keep += 1
        while len(active) > keep:
            out.append(f"</{_MARK_TAGS[active.pop().type]}>")
        for mark in item.marks[keep:]:
            attrs = mark.attrs + _FIXED_MARK_ATTRIBUTES.get(mark.type, ())
            out.append(_start_tag(_MARK_TAGS[mark.type], attrs))
            active.append(mark)
        out.append("<br>" if isinstance(item, Break) else _escape_text(item.text))
    while active:
        out.append(f"</{_MARK_TAGS[active.pop().type]}>")


def _write_node(node, out):
    kind, attrs = node.type, node.attrs
    written = [
        (name, attrs[name])
        for name in _ATTRIBUTE_ORDER.get(kind, _SCRIPT)
        if attrs.get(name) is not None
        and not (name in {"colspan", "rowspan"} and attrs[name] == 1)
    ]
    tag = f"h{attrs['level']}" if kind == "heading" else _NODE_TAGS[kind]
    if kind == "horizontalRule":
        out.append("<hr>")
    elif kind == "image":
        link = attrs.get("link")
        if link:
            out.append(_start_tag("a", link + _FIXED_MARK_ATTRIBUTES["link"]))
        out.append(_start_tag("img", written))
        if link:
            out.append("</a>")
    elif kind == "codeBlock":
        text = node.content[0].text if node.content else ""
        out.append(f"{_start_tag('pre', written)}<code>{_escape_text(text)}</code></pre>")
    else:
        out.append(_start_tag(tag, written))
        if kind == "table":
            out.append("<tbody>")
        if kind in TEXTBLOCKS:
            _write_inline(node.content, out)
        else:
            for child in node.content:
                _write_node(child, out)
        if kind == "table":
            out.append("</tbody>")
        out.append(f"</{tag}>")


def write(blocks):
    """The document as the editor writes it into the form."""
    out = []
    for block in blocks:
        _write_node(block, out)
    written = "".join(out)
    return "" if _ACTUALLY_EMPTY.fullmatch(written) else written
