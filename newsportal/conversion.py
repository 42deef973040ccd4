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
from dataclasses import dataclass
from functools import cache

import opencc

from . import glossary
from .tokenizer import HANS, HANT, script_of_lang, tokenize

logger = logging.getLogger(__name__)

SOURCE_SCRIPTS = (HANS, HANT)
__all__ = ["HANS", "HANT", "VARIANTS", "convert_html", "convert_text", "script_of_lang"]


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


def convert_text(text, source, variant_code, rules=glossary.EMPTY, scope=glossary.SITE):
    """
    Plain ``text`` written in ``source`` script as a reader of ``variant_code``
    sees it, with the glossary ``rules`` of the site (and of article ``scope``).
    """
    return _convert_all([(source, scope, text)], VARIANTS[variant_code], rules)[0]


# OpenCC stops reading at a NUL (``s2tw("技术\x00说明") == "技術"``) and cannot take
# lone surrogates (the undecodable bytes of a page): such characters never reach it.
_OPAQUE = re.compile(r"([\x00\ud800-\udfff]+)")


def _convert_all(jobs, variant, rules):
    """
    Each (source, scope, text) of ``jobs`` converted for ``variant``: the
    glossary ``rules`` fix their phrases first, and the rest goes to OpenCC in
    one call per config for the lot, since a call costs far more than its characters.
    """
    batches = {}
    plans = []
    for source, scope, text in jobs:
        plan = []
        for piece_source, piece in _glossary_pieces(rules, text, source, scope, variant):
            if piece_source is None:  # a glossary form, final
                plan.append(piece)
                continue
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


def _glossary_pieces(rules, text, source, scope, variant):
    """(source, piece) for OpenCC, with (None, form) for each glossary phrase."""
    for rule, piece in rules.split(text, scope) if rules else [(None, text)]:
        if rule is not None:
            yield None, rule.form_for(variant.code)
        else:
            yield from _pieces(piece, source)


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


def convert_html(html, variant_code, default_source=HANS, rules=glossary.EMPTY):
    """
    The page ``html`` as a reader of ``variant_code`` should see it.

    Text written in the variant's own script stays as written; everything else
    is converted. ``lang`` attributes naming a Chinese script are rewritten to
    the variant's tag, since after conversion that is what the text is.
    Malformed HTML never raises, and every character not converted is kept.
    """
    variant = VARIANTS[variant_code]
    page = tokenize(html, default_source, variant.lang)
    _convert_runs(page, variant, rules)
    return "".join(page.parts)


def _convert_runs(page, variant, rules):
    parts = page.parts
    runs = [
        (source, scope, indices, "".join(parts[i] for i in indices))
        for source, scope, indices in page.runs
    ]
    converted = _convert_all([(src, scope, text) for src, scope, _, text in runs], variant, rules)
    # A run split by inline tags converts as one phrase (头<b>发</b> → 頭<b>髮</b>, not
    # 頭<b>發</b>); to put the tags back, see where its parts meet when converted alone.
    split = [
        (source, scope, indices)
        for (source, scope, indices, text), result in zip(runs, converted, strict=True)
        if len(indices) > 1 and result != text
    ]
    alone = iter(
        _convert_all(
            [(src, scope, parts[i]) for src, scope, indices in split for i in indices],
            variant,
            rules,
        )
    )
    for (_source, _scope, indices, text), result in zip(runs, converted, strict=True):
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
