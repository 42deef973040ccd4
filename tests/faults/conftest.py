"""The private stack (``stack.py``) started once for every drill in this folder."""

import uuid

import psycopg
import pytest

from ..live_site import Gunicorn, manage, production_env
from .stack import SETUP, PrivatePostgres, PrivateRedis


@pytest.fixture(scope="package")
def stack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faults")
    postgres = PrivatePostgres()
    redis_server = PrivateRedis()
    with psycopg.connect(postgres.url("postgres"), autocommit=True) as admin:
        admin.execute("CREATE DATABASE newsportal")
    env = production_env(
        folder,
        postgres.url("newsportal"),
        f"redis://127.0.0.1:{redis_server.port}/0",
        f"faults-{uuid.uuid4().hex[:8]}",
    )
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    manage(env, "shell", "-c", SETUP)
    server = Gunicorn(env)
    try:
        yield {"postgres": postgres, "redis": redis_server, "server": server, "env": env}
    finally:
        server.stop()
        redis_server.stop()
        postgres.stop()
        postgres.remove()
