"""
The fast page converter against slower ways it must agree with, on random HTML
and on the demo portal's own pages: the fast lexer against the exact one, and a
page's runs converted in bulk against each run converted on its own by
``convert_text``. Plus what conversion may change at all, that remembered tag
descriptions change nothing, and that OpenCC is called once per config a page.
"""

import io
import random
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from articles.models import Article
from newsportal import conversion, glossary, markup
from newsportal.conversion import HANS, HANT, VARIANTS, convert_html, convert_text
from newsportal.tokenizer import _cut, tokenize

_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")

NAMES = [
    "p", "div", "li", "h1", "article", "a", "b", "span", "em", "time", "pre", "code", "kbd",
    "script", "style", "textarea", "br", "img", "meta", "input", "title", "P", "SPAN",
    "Script", "x-y",
]  # fmt: skip
ATTRIBUTES = [
    "lang", "LANG", "translate", "data-article", "title", "alt", "placeholder", "aria-label",
    "content", "name", "property", "href", "class", "hreflang", "xlang",
]  # fmt: skip
VALUES = [
    "zh-Hans", "zh-Hant", "zh-TW", " zh_hk ", "zh", "en", "", "no", "yes", "7", "12",
    "发布会", "頭髮", "description", "og:title", "a>b", "it's", 'x"y', "a<b",
]  # fmt: skip
TEXTS = [
    "发布会", "头发", "布局", "内存", "軟體", "這是繁體，", "这是简体。", "发", "布", "会",
    "陈航", "U盘", "后", " ", "\n  ", "a < b", "1>2", "&amp;", "\x00", "\ue000", "<", "</ ",
    "<!-- 注释 -->", "<!-- a > b -->", "<!--", "<![CDATA[x]]>", "<!doctype html>", "<?x?>",
]  # fmt: skip


def random_html(rng, size, attributes=ATTRIBUTES, texts=TEXTS):
    pieces = []
    for _ in range(size):
        roll = rng.random()
        if roll < 0.4:
            pieces.append(rng.choice(texts))
        elif roll < 0.65:
            pieces.append(f"</{rng.choice(NAMES)}{rng.choice(['', ' '])}>")
        else:
            attrs = "".join(_random_attribute(rng, attributes) for _ in range(rng.randrange(3)))
            pieces.append(f"<{rng.choice(NAMES)}{attrs}{rng.choice(['>', '>', '/>', ''])}")
    return "".join(pieces)


def _random_attribute(rng, attributes):
    name, value = rng.choice(attributes), rng.choice(VALUES)
    return rng.choice(
        [
            f' {name}="{value}"',
            f" {name}='{value}'",
            f" {name}={value.strip() or 'x'}",
            f" {name}",
            f'/{name}="{value}"',
            f' ="{value} {name}=zh-Hant"',  # a quoted value after a bare "="
        ]
    )


def rules(*entries):
    return glossary.Glossary([glossary.Rule(*entry) for entry in entries])


GLOSSARIES = [
    glossary.EMPTY,
    rules(
        ("发布", {"zh-hant": "發佈", "zh-tw": "發布", "zh-hk": "發佈"}),
        ("发布会", {"zh-tw": "記者會"}),
        ("陈航", {}),
    ),
    rules(("头发", {"zh-hant": "頭髮!"}, 7), ("布局", {"zh-tw": "布置"}), ("内存", {}, 12)),
]


def page_structure(page):
    """A page's parts and runs, comparable across pages."""
    runs = sorted(
        (source, -1 if scope is None else scope, first)
        for source, scope, firsts in page.runs
        for first in firsts
    )
    joined = {first: indices for first, (_runs, indices) in page.joined.items()}
    return page.parts, runs, joined


def convert_run_by_run(html, code, source, rules):
    """The page with each run converted on its own by ``convert_text``, its tags put back."""
    variant = VARIANTS[code]
    page = tokenize(html, source, variant.lang, exact=True)
    parts = page.parts
    for run_source, scope, firsts in page.runs:
        for first in firsts:
            indices = page.joined.get(first, (None, [first]))[1]
            texts = [parts[i] for i in indices]
            whole = convert_text("".join(texts), run_source, code, rules, scope)
            if len(texts) == 1:
                parts[first] = whole
            elif whole != "".join(texts):
                alone = [convert_text(text, run_source, code, rules, scope) for text in texts]
                for index, piece in zip(indices, _cut(whole, alone), strict=True):
                    parts[index] = piece
    return "".join(parts)


