"""
Which Simplified characters OpenCC must choose a Traditional reading for, and
the readings it can choose between, read back from OpenCC's own tables.

Simplified to Traditional is one-to-many: 发 is 發 in 发展 but 髮 in 头发. The
conversion review (``articles.review``) marks these characters in an article
so an editor can check OpenCC's pick in context.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache

from .conversion import HANS, VARIANTS, converter

TRADITIONAL = tuple(code for code, variant in VARIANTS.items() if variant.script != HANS)

# Ordinary Traditional characters too, each with a meaning of its own (皇后, 若干,
# 公里, 北斗, 范仲淹): s2t maps them to another character and t2s leaves them
# alone, so OpenCC's character tables never list the character as its own reading.
BOTH_SCRIPTS = frozenset(
    "后干里了松制采台系只斗范划卷余云谷折征准致郁御丑朴仆曲涂借出布咸尸伙几姜才向党筑舍沈面"
)

# A reading OpenCC gives beside just one common character is a curiosity (秋千 →
# 鞦韆, a rare 榦 for 干), not worth marking every 秋 in the paper for.
MIN_USES = 2

# How each Traditional variant writes a Traditional character (裏 → 裡 in Taiwan):
# the Traditional-to-variant half of its Simplified config, which leaves 干 or 后 alone.
_WRITTEN = {"s2tw": "t2tw", "s2twp": "t2tw", "s2hk": "t2hk"}

_HAN = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF))  # not the compatibility block: it repeats these


def is_han(char):
    code = ord(char)
    return any(start <= code <= end for start, end in _HAN)


@cache
def suspects():
    """
    Simplified character -> its OpenCC-standard Traditional reading (s2t) and
    every character t2s folds into it, for characters with two or more, and
    every character in BOTH_SCRIPTS: the characters worth trying in context.

    OpenCC ships its tables in binary form only, so they are read back through
    OpenCC itself: one t2s and one s2t call over every Han character.
    """
    chars = [chr(code) for start, end in _HAN for code in range(start, end + 1)]
    joined = "\n".join(chars)
    simplified = converter("t2s").convert(joined).split("\n")
    traditional = converter("s2t").convert(joined).split("\n")
    folded = defaultdict(set)
    for char, simple in zip(chars, simplified, strict=True):
        if simple != char and len(simple) == 1:
            folded[simple].add(char)
    table = {}
    for char, simple, trad in zip(chars, simplified, traditional, strict=True):
        if simple == char:
            readings = folded[char] | {trad} | ({char} & BOTH_SCRIPTS)
            if len(readings) > 1 or char in BOTH_SCRIPTS:
                table[char] = (trad, readings)
    return table


@cache
def _neighbours():
    """The 3 755 commonest Simplified characters (GB 2312 level 1), to try a suspect beside."""
    chars = []
    for code in range(0x4E00, 0xA000):
        try:
            encoded = chr(code).encode("gb2312")
        except UnicodeEncodeError:
            continue
        if 0xB0 <= encoded[0] <= 0xD7:
            chars.append(chr(code))
    return chars


@dataclass(frozen=True)
class Readings:
    """The Traditional characters one Simplified character can stand for."""

    char: str
    bases: tuple  # OpenCC-standard characters, OpenCC's default first, then by use
    written: dict  # variant code -> {base: how the variant writes it}

    def forms(self, variant_code):
        return tuple(dict.fromkeys(self.written[variant_code].values()))


_known = {}  # char -> Readings, or None if it turned out to have one reading


def readings(text):
    """The Readings of each one-to-many character in ``text``, worked out once per process."""
    table = suspects()
    new = [c for c in dict.fromkeys(text) if c in table and c not in _known]
    if new:
        _known.update(_work_out(new, table))
    return {c: _known[c] for c in set(text) if _known.get(c)}


def _work_out(chars, table):
    """
    A character's readings are those OpenCC writes for it beside each common
    character (头发 → 頭髮, 皇后 → 皇后), plus itself if it is in BOTH_SCRIPTS.
    Its tables also list variant shapes (産 for 产, 説 for 说) and rare
    characters no phrase uses; those would mark half of every article.
    """
    neighbours = _neighbours()
    probes = [p for c in chars for x in neighbours for p in (c + x, x + c)]
    out = converter("s2t").convert("\n".join(probes)).split("\n")
    width = 2 * len(neighbours)
    seen = {}
    for number, char in enumerate(chars):
        block = out[number * width : (number + 1) * width]
        counts = Counter()
        for index, pairs in enumerate((block[0::2], block[1::2])):
            joined = "".join(pairs)
            if len(joined) == 2 * len(pairs):  # the usual case, counted at C speed
                counts.update(joined[index::2])
            else:
                counts.update(p[index] for p in pairs if len(p) == 2)
        default = table[char][0]
        common = (b for b, uses in counts.most_common() if uses >= MIN_USES and b != default)
        bases = [default, *common]
        seen[char] = tuple(dict.fromkeys(bases + ([char] if char in BOTH_SCRIPTS else [])))
    every = sorted({b for bases in seen.values() for b in bases})
    written = {}
    for config in set(_WRITTEN.values()):
        forms = converter(config).convert("\n".join(every)).split("\n")
        written[config] = {b: f if len(f) == 1 else b for b, f in zip(every, forms, strict=True)}
    result = {}
    for char, bases in seen.items():
        per_variant = {
            code: {b: written[_WRITTEN[VARIANTS[code].from_hans]][b] for b in bases}
            for code in TRADITIONAL
        }
        found = Readings(char, bases, per_variant)
        result[char] = found if any(len(found.forms(c)) > 1 for c in TRADITIONAL) else None
    return result
