"""
The editors' glossary as the converter sees it: phrases with a fixed form per
variant, applied before OpenCC and winning over it, longest phrase first.

This module knows nothing about where rules are stored. The content app
registers a source (``register``); the converter asks ``current()`` for the
rules on every page and gets a cached ``Glossary`` that is rebuilt only when
the source's version changes, so a change takes effect on the next page view
in every process.
"""

import re
from dataclasses import dataclass, field

SITE = None  # the scope of rules that apply everywhere


@dataclass(frozen=True)
class Rule:
    phrase: str
    forms: dict  # variant code -> the phrase as that variant shows it; "" = as written
    scope: int | None = SITE  # an article's id, or SITE

    def form_for(self, variant_code):
        return self.forms.get(variant_code) or self.phrase


@dataclass
class Glossary:
    rules: list = field(default_factory=list)

    def __post_init__(self):
        self._by_scope = {}
        for rule in self.rules:
            self._by_scope.setdefault(rule.scope, {})[rule.phrase] = rule
        self._patterns = {}

    def __bool__(self):
        return bool(self.rules)

    def _pattern(self, scope):
        """One alternation per scope: the article's rules over the site's, longest first."""
        if scope not in self._patterns:
            merged = dict(self._by_scope.get(SITE, {}))
            if scope is not SITE:
                merged.update(self._by_scope.get(scope, {}))
            phrases = sorted(merged, key=lambda p: (-len(p), p))
            pattern = re.compile("|".join(map(re.escape, phrases))) if phrases else None
            self._patterns[scope] = (pattern, merged)
        return self._patterns[scope]

    def split(self, text, scope=SITE):
        """
        ``text`` as (rule, piece) pairs in order: pieces a rule matched carry the
        rule, the text between them carries None and is left to OpenCC.
        """
        pattern, rules = self._pattern(scope)
        if pattern is None:
            return [(None, text)]
        pieces = []
        position = 0
        for match in pattern.finditer(text):
            if match.start() > position:
                pieces.append((None, text[position : match.start()]))
            pieces.append((rules[match.group()], match.group()))
            position = match.end()
        if position < len(text):
            pieces.append((None, text[position:]))
        return pieces or [(None, text)]


EMPTY = Glossary()

_source = None
_cached = (None, EMPTY)


def register(version, load):
    """
    Set where rules come from: ``version()`` is cheap and changes whenever the
    rules do; ``load()`` returns every ``Rule``.
    """
    global _source, _cached
    _source = (version, load)
    _cached = (None, EMPTY)


def current():
    """The glossary as of now, rebuilt only when the source's version has changed."""
    global _cached
    if _source is None:
        return EMPTY
    version, load = _source
    now = version()
    if now != _cached[0]:
        _cached = (now, Glossary(list(load())))
    return _cached[1]
