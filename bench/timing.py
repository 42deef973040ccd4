"""
Small timing helpers. Machines running the benchmark are shared and noisy, so
everything is reported as medians over many interleaved repetitions, and
ratios are taken pair by pair (two things measured moments apart) before the
median, so a slow minute slows both sides of a ratio alike.
"""

import statistics
import time


def timed(function, *args):
    """Seconds one call of ``function(*args)`` takes, and what it returned."""
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def summary(samples):
    """Median and quartiles of ``samples`` (at least one)."""
    if len(samples) < 2:
        return {"median": samples[0], "p25": samples[0], "p75": samples[0], "n": len(samples)}
    p25, median, p75 = statistics.quantiles(samples, n=4, method="inclusive")
    return {"median": median, "p25": p25, "p75": p75, "n": len(samples)}


def paired_ratio(numerators, denominators):
    """The median of the pairwise ratios."""
    return statistics.median(a / b for a, b in zip(numerators, denominators, strict=True))


def rotated(items, by):
    """``items`` starting at position ``by``: each in turn goes first, so order biases none."""
    by %= len(items)
    return [*items[by:], *items[:by]]
