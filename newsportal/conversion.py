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
config goes through OpenCC in a single call. Conversion runs on every page
view, so a page's runs are handled in bulk: one search over all of them finds
the few that need planning one by one (a glossary phrase, a clause in the other
script), and the rest reach OpenCC as they are.
"""

import logging
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import itemgetter

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


def script_pieces(text, source):
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
    return list(_mixed_pieces(text, source))


@lru_cache(maxsize=1024)
def _mixed_pieces(text, source):
    """Pieces of text with both scripts: the same few (the site's name in its chrome) recur."""
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
    return tuple(pieces)


def convert_text(text, source, variant_code, rules=glossary.EMPTY, scope=glossary.SITE):
    """
    Plain ``text`` written in ``source`` script as a reader of ``variant_code``
    sees it, with the glossary ``rules`` of the site (and of article ``scope``).
    """
    return _convert_all([(source, scope, text)], VARIANTS[variant_code], rules)[0]


# OpenCC stops reading at a NUL (``s2tw("技术\x00说明") == "技術"``) and cannot take
# lone surrogates (the undecodable bytes of a page): such characters never reach it.
_OPAQUE_CHARS = r"\x00\ud800-\udfff"
_OPAQUE = re.compile(f"([{_OPAQUE_CHARS}]+)")


def _convert_all(jobs, variant, rules):
    """Each (source, scope, text) of ``jobs`` converted for ``variant``, one by one."""
    batch = _Batch(variant, rules)
    plans = [batch.plan(text, source, scope) for source, scope, text in jobs]
    batch.run()
    return [batch.result(plan) for plan in plans]


class _Batch:
    """
    Text converted for a variant: the glossary ``rules`` fix their phrases
    first, and the rest goes to OpenCC in one call per config for the lot,
    since a call costs far more than its characters.
    """

    def __init__(self, variant, rules):
        self.variant = variant
        self.rules = rules
        self.texts = {}  # config -> what OpenCC converts with it
        self.out = {}

    def extend(self, config, texts):
        """Add ``texts`` to convert with ``config`` as they are; where their results start."""
        batch = self.texts.setdefault(config, [])
        start = len(batch)
        batch += texts
        return start

    def plan(self, text, source, scope):
        """How ``text`` converts: strings as they are, and (config, index) for OpenCC's."""
        plan = []
        for piece_source, piece in _glossary_pieces(self.rules, text, source, scope, self.variant):
            config = piece_source and self.variant.config_for(piece_source)
            if not config:  # a glossary form (final), or text shown as written
                plan.append(piece)
                continue
            for number, chunk in enumerate(_OPAQUE.split(piece)):
                self._add(plan, chunk, None if number % 2 else config)
        return plan

    def plan_phrases(self, joined, sep, matches, phrases, config):
        """
        How a run of ``joined`` converts, from the ``matches`` of its site
        glossary phrases, when nothing else in it needs planning.
        """
        plan = []
        cursor = joined.rfind(sep, 0, matches[0].start()) + 1
        for match in matches:
            self._add(plan, joined[cursor : match.start()], config)
            plan.append(phrases[match.group()].form_for(self.variant.code))
            cursor = match.end()
        end = joined.find(sep, cursor)
        self._add(plan, joined[cursor : end if end >= 0 else len(joined)], config)
        return plan

    def _add(self, plan, text, config):
        """A step for ``text``: as it is, or its place among OpenCC's results for ``config``."""
        if text and config:
            batch = self.texts.setdefault(config, [])
            plan.append((config, len(batch)))
            batch.append(text)
        elif text:
            plan.append(text)

    def run(self):
        self.out = {config: _convert_batch(config, texts) for config, texts in self.texts.items()}

    def result(self, plan):
        out = self.out
        return "".join(step if isinstance(step, str) else out[step[0]][step[1]] for step in plan)


def _glossary_pieces(rules, text, source, scope, variant):
    """(source, piece) for OpenCC, with (None, form) for each glossary phrase."""
    for rule, piece in rules.split(text, scope) if rules else [(None, text)]:
        if rule is not None:
            yield None, rule.form_for(variant.code)
        else:
            yield from script_pieces(piece, source)


def _convert_batch(config, texts):
    sep, joined = _joined(texts)
    out = converter(config).convert(joined).split(sep)
    if len(out) != len(texts):
        logger.warning("OpenCC %s changed a batch separator; converting one by one", config)
        out = [converter(config).convert(text) for text in texts]
    return out


def _joined(texts):
    """
    (separator, ``texts`` joined by it): a private-use character in none of
    them, so it splits the batch again and breaks phrases.
    """
    for code in range(0xE000, 0xF8FF):
        sep = chr(code)
        joined = sep.join(texts)
        if joined.count(sep) == max(len(texts) - 1, 0):
            return sep, joined
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
    """
    Every run of ``page`` converted in place, as ``_convert_all`` would convert
    it. Most runs hold no glossary phrase, no character of the other script and
    none OpenCC cannot take: those go to OpenCC exactly as they are, and finding
    them takes one search over all runs of a source script, so they cost
    nothing one by one. The others are planned run by run.
    """
    parts = page.parts
    segments = page.join_runs()
    batch = _Batch(variant, rules)
    placed = []
    split = []  # (first part, the plans of its parts alone) of each run split by tags
    for source in SOURCE_SCRIPTS:
        indices = []
        scopes = []  # (number of its first run, scope) of each scope's runs
        owner = {}
        for run_source, scope, runs in page.runs:
            if run_source == source and runs:
                scopes.append((len(indices), scope))
                indices += runs
                owner[id(runs)] = scope
        if not indices:
            continue
        config = variant.config_for(source)
        texts = [parts[i] for i in indices]
        plans = _plans(texts, scopes, source, config, batch)
        start = None
        if config:
            for k in plans:
                texts[k] = ""  # its plan has its pieces
            start = batch.extend(config, texts)
        placed.append((indices, config, start, plans))
        planned = {indices[k] for k in plans}
        for first, (runs, _indices) in page.joined.items():
            if id(runs) not in owner:
                continue
            # Its parts converted alone (in the same OpenCC call) show where its tags go.
            texts = segments[first]
            if first in planned:
                alone = [batch.plan(text, source, owner[id(runs)]) for text in texts]
            elif config:
                at = batch.extend(config, texts)
                alone = [[(config, at + number)] for number in range(len(texts))]
            else:
                alone = None  # shown as written
            split.append((first, alone))
    batch.run()
    for indices, config, start, plans in placed:
        if config:
            out = batch.out[config][start : start + len(indices)]
            for index, result in zip(indices, out, strict=True):
                parts[index] = result
        for k, plan in plans.items():
            parts[indices[k]] = batch.result(plan)
    for first, alone in split:
        page.split_run(first, alone and [batch.result(plan) for plan in alone])


def _plans(texts, scopes, source, config, batch):
    """
    Plans for the runs among ``texts`` that cannot go to OpenCC as they are. A
    run with a character of the other script (or one OpenCC cannot take), or
    in an article with glossary rules of its own, is planned as ``_convert_all``
    plans it; a run with site glossary phrases only, from where they are. One
    search over all the runs finds each kind.
    """
    sep, joined = _joined(texts)
    scoped, phrases, pattern = _site(batch.rules)
    alone = set()
    number = 0
    counted = 0  # where ``number`` was counted up to
    match = _telling(source, config).search(joined)
    while match:  # one search per run that has one: the run is planned alone
        number += joined.count(sep, counted, match.start())
        alone.add(number)
        counted = joined.find(sep, match.start())
        match = _telling(source, config).search(joined, counted) if counted >= 0 else None
    for (first, scope), (end, _) in zip(scopes, [*scopes[1:], (len(texts), None)], strict=True):
        if scope in scoped:
            alone.update(range(first, end))
    found = {}  # run number -> its phrase matches
    number = 0
    counted = 0  # where ``number`` was counted up to
    for match in pattern.finditer(joined) if pattern else ():
        number += joined.count(sep, counted, match.start())
        counted = match.start()
        if not match.group() or sep in match.group():  # it could span runs: take no chances
            alone = range(len(texts))
            break
        found.setdefault(number, []).append(match)
    plans = {}
    for k in alone:
        scope = scopes[bisect_right(scopes, k, key=itemgetter(0)) - 1][1]
        plans[k] = batch.plan(texts[k], source, scope)
    for k, matches in found.items():
        if k not in plans:
            plans[k] = batch.plan_phrases(joined, sep, matches, phrases, config)
    return plans


@cache
def _telling(source, config):
    """What makes a run need planning: the other script, and what OpenCC cannot take."""
    simplified, traditional = _script_classes()
    other = (traditional if source == HANS else simplified).pattern[1:-1]  # "[...]"
    return re.compile(f"[{other}{_OPAQUE_CHARS if config else ''}]")


_last_site = (None, None)


def _site(rules):
    """
    (the scopes with rules of their own, the site's rules by phrase, a pattern
    finding those phrases as the glossary's own split does, or None), worked
    out once per glossary.
    """
    global _last_site
    last_rules, view = _last_site
    if last_rules is not rules:
        phrases = {rule.phrase: rule for rule in rules.rules if rule.scope is glossary.SITE}
        ordered = sorted(phrases, key=lambda p: (-len(p), p))  # longest first
        pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        scoped = {rule.scope for rule in rules.rules} - {glossary.SITE}
        view = (scoped, phrases, pattern)
        _last_site = (rules, view)
    return view
