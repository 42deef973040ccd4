"""
SQL queries per page, for ``python -m bench http``: run as a child process
with the environment of the server being measured (so the same settings and
database), each page is fetched once to warm what a worker keeps between
requests (section tree, glossary, converters), then counted on the second
fetch with ``CaptureQueriesContext``. The Wagtail site counts its own pages
the same way (its ``count_queries`` command).

    python -m bench.query_count OUT.json PATH…
"""

import json
import sys
import time


def count(paths):
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

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
    return counts


if __name__ == "__main__":
    out, *paths = sys.argv[1:]
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(count(paths), handle, ensure_ascii=False)
