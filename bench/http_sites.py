"""
The sites ``python -m bench http`` measures, made ready: Wagtail's venv, the
PostgreSQL databases (created and dropped), each server's environment, and
the seeding, run as child processes side by side where they can be.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

SMALL = 100
SECTION = "yaowen"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASES = {
    "newsportal": "np_bench_http",
    "newsportal_small": "np_bench_http_small",
    "wagtail": "np_bench_wagtail",
    "wagtail_small": "np_bench_wagtail_small",
}
REDIS_URL = "redis://127.0.0.1:6379/14"
REDIS_PREFIX = "bench-http"
ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WAGTAIL_SITE = BENCH / "wagtail_site"
WAGTAIL_VENV = BENCH / ".wagtail-venv"
# A 50+ character key shared by every worker, as production needs; not a secret.
SECRET_KEY = "bench-http-only-not-a-secret-" + "x" * 40


def log(message):
    print(f"[bench http] {message}", file=sys.stderr, flush=True)


# --- Child processes --------------------------------------------------------------


def run_children(jobs):
    """
    Run ``[(command, env, cwd)]`` side by side and wait for all; on failure
    raise with the failing one's last lines, and on any interruption kill them.
    """
    processes = []
    try:
        for command, env, cwd in jobs:
            processes.append(
                subprocess.Popen(
                    command,
                    env=env,
                    cwd=cwd,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
            )
        outputs = [process.communicate()[0] for process in processes]
    except BaseException:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        raise
    for process, output in zip(processes, outputs, strict=True):
        if process.returncode != 0:
            tail = "\n".join(output.strip().splitlines()[-15:])
            raise RuntimeError(f"{' '.join(map(str, process.args))} failed:\n{tail}")
    return outputs


def ensure_wagtail_venv():
    """Wagtail lives in its own venv, never in newsportal's: made here the first time."""
    python = WAGTAIL_VENV / "bin" / "python"
    check = [str(python), "-c", "import wagtail, gunicorn, psycopg"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    log(f"creating {WAGTAIL_VENV.relative_to(ROOT)} with Wagtail from PyPI")
    started = time.perf_counter()
    run_children([([sys.executable, "-m", "venv", "--clear", str(WAGTAIL_VENV)], None, ROOT)])
    requirements = WAGTAIL_SITE / "requirements.txt"
    pip = [str(python), "-m", "pip", "install", "-q", "-r", str(requirements)]
    run_children([(pip, None, ROOT)])
    log(f"  done in {time.perf_counter() - started:.0f} s")
    return python


# --- Databases and Redis ------------------------------------------------------------


def create_databases(stack, server):
    import psycopg

    admin = f"{server.rstrip('/')}/postgres"

    def drop_all():
        with psycopg.connect(admin, autocommit=True) as db:
            for name in DATABASES.values():
                db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    drop_all()
    stack.callback(drop_all)
    with psycopg.connect(admin, autocommit=True) as db:
        for name in DATABASES.values():
            db.execute(f"CREATE DATABASE {name}")
    return {key: f"{server.rstrip('/')}/{name}" for key, name in DATABASES.items()}


def clear_redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    for key in client.scan_iter(match=f"{REDIS_PREFIX}:*", count=1000):
        client.delete(key)


# --- Environments -------------------------------------------------------------------


def base_env(folder):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "NEWSPORTAL_", "GUNICORN_"))
    }
    return {
        **env,
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "WARNING",
        "GUNICORN_LOG_LEVEL": "warning",
        "MEDIA_ROOT": str(folder / "media"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def newsportal_env(folder, database, cache=False):
    return {
        **base_env(folder),
        "DJANGO_SETTINGS_MODULE": "newsportal.settings",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DATABASE_URL": database,
        "REDIS_URL": REDIS_URL,
        "REDIS_KEY_PREFIX": REDIS_PREFIX,
        "NEWSPORTAL_PAGE_CACHE": "1" if cache else "0",
    }


def wagtail_env(folder, database):
    return {
        **base_env(folder),
        "DJANGO_SETTINGS_MODULE": "newsbench.settings",
        "DATABASE_URL": database,
        "MEDIA_ROOT": str(folder / "wagtail-media"),
        "STATIC_ROOT": str(folder / "wagtail-static"),
    }


# --- Seeding ------------------------------------------------------------------------


def probe(data):
    """
    The article and tag measured: among the first ``SMALL`` articles (so the small
    databases have them too), the newest one in Simplified in ``SECTION`` with
    three tags, the common case.
    """
    candidates = [
        item
        for item in data["articles"][:SMALL]
        if item["script"] == "zh-Hans" and item["section"] == SECTION and not item["featured"]
    ]
    candidates.sort(key=lambda item: (len(item["tags"]) == 3, item["published_at"]))
    return candidates[-1]


def seed(folder, urls, wagtail_python, count):
    """Generate once, then load newsportal and Wagtail side by side; (data, info, seconds)."""
    articles = folder / "articles.json"
    env = newsportal_env(folder, urls["newsportal"])
    python = sys.executable
    started = time.perf_counter()
    generate = [python, "-m", "bench.seed", "generate", str(articles), "--count", str(count)]
    run_children([(generate, env, ROOT)])
    with articles.open(encoding="utf-8") as handle:
        data = json.load(handle)
    log(f"  generated {count:,} articles in {time.perf_counter() - started:.0f} s")
    seconds = {}
    info = {}
    for big, size in (("", None), ("_small", SMALL)):
        limit = ["--limit", str(size)] if size else []
        np_out = folder / f"newsportal{big}.json"
        load = [python, "-m", "bench.seed", "load", str(articles), "--out", str(np_out), *limit]
        wagtail = wagtail_env(folder, urls[f"wagtail{big}"])
        migrate = [str(wagtail_python), "manage.py", "migrate", "-v", "0"]
        seed_news = [str(wagtail_python), "manage.py", "seed_news", str(articles), *limit]
        started = time.perf_counter()
        # newsportal's load and Wagtail's migrate side by side; then Wagtail's pages alone.
        run_children(
            [(load, newsportal_env(folder, urls[f"newsportal{big}"]), ROOT),
             (migrate, wagtail, WAGTAIL_SITE)]
        )  # fmt: skip
        wagtail_started = time.perf_counter()
        output = run_children([(seed_news, wagtail, WAGTAIL_SITE)])[0]
        info[f"newsportal{big}"] = json.loads(np_out.read_text(encoding="utf-8"))
        seconds[f"newsportal{big}"] = info[f"newsportal{big}"]["seconds"]
        seconds[f"wagtail{big}_pages"] = time.perf_counter() - wagtail_started
        seconds[f"both{big}_wall"] = time.perf_counter() - started
        log(f"  {size or count:,} articles into both sites; Wagtail: {output.strip()}")
    return data, info, seconds
