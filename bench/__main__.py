"""
``python -m bench [--quick]``: build a throwaway demo site, measure, print a
table and write ``bench/results/conversion.json``.
"""

import argparse
import time

from .site import throwaway_site


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short run, to try the benchmark")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    with throwaway_site():
        # Imported once Django is set up: they read models and settings.
        from . import conversion, report

        results = conversion.run(quick=args.quick)
        path = report.write_json("conversion", results, time.perf_counter() - started, args.quick)
    report.print_tables(results)
    print(f"\nwritten to {path} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
