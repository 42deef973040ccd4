"""
Text as search compares it: one script, one case, one width.

Readers type in either script and editors write in either, so the index and
the query are both folded to Simplified (OpenCC ``t2s``: 頭髮 and 头发 both
become 头发), to one case (``casefold``) and to one width (NFKC: ＡＢＣ is abc),
and matching is done on the folded text. A query is split into terms at
whitespace and punctuation; an article matches when every term is a substring
of its folded title, summary or body text.
"""

import html
import re
import unicodedata
from functools import lru_cache

from newsportal.conversion import converter
from newsportal.markup import INLINE

MAX_QUERY_LENGTH = 100  # characters of a query that are searched; the rest is dropped
MAX_TERMS = 8
BODY_LIMIT = 50_000  # characters of body text indexed: bounds one article's index entry

# What no reader types and OpenCC cannot take (it stops at NUL, fails on lone
# surrogates): control characters, surrogates, the replacement character that
# stands for undecodable bytes, noncharacters. They become spaces.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffd\ufffe\uffff\U0010ffff]")
# Invisible characters inside words (zero-width space and joiners, BOM): dropped.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")

# A tag, its attribute values quoted or not (a ">" inside quotes does not end it).
_TAG = re.compile(r"""<(/?)([A-Za-z][A-Za-z0-9]*)(?:[^>"']|"[^"]*"|'[^']*')*>""")


def body_text(body_html):
    """
    The text a reader sees in a body: tags dropped, entities decoded. Block
    tags become spaces, so the last word of one paragraph and the first of the
    next do not run together into a match; inline tags vanish (头<b>发</b> is 头发).
    """

    def replace(match):
        return "" if match.group(2).lower() in INLINE else " "

    return html.unescape(_TAG.sub(replace, body_html or ""))


def _clean(text):
    return _INVISIBLE.sub("", _UNSAFE.sub(" ", text))


def _nfkc(text):
    if unicodedata.is_normalized("NFKC", text):  # the common case, and much quicker
        return text
    return unicodedata.normalize("NFKC", text)


def _casefold(text):
    return text.casefold()


def _t2s(text):
    return converter("t2s").convert(text)


_STEPS = (_clean, _nfkc, _casefold, _t2s)


def fold(text):
    """``text`` folded for the index or a query, with runs of whitespace made one space."""
    for step in _STEPS:
        text = step(text)
    return " ".join(text.split())


def fold_with_positions(text):
    """
    ``text`` folded (whitespace kept as it is), and for each folded character
    the index of the written character it came from: how a match found in the
    folded text is highlighted in the written one. Each step runs on the whole
    text; only where it changed the length (NFKC turns ㍿ into 株式会社, casefold
    ß into ss) is it redone character by character to keep the map exact.
    """
    positions = range(len(text))
    for step in _STEPS:
        folded = step(text)
        if len(folded) != len(text):
            folded, positions = _per_character(text, positions, step)
        text = folded
    return text, positions


def _per_character(text, positions, step):
    pieces = []
    mapped = []
    for char, position in zip(text, positions, strict=True):
        piece = step(char)
        pieces.append(piece)
        mapped.extend([position] * len(piece))
    return "".join(pieces), mapped


@lru_cache(maxsize=4096)
def _is_separator(char):
    return char.isspace() or unicodedata.category(char).startswith("P")


def query_terms(query):
    """
    The terms of a query: folded, split at whitespace and punctuation (so a
    query of only punctuation has none, and no FTS or LIKE syntax survives into
    a term), without repeats or terms another term contains (台风 adds nothing
    to 台风过境), at most ``MAX_TERMS`` of them.
    """
    folded = fold(query[:MAX_QUERY_LENGTH])
    words = "".join(" " if _is_separator(char) else char for char in folded).split()
    terms = []
    for word in sorted(set(words), key=lambda word: (-len(word), words.index(word))):
        if not any(word in longer for longer in terms):
            terms.append(word)
    terms.sort(key=words.index)
    return tuple(terms[:MAX_TERMS])


def index_fields(title, summary, body_html):
    """The folded (title, summary, body text) an article is indexed by."""
    return fold(title or ""), fold(summary or ""), fold(body_text(body_html)[:BODY_LIMIT])
