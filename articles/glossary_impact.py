"""
What a glossary rule would change before an editor saves it.

A site-wide rule rewrites a phrase in every published article. The phrase may
sit inside a longer word that means something else (李干 inside 李干事), so the
editor sees each affected article with the phrase in context and confirms.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.html import strip_tags

from .models import Article

CONTEXT = 8  # characters shown either side of the phrase


@dataclass
class Occurrence:
    article: Article
    before: str
    phrase: str
    after: str


def affected_articles(phrase, exclude_article_id=None, limit=20):
    """Published articles whose text contains ``phrase``, and the total count."""
    matches = Article.objects.published().filter(
        Q(title__contains=phrase) | Q(summary__contains=phrase) | Q(body__contains=phrase)
    )
    if exclude_article_id:
        matches = matches.exclude(pk=exclude_article_id)
    total = matches.count()
    occurrences = []
    for article in matches.only("id", "title", "summary", "body", "section")[:limit]:
        text = "\n".join([article.title, article.summary, strip_tags(article.body)])
        index = text.find(phrase)
        if index < 0:  # only inside markup, e.g. an attribute
            continue
        occurrences.append(
            Occurrence(
                article,
                text[max(0, index - CONTEXT) : index],
                phrase,
                text[index + len(phrase) : index + len(phrase) + CONTEXT],
            )
        )
    return total, occurrences