def assert_agrees(html, code, source, rules):
    lang = VARIANTS[code].lang
    assert page_structure(tokenize(html, source, lang)) == page_structure(
        tokenize(html, source, lang, exact=True)
    ), html
    assert convert_html(html, code, source, rules) == convert_run_by_run(html, code, source, rules)


@pytest.mark.parametrize("seed", range(4))
def test_random_pages_convert_in_bulk_as_run_by_run(seed):
    rng = random.Random(seed)
    for _ in range(150):
        html = random_html(rng, rng.randrange(1, 40))
        assert_agrees(
            html, rng.choice(sorted(VARIANTS)), rng.choice([HANS, HANT]), rng.choice(GLOSSARIES)
        )


def test_random_pages_change_only_chinese_characters():
    # No lang to relabel, no glossary forms, no U盘 (隨身碟 in Taiwan): all else stays.
    rng = random.Random(25)
    attributes = [a for a in ATTRIBUTES if a.lower() != "lang"]
    texts = [t for t in TEXTS if t != "U盘"]
    for _ in range(300):
        html = random_html(rng, rng.randrange(1, 40), attributes, texts)
        for code in VARIANTS:
            converted = convert_html(html, code, rng.choice([HANS, HANT]))
            assert _HAN.sub("", converted) == _HAN.sub("", html), html


def test_remembered_tag_descriptions_change_nothing():
    rng = random.Random(11)
    pages = [random_html(rng, rng.randrange(1, 40)) for _ in range(60)]
    jobs = [(html, code) for html in pages for code in sorted(VARIANTS)]
    cold = {}
    for html, code in jobs:
        markup.known().clear()
        cold[html, code] = convert_html(html, code, HANS, GLOSSARIES[1])
    rng.shuffle(jobs)
    for html, code in jobs:
        assert convert_html(html, code, HANS, GLOSSARIES[1]) == cold[html, code]


@pytest.fixture
def demo_pages(db):
    """The demo portal's home page and longest article, unconverted, in every variant."""
    call_command("loaddemo", stdout=io.StringIO())
    article = max(Article.objects.published(), key=lambda article: len(article.body))
    middleware = [m for m in settings.MIDDLEWARE if not m.endswith("ConversionMiddleware")]
    pages = []
    with override_settings(MIDDLEWARE=middleware):
        client = Client()
        for code, _label in settings.LANGUAGES:
            with translation.override(code):
                paths = [reverse("articles:home"), article.get_absolute_url()]
            for path in paths:
                response = client.get(path)
                assert response.status_code == 200
                pages.append((code, response.content.decode()))
    return pages


def test_demo_pages_convert_in_bulk_as_run_by_run(demo_pages):
    for code, html in demo_pages:
        for rules in (glossary.current(), GLOSSARIES[2]):
            assert_agrees(html, code, VARIANTS[code].script, rules)


def test_a_page_calls_opencc_once_per_config(demo_pages, monkeypatch):
    calls = []
    converter = conversion.converter
    conversion.script_counts("")  # its tables are built with OpenCC, once

    class Counting:
        def __init__(self, config):
            self.config = config

        def convert(self, text):
            calls.append(self.config)
            return converter(self.config).convert(text)

    monkeypatch.setattr(conversion, "converter", Counting)
    # Phrases across inline tags, mixed scripts and glossary phrases in one page.
    html = (
        '<p lang="zh-Hans">头<b>发</b>，發佈會与发布会，陈航</p><p lang="zh-Hant">頭<i>髮</i></p>'
    )
    for code, page in [*demo_pages, ("zh-tw", html), ("zh-hk", html)]:
        calls.clear()
        convert_html(page, code, VARIANTS[code].script, GLOSSARIES[1])
        assert len(calls) == len(set(calls)), code
