"""
What script conversion costs a page, against two yardsticks from the issue:

(a) the converter on a page, next to one raw OpenCC call over that page's
    text (target: conversion at most 1.5× the raw call), and
(b) full uncached renders per second through Django's test client, each
    variant against zh-hans, the one with least to convert (target: zh-hant
    at least 0.85× zh-hans).

Measured on the home page and the longest published article, for whichever
variants settings.LANGUAGES enables at run time. All measurements of a kind
are interleaved, so noise on a shared machine falls on every case alike.
"""

import gc
from dataclasses import dataclass
from html.parser import HTMLParser

from django.conf import settings
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation

from articles.models import Article
from newsportal import glossary
from newsportal.conversion import VARIANTS, convert_html, converter
from newsportal.middleware import ConversionMiddleware

from .timing import paired_ratio, rotated, summary, timed

CONVERSION_TARGET = 1.5  # conversion time / raw OpenCC time, at most
THROUGHPUT_TARGET = 0.85  # requests/second against zh-hans, at least
BASELINE = "zh-hans"
UNCONVERTED = "zh-hans, no conversion"


@dataclass
class Case:
    """One page in one variant, as the conversion middleware receives it."""

    page: str
    variant: str
    path: str
    html: str = ""
    text: str = ""

    @property
    def source(self):
        # As the middleware passes it: the interface is translated into the variant's script.
        return VARIANTS[self.variant].script

    @property
    def raw_config(self):
        """
        The config that turns the other script into this variant's: the raw call
        converts all of the page's text with it, as if the page were one string
        written in the other script. That is the most a single call could cost,
        so it is the fair floor for a converter that must also respect markup.
        """
        variant = VARIANTS[self.variant]
        return variant.from_hans or variant.from_hant


