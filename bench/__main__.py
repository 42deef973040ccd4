"""
``python -m bench [--quick] [conversion|http|images|search|views]``: build a throwaway demo site,
measure, print a table and write ``bench/results/<suite>.json``.
"""

import argparse
import time

from .site import throwaway_site


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short run, to try the benchmark")
    parser.add_argument(
        "suite",
        nargs="?",
        choices=["conversion", "http", "images", "search", "views"],
        default="conversion",
    )
    args = parser.parse_args(argv)
    if args.suite == "search":  # its own throwaway databases, one process per backend
        from . import search

        return search.main(quick=args.quick)
    if args.suite == "http":  # its own databases and gunicorn servers, each a process
        from . import http

        return http.main(quick=args.quick)

    started = time.perf_counter()
    with throwaway_site():
        # Imported once Django is set up: they read models and settings.
        from . import conversion, images, report, views

        suite = {"conversion": conversion, "images": images, "views": views}[args.suite]
        results = suite.run(quick=args.quick)
        path = report.write_json(args.suite, results, time.perf_counter() - started, args.quick)
    if args.suite in ("images", "views"):
        suite.print_table(results)
    else:
        report.print_tables(results)
    print(f"\nwritten to {path} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
