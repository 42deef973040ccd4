"""
gunicorn's settings for ``make serve`` and production (gunicorn reads
``./gunicorn.conf.py`` by itself; each value can be overridden by an
environment variable).

Process workers, not threads: a page's script conversion is CPU work in
OpenCC's binding, which holds the GIL, so threads in one process would take
turns; processes use every core. The app is loaded before forking so workers
share its imported code.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1))
worker_class = "sync"
threads = 1
preload_app = True

# A request that takes this long is stuck: the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Keep-alive for a load balancer or nginx in front.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Workers are replaced now and then, so slow growth of memory never adds up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Proxies allowed to set X-Forwarded-Proto/For (the one in front, on this host by default).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
