"""
The conversion review: an article's text in every script variant, with each
character OpenCC had to choose a reading for marked, and a way to pin the
right reading for this one article.

Simplified to Traditional is one-to-many: 发 is 發 in 发展 but 髮 in 头发.
OpenCC decides by the phrases its dictionary knows and otherwise takes the
commonest reading (理了发 → 理了發), and a wrong pick reads as a misprint to a
Traditional reader. The other direction is many-to-one (乾, 幹 → 干) and
cannot mislead a Simplified reader, so only Simplified-written text is marked.
"""

from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from html.parser import HTMLParser

from django.core.exceptions import BadRequest
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from newsportal import glossary

# The review splits body text where the page's tokenizer splits its runs, and
# marks characters only where the converter takes text for Simplified.
from newsportal.conversion import (
    HANS,
    VARIANTS,
    convert_text,
    converter,
    script_of_lang,
    script_pieces,
)
from newsportal.markup import INLINE, VERBATIM, VOID
from newsportal.readings import TRADITIONAL, Readings, is_han, readings

from .models import Article, ConversionRule

FIELDS = ("title", "subtitle", "summary", "body", "cover_caption")

REVIEW, PINNED, FIXED = "review", "pinned", "fixed"  # fixed: by a site-wide glossary rule

# --- The article's text, as the public page splits it ---------------------------


@dataclass
class Segment:
    text: str
    source: str | None  # None: shown as written (code, translate="no")
    start: int = 0  # offset in the field's text


class _BodyText(HTMLParser):
    """
    Body HTML as paragraphs of segments, split as the page's tokenizer splits
    text runs: block elements break a run, inline ones do not, and ``lang``,
    ``translate`` and code elements decide how the text converts.
    """

    def __init__(self, source):
        super().__init__(convert_charrefs=True)
        self.stack = [("", source, True, False)]  # element, source, translate, verbatim
        self.paragraphs = [[]]

    def handle_starttag(self, tag, attrs):
        _, source, translate, verbatim = self.stack[-1]
        values = {}
        for name, value in attrs:
            values.setdefault(name, value or "")
        if "lang" in values:
            source = script_of_lang(values["lang"]) or source
        if "translate" in values:
            value = values["translate"].strip().lower()
            translate = False if value == "no" else True if value in ("yes", "") else translate
        if tag not in INLINE:
            self.paragraphs.append([])
        if tag not in VOID:
            self.stack.append((tag, source, translate, verbatim or tag in VERBATIM))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                break
        if tag not in INLINE:
            self.paragraphs.append([])

    def handle_data(self, data):
        _, source, translate, verbatim = self.stack[-1]
        source = source if translate and not verbatim else None
        paragraph = self.paragraphs[-1]
        if paragraph and paragraph[-1].source == source:
            paragraph[-1].text += data
        else:
            paragraph.append(Segment(data, source))


def paragraphs(article, name):
    """A field's text as paragraphs of segments, each segment with its source script."""
    source = article.script_of(name)
    if name != "body":
        return [[Segment(getattr(article, name), source)]]
    parser = _BodyText(source)
    parser.feed(article.body)
    parser.close()
    found = [p for p in parser.paragraphs if "".join(s.text for s in p).strip()]
    position = 0
    for paragraph in found:
        for segment in paragraph:
            segment.start = position
            position += len(segment.text)
    return found


# --- Marking ------------------------------------------------------------------


@dataclass
class Flag:
    """One one-to-many character of the source, and the phrase a pin would fix."""

    field: str
    at: int  # offset in the field's text
    char: str
    readings: Readings
    status: str
    phrase: str
    offset: int  # of the character in ``phrase``
    paragraph: int


@dataclass
class Choice:
    reading: str
    value: str  # what its button sends
    title: str


@dataclass
class Mark:
    """A flag as one variant's column shows it: OpenCC's choice and the other readings."""

    flag: Flag
    chosen: str
    title: str
    confirm: Choice | None  # pins ``chosen`` itself; None once pinned
    alternatives: list


def _mark(code, flag, chosen):
    # Strings are made here, not in the template: a long body has thousands of marks.
    value = f"{code}:{flag.field}:{flag.at}:{flag.char}:"
    where = {"phrase": flag.phrase}
    others = [
        Choice(f, value + f, _("改为“%(form)s”，在本文锁定“%(phrase)s”") % {**where, "form": f})
        for f in flag.readings.forms(code)
        if f != chosen
    ]
    if flag.status == REVIEW:
        title = _("原文“%(char)s”，OpenCC 选了“%(form)s”") % {"char": flag.char, "form": chosen}
        confirm = _("确认“%(form)s”，在本文锁定“%(phrase)s”") % {**where, "form": chosen}
        return Mark(flag, chosen, title, Choice(chosen, value + chosen, confirm), others)
    if flag.status == PINNED:
        return Mark(flag, chosen, _("已在本文锁定（“%(phrase)s”）") % where, None, others)
    return Mark(flag, chosen, _("由全站词表决定（“%(phrase)s”）") % where, None, [])


