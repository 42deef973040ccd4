"""
Script-variant conversion: the variant table, OpenCC converters, script
detection and an HTML-safe page converter.

Why not run OpenCC over the whole page: it would rewrite URLs, scripts and form
values, and OpenCC is not idempotent on Traditional text (``s2t`` turns 布局
into 佈局 and 峰 into 峯), so text an editor wrote in Traditional must reach a
Traditional reader exactly as written. Each piece of text is therefore converted
from its *source* script (the nearest ``lang`` attribute, refined clause by
clause for mixed text) with the config the variant table names for that source.

The page is tokenised once with a regular expression; text is gathered into
runs (text split only by inline tags converts as one phrase, so ``<b>发</b>布会``
reads like 发布会), and all runs of one source script go through OpenCC in a
single call.
"""

import logging
import re
from dataclasses import dataclass
from functools import cache

import opencc

logger = logging.getLogger(__name__)

HANS = "zh-Hans"
HANT = "zh-Hant"
SOURCE_SCRIPTS = (HANS, HANT)


@dataclass(frozen=True)
class Variant:
    code: str  # URL prefix and Django language code
    lang: str  # BCP 47 tag for <html lang>, hreflang and Content-Language
    label: str  # shown in the toggle, always in its own script
    from_hans: str | None  # OpenCC config for Simplified-written text (None: as written)
    from_hant: str | None  # OpenCC config for Traditional-written text

    def config_for(self, source):
        return self.from_hant if source == HANT else self.from_hans


VARIANTS = {
    variant.code: variant
    for variant in (
        Variant("zh-hans", "zh-Hans", "简体", None, "t2s"),
        Variant("zh-hant", "zh-Hant", "繁體", "s2tw", None),
        Variant("zh-tw", "zh-TW", "臺灣", "s2twp", "t2tw"),
        Variant("zh-hk", "zh-HK", "香港", "s2hk", "t2hk"),
    )
}


@cache
def converter(config):
    """One OpenCC converter per config and process: building one reads its dictionaries."""
    return opencc.OpenCC(config)


# --- Script detection -------------------------------------------------------

_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


@cache
def _script_classes():
    """
    Characters only Simplified text uses, and characters only Traditional text uses.

    Derived once from OpenCC's own character tables, so detection agrees with
    the converter: a character is Simplified-only when ``s2t`` changes it and
    ``t2s`` leaves it alone, and the other way round.
    """
    chars = [chr(c) for start, end in _CJK_RANGES for c in range(start, end + 1)]
    joined = "\n".join(chars)
    to_trad = converter("s2t").convert(joined).split("\n")
    to_simp = converter("t2s").convert(joined).split("\n")
    simplified = []
    traditional = []
    for char, trad, simp in zip(chars, to_trad, to_simp, strict=True):
        if trad != char and simp == char:
            simplified.append(char)
        elif simp != char and trad == char:
            traditional.append(char)
    return (
        re.compile("[" + re.escape("".join(simplified)) + "]"),
        re.compile("[" + re.escape("".join(traditional)) + "]"),
    )


def script_counts(text):
    """How many Simplified-only and Traditional-only characters ``text`` has."""
    simplified, traditional = _script_classes()
    return len(simplified.findall(text)), len(traditional.findall(text))


def detect_script(text, default=HANS):
    """The script ``text`` is written in: the majority of its telling characters."""
    simp, trad = script_counts(text or "")
    if trad > simp:
        return HANT
    if simp > trad:
        return HANS
    return default


def script_of_lang(value):
    """The source script a ``lang`` attribute names, or None if it names no Chinese script."""
    tag = value.strip().lower().replace("_", "-")
    if not (tag == "zh" or tag.startswith("zh-")):
        return None
    parts = tag.split("-")[1:]
    if "hant" in parts or any(p in {"tw", "hk", "mo"} for p in parts):
        return HANT
    return HANS


# Clauses: the unit at which mixed text is re-detected.
_CLAUSE = re.compile(r"[^\s，。！？；：、,.!?;:（）()「」『』“”‘’\"《》【】]+")


