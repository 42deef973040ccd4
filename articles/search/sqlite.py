"""
Search on SQLite: an FTS5 index with the trigram tokenizer over the folded text.

Chinese is written without spaces, so the index is one of every three
consecutive characters (trigrams), and a term of three or more characters is
a phrase of its trigrams: an exact substring match, whatever the words.

Shorter terms (台风 is two characters) have no trigram of their own. Each text
ends in two spaces (``PAD``), so every occurrence of a one- or two-character
term starts some trigram; the index's vocabulary (``fts5vocab``) lists the
trigrams starting with the term, and the term matches as any of them. That
costs in proportion to how often the term occurs, so with short terms the
query is first tried on a sample of the newest articles (``PROBE``): when most
of them match, walking the newest articles and checking each with ``instr``
finds enough matches soon; otherwise the rarest term leads through the index
and the other short terms are checked with ``instr`` on the rows it finds.

``articles_search`` is an external-content FTS5 table over
``articles_search_text``; this module writes both (no triggers), so a rebuild
can refill the text table and rebuild the index in one pass.
"""

from .base import TABLE, Backend, chunks, placeholders

FTS = "articles_search"
VOCABULARY = "articles_search_vocab"
PAD = "  "
MAX_ALTERNATIVES = 256
PROBE = 200  # the newest articles sampled to tell a common short term from a rare one
COMMON = 1 / 4  # the share of them from which walking the articles beats the index


INSERT_TEXT = f"INSERT INTO {TABLE} (article_id, title, summary, body) VALUES (%s, %s, %s, %s)"


def _padded(row):
    pk, title, summary, body = row
    return pk, title + PAD, summary + PAD, body + PAD


def quoted(text):
    """``text`` as an FTS5 string: nothing in it is query syntax."""
    return '"' + text.replace('"', '""') + '"'


class SQLiteBackend(Backend):
    position = "instr"

    def write(self, rows):
        rows = [_padded(row) for row in rows]
        with self.atomic(), self.connection.cursor() as cursor:
            self._unindex(cursor, [row[0] for row in rows])
            self._insert(cursor, rows)

    def delete(self, ids):
        with self.atomic(), self.connection.cursor() as cursor:
            self._unindex(cursor, ids)

    def replace_all(self, rows):
        with self.atomic(), self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")
            for batch in chunks(rows):
                cursor.executemany(INSERT_TEXT, [_padded(row) for row in batch])
            cursor.execute(f"INSERT INTO {FTS} ({FTS}) VALUES ('rebuild')")

    def _unindex(self, cursor, ids):
        """Remove the rows of ``ids``: an external-content index must be told the old text."""
        for batch in chunks(ids):
            cursor.execute(
                f"SELECT article_id, title, summary, body FROM {TABLE}"
                f" WHERE article_id IN ({placeholders(batch)})",
                batch,
            )
            old = cursor.fetchall()
            cursor.executemany(
                f"INSERT INTO {FTS} ({FTS}, rowid, title, summary, body)"
                " VALUES ('delete', %s, %s, %s, %s)",
                old,
            )
            cursor.execute(
                f"DELETE FROM {TABLE} WHERE article_id IN ({placeholders(batch)})", batch
            )

    def _insert(self, cursor, rows):
        cursor.executemany(INSERT_TEXT, rows)
        cursor.executemany(
            f"INSERT INTO {FTS} (rowid, title, summary, body) VALUES (%s, %s, %s, %s)", rows
        )

    def find(self, terms, visible, limit):
        plan = self._plan(terms)
        if plan is None:
            return []  # a term in no article at all
        phrases, checked = plan
        checks = [self.contains(term) for term in checked]
        if not phrases:
            return self.ranked(
                terms, visible, limit, source=f"{TABLE} t", order="t.article_id", checks=checks
            )
        return self.ranked(
            terms,
            visible,
            limit,
            # CROSS JOIN: SQLite keeps the index the outer loop, walked newest first.
            source=f"{FTS} CROSS JOIN {TABLE} t ON t.article_id = {FTS}.rowid",
            order=f"{FTS}.rowid",
            where=[(f"{FTS} MATCH %s", [" AND ".join(phrases)])],
            checks=checks,
        )

    def _plan(self, terms):
        """
        The FTS5 query parts the index finds, and the terms checked in each
        row's text with ``instr``; None when a term is in no article at all.
        """
        phrases = [quoted(term) for term in terms if len(term) >= 3]
        short = [term for term in terms if len(term) < 3]
        if not short:
            return phrases, []
        shares, together = self._shares(terms)
        if together >= COMMON:
            return [], terms  # most of the newest articles match: walk them
        # The rarest term leads through the index; the others are checked on the way.
        share = dict(zip(terms, shares, strict=True))
        rarest = min(short, key=share.get)
        rarest_long = min((share[term] for term in terms if len(term) >= 3), default=2)
        if share[rarest] >= rarest_long:
            return phrases, short
        trigrams = self._trigrams_starting(rarest)
        if not trigrams:
            return None
        if len(trigrams) > MAX_ALTERNATIVES:
            return phrases, short
        others = [term for term in short if term != rarest]
        return [*phrases, "(" + " OR ".join(map(quoted, trigrams)) + ")"], others

    def _shares(self, terms):
        """The share of the newest ``PROBE`` articles each term is in, and all of them together."""
        columns = []
        params = []
        for number, term in enumerate(terms):
            sql, term_params = self.contains(term)
            columns.append(f"{sql} AS c{number}")
            params.extend(term_params)
        names = [f"c{number}" for number in range(len(terms))]
        sums = ", ".join(f"SUM({name})" for name in names)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*), {sums}, SUM({' AND '.join(names)}) FROM ("
                f"SELECT {', '.join(columns)} FROM {TABLE} t ORDER BY t.article_id DESC LIMIT %s)",
                [*params, PROBE],
            )
            total, *counts = cursor.fetchone()
        shares = [(count or 0) / max(total, 1) for count in counts]  # no rows: SUM is NULL
        return shares[:-1], shares[-1]

    def _trigrams_starting(self, term):
        """Up to ``MAX_ALTERNATIVES + 1`` indexed trigrams that begin with ``term``."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT term FROM {VOCABULARY} WHERE term >= %s AND term < %s LIMIT %s",
                [term, term + "\U0010ffff", MAX_ALTERNATIVES + 1],
            )
            return [row[0] for row in cursor.fetchall()]
