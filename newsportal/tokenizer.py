"""
The HTML side of conversion: one pass over a page that separates the text a
reader sees (and the human-readable attributes) from everything else, and
notes for each piece of text its source script (the nearest ``lang``) and the
article whose glossary applies (the nearest ``data-article``).

A regular expression rather than an HTML parser: conversion only needs to know
where text is, never to build a tree. This runs on every page view, so the page
is lexed by one ``findall`` that does the least it can per character (text,
then markup up to its first ">"), and what each distinct tag means is worked
out once (``markup``). Markup whose first ">" may not end it (a ">" inside a
quoted value or a comment), or raw-text content that hides its end tag, sends
the page through the exact lexer instead. Malformed HTML never raises, and
every character not handed over for conversion is kept exactly.
"""

import difflib
import itertools
import re

from . import markup
from .markup import HANS, HANT, script_of_lang

# The article review splits paragraphs where the tokenizer splits runs.
from .markup import INLINE as _INLINE  # noqa: F401
from .markup import RAW_TEXT as _RAW_TEXT
from .markup import VERBATIM as _VERBATIM  # noqa: F401
from .markup import VOID as _VOID  # noqa: F401

__all__ = ["HANS", "HANT", "Page", "script_of_lang", "tokenize"]

# Text, then markup up to its first ">" (or nothing: the end). Searched only up to
# the page's last ">": text full of stray "<" costs linear time, not quadratic.
_LEXER = re.compile(r"([^<]*+)(<[^>]*+>)?", re.S)
# A tag ends at the first ">" outside a quoted value that follows an "=".
_TAG_END = r"""[^>=]*+(?:=\s*+(?:"[^"]*+"|'[^']*+')?[^>=]*+)*+>"""
_OTHER = r"<(?:!--(?:-?>|.*?-->)|!\[CDATA\[.*?\]\]>|!--|!\[CDATA\[|[!?][^>]*+>)"
# Each tag to its true end, a raw-text element's content to its end tag, comments
# to "-->": for pages the lexer cannot be trusted with.
_EXACT = re.compile(
    rf"""(?P<text>[^<]*+)(?:
        (?P<raw><(?P<raw_name>(?i:{"|".join(sorted(_RAW_TEXT))}))(?=[\s/>]){_TAG_END})
        (?P<content>.*?(?=</(?i:(?P=raw_name))\s*+>)|.*)
      | (?P<tag></?[A-Za-z][^\s/>]*+{_TAG_END})
      | (?P<other>(?:{_OTHER}|<)?)
    )""",
    re.S | re.X,
)
# After the last ">", markup can only open, never close: the rest is inside it.
_UNTERMINATED = re.compile(r"<[!?/A-Za-z]")
_RAW_END = {name: re.compile(rf"</{name}\s*>", re.I) for name in _RAW_TEXT}


class Page:
    """
    The pieces of one page, in order: ``parts`` holds literal HTML and text to
    convert. Text to convert is gathered into runs, each converted as one
    phrase: each of ``runs`` is (source script, glossary scope, the index in
    ``parts`` of each run with them), and ``joined`` maps a run made of more
    than one part (text split only by inline tags) to (the list of runs it is
    in, the indices of its parts).
    """

    __slots__ = ("joined", "parts", "runs", "segments")

    def __init__(self):
        self.parts = []
        self.runs = []
        self.joined = {}
        self.segments = {}

    def join_runs(self):
        """
        Each run split by inline tags put whole in its first part, to convert as
        one phrase; returns the parts it was split into, by first part.
        """
        parts = self.parts
        self.segments = {first: [parts[i] for i in at] for first, (_, at) in self.joined.items()}
        for first, texts in self.segments.items():
            parts[first] = "".join(texts)
        return self.segments

    def split_run(self, first, alone):
        """
        Run ``first``, converted whole, split again where its parts converted
        ``alone`` meet (None: they were not converted, nor was the run).
        """
        texts = self.segments[first]
        converted = self.parts[first]
        if alone is None or converted == "".join(texts):
            self.parts[first] = texts[0]
            return
        for index, piece in zip(self.joined[first][1], _cut(converted, alone), strict=True):
            self.parts[index] = piece


