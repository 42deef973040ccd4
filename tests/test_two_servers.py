"""
Scale-out: two app servers (gunicorn, production settings) on different
ports, one PostgreSQL and one Redis. An editor publishes through one; the
other shows it on its next request, in every variant, though it had the
pages cached.

Runs in the PostgreSQL pass of the suite, in a database of its own.
"""

import uuid

import psycopg
import pytest
import redis
from django.db import connection

from .live_site import Editor, Gunicorn, get, manage, production_env
from .redis_server import REDIS_URL, forget

SERVER = "postgres://postgres@127.0.0.1:5432"
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
    env = production_env(tmp_path, f"{SERVER}/{name}", REDIS_URL, prefix)
    try:
        yield env
    finally:
        forget(f"{prefix}:")
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _publish(base, pk):
    """Log in to the admin as an editor would, and publish ``pk`` with the list's action."""
    editor = Editor(base, "chief", "two-servers-pass-123")
    fields = {"action": "publish", "_selected_action": str(pk), "index": "0"}
    status, page = editor.post("/admin/articles/article/", fields)
    assert status == 200 and "已发布" in page, page[-3000:]


def test_a_publish_through_one_server_shows_on_the_other_at_once(environment):
    manage(environment, "migrate", "--noinput", "-v", "0")
    manage(environment, "collectstatic", "--noinput", "-v", "0")
    pk = int(manage(environment, "shell", "-c", SETUP).strip().splitlines()[-1])
    servers = [Gunicorn(environment), Gunicorn(environment)]
    try:
        other = servers[1].base
        for variant in VARIANTS:  # the second server's home pages, cached in Redis
            get(f"{other}/{variant}/")
            status, page, headers = get(f"{other}/{variant}/")
            assert status == 200 and headers["X-Page-Cache"] == "hit"
            assert "双城同步" not in page and "雙城同步" not in page

        _publish(servers[0].base, pk)

        for variant in VARIANTS:
            status, page, headers = get(f"{other}/{variant}/")
            assert status == 200 and headers["X-Page-Cache"] == "miss", variant
            assert ("双城同步" if variant == "zh-hans" else "雙城同步") in page, variant
            status, page, _ = get(f"{other}/{variant}/yaowen/{pk}/")
            assert status == 200, variant
    finally:
        for server in servers:
            server.stop()
