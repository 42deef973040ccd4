"""
``manage.py rebuild_search_index``: index every article afresh.

The index follows every save on its own; this is for after a bulk import that
bypassed ``save()``, a restored backup, or a change to how text is folded.
Searches keep working while it runs: the new index replaces the old one in a
single transaction.
"""

import time

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from articles import search


class Command(BaseCommand):
    help = "重建全文搜索索引（简繁通搜）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="数据库别名 / database alias"
        )

    def handle(self, *args, database, **options):
        started = time.perf_counter()
        count = search.rebuild(database)
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"搜索索引已重建：{count} 篇文章，用时 {seconds:.1f} 秒"
                f" / Search index rebuilt: {count} articles in {seconds:.1f} s"
            )
        )
