"""
The search index (``articles.search``): a table of folded article text on
both backends, indexed with FTS5 trigrams on SQLite and with a GIN index of
character pairs on PostgreSQL. Raw SQL, not a model: the tables belong to the
search backends, which read and write them with their own SQL.

Existing articles are indexed here, so search works as soon as the migration
has run (``manage.py rebuild_search_index`` does the same at any time).
"""

from django.db import migrations

CREATE = {
    "sqlite": [
        "CREATE TABLE articles_search_text ("
        " article_id integer NOT NULL PRIMARY KEY,"
        " title text NOT NULL, summary text NOT NULL, body text NOT NULL)",
        # External content: the index reads its text from articles_search_text.
        "CREATE VIRTUAL TABLE articles_search USING fts5("
        " title, summary, body,"
        " content='articles_search_text', content_rowid='article_id',"
        " tokenize='trigram case_sensitive 1')",
        # The index's trigrams, for terms of one or two characters.
        "CREATE VIRTUAL TABLE articles_search_vocab USING fts5vocab(articles_search, 'row')",
    ],
    "postgresql": [
        "CREATE TABLE articles_search_text ("
        " article_id bigint NOT NULL PRIMARY KEY,"
        " title text NOT NULL, summary text NOT NULL, body text NOT NULL,"
        " grams tsvector NOT NULL)",
        # The grams as they are, at their true cost: reading them means reading their
        # out-of-line (TOAST) pages, which the planner does not count, so without the
        # cost it scans every row's grams when the GIN index is many times quicker.
        "CREATE FUNCTION articles_search_lexemes(grams tsvector) RETURNS tsvector"
        " LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 4000"
        " AS 'BEGIN RETURN grams; END'",
        "CREATE INDEX articles_search_grams ON articles_search_text"
        " USING gin (articles_search_lexemes(grams))",
    ],
}
DROP = {
    "sqlite": [
        "DROP TABLE articles_search_vocab",
        "DROP TABLE articles_search",
        "DROP TABLE articles_search_text",
    ],
    "postgresql": [
        "DROP TABLE articles_search_text",
        "DROP FUNCTION articles_search_lexemes(tsvector)",
    ],
}


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in CREATE:
        return
    for statement in CREATE[vendor]:
        schema_editor.execute(statement)
    from articles import search

    alias = schema_editor.connection.alias
    search.rebuild(alias, apps.get_model("articles", "Article").objects.using(alias))


def drop_index(apps, schema_editor):
    for statement in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_newsroom_groups")]

    operations = [migrations.RunPython(create_index, drop_index)]