def _pieces(text, source):
    """
    Split ``text`` into (source, piece) by clause, so a Traditional clause inside
    Simplified-marked text (or the reverse) is converted from its own script.
    The common case, text with no character of the other script, costs one search.
    """
    simplified, traditional = _script_classes()
    other = traditional if source == HANS else simplified
    if not other.search(text):
        return [(source, text)]
    pieces = []
    position = 0
    for match in _CLAUSE.finditer(text):
        clause = match.group()
        clause_source = detect_script(clause, default=source)
        if clause_source != source:
            if match.start() > position:
                pieces.append((source, text[position : match.start()]))
            pieces.append((clause_source, clause))
            position = match.end()
    if position < len(text):
        pieces.append((source, text[position:]))
    return pieces


def convert_text(text, source, variant_code):
    """Convert plain text written in ``source`` script for a reader of ``variant_code``."""
    variant = VARIANTS[variant_code]
    out = []
    for piece_source, piece in _pieces(text, source):
        config = variant.config_for(piece_source)
        out.append(converter(config).convert(piece) if config else piece)
    return "".join(out)


# --- HTML -------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
      <!--.*?(?:-->|\Z)                                   # comment
    | <!\[CDATA\[.*?(?:\]\]>|\Z)
    | <[!?][^>]*>                                         # doctype, processing instruction
    | </?[A-Za-z][^\s/>]*(?:[^>"']|"[^"]*"|'[^']*')*>      # start or end tag
    """,
    re.S | re.X,
)
_TAG_NAME = re.compile(r"</?([A-Za-z][^\s/>]*)")
_ATTR = re.compile(
    r"""([^\s"'>/=]+)(?:(\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""", re.S
)

# Their content is not HTML text: skipped whole, up to the matching end tag.
_RAW_TEXT = {"script", "style", "textarea", "xmp", "iframe", "noembed", "noframes", "plaintext"}
# Text inside these is shown as written (code samples, keyboard input).
_VERBATIM = {"pre", "code", "kbd", "samp", "var"}
# Inline elements do not break a phrase: <b>发</b>布会 converts as 发布会.
_INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "data", "dfn", "em", "font", "i", "ins", "del",
    "mark", "q", "s", "small", "span", "strong", "sub", "sup", "time", "u",
}  # fmt: skip
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
_TEXT_ATTRS = {"title", "alt", "placeholder", "aria-label", "aria-description"}
_META_TEXT_NAMES = {
    "description", "keywords", "og:title", "og:description", "og:site_name",
    "twitter:title", "twitter:description",
}  # fmt: skip


@dataclass
class _Frame:
    name: str
    source: str
    translate: bool
    verbatim: bool


class _Page:
    """The pieces of one page: literal HTML, and text to convert, in order."""

    def __init__(self):
        self.parts = []
        self.runs = []  # each: (source, [indices into parts])
        self._run = None

    def literal(self, text, breaks_run=True):
        if breaks_run:
            self._run = None
        self.parts.append(text)

    def text(self, text, source):
        if self._run is None or self._run[0] != source:
            self._run = (source, [])
            self.runs.append(self._run)
        self._run[1].append(len(self.parts))
        self.parts.append(text)

    def attribute_text(self, text, source):
        """An attribute value is its own run: it never joins the text around it."""
        self.runs.append((source, [len(self.parts)]))
        self.parts.append(text)


def _tokenize(html, default_source, variant_lang):
    page = _Page()
    stack = [_Frame("", default_source, True, False)]
    position = 0
    length = len(html)
    while position < length:
        match = _TOKEN.search(html, position)
        end = match.start() if match else length
        if end > position:
            frame = stack[-1]
            if frame.translate and not frame.verbatim:
                page.text(html[position:end], frame.source)
            else:
                page.literal(html[position:end])
        if not match:
            break
        token = match.group()
        position = match.end()
        if token[1] not in "/!?" and token[0] == "<":
            position = _start_tag(html, token, position, stack, page, variant_lang)
        elif token.startswith("</"):
            name = _TAG_NAME.match(token).group(1).lower()
            page.literal(token, breaks_run=name not in _INLINE)
            for depth in range(len(stack) - 1, 0, -1):
                if stack[depth].name == name:
                    del stack[depth:]
                    break
        else:
            page.literal(token)
    return page


def _start_tag(html, token, position, stack, page, variant_lang):
    name = _TAG_NAME.match(token).group(1).lower()
    parent = stack[-1]
    source, translate = parent.source, parent.translate
    attrs = list(_ATTR.finditer(token, len(name) + 1, len(token) - 1))
    values = {m.group(1).lower(): _attr_value(m) for m in attrs if m.group(2)}
    if "lang" in values:
        source = script_of_lang(values["lang"]) or source
    if values.get("translate", "").strip().lower() == "no":
        translate = False
    elif "translate" in values:
        translate = True

    convertible = set()
    if translate:
        convertible = _TEXT_ATTRS & values.keys()
        if name == "meta" and "content" in values:
            meta_name = (values.get("name") or values.get("property") or "").lower()
            if meta_name in _META_TEXT_NAMES:
                convertible.add("content")
    relabel = translate and "lang" in values and script_of_lang(values["lang"])
    if convertible or relabel:
        _emit_tag_with_attrs(token, attrs, convertible, relabel, source, page, variant_lang)
    else:
        page.literal(token, breaks_run=name not in _INLINE)

    if name in _RAW_TEXT:
        close = re.compile(r"</%s\s*>" % re.escape(name), re.I).search(html, position)
        end = close.start() if close else len(html)
        page.literal(html[position:end])
        return end
    if name not in _VOID and not token.endswith("/>"):
        verbatim = parent.verbatim or name in _VERBATIM
        stack.append(_Frame(name, source, translate, verbatim))
    return position


def _attr_value(match):
    for group in (3, 4, 5):
        if match.group(group) is not None:
            return match.group(group)
    return ""


def _emit_tag_with_attrs(token, attrs, convertible, relabel, source, page, variant_lang):
    cursor = 0
    for match in attrs:
        attr = match.group(1).lower()
        if not match.group(2):
            continue
        group = next(g for g in (3, 4, 5) if match.group(g) is not None)
        start, end = match.start(group), match.end(group)
        if attr == "lang" and relabel:
            page.literal(token[cursor:start], breaks_run=False)
            page.literal(variant_lang, breaks_run=False)
            cursor = end
        elif attr in convertible:
            page.literal(token[cursor:start], breaks_run=False)
            page.attribute_text(token[start:end], source)
            cursor = end
    page.literal(token[cursor:])


def convert_html(html, variant_code, default_source=HANS):
    """
    The page ``html`` as a reader of ``variant_code`` should see it.

    Text written in the variant's own script stays as written; everything else
    is converted. ``lang`` attributes naming a Chinese script are rewritten to
    the variant's tag, since after conversion that is what the text is.
    """
    variant = VARIANTS[variant_code]
    page = _tokenize(html, default_source, variant.lang)
    _convert_runs(page, variant)
    return "".join(page.parts)


def _separator(texts):
    """A private-use character absent from every text: it splits a batch and breaks phrases."""
    for code in range(0xE000, 0xF8FF):
        sep = chr(code)
        if not any(sep in text for text in texts):
            return sep
    raise ValueError("no free private-use separator")  # needs 6 400 distinct PUA chars


def _convert_runs(page, variant):
    parts = page.parts
    runs = [(source, indices, "".join(parts[i] for i in indices)) for source, indices in page.runs]
    # Split each run into pieces by script, and batch every piece by OpenCC config.
    batches = {}
    run_pieces = []
    for source, _indices, text in runs:
        pieces = []
        for piece_source, piece in _pieces(text, source):
            config = variant.config_for(piece_source)
            if config:
                batch = batches.setdefault(config, [])
                pieces.append((config, len(batch)))
                batch.append(piece)
            else:
                pieces.append((None, piece))
        run_pieces.append(pieces)

    converted = {}
    for config, texts in batches.items():
        sep = _separator(texts)
        out = converter(config).convert(sep.join(texts)).split(sep)
        if len(out) != len(texts):
            logger.warning("OpenCC %s changed a batch separator; converting one by one", config)
            out = [converter(config).convert(text) for text in texts]
        converted[config] = out

    for (source, indices, text), pieces in zip(runs, run_pieces, strict=True):
        result = "".join(converted[c][i] if c else i for c, i in pieces)
        if len(indices) == 1:
            parts[indices[0]] = result
        elif len(result) == len(text):
            # Same length: cut the converted run back at the inline tags.
            offset = 0
            for index in indices:
                size = len(parts[index])
                parts[index] = result[offset : offset + size]
                offset += size
        else:
            # A phrase changed length across an inline tag (内<b>存</b> → 記憶體):
            # there is no faithful cut, so each piece converts on its own.
            for index in indices:
                parts[index] = convert_text(parts[index], source, variant.code)
