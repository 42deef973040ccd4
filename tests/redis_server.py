"""The machine's Redis for tests that need a real one: CI starts it; elsewhere they skip."""

import os

import pytest
import redis

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_or_skip():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL} (CI starts one)")


def forget(prefix):
    """Delete every key a test wrote under ``prefix``."""
    server = redis.Redis.from_url(REDIS_URL)
    keys = list(server.scan_iter(f"{prefix}*"))
    if keys:
        server.delete(*keys)