@dataclass
class Piece:
    text: str
    mark: Mark | None = None


@dataclass
class Cell:
    variant: object
    pieces: list


@dataclass
class FieldReview:
    name: str
    label: str
    source: str
    rows: list  # each a list of Cells, one per variant
    flags: list

    @property
    def simplified(self):
        return self.source == HANS


def _find(segment, paragraph, name, known, rules, scope):
    """The flags of one segment, with the phrase a pin would fix for each."""
    text = segment.text
    if segment.source is None:
        return []
    found = []
    position = 0
    for rule, piece in rules.split(text, scope):
        end = position + len(piece)
        if rule is not None and segment.source == HANS:
            status = FIXED if rule.scope is glossary.SITE else PINNED
            found += [(i, status, position, end) for i in range(position, end) if text[i] in known]
        elif rule is None:
            start = position
            for piece_source, sub in script_pieces(piece, segment.source):
                stop = start + len(sub)
                if piece_source == HANS:
                    marked = {i for i in range(start, stop) if text[i] in known}
                    found += [
                        (i, REVIEW, *_phrase(text, i, start, stop, marked)) for i in sorted(marked)
                    ]
                start = stop
        position = end
    return [
        Flag(name, segment.start + i, text[i], known[text[i]], status, text[a:b], i - a, paragraph)
        for i, status, a, b in found
    ]


def _phrase(text, i, low, high, marked, reach=2):
    """
    Bounds of the phrase a pin for text[i] fixes: up to ``reach`` Han characters
    either side, within the clause, stopping short of another marked character so
    a pin does not decide it unseen, unless that would leave the character alone
    (a one-character rule would change every such character in the article).
    """

    def grow(avoid):
        start, end = i, i + 1
        while start > low and i - start < reach and is_han(text[start - 1]):
            if start - 1 in avoid:
                break
            start -= 1
        while end < high and end - i <= reach and is_han(text[end]):
            if end in avoid:
                break
            end += 1
        return start, end

    start, end = grow(marked)
    return (start, end) if end - start > 1 else grow(())


def _charwise(text):
    """Each Traditional variant's config -> how it converts each character of ``text`` alone."""
    chars = sorted(set(text) - {"\n"})
    maps = {}
    for code in TRADITIONAL:
        config = VARIANTS[code].from_hans
        if config not in maps and chars:
            alone = converter(config).convert("\n".join(chars)).split("\n")
            maps[config] = {c: a for c, a in zip(chars, alone, strict=True) if len(a) == 1}
    return defaultdict(dict, maps)


def _landing(text, out, charwise):
    """Where each character of ``text`` landed in ``out`` (None: in a phrase of another length)."""
    expected = "".join(charwise.get(c, c) for c in text)
    positions = [None] * len(text)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, expected, out, autojunk=False).get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            positions[i1:i2] = range(j1, j2)
    return positions


def _convert_all(segments, rules, scope):
    """
    Each segment for each variant, as the public page converts it. Segments of
    one script go through ``convert_text`` together, joined by line breaks:
    OpenCC phrases and the converter's clauses never span one.
    """
    result = {code: [None] * len(segments) for code in VARIANTS}
    groups = defaultdict(list)
    for index, segment in enumerate(segments):
        if segment.source is None:
            for code in VARIANTS:
                result[code][index] = segment.text
        else:
            groups[segment.source].append(index)
    for source, indices in groups.items():
        texts = [segments[i].text for i in indices]
        for code in VARIANTS:
            lines = convert_text("\n".join(texts), source, code, rules, scope).split("\n")
            if len(lines) != sum(t.count("\n") + 1 for t in texts):  # a glossary form broke a line
                lines = "\n".join(convert_text(t, source, code, rules, scope) for t in texts)
                lines = lines.split("\n")
            for i, text in zip(indices, texts, strict=True):
                count = text.count("\n") + 1
                result[code][i], lines = "\n".join(lines[:count]), lines[count:]
    return result


def _cell(code, segments, converted, flags, charwise):
    """One variant's column for one paragraph: converted text, marked where a flag landed."""
    pieces = []
    config = VARIANTS[code].from_hans
    for segment, out in zip(segments, converted, strict=True):
        mine = [f for f in flags if segment.start <= f.at < segment.start + len(segment.text)]
        marks = {}
        if mine and code in TRADITIONAL:
            landing = _landing(segment.text, out, charwise[config])
            for flag in mine:
                j = landing[flag.at - segment.start]
                forms = flag.readings.forms(code)
                if j is None or out[j] not in forms:
                    continue  # a phrase OpenCC or the glossary rewrote as a whole
                marks[j] = _mark(code, flag, out[j])
        position = 0
        for j in sorted(marks):
            if j > position:
                pieces.append(Piece(out[position:j]))
            pieces.append(Piece(out[j], marks[j]))
            position = j + 1
        if position < len(out):
            pieces.append(Piece(out[position:]))
    return Cell(VARIANTS[code], pieces)