class _TextOnly(HTMLParser):
    """The text a reader sees, without scripts and styles: what OpenCC would be given."""

    _SKIP = {"script", "style"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skipping += 1

    def handle_endtag(self, tag):
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.chunks.append(data)


def page_text(html):
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    return "".join(parser.chunks)


def variants():
    return [code for code, _label in settings.LANGUAGES]


def longest_article():
    articles = Article.objects.published().select_related("section")
    return max(articles, key=lambda article: len(article.body))


def _without_conversion():
    return [m for m in settings.MIDDLEWARE if not m.endswith("ConversionMiddleware")]


def cases():
    """Every (page, variant) to measure, with its unconverted HTML and its text."""
    article = longest_article()
    found = []
    for code in variants():
        with translation.override(code):
            found.append(Case("home", code, reverse("articles:home")))
            found.append(Case("article", code, article.get_absolute_url()))
    with override_settings(MIDDLEWARE=_without_conversion()):
        client = Client()  # built inside the override: a client loads middleware once
        for case in found:
            response = client.get(case.path)
            if response.status_code != 200:
                raise RuntimeError(f"{case.path} answered {response.status_code}")
            case.html = response.content.decode(response.charset)
            case.text = page_text(case.html)
    return found, article


def _middleware_for(case):
    """The real middleware around a view that returns the unconverted page."""
    body = case.html.encode()
    middleware = ConversionMiddleware(
        lambda request: HttpResponse(body, content_type="text/html; charset=utf-8")
    )
    request = RequestFactory().get(case.path)
    request.variant = case.variant
    return lambda: middleware(request)


def measure_conversion(found, repetitions):
    """
    (a): convert_html with the arguments the middleware gives it (the site's
    glossary included: migrations install a default one), the whole middleware
    call, and one raw OpenCC call, per case.
    """
    samples = {id(case): {"convert": [], "middleware": [], "raw": []} for case in found}
    middlewares = {id(case): _middleware_for(case) for case in found}
    rules = glossary.current()
    for case in found:  # warm up: converters, script tables, glossary
        convert_html(case.html, case.variant, case.source, rules)
        middlewares[id(case)]()
    gc.collect()
    for repetition in range(repetitions):
        for case in rotated(found, repetition):
            raw = converter(case.raw_config).convert
            runs = {
                "convert": (convert_html, case.html, case.variant, case.source, rules),
                "middleware": (middlewares[id(case)],),
                "raw": (raw, case.text),
            }
            for name in rotated(list(runs), repetition):
                seconds, _result = timed(*runs[name])
                samples[id(case)][name].append(seconds)
    results = []
    for case in found:
        times = samples[id(case)]
        ratio = paired_ratio(times["convert"], times["raw"])
        results.append(
            {
                "page": case.page,
                "variant": case.variant,
                "path": case.path,
                "html_chars": len(case.html),
                "text_chars": len(case.text),
                "raw_config": case.raw_config,
                "convert_html_s": summary(times["convert"]),
                "middleware_s": summary(times["middleware"]),
                "raw_opencc_s": summary(times["raw"]),
                "glossary_rules": len(rules.rules),
                "ratio": ratio,
                "middleware_ratio": paired_ratio(times["middleware"], times["raw"]),
                "target": CONVERSION_TARGET,
                "meets_target": ratio <= CONVERSION_TARGET,
            }
        )
    return results


def measure_throughput(found, rounds, per_round):
    """
    (b): full renders through the test client, round-robin over every case.
    One client per variant, as a reader keeps one variant (and its cookie);
    and zh-hans once more without the conversion middleware, to show what
    conversion costs every variant, zh-hans included.
    """
    clients = {code: Client() for code in variants()}
    with override_settings(MIDDLEWARE=_without_conversion()):
        bare = Client()
        # A client builds its middleware chain on its first request and keeps it.
        bare.get(found[0].path)
    runs = [(case, case.variant, clients[case.variant]) for case in found]
    runs += [(case, UNCONVERTED, bare) for case in found if case.variant == BASELINE]
    for case, _label, client in runs:  # warm up: templates, converters, database pages
        client.get(case.path)
    per_run = [[] for _run in runs]  # seconds per request, one sample per round
    for round_number in range(rounds):
        gc.collect()
        spent = [0.0] * len(runs)
        for step in range(per_round):
            for number in rotated(range(len(runs)), round_number + step):
                case, _label, client = runs[number]
                seconds, response = timed(client.get, case.path)
                if response.status_code != 200:
                    raise RuntimeError(f"{case.path} answered {response.status_code}")
                spent[number] += seconds
        for samples, total in zip(per_run, spent, strict=True):
            samples.append(total / per_round)
    by_label = {
        (case.page, label): samples
        for (case, label, _client), samples in zip(runs, per_run, strict=True)
    }
    results = []
    for (case, label, _client), seconds in zip(runs, per_run, strict=True):
        # An rps ratio is the other's seconds over these, paired round by round.
        ratio = paired_ratio(by_label[case.page, BASELINE], seconds)
        judged = label not in (BASELINE, UNCONVERTED)
        results.append(
            {
                "page": case.page,
                "variant": label,
                "path": case.path,
                "request_s": summary(seconds),
                "requests_per_second": 1 / summary(seconds)["median"],
                "ratio_vs_zh_hans": ratio,
                "ratio_vs_unconverted": paired_ratio(by_label[case.page, UNCONVERTED], seconds),
                "target": THROUGHPUT_TARGET if judged else None,
                "meets_target": ratio >= THROUGHPUT_TARGET if judged else None,
                "requests": rounds * per_round,
            }
        )
    return results


def run(quick=False):
    found, article = cases()
    repetitions = 15 if quick else 100
    rounds, per_round = (3, 3) if quick else (12, 6)
    conversion = measure_conversion(found, repetitions)
    throughput = measure_throughput(found, rounds, per_round)
    return {
        "pages": {"home": reverse("articles:home"), "article": article.title},
        "variants": variants(),
        "repetitions": {"conversion": repetitions, "rounds": rounds, "per_round": per_round},
        "conversion": conversion,
        "throughput": throughput,
    }
