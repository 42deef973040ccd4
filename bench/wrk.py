"""
Load from ``wrk`` (Debian package ``wrk``): a fixed number of connections for
a fixed time, its own latency histogram, and a Lua ``done`` hook that prints
the summary as one JSON line, so nothing is parsed out of wrk's human report.
"""

import json
import shutil
import subprocess
import tempfile
from urllib.parse import quote

THREADS = 2
CONNECTIONS = 8

# wrk counts a response of status 400 and up in errors.status (its "Non-2xx or
# 3xx responses"); bench.http checks each page answers 200 before loading it.
DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def available():
    return shutil.which("wrk") is not None


def url(port, path):
    return f"http://127.0.0.1:{port}{quote(path, safe='/?=&%')}"


def load(port, path, seconds, connections=CONNECTIONS, threads=THREADS):
    """One wrk run against ``path``: requests/s, latency percentiles (ms), errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(DONE)
        script.flush()
        command = [
            *("wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s"),
            *("--timeout", "10s", "-s", script.name, "-H", "User-Agent: bench-http"),
            url(port, path),
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            raw = json.loads(line.removeprefix("WRK_JSON "))
            break
    else:
        raise RuntimeError(f"wrk gave no summary: {done.stderr.strip() or done.stdout.strip()}")
    seconds_run = raw["duration_us"] / 1e6
    errors = raw["errors"]
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / seconds_run,
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "mean_ms": raw["mean_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "bytes_per_response": raw["bytes"] / max(raw["requests"], 1),
        "non_2xx": errors["status"],
        "socket_errors": errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
        "errors": errors,
    }
