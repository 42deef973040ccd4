"""
Search on PostgreSQL: full-text search over characters and character pairs.

PostgreSQL's text search splits words at spaces, which Chinese does not have,
so each article's folded text is indexed as the set of its single characters
and its pairs of adjacent characters (``grams``, a ``tsvector`` built with
``array_to_tsvector``, so no parser or dictionary rewrites them), under a GIN
index. A term of one or two characters is then one lexeme, found exactly; a
longer term needs all its pairs, and ``strpos`` on the folded text confirms
they are in a row. No extension is needed (``pg_trgm`` would not index
one- and two-character terms, which Chinese queries often are).

The index is on ``articles_search_lexemes(grams)``, a function returning its
argument that is declared costly (see migration 0007): the grams of an article
are stored out of line, and without that cost the planner would read every
row's grams rather than use the index. With it, a term in most articles walks
the newest rows until enough match, and any other term goes through the index.
"""

from itertools import pairwise

from .base import TABLE, Backend, chunks, joined

# The index is on this expression (migration 0007): the query must use it as it is.
MATCH = "articles_search_lexemes(t.grams) @@ %s::tsquery"
UPSERT = (
    f"INSERT INTO {TABLE} (article_id, title, summary, body, grams)"
    " VALUES (%s, %s, %s, %s, array_to_tsvector(%s::text[]))"
    " ON CONFLICT (article_id) DO UPDATE SET title = EXCLUDED.title,"
    " summary = EXCLUDED.summary, body = EXCLUDED.body, grams = EXCLUDED.grams"
)


def grams(*texts):
    """Every character and every pair of adjacent characters, within words of ``texts``."""
    found = set()
    for text in texts:
        for word in text.split():
            found.update(word)
            found.update(map("".join, pairwise(word)))
    return sorted(found)


def lexeme(text):
    """``text`` as a tsquery lexeme: quoted, so nothing in it is query syntax."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


class PostgreSQLBackend(Backend):
    position = "strpos"

    def write(self, rows):
        with self.atomic(), self.connection.cursor() as cursor:
            cursor.executemany(UPSERT, [(*row, grams(*row[1:])) for row in rows])

    def delete(self, ids):
        with self.atomic(), self.connection.cursor() as cursor:
            for batch in chunks(ids):
                cursor.execute(f"DELETE FROM {TABLE} WHERE article_id = ANY(%s)", [batch])

    def replace_all(self, rows):
        with self.atomic(), self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")
            for batch in chunks(rows):
                cursor.executemany(UPSERT, [(*row, grams(*row[1:])) for row in batch])
            cursor.execute(f"ANALYZE {TABLE}")  # the planner's word frequencies, for the new text

    def find(self, terms, visible, limit):
        query = []
        checked = []
        for term in terms:
            if len(term) <= 2:
                query.append(lexeme(term))
                continue
            pairs = sorted(set(map("".join, pairwise(term))))
            query.append("(" + " & ".join(map(lexeme, pairs)) + ")")
            checked.append(term)
        # The body, stored out of line, is read only for the rows checked, when the
        # title and summary do not have the term.
        body = f"(SELECT b.body FROM {TABLE} b WHERE b.article_id = t.id)"
        return self.ranked(
            terms,
            visible,
            limit,
            source=f"{TABLE} t",
            order="t.article_id",
            where=[(MATCH, [" & ".join(query)])],
            checks=[self.contains(term, body) for term in checked],
        )

    def candidates(self, source, order, where, checks):
        """
        The index's matches newest first, and only then the check of their
        text: the planner would otherwise check every match before taking the
        newest. ``OFFSET 0`` keeps the checks out of the inner query.
        """
        if not checks:
            return super().candidates(source, order, where, checks)
        inner, params = self.select(source, order, where)
        conditions, check_params = joined(checks)
        return (
            f"SELECT t.id, t.title, t.summary FROM ({inner} OFFSET 0) t WHERE {conditions}",
            [*params, *check_params],
        )
