"""
A stack of the fault and load drills' own: a private PostgreSQL cluster and a
private Redis on free ports (stopping them disturbs nothing else on the
machine), the site migrated into it, and gunicorn serving it with
production settings.
"""

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection

from ..live_site import free_port

BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
SETUP = """
from django.contrib.auth import get_user_model
from django.utils import timezone
from articles.models import Article, Section
section = Section.objects.create(name="要闻", slug="yaowen")
for number in range(3):
    Article.objects.create(section=section, title=f"故障演练新闻{number}", summary="导语。",
                           body="<p>正文。</p>", status="published", published_at=timezone.now())
for number in range(40):  # what the load drill's editor publishes
    Article.objects.create(section=section, title=f"负载中发布的第{number}篇", summary="导语。",
                           body="<p>正文。</p>", status="draft")
get_user_model().objects.create_superuser("chief", password="fault-drill-pass-123")
"""

MARKS = [
    pytest.mark.skipif(
        not BIN or shutil.which("redis-server") is None,
        reason="needs Debian's PostgreSQL server binaries and redis-server",
    ),
    # The stack is its own; running it once per CI run (the PostgreSQL pass) is enough.
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="runs in the PostgreSQL pass of the suite"
    ),
]


def _as_postgres(command):
    """PostgreSQL refuses to run as root: run its tools as the postgres user when we are root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class PrivatePostgres:
    def __init__(self):
        # Directly under /tmp: pytest's own folders are private to root, and
        # PostgreSQL runs as its own user.
        self.folder = folder = Path(tempfile.mkdtemp(prefix="newsportal-faults-pg-"))
        self.data = folder / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()

    def _run(self, tool, *args):
        done = subprocess.run(
            _as_postgres([f"{BIN[-1]}/{tool}", *args]), capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr

    def start(self):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        log = self.folder / "log"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(log), "-w", "start")

    def stop(self):
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self):
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait(lambda: _answers(self.port), "Redis to start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def _answers(port):
    import redis

    try:
        return redis.Redis(port=port, socket_connect_timeout=0.2).ping()
    except redis.RedisError:
        return False


def wait(condition, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")
