"""
Sanitised body HTML read into the editor's document model, without losing text.

The allow-list (``articles.text``) decides what is safe; this module decides how
safe markup the body editor has no place for is kept. Every save path stores
``normalise_body(allow-listed HTML)``, so imports and the demo can be opened in
the editor and saved again without a change (``articles/body_schema.py`` writes
the result exactly as the editor does). The choices:

- ``<b>``/``<i>``/``<del>``/``<ins>``/``<kbd>`` become ``<strong>``/``<em>``/``<s>``/
  ``<u>``/``<code>``; ``<h1>`` becomes ``<h2>`` (the title is the page's h1),
  ``<h5>``/``<h6>`` become ``<h4>``.
- A table's ``<caption>`` becomes ``<figure><figcaption>…</figcaption><table>``;
  ``<thead>``/``<tfoot>`` rows join the body in reading order (``<th>`` stays a
  header cell and keeps its ``scope``).
- ``<q>`` gets its quotation marks as text (the browser drew them); ``<time>``,
  ``<small>``, ``<cite>``, ``<div>``-like wrappers and spans without ``lang`` or
  ``translate="no"`` are unwrapped. ``lang``/``translate`` on a removed wrapper
  move to the blocks inside it, or become spans where no block can carry them.
- Text loose among blocks, in list items, cells and quotes gets a paragraph; an
  image splits the paragraph it sat in; an image inside a link keeps the link.
- ``<pre>`` becomes a code block holding its text exactly.
"""

import re
from dataclasses import dataclass, replace
from html.parser import HTMLParser

from . import body_schema as schema
from .body_schema import Break, Mark, Node, Text, with_mark, without_mark

_MARKS = {
    "strong": "bold", "b": "bold", "em": "italic", "i": "italic", "u": "underline",
    "ins": "underline", "s": "strike", "del": "strike", "strike": "strike",
    "sub": "subscript", "sup": "superscript", "mark": "highlight", "code": "code",
    "kbd": "code", "samp": "code",
}  # fmt: skip
# Block containers the editor has no node for: a block boundary, then their content.
WRAPPERS = {
    "div", "section", "article", "aside", "header", "footer", "main", "nav", "address",
    "center", "details", "summary", "hgroup", "dl", "dt", "dd", "tbody", "thead", "tfoot",
    "tr", "td", "th",
}  # fmt: skip
_HEADINGS = {"h1": 2, "h2": 2, "h3": 3, "h4": 4, "h5": 4, "h6": 4}
_BLOCKS = {"p", "pre", "blockquote", "ul", "ol", "li", "hr", "table", "figure", *_HEADINGS}
_CAPTIONS = {"figcaption", "caption"}
_VOID = {"br", "hr", "img", "wbr"}
_LIST_TYPES = {"1": "decimal", "a": "lower-alpha", "A": "upper-alpha", "i": "lower-roman",
               "I": "upper-roman"}  # fmt: skip
_HTML_LIST_TYPES = {css: html for html, css in _LIST_TYPES.items() if css != "decimal"}
_JS_BLANK = re.compile(f"[{schema.JS_WHITESPACE}]")  # the editor trim()s an abbr's title
_TRADITIONAL = re.compile(r"zh-(hant|tw|hk|mo)\b", re.IGNORECASE)


def normalise_body(html):
    """``html`` (the allow-list's output) as the body editor would write it back."""
    flow = _Flow()
    _Reader().walk(_parse(html).children, _Context(), flow)
    return schema.write(flow.finish())


# The tree nh3 wrote: well-formed, every element closed, names in lower case.


class _Element:
    __slots__ = ("attrs", "children", "tag")

    def __init__(self, tag, attrs):
        self.tag, self.attrs, self.children = tag, attrs, []


