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
runs (text split only by inline tags converts as one phrase, so ``头<b>发</b>``
reads 頭<b>髮</b> like 头发, not 頭<b>發</b>), and all text for one OpenCC
config goes through OpenCC in a single call.
"""

import difflib
import itertools
import logging
import re
from collections import Counter
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

    @property
    def script(self):
        """The script this variant's readers read (and its interface catalogue is written in)."""
        return HANS if self.from_hans is None else HANT


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
    the converter: a character is Simplified-only when ``t2s`` leaves it alone
    and every Simplified-to-Traditional config changes it, and Traditional-only
    when ``t2s`` changes it and ``s2t`` leaves it alone. ``s2t`` alone is not
    enough: it also rewrites characters Taiwan and Hong Kong print every day
    (峰 → 峯, 群 → 羣, 温 → 溫), and Traditional text using them must not be
    taken for Simplified.
    """
    chars = [chr(c) for start, end in _CJK_RANGES for c in range(start, end + 1)]
    joined = "\n".join(chars)
    to_trad = converter("s2t").convert(joined).split("\n")
    to_tw = converter("s2tw").convert(joined).split("\n")
    to_hk = converter("s2hk").convert(joined).split("\n")
    to_simp = converter("t2s").convert(joined).split("\n")
    simplified = []
    traditional = []
    for char, trad, tw, hk, simp in zip(chars, to_trad, to_tw, to_hk, to_simp, strict=True):
        if simp == char and char not in (trad, tw, hk):
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
    # A script subtag says it outright (zh-Hans-HK is Simplified); a region implies one.
    script = next((p for p in parts if len(p) == 4 and p.isalpha()), None)
    if script is not None:
        return {"hans": HANS, "hant": HANT}.get(script)  # zh-Latn (pinyin): no Chinese script
    if any(p in {"tw", "hk", "mo"} for p in parts):
        return HANT
    return HANS


# Clauses: the unit at which mixed text is re-detected.
_CLAUSE = re.compile(r"[^\s，。！？；：、,.!?;:（）()「」『』“”‘’\"《》【】]+")


def _pieces(text, source):
    """
    Split ``text`` into (source, piece) by clause, so a Traditional clause inside
    Simplified-marked text (or the reverse) is converted from its own script.
    A clause holding both scripts goes by its majority (a tie keeps ``source``)
    and its other characters stay as written: many of them (后, 里, 余, 据) are
    ordinary Traditional characters too. The common case, text with no character
    of the other script, costs one search.
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
    return _convert_all([(source, text)], VARIANTS[variant_code])[0]


# OpenCC stops reading at a NUL (``s2tw("技术\x00说明") == "技術"``) and cannot take
# lone surrogates (the undecodable bytes of a page): such characters never reach it.
_OPAQUE = re.compile(r"([\x00\ud800-\udfff]+)")


def _convert_all(jobs, variant):
    """
    Each (source, text) of ``jobs`` converted for ``variant``, with one OpenCC
    call per config for the lot: a call costs far more than its characters.
    """
    batches = {}
    plans = []
    for source, text in jobs:
        plan = []
        for piece_source, piece in _pieces(text, source):
            config = variant.config_for(piece_source)
            if not config:
                plan.append(piece)
                continue
            for number, chunk in enumerate(_OPAQUE.split(piece)):
                if number % 2 or not chunk:
                    plan.append(chunk)
                else:
                    batch = batches.setdefault(config, [])
                    plan.append((config, len(batch)))
                    batch.append(chunk)
        plans.append(plan)
    converted = {config: _convert_batch(config, texts) for config, texts in batches.items()}
    return [
        "".join(step if isinstance(step, str) else converted[step[0]][step[1]] for step in plan)
        for plan in plans
    ]


def _convert_batch(config, texts):
    sep = _separator(texts)
    out = converter(config).convert(sep.join(texts)).split(sep)
    if len(out) != len(texts):
        logger.warning("OpenCC %s changed a batch separator; converting one by one", config)
        out = [converter(config).convert(text) for text in texts]
    return out


def _separator(texts):
    """A private-use character absent from every text: it splits a batch and breaks phrases."""
    joined = "".join(texts)
    for code in range(0xE000, 0xF8FF):
        sep = chr(code)
        if sep not in joined:
            return sep
    raise ValueError("no free private-use separator")  # needs 6 400 distinct PUA chars


# --- HTML -------------------------------------------------------------------