class _Anomaly(Exception):
    """The lexer's markup is not the page's: lex it exactly."""


def tokenize(html, default_source, variant_lang, exact=False):
    """
    ``html`` as a ``Page``. Start tags whose ``lang`` names a Chinese script get
    ``variant_lang`` instead, since their text will be in the variant's script.
    ``exact`` skips the fast lexer: the page is the same, only slower to get.
    """
    limit = html.rfind(">") + 1  # no markup can end after the last ">"
    tail = _UNTERMINATED.search(html, limit)
    end = tail.start() if tail else len(html)
    last = (html[limit:end], "")
    if not exact:
        tokens = _LEXER.findall(html, 0, limit)
        tokens.append(last)
        try:
            return _Walk(default_source, variant_lang, exact=False).page(tokens, html[end:])
        except _Anomaly:
            pass
    tokens = [*_exact_tokens(html, limit), last]
    return _Walk(default_source, variant_lang, exact=True).page(tokens, html[end:])


def _exact_tokens(html, limit):
    """(text, markup) as the exact lexer reads them; a "<" that opens nothing is text."""
    carried = ""
    for match in _EXACT.finditer(html, 0, limit):
        text, raw, _name, content, tag, other = match.groups()
        text, carried = carried + text, ""
        if raw:
            yield text, raw
            yield content, ""
        elif other == "<":
            carried = text + other
        else:
            yield text, tag or other or ""
    yield carried, ""


