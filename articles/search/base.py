"""
What the two search backends share: the table of folded text, and how matches
are ranked.

Both keep ``articles_search_text`` (one row per article: folded title, summary
and body text) and index it their own way (``sqlite.py``, ``postgresql.py``).
The index holds every article, whatever its status: who may see an article is
decided at query time by joining ``Article.objects.published()``, so publishing,
withdrawing and a scheduled time coming round need no index update, and status
changes made with ``QuerySet.update`` cannot leave the index wrong.

A query takes the ``limit`` most recently created matching articles (the index
walks article ids downwards and stops there, so a term found in every article
costs no more than a rare one), then ranks them: a term in the title counts 4,
in the summary 2, in the body 1; ties go to the newest ``published_at``.
"""

from abc import ABC, abstractmethod
from itertools import islice

from django.db import transaction

TABLE = "articles_search_text"
WEIGHTS = ((4, "title"), (2, "summary"))  # and 1 for the body
CANDIDATE_COLUMNS = "t.article_id AS id, t.title, t.summary"


class Backend(ABC):
    """One way of indexing the folded text; ``sqlite.py`` and ``postgresql.py`` are the two."""

    #: SQL function giving a substring's position, 0 when it is absent.
    position = ""

    def __init__(self, connection):
        self.connection = connection

    @abstractmethod
    def write(self, rows):
        """Index or re-index ``rows`` of (article id, folded title, summary, body)."""

    @abstractmethod
    def delete(self, ids):
        """Drop the rows of the articles ``ids``."""

    @abstractmethod
    def replace_all(self, rows):
        """Make ``rows`` the whole index (an iterable; it may be long)."""

    @abstractmethod
    def find(self, terms, visible, limit):
        """Ids of the ``visible`` articles matching every term, best first, at most ``limit``."""

    # Shared SQL ---------------------------------------------------------------

    def atomic(self):
        return transaction.atomic(using=self.connection.alias)

    def contains(self, term, body="t.body"):
        """SQL true when ``term`` is in the title, summary or ``body`` of the text row ``t``."""
        sql = " OR ".join(
            f"{self.position}({column}, %s) > 0" for column in ("t.title", "t.summary", body)
        )
        return f"({sql})", [term] * 3

    def ranked(self, terms, visible, limit, *, source, order, where=(), checks=()):
        """
        Run the search: the newest ``limit`` rows of ``source`` (which names
        the text table ``t`` and is walked by ``order``, newest first) that
        are ``visible`` articles and pass ``where`` (conditions an index
        answers) and ``checks`` (conditions read in each row's text), ranked
        by where the terms are. Conditions are (sql, params) pairs.
        """
        visible_sql, visible_params = (
            visible.order_by().values("id").query.get_compiler(connection=self.connection).as_sql()
        )
        # Looked up row by row: as a join, SQLite first reads every visible article
        # into a Bloom filter, which costs more than the whole walk.
        is_visible = f"EXISTS (SELECT 1 FROM ({visible_sql}) v WHERE v.id = t.article_id)"
        candidates, params = self.candidates(
            source, order, [*where, (is_visible, visible_params)], checks
        )
        cases = " ".join(
            f"WHEN {self.position}(found.{column}, %s) > 0 THEN {weight}"
            for weight, column in WEIGHTS
        )
        score = " + ".join([f"CASE {cases} ELSE 1 END"] * len(terms))
        published_at = (
            f"(SELECT a.published_at FROM {visible.model._meta.db_table} a WHERE a.id = found.id)"
        )
        sql = (
            f"SELECT found.id FROM ({candidates} LIMIT %s) found"
            f" ORDER BY {score} DESC, {published_at} DESC, found.id DESC"
        )
        params = [*params, limit, *(term for term in terms for _weight in WEIGHTS)]
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    def candidates(self, source, order, where, checks):
        """The rows to rank, newest first, as SQL (to be limited) and its parameters."""
        return self.select(source, order, [*where, *checks])

    def select(self, source, order, conditions, columns=CANDIDATE_COLUMNS):
        sql, params = joined(conditions)
        return f"SELECT {columns} FROM {source} WHERE {sql} ORDER BY {order} DESC", params


def joined(conditions):
    """(sql, params) conditions as one: all must hold."""
    sql = " AND ".join(sql for sql, _params in conditions)
    return sql, [param for _sql, params in conditions for param in params]


def chunks(items, size=500):
    """``items`` in lists of ``size``, read as they are needed (a rebuild reads every article)."""
    items = iter(items)
    while batch := list(islice(items, size)):
        yield batch


def placeholders(items):
    return ", ".join(["%s"] * len(items))