# Quantifiers are possessive and a tag is searched for only up to the page's last
# ">": text full of stray "<" costs linear time, not cubic.
_TOKEN = re.compile(
    r"""
      <!--(?:-?>|.*?-->)                                  # comment
    | <!\[CDATA\[.*?\]\]>
    | <!--|<!\[CDATA\[                                    # unterminated
    | <[!?][^>]*+>                                        # doctype, processing instruction
    | </?[A-Za-z][^\s/>]*+(?:=\s*+(?:"[^"]*+"|'[^']*+')|[^>])*+>   # start or end tag
    """,
    re.S | re.X,
)
# After the last ">", markup can only open, never close: the rest is inside it.
_UNTERMINATED = re.compile(r"<[!?/A-Za-z]")
_TAG_NAME = re.compile(r"</?([A-Za-z][^\s/>]*)")
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:(\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""", re.S)

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


class _Stack(list):
    """Open elements, innermost last; knows which names are open, so a stray end tag is cheap."""

    def __init__(self, root):
        super().__init__([root])
        self.open = Counter()

    def push(self, frame):
        self.append(frame)
        self.open[frame.name] += 1

    def close(self, name):
        if not self.open[name]:
            return
        for depth in range(len(self) - 1, 0, -1):
            if self[depth].name == name:
                for frame in self[depth:]:
                    self.open[frame.name] -= 1
                del self[depth:]
                return


def _tokenize(html, default_source, variant_lang):
    page = _Page()
    stack = _Stack(_Frame("", default_source, True, False))
    position = 0
    length = len(html)
    limit = html.rfind(">") + 1  # no tag can end after the last ">"
    while position < length:
        match = _TOKEN.search(html, position, limit)
        if match is None:
            match = _UNTERMINATED.search(html, max(position, limit))
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
        if match.re is _UNTERMINATED or token in ("<!--", "<![CDATA["):
            page.literal(html[match.start() :])  # browsers drop it; we keep it as it is
            break
        if token[1] not in "/!?":
            position = _start_tag(html, token, position, stack, page, variant_lang)
        elif token[1] == "/":
            name = _TAG_NAME.match(token).group(1).lower()
            page.literal(token, breaks_run=name not in _INLINE)
            stack.close(name)
        else:
            page.literal(token)
    return page


def _start_tag(html, token, position, stack, page, variant_lang):
    name = _TAG_NAME.match(token).group(1).lower()
    parent = stack[-1]
    source, translate = parent.source, parent.translate
    attrs = list(_ATTR.finditer(token, len(name) + 1, len(token) - 1))
    values = {}
    for match in attrs:
        values.setdefault(match.group(1).lower(), _attr_value(match))  # the first one counts
    if "lang" in values:
        source = script_of_lang(values["lang"]) or source
    if "translate" in values:
        value = values["translate"].strip().lower()
        if value == "no":
            translate = False
        elif value in ("yes", ""):
            translate = True
    inline = name in _INLINE
    verbatim = parent.verbatim or name in _VERBATIM

    convertible = set()
    if translate:
        convertible = _TEXT_ATTRS & values.keys()
        if name == "meta" and "content" in values:
            meta_name = (values.get("name") or values.get("property") or "").lower()
            if meta_name in _META_TEXT_NAMES:
                convertible.add("content")
    # After conversion the text is in the variant's script, and lang says so; text
    # shown as written keeps its lang.
    relabel = (
        translate
        and not verbatim
        and name not in _RAW_TEXT
        and script_of_lang(values.get("lang", "")) is not None
    )
    if convertible or relabel:
        _emit_tag_with_attrs(
            token, attrs, convertible, relabel, source, page, variant_lang, inline
        )
    else:
        page.literal(token, breaks_run=not inline)

    if name in _RAW_TEXT:
        close = re.compile(rf"</{re.escape(name)}\s*>", re.I).search(html, position)
        end = close.start() if close else len(html)
        page.literal(html[position:end])
        return end
    if name not in _VOID and not token.endswith("/>"):
        stack.push(_Frame(name, source, translate, verbatim))
    return position


def _attr_value(match):
    for group in (3, 4, 5):
        if match.group(group) is not None:
            return match.group(group)
    return ""


def _emit_tag_with_attrs(token, attrs, convertible, relabel, source, page, variant_lang, inline):
    cursor = 0
    done = set()
    for match in attrs:
        attr = match.group(1).lower()
        if not match.group(2) or attr in done:
            continue
        done.add(attr)
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
    page.literal(token[cursor:], breaks_run=not inline)


def convert_html(html, variant_code, default_source=HANS):
    """
    The page ``html`` as a reader of ``variant_code`` should see it.

    Text written in the variant's own script stays as written; everything else
    is converted. ``lang`` attributes naming a Chinese script are rewritten to
    the variant's tag, since after conversion that is what the text is.
    Malformed HTML never raises, and every character not converted is kept.
    """
    variant = VARIANTS[variant_code]
    page = _tokenize(html, default_source, variant.lang)
    _convert_runs(page, variant)
    return "".join(page.parts)


def _convert_runs(page, variant):
    parts = page.parts
    runs = [(source, indices, "".join(parts[i] for i in indices)) for source, indices in page.runs]
    converted = _convert_all([(source, text) for source, _indices, text in runs], variant)
    # A run split by inline tags converts as one phrase (头<b>发</b> → 頭<b>髮</b>, not
    # 頭<b>發</b>); to put the tags back, see where its parts meet when converted alone.
    split = [
        (source, indices)
        for (source, indices, text), result in zip(runs, converted, strict=True)
        if len(indices) > 1 and result != text
    ]
    alone = iter(_convert_all([(s, parts[i]) for s, indices in split for i in indices], variant))
    for (_source, indices, text), result in zip(runs, converted, strict=True):
        if len(indices) == 1:
            parts[indices[0]] = result
        elif result != text:
            pieces = _cut(result, [next(alone) for _ in indices])
            for index, piece in zip(indices, pieces, strict=True):
                parts[index] = piece


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