class _Walk:
    """One walk over a page's (text, markup) tokens, keeping the stack of open elements."""

    def __init__(self, default_source, variant_lang, exact):
        self.variant_lang = variant_lang
        self.exact = exact
        self.runs = []
        self.lists = {}
        self.by_sig = {}  # contexts by signature
        self.plain = {}  # contexts where text converts, by (source, scope)
        # The context inside an element: (its run list, where runs of its text go,
        # or None if its text is not converted; its signature: source, scope,
        # translate, verbatim, the variant's lang, which tags' plans depend on).
        self.root = self.context((default_source, None, True, False, variant_lang))

    def context(self, sig):
        source, scope, translate, verbatim, _lang = sig
        converts = translate and not verbatim
        context = (self.runs_of(source, scope) if converts else None, sig)
        self.by_sig[sig] = context
        if converts:
            self.plain[source, scope] = context
        return context

    def runs_of(self, source, scope):
        found = self.lists.get((source, scope))
        if found is None:
            found = self.lists[source, scope] = []
            self.runs.append((source, scope, found))
        return found

    def page(self, tokens, rest):
        """
        The page from ``tokens`` and ``rest``, the unterminated markup after
        them. Text extends the run being gathered when nothing but inline tags
        came between and it converts alike; a run of only whitespace is left
        as written unless text extends it. The loop is long because it is hot.
        """
        page = Page()
        page.runs = self.runs
        parts = page.parts
        append = parts.append
        extend = parts.extend
        by_sig = self.by_sig
        plain = self.plain
        variant_lang = self.variant_lang
        exact = self.exact
        context = self.root
        key, sig = context
        names = [""]  # open elements, innermost last; the root has no name
        stack = [context]  # the context inside each
        run = run_key = None  # the part index and run list of the run being gathered
        counted = False  # whether that run is converted
        more = None  # the indices of its parts, once it has more than one
        known = {} if exact else markup.known()
        describe = markup.describe
        plan = markup.plan
        end, inline_end, inline_leaf = markup.END, markup.INLINE_END, markup.INLINE_LEAF
        code, raw, pushed = markup.CODE, markup.RAW, markup.PUSHED
        tokens = iter(tokens)
        for text, tag in tokens:
            if text:
                if key is not run_key:
                    if key is None:
                        run_key = None
                    else:
                        run_key = key
                        run = len(parts)
                        more = None
                        counted = not text.isspace()
                        if counted:
                            key.append(run)
                elif key is not None:
                    if not counted:
                        key.append(run)
                        counted = True
                    if more is None:
                        more = [run]
                        page.joined[run] = (key, more)
                    more.append(len(parts))
                append(text)
            if not tag:
                continue
            lower, kind, attrs = known.get(tag) or describe(tag, exact)
            if kind >= end:
                if kind > inline_end:
                    if kind == markup.LITERAL:
                        run_key = None
                        append(tag)
                    elif kind == markup.OPENER:  # browsers drop the rest; we keep it as it is
                        append("".join([tag, *(t + m for t, m in tokens), rest]))
                        return page
                    else:
                        raise _Anomaly
                    continue
                append(tag)
                if kind != inline_end:
                    run_key = None
                if names[-1] == lower:
                    names.pop()
                    stack.pop()
                elif lower in names:
                    depth = len(names) - 1 - names[::-1].index(lower)
                    del names[depth:], stack[depth:]
                else:
                    continue
                context = stack[-1]
                key, sig = context
                continue
            if kind > inline_leaf:
                run_key = None
            if attrs is None:
                append(tag)
                inner = context
                if kind == code:
                    verbatim = (sig[0], sig[1], sig[2], True, variant_lang)
                    inner = by_sig.get(verbatim) or self.context(verbatim)
            elif attrs.plain and key is not None:  # lang or data-article, in converted text
                if attrs.before is None:
                    append(tag)
                else:
                    extend((attrs.before, variant_lang, attrs.after))
                pair = (attrs.script or sig[0], sig[1] if attrs.scope is None else attrs.scope)
                inner = plain.get(pair) or self.context((*pair, True, False, variant_lang))
            else:
                inner_sig, pieces, values = attrs.plans.get(sig) or plan(tag, kind, attrs, sig)
                if values:  # attribute values to convert, each a run of its own
                    runs = self.runs_of(inner_sig[0], inner_sig[1])
                    runs += [len(parts) + at for at in values]
                extend(pieces)
                inner = by_sig.get(inner_sig) or self.context(inner_sig)
            if kind in pushed:
                names.append(lower)
                stack.append(inner)
                context = inner
                key, sig = context
            elif kind == raw and not self.raw_text(lower, tokens, parts, rest):
                return page
        append(rest)
        return page

    def raw_text(self, name, tokens, parts, rest):
        """
        The content of a raw-text element, up to its end tag; False if it never
        ends (the rest of the page is its content). Content the lexer read as
        markup may hide the real end tag in a quoted value: then lex exactly.
        """
        content = []
        for text, tag in tokens:
            content.append(text)
            if tag and _RAW_END[name].fullmatch(tag):
                break
            content.append(tag)
        else:
            tag = None
            content.append(rest)
        content = "".join(content)
        if not self.exact and _RAW_END[name].search(content):
            raise _Anomaly
        parts.append(content)
        if tag is None:
            return False
        parts.append(tag)
        return True


def _cut(whole, alone):
    """
    ``whole``, a run converted as one phrase, cut where its ``alone``-converted
    parts meet. Where a phrase across a tag changed length (内<b>存</b> →
    記憶體 in s2twp) no cut is faithful: the tag falls proportionally within
    the phrase, so the page still reads exactly as OpenCC converts the whole.
    """
    together = "".join(alone)
    if together == whole:
        return alone
    blocks = difflib.SequenceMatcher(None, together, whole, autojunk=False).get_opcodes()
    bounds = [0]
    offset = 0
    for part in alone[:-1]:
        offset += len(part)
        cut = len(whole)
        for tag, i1, i2, j1, j2 in blocks:
            if i1 <= offset < i2:
                step = offset - i1
                cut = j1 + (step if tag == "equal" else round(step * (j2 - j1) / (i2 - i1)))
                break
        bounds.append(max(bounds[-1], cut))
    bounds.append(len(whole))
    return [whole[start:end] for start, end in itertools.pairwise(bounds)]
