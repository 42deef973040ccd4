"""
Scale-out: two app servers (gunicorn, production settings) on different
ports, one PostgreSQL and one Redis. An editor publishes through one; the
other shows it on its next request, in every variant, though it had the
pages cached.

Runs in the PostgreSQL pass of the suite, in a database of its own.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest
import redis
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/0"
VARIANTS = ("zh-hans", "zh-hant", "zh-tw", "zh-hk")

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="runs in the PostgreSQL pass (one database, two servers)",
)

SETUP = """
from django.contrib.auth import get_user_model
from articles.models import Article, Section
section = Section.objects.create(name="要闻", slug="yaowen")
Article.objects.create(section=section, title="已在首页的新闻", summary="旧闻。",
                       body="<p>正文。</p>", status="published",
                       published_at=__import__("django.utils.timezone").utils.timezone.now())
draft = Article.objects.create(section=section, title="双城同步发布的新闻", summary="导语。",
                               body="<p>正文。</p>", status="draft")
get_user_model().objects.create_superuser("chief", password="two-servers-pass-123")
print(draft.pk)
"""


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url, opener=None):
    try:
        with (opener or urllib.request.build_opener()).open(url, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


@pytest.fixture
def environment(tmp_path):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
        admin = psycopg.connect(f"{SERVER}/postgres", autocommit=True)
    except (redis.RedisError, psycopg.Error) as error:
        pytest.skip(f"needs PostgreSQL and Redis on 127.0.0.1: {error}")
    name = f"np_two_servers_{uuid.uuid4().hex[:8]}"
    prefix = f"newsportal-test-{uuid.uuid4().hex}"
    admin.execute(f'CREATE DATABASE "{name}"')
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))},
        "DJANGO_SETTINGS_MODULE": "newsportal.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_SECRET_KEY": "two-servers-test-key-" + "z" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"{SERVER}/{name}",
        "REDIS_URL": REDIS_URL,
        "REDIS_KEY_PREFIX": prefix,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": "/dev/null",
    }
    try:
        yield env
    finally:
        server = redis.Redis.from_url(REDIS_URL)
        keys = list(server.scan_iter(f"{prefix}:*"))
        if keys:
            server.delete(*keys)
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _manage(env, *args):
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _start(env, port):
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsportal.wsgi"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _get(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    pytest.fail(f"gunicorn on {port} did not answer: {process.stderr.read()[-2000:]}")


def _publish(base, pk):
    """Log in to the admin as an editor would, and publish ``pk`` with the list's action."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def post(path, fields):
        _, page, _ = _get(base + path, opener)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        with opener.open(urllib.request.Request(base + path, data=data), timeout=10) as response:
            return response.status, response.read().decode()

    post("/admin/login/?next=/admin/", {"username": "chief", "password": "two-servers-pass-123"})
    status, page = post(
        "/admin/articles/article/",
        {"action": "publish", "_selected_action": str(pk), "index": "0"},
    )
    assert status == 200 and "已发布" in page, page[-3000:]


def test_a_publish_through_one_server_shows_on_the_other_at_once(environment):
    _manage(environment, "migrate", "--noinput", "-v", "0")
    _manage(environment, "collectstatic", "--noinput", "-v", "0")
    pk = int(_manage(environment, "shell", "-c", SETUP).strip().splitlines()[-1])
    first, second = _free_port(), _free_port()
    servers = [_start(environment, first), _start(environment, second)]
    try:
        other = f"http://127.0.0.1:{second}"
        for variant in VARIANTS:  # the second server's home pages, cached in Redis
            _get(f"{other}/{variant}/")
            status, page, headers = _get(f"{other}/{variant}/")
            assert status == 200 and headers["X-Page-Cache"] == "hit"
            assert "双城同步" not in page and "雙城同步" not in page

        _publish(f"http://127.0.0.1:{first}", pk)

        for variant in VARIANTS:
            status, page, headers = _get(f"{other}/{variant}/")
            assert status == 200 and headers["X-Page-Cache"] == "miss", variant
            assert ("双城同步" if variant == "zh-hans" else "雙城同步") in page, variant
            status, page, _ = _get(f"{other}/{variant}/yaowen/{pk}/")
            assert status == 200, variant
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
