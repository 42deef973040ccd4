"""
Search across scripts: one interface over two backends.

A query typed in either script finds articles written in either, because the
index and the query are folded to one script first (``folding``). SQLite (the
embedded default) indexes the folded text with FTS5 trigrams, PostgreSQL with
character pairs (``sqlite.py``, ``postgresql.py``); both answer the same
questions the same way (``base.py``), so the same tests run on both.

The index follows every save and delete of an article (the receivers below;
``ArticlesConfig.ready`` imports this module, which connects them). Status
needs no index update: visibility is decided at query time. A change of text
that bypasses ``save()`` (``QuerySet.update``, ``bulk_create``) should call
``reindex(ids)``; ``manage.py rebuild_search_index`` rebuilds everything.
"""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_delete, post_save

from ..models import Article
from . import snippets
from .base import chunks
from .folding import body_text, index_fields, query_terms
from .postgresql import PostgreSQLBackend
from .snippets import highlight
from .sqlite import SQLiteBackend

__all__ = ["Results", "highlight", "rebuild", "reindex", "search"]

BACKENDS = {"sqlite": SQLiteBackend, "postgresql": PostgreSQLBackend}
MAX_RESULTS = 1000
INDEXED_FIELDS = frozenset({"title", "summary", "body"})


def backend_for(using=DEFAULT_DB_ALIAS):
    connection = connections[using]
    return BACKENDS[connection.vendor](connection)


def search(query, *, sections=None, since=None, until=None, using=DEFAULT_DB_ALIAS):
    """
    Public articles matching ``query``, best first: at most ``MAX_RESULTS``,
    in sections with these ids, published at or after ``since`` and before
    ``until`` (aware datetimes) when given.
    """
    terms = query_terms(query)
    if not terms:
        return Results([], terms, using)
    visible = Article.objects.using(using).published()
    if sections is not None:
        visible = visible.filter(section_id__in=sections)
    if since is not None:
        visible = visible.filter(published_at__gte=since)
    if until is not None:
        visible = visible.filter(published_at__lt=until)
    return Results(backend_for(using).find(terms, visible, MAX_RESULTS), terms, using)


class Hit:
    """One found article, with its title and a snippet marked."""

    def __init__(self, article, terms):
        self.article = article
        self.title = highlight(article.title, terms)
        self.snippet_field, self.snippet = _snippet(article, terms)


def _snippet(article, terms):
    """From the summary if a term is in it, else from the body text, else the summary's start."""
    summary = " ".join(article.summary.split())
    spans = snippets.find(summary, terms)
    if spans:
        return "summary", snippets.window(summary, spans)
    body = " ".join(body_text(article.body).split())
    spans = snippets.find(body, terms)
    if spans or not summary:
        return "body", snippets.window(body, spans)
    return "summary", snippets.window(summary, spans)


class Results:
    """
    A search's matches in rank order, as a Paginator wants them: the length is
    known, and a slice loads that page's articles (one query) with snippets.
    """

    def __init__(self, ids, terms, using=DEFAULT_DB_ALIAS):
        self.ids = ids
        self.terms = terms
        self.using = using

    def __len__(self):
        return len(self.ids)

    @property
    def capped(self):
        """More articles may match than were ranked."""
        return len(self.ids) >= MAX_RESULTS

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._hits(self.ids[index])
        return self._hits([self.ids[index]])[0]

    def _hits(self, ids):
        articles = (
            Article.objects.using(self.using)
            .published()
            .select_related("section")
            .defer("reprint_note")
            .in_bulk(ids)
        )
        return [Hit(articles[pk], self.terms) for pk in ids if pk in articles]


def _rows(articles):
    fields = articles.values_list("pk", "title", "summary", "body")
    for pk, title, summary, body in fields.iterator(chunk_size=500):
        yield (pk, *index_fields(title, summary, body))


def reindex(ids, using=DEFAULT_DB_ALIAS):
    """Re-index these articles from what is stored now (and forget those that are gone)."""
    backend = backend_for(using)
    for batch in chunks(ids):
        rows = list(_rows(Article.objects.using(using).filter(pk__in=batch)))
        backend.write(rows)
        backend.delete(set(batch) - {row[0] for row in rows})


def rebuild(using=DEFAULT_DB_ALIAS, articles=None):
    """Index every article afresh (or ``articles``, a migration's own model); returns how many."""
    count = 0

    def counted(rows):
        nonlocal count
        for row in rows:
            count += 1
            yield row

    if articles is None:
        articles = Article.objects.using(using)
    backend_for(using).replace_all(counted(_rows(articles.order_by("pk"))))
    return count


def article_saved(sender, instance, using, update_fields=None, **kwargs):
    if update_fields is not None and not INDEXED_FIELDS.intersection(update_fields):
        return
    row = (instance.pk, *index_fields(instance.title, instance.summary, instance.body))
    backend_for(using).write([row])


def article_deleted(sender, instance, using, **kwargs):
    backend_for(using).delete([instance.pk])


post_save.connect(article_saved, sender=Article, dispatch_uid="search_index")
post_delete.connect(article_deleted, sender=Article, dispatch_uid="search_index")