class _TreeParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Element("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = _Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        children = self.stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)


def _parse(html):
    parser = _TreeParser()
    parser.feed(html)
    parser.close()
    return parser.root


def _tag(node):
    return getattr(node, "tag", None)


def _quotation_marks(lang, depth):
    """The quotation marks a browser draws for <q> in ``lang``, at a nesting depth."""
    if _TRADITIONAL.match(lang or ""):
        return [("「", "」"), ("『", "』")][depth % 2]
    return [("“", "”"), ("‘", "’")][depth % 2]


@dataclass(frozen=True)
class _Context:
    """What an element passes down: marks, and lang/translate waiting for a block."""

    marks: tuple = ()
    lang: str | None = None
    translate: str | None = None
    spoken: str | None = None  # the nearest lang: which quotation marks <q> stands for
    quotes: int = 0

    def script(self, element):
        """The lang/translate of a block made from ``element`` (its own, else waiting)."""
        attrs = {}
        lang = element.attrs.get("lang") or self.lang
        translate = (element.attrs.get("translate") or self.translate or "").lower()
        if lang:
            attrs["lang"] = lang
        if translate:
            attrs["translate"] = translate
        return attrs

    def inside(self, element):
        """The context inside a block made from ``element``, which carries its lang/translate."""
        return replace(self, lang=None, translate=None, spoken=self._spoken(element))

    def unwrapped(self, element):
        """The context inside a wrapper that goes: its lang/translate wait for a block."""
        return replace(
            self,
            lang=element.attrs.get("lang") or self.lang,
            translate=element.attrs.get("translate") or self.translate,
            spoken=self._spoken(element),
        )

    def marked(self, element, mark=None):
        """The context inside inline markup: its own mark, lang and translate as marks."""
        marks = self.marks if mark is None else with_mark(self.marks, mark)
        lang, translate = element.attrs.get("lang"), element.attrs.get("translate", "").lower()
        if lang:
            marks = with_mark(marks, Mark("sourceScript", (("lang", lang),)))
        if translate == "no":
            marks = with_mark(marks, Mark("noConvert"))
        elif translate == "yes":
            marks = without_mark(marks, "noConvert")
        return replace(self, marks=marks, spoken=self._spoken(element))

    def as_marks(self):
        """This context with the lang/translate waiting for a block turned into marks."""
        element = _Element("span", {"lang": self.lang or "", "translate": self.translate or ""})
        return replace(self, lang=None, translate=None).marked(element)

    def _spoken(self, element):
        return element.attrs.get("lang") or self.spoken


class _Flow:
    """
    Blocks in the making. Inline content between blocks becomes a textblock: a
    paragraph in a container (the document, a quote, a list item, a cell), or
    another piece of the textblock being read (a paragraph split by an image).
    """

    container = True

    def __init__(self, kind="paragraph", attrs=None):
        self.kind, self.attrs = kind, attrs or {}
        self.blocks, self.inline, self.inline_attrs = [], None, None
        self.loose_list = None

    def add_inline(self, item, ctx):
        if self.inline is None:
            self.inline, self.inline_attrs = [], self.attrs_for(ctx)
        self.inline.append(item)

    def attrs_for(self, ctx):
        return {**self.attrs, **ctx.script(_Element("p", {}))}

    def end(self):
        if self.inline is not None and schema.has_content(self.inline):
            inline = schema.finish_inline(self.inline)
            self.blocks.append(Node(self.kind, self.inline_attrs, inline))
        self.inline = None

    def add_block(self, block):
        self.end()
        if block.type == "listItem":  # an <li> outside any list: browsers show a bullet
            if self.loose_list is None or self.blocks[-1] is not self.loose_list:
                self.loose_list = Node("bulletList", {}, [])
                self.blocks.append(self.loose_list)
            self.loose_list.content.append(block)
            return
        self.blocks.append(block)

    def finish(self):
        self.end()
        return self.blocks


class _TextblockFlow(_Flow):
    """The pieces of one paragraph or heading: blocks inside it split it."""

    container = False

    def attrs_for(self, ctx):
        return dict(self.attrs)

    def finish(self):
        # An empty paragraph stays one, as the editor keeps it.
        return super().finish() or [Node(self.kind, dict(self.attrs), [])]


class _InlineFlow(_Flow):
    """A caption: inline only. Blocks inside become lines; images move out after it."""

    container = False

    def __init__(self):
        super().__init__()
        self.items, self.overflow, self.boundary = [], [], False

    def add_inline(self, item, ctx):
        if self.boundary and self.items:
            self.items.append(Break())
        self.boundary = False
        self.items.append(item)

    def end(self):
        self.boundary = True

    def add_block(self, block):
        self.end()
        if block.type in {"image", "figure"}:
            self.overflow.append(block)
        elif block.type == "codeBlock":
            lines = block.content[0].text.split("\n") if block.content else []
            for number, line in enumerate(lines):
                if number:
                    self.items.append(Break())
                self.add_inline(Text(line), None)
        elif block.type in schema.TEXTBLOCKS:
            for item in block.content:
                self.add_inline(item, None)
        else:
            for child in block.content:
                self.add_block(child)
        self.end()

    def finish(self):
        return schema.finish_inline(self.items)


class _Reader:
    """Reads the sanitised tree into the editor's document (see the module docstring)."""

    def walk(self, nodes, ctx, flow):
        for node in nodes:
            if isinstance(node, str):
                flow.add_inline(Text(node, ctx.marks), ctx)
            else:
                self.element(node, ctx, flow)

    def element(self, element, ctx, flow):
        tag = element.tag
        if tag == "br":
            flow.add_inline(Break(ctx.marks), ctx)
        elif tag == "img":
            image = self.image(element, ctx)
            if image:
                flow.add_block(image)
        elif tag in _CAPTIONS and flow.container:  # outside its figure or table
            flow.end()
            inline, overflow = self.inline_only(element.children, ctx.inside(element))
            for block in [schema.paragraph(ctx.script(element), inline), *overflow]:
                flow.add_block(block)
        elif tag in WRAPPERS or tag in _CAPTIONS:
            flow.end()
            inner = ctx.unwrapped(element)
            self.walk(element.children, inner if flow.container else inner.as_marks(), flow)
            flow.end()
        elif tag in _BLOCKS:
            for block in self.block(element, ctx):
                flow.add_block(block)
        elif tag == "q":
            self.quotation(element, ctx, flow)
        else:  # inline markup, or an element without a place in the editor (content kept)
            self.walk(element.children, self.inline(element, ctx), flow)

    def inline(self, element, ctx):
        tag, attrs = element.tag, element.attrs
        if tag in _MARKS:
            return ctx.marked(element, Mark(_MARKS[tag]))
        if tag == "a" and attrs.get("href"):
            link = [("href", attrs["href"])]
            if "target" in attrs:
                link.insert(0, ("target", attrs["target"]))
            if "title" in attrs:
                link.append(("title", attrs["title"]))
            return ctx.marked(element, Mark("link", tuple(link)))
        if tag == "abbr" and _JS_BLANK.sub("", attrs.get("title", "")):
            return ctx.marked(element, Mark("abbr", (("title", attrs["title"]),)))
        return ctx.marked(element)

    def quotation(self, element, ctx, flow):
        """<q> is drawn with quotation marks by the browser; they become text."""
        inner = self.inline(element, ctx)
        opening, closing = _quotation_marks(inner.spoken, ctx.quotes)
        flow.add_inline(Text(opening, ctx.marks), ctx)
        self.walk(element.children, replace(inner, quotes=ctx.quotes + 1), flow)
        flow.add_inline(Text(closing, ctx.marks), ctx)

    def block(self, element, ctx):
        tag = element.tag
        if tag == "p":
            return self.textblock(element, ctx, "paragraph", {})
        if tag in _HEADINGS:
            return self.textblock(element, ctx, "heading", {"level": _HEADINGS[tag]})
        if tag == "blockquote":
            blocks = self.container(element.children, ctx.inside(element))
            return [Node("blockquote", ctx.script(element), blocks or [schema.paragraph()])]
        if tag in {"ul", "ol"}:
            return self.list(element, ctx)
        if tag == "li":
            return [self.list_item(element, ctx)]
        if tag == "hr":
            return [Node("horizontalRule", {}, [])]
        if tag == "pre":
            return self.code_block(element, ctx)
        if tag == "table":
            return self.table(element, ctx)
        return self.figure(element, ctx)

    def container(self, nodes, ctx):
        flow = _Flow()
        self.walk(nodes, ctx, flow)
        return flow.finish()

    def textblock(self, element, ctx, kind, attrs):
        flow = _TextblockFlow(kind, {**ctx.script(element), **attrs})
        self.walk(element.children, ctx.inside(element), flow)
        return flow.finish()

    def inline_only(self, nodes, ctx):
        """Inline content of a caption, and the images that had to move out of it."""
        flow = _InlineFlow()
        self.walk(nodes, ctx, flow)
        return flow.finish(), flow.overflow

    def caption(self, element, ctx):
        """A caption's content; lang/translate it cannot carry become marks."""
        return self.inline_only(element.children, ctx.unwrapped(element).as_marks())

    def image(self, element, ctx):
        """An image; inside a link (to the full-size picture, say) it keeps the link."""
        attrs = element.attrs
        if not attrs.get("src", "").strip():
            return None
        image = {"src": attrs["src"]}
        for name in ["alt", "title", "width", "height", "data-image"]:
            if name in attrs:
                image[name] = attrs[name]
        for mark in ctx.marks:
            if mark.type == "link":
                image["link"] = tuple(pair for pair in mark.attrs if pair[0] != "title")
        return Node("image", image, [])

    def list(self, element, ctx):
        attrs = ctx.script(element)
        kind = "bulletList"
        if element.tag == "ol":
            kind = "orderedList"
            attrs["data-type"] = element.attrs.get("data-type") or _LIST_TYPES.get(
                element.attrs.get("type"), "decimal"
            )
            start = int(element.attrs.get("start") or 1)
            if start != 1:
                attrs["start"] = str(start)
            if attrs["data-type"] in _HTML_LIST_TYPES:
                attrs["type"] = _HTML_LIST_TYPES[attrs["data-type"]]
        inner = ctx.inside(element)
        items, loose = [], []

        def close_loose():
            # Content between items (browsers show it unbulleted) gets an item of its own.
            blocks = self.container(loose, inner)
            if blocks:
                items.append(Node("listItem", {}, schema.paragraph_first(blocks)))
            loose.clear()

        for child in element.children:
            if _tag(child) == "li":
                close_loose()
                items.append(self.list_item(child, inner))
            elif _tag(child) in {"ul", "ol"}:  # a list right in a list belongs to the item above
                close_loose()
                nested = self.list(child, inner)
                if nested and items:
                    items[-1].content.extend(nested)
                elif nested:
                    items.append(Node("listItem", {}, schema.paragraph_first(nested)))
            else:
                loose.append(child)
        close_loose()
        return [Node(kind, attrs, items)] if items else []

    def list_item(self, element, ctx):
        blocks = self.container(element.children, ctx.inside(element))
        return Node("listItem", ctx.script(element), schema.paragraph_first(blocks))

    def code_block(self, element, ctx):
        """<pre>: its text exactly, line breaks included; markup inside it goes."""
        chunks, images = [], []

        def collect(nodes, spoken, quotes):
            for node in nodes:
                if isinstance(node, str):
                    chunks.append(node)
                elif node.tag == "br":
                    chunks.append("\n")
                elif node.tag == "img":
                    images.append(self.image(node, ctx))
                elif node.tag == "q":
                    inner = node.attrs.get("lang") or spoken
                    opening, closing = _quotation_marks(inner, quotes)
                    chunks.append(opening)
                    collect(node.children, inner, quotes + 1)
                    chunks.append(closing)
                else:
                    starts_block = node.tag in _BLOCKS or node.tag in WRAPPERS
                    if starts_block and chunks and not chunks[-1].endswith("\n"):
                        chunks.append("\n")
                    collect(node.children, node.attrs.get("lang") or spoken, quotes)

        collect(element.children, element.attrs.get("lang") or ctx.spoken, ctx.quotes)
        code = schema.code_block(ctx.script(element), "".join(chunks))
        return [code, *filter(None, images)]

    def figure(self, element, ctx):
        inner = ctx.unwrapped(element)
        flow, captions = _Flow(), []
        for child in element.children:
            if _tag(child) == "figcaption":
                flow.end()
                captions.append((len(flow.blocks), child))
            else:
                self.walk([child], inner, flow)
        blocks = flow.finish()
        kinds = [block.type for block in blocks]
        if kinds in (["image"], ["table"]) and len(captions) <= 1:
            if not captions:
                return blocks
            inline, overflow = self.caption(captions[0][1], inner)
            caption = Node("caption", {}, inline)
            if kinds == ["image"]:
                return [Node("figure", {}, [blocks[0], caption]), *overflow]
            return [Node("tableFigure", {}, [caption, blocks[0]]), *overflow]
        # Anything else is no figure the editor knows: its parts stay, in order.
        moved = []
        for position, caption in reversed(captions):
            inline, overflow = self.caption(caption, inner)
            moved = overflow + moved
            if inline:
                blocks.insert(position, schema.paragraph({}, inline))
        return blocks + moved

    def table(self, element, ctx):
        inner = ctx.unwrapped(element)
        captions, head, body, foot = [], [], [], []
        for child in element.children:
            tag = _tag(child)
            if tag == "caption":
                captions.append(child)
            elif tag in {"thead", "tbody", "tfoot"}:
                group = {"thead": head, "tbody": body, "tfoot": foot}[tag]
                group_ctx = inner.unwrapped(child)
                group.extend((row, group_ctx) for row in child.children if _tag(row) == "tr")
            elif tag == "tr":
                body.append((child, inner))
        rows = []
        for row, row_ctx in head + body + foot:  # reading order: header rows first
            cells_ctx = row_ctx.unwrapped(row)
            cells = [child for child in row.children if _tag(child) in {"td", "th"}]
            rows.append([self.cell(cell, cells_ctx) for cell in cells])
        grid = schema.table(rows)
        inline, moved = [], []
        for caption in captions:
            content, overflow = self.caption(caption, inner)
            inline += [Break()] if inline and content else []
            inline += content
            moved += overflow
        inline = schema.finish_inline(inline)
        if grid is None:
            return ([schema.paragraph({}, inline)] if inline else []) + moved
        if inline:
            return [Node("tableFigure", {}, [Node("caption", {}, inline), grid]), *moved]
        return [grid, *moved]

    def cell(self, element, ctx):
        attrs = {}
        if element.tag == "th" and element.attrs.get("scope"):
            attrs["scope"] = element.attrs["scope"]
        attrs.update(ctx.script(element))
        attrs["colspan"] = int(element.attrs.get("colspan") or 1)
        attrs["rowspan"] = int(element.attrs.get("rowspan") or 1)
        blocks = self.container(element.children, ctx.inside(element))
        kind = "tableHeader" if element.tag == "th" else "tableCell"
        return Node(kind, attrs, blocks or [schema.paragraph()])