def _flags(article, name, rules):
    """A field's paragraphs of segments, and the flags found in them."""
    paras = paragraphs(article, name)
    known = readings("".join(s.text for p in paras for s in p if s.source))
    flags = [
        flag
        for number, paragraph in enumerate(paras)
        for segment in paragraph
        for flag in _find(segment, number, name, known, rules, article.pk)
    ]
    return paras, flags


def review_field(article, name, rules):
    paras, flags = _flags(article, name, rules)
    segments = [s for p in paras for s in p]
    converted = _convert_all(segments, rules, article.pk)
    charwise = _charwise("".join(s.text for s in segments if s.source))
    rows = []
    start = 0
    for number, paragraph in enumerate(paras):
        mine = [f for f in flags if f.paragraph == number]
        stop = start + len(paragraph)
        cells = [
            _cell(code, paragraph, converted[code][start:stop], mine, charwise)
            for code in VARIANTS
        ]
        rows.append(cells)
        start = stop
    label = Article._meta.get_field(name).verbose_name
    return FieldReview(name, label, article.script_of(name), rows, flags)


@dataclass
class Review:
    fields: list
    total: int  # characters still to review
    pinned: int
    per_variant: dict  # variant code -> marks still to review in its column

    @property
    def columns(self):
        return [(VARIANTS[code], count) for code, count in self.per_variant.items()]


def review(article, rules=None):
    """Every field of ``article`` with text, in every variant, with its marks counted."""
    rules = glossary.current() if rules is None else rules
    fields = [review_field(article, name, rules) for name in FIELDS if getattr(article, name)]
    per_variant = dict.fromkeys(VARIANTS, 0)
    to_review = set()
    for item in fields:
        for row in item.rows:
            for cell in row:
                for piece in cell.pieces:
                    if piece.mark and piece.mark.flag.status == REVIEW:
                        per_variant[cell.variant.code] += 1
                        to_review.add((item.name, piece.mark.flag.at))
    pinned = sum(f.status == PINNED for item in fields for f in item.flags)
    return Review(fields, len(to_review), pinned, per_variant)


# --- Pinning --------------------------------------------------------------------


def pin(article, value):
    """
    Pin one reading for this article: an article-level rule for the flag's
    phrase, in each Traditional variant as OpenCC (and the glossary) writes the
    phrase, with the flagged character replaced. ``value`` is what the clicked
    button sent: ``variant:field:offset:character:reading``.
    """
    try:
        code, name, at, char, form = value.split(":")
        at = int(at)
    except ValueError:
        raise BadRequest("malformed pin") from None
    if code not in TRADITIONAL or name not in FIELDS or not getattr(article, name):
        raise BadRequest("unknown variant or field")
    rules = glossary.current()
    flag = next((f for f in _flags(article, name, rules)[1] if f.at == at), None)
    if flag is None or flag.char != char or flag.status == FIXED:
        raise BadRequest("no such character to pin (has the article changed?)")
    written = flag.readings.written
    candidates = [b for b in flag.readings.bases if written[code][b] == form]
    if not candidates:
        raise BadRequest("not a reading of this character")
    charwise = _charwise(flag.phrase)
    shown = {}
    for variant in TRADITIONAL:
        out = convert_text(flag.phrase, HANS, variant, rules, article.pk)
        j = _landing(flag.phrase, out, charwise[VARIANTS[variant].from_hans])[flag.offset]
        shown[variant] = (
            out,
            j if j is not None and out[j] in flag.readings.forms(variant) else None,
        )
    # Hong Kong writes 臺 and 台 alike: a choice made in its column keeps what the
    # other columns show where it can (台州 stays 台州, not 臺州).
    base = next(
        (
            b
            for b in candidates
            if all(j is None or out[j] == written[v][b] for v, (out, j) in shown.items())
        ),
        candidates[0],
    )
    forms = {
        v: out if j is None else out[:j] + written[v][base] + out[j + 1 :]
        for v, (out, j) in shown.items()
    }
    fields = {
        "zh_hans": "",
        **{ConversionRule.FORM_FIELDS[v]: written for v, written in forms.items()},
        "note": f"转换核对：{flag.char} → {base}",
    }
    try:
        with transaction.atomic():
            rule, _created = ConversionRule.objects.update_or_create(
                article=article, phrase=flag.phrase, defaults=fields
            )
    except IntegrityError:
        # Another editor pinned the same phrase at the same moment: the last click wins.
        rule, _created = ConversionRule.objects.update_or_create(
            article=article, phrase=flag.phrase, defaults=fields
        )
    return rule, flag


def pinned_message(rule):
    forms = "，".join(
        f"{VARIANTS[code].label}“{getattr(rule, ConversionRule.FORM_FIELDS[code])}”"
        for code in TRADITIONAL
    )
    return _("已在本文锁定“%(phrase)s”：%(forms)s。") % {"phrase": rule.phrase, "forms": forms}
