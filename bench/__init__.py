"""
Benchmarks, run by ``make bench`` (``python -m bench``); never part of the test suite.

Each module is named for what it measures. A run builds a throwaway site (its
own SQLite database and media folder, the demo content), so it needs nothing
set up and leaves nothing behind but ``bench/results/*.json``.
"""
