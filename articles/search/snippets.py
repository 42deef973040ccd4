"""
Matches marked in the text as the editor wrote it.

Terms are found in the folded text (``fold_with_positions``) and marked in the
written text at the positions they came from, so 頭髮 is marked in a
Traditional article found by 头发. Everything else is escaped; the page is then
converted for the reader's variant like any other (``<mark>`` is inline
markup: the text around it still converts as one phrase).
"""

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .folding import fold_with_positions

SNIPPET_LENGTH = 120  # characters of text shown around the first match
LEAD = 30  # of them, before it


def find(text, terms):
    """The (start, end) spans of ``text`` where ``terms`` occur, merged and in order."""
    folded, positions = fold_with_positions(text)
    spans = []
    for term in terms:
        start = folded.find(term)
        while start != -1:
            end = start + len(term)
            spans.append((positions[start], positions[end - 1] + 1))
            start = folded.find(term, end)
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def marked(text, spans, start=0, end=None):
    """``text[start:end]`` escaped, with ``spans`` in ``<mark>``."""
    end = len(text) if end is None else end
    parts = []
    position = start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, position), min(span_end, end)
        if span_start >= span_end:
            continue
        parts.append(escape(text[position:span_start]))
        parts.append(format_html("<mark>{}</mark>", text[span_start:span_end]))
        position = span_end
    parts.append(escape(text[position:end]))
    return mark_safe("".join(parts))  # every piece is escaped above


def highlight(text, terms):
    """The whole of ``text`` with the terms marked (a title)."""
    return marked(text, find(text, terms))


def snippet(text, terms, length=SNIPPET_LENGTH):
    """
    About ``length`` characters of ``text`` around the first match, marked, or
    its beginning if no term occurs in it; "…" where it was cut.
    """
    text = " ".join(text.split())
    return window(text, find(text, terms), length)


def window(text, spans, length=SNIPPET_LENGTH):
    """``snippet`` of ``text`` whose matches were already found (as ``spans``)."""
    start = max(0, spans[0][0] - LEAD) if spans else 0
    end = min(len(text), start + length)
    start = max(0, end - length)  # near the end: still a full window
    html = marked(text, spans, start, end)
    before = "…" if start > 0 else ""
    after = "…" if end < len(text) else ""
    return format_html("{}{}{}", before, html, after)
