"""
``manage.py count_queries OUT PATH…``: SQL queries each page costs, counted
with the test client the way newsportal's are (``bench.query_count``): each
page is fetched once to warm what a worker keeps between requests, then
counted on the second fetch.
"""

import json
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


class Command(BaseCommand):
    help = "Count the SQL queries of each page; write {path: {status, queries}} as JSON."

    def add_arguments(self, parser):
        parser.add_argument("out")
        parser.add_argument("paths", nargs="+")

    def handle(self, *args, out, paths, **options):
        client = Client(HTTP_HOST="127.0.0.1")
        counts = {}
        for path in paths:
            first = client.get(path)
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                seconds = time.perf_counter() - started
            counts[path] = {
                "status": response.status_code,
                "first_status": first.status_code,
                "queries": len(captured),
                "ms": seconds * 1000,
                "sql_ms": sum(float(query["time"]) for query in captured.captured_queries) * 1000,
            }
        with open(out, "w", encoding="utf-8") as handle:
            json.dump(counts, handle, ensure_ascii=False)
