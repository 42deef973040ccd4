"""
Faults, on a stack of the suite's own: a private PostgreSQL cluster and a
private Redis on free ports (so stopping them disturbs nothing else on the
machine), and gunicorn serving the site with production settings.

- Redis stopped and restarted: pages keep answering; the cache comes back.
- PostgreSQL restarted: requests fail fast with a 503 page (cached pages are
  still served), and the app recovers without a restart.
- Workers killed in the middle of a save or an image upload: the article is
  the old or the new version, and no row points at a missing file.
"""

import io
import os
import random
import signal
import threading
import time
import uuid
from contextlib import suppress
from pathlib import Path

import psycopg
from PIL import Image

from newsportal import page_cache

from ..live_site import Editor, get
from .stack import MARKS, wait

pytestmark = MARKS


def _sql(stack, query):
    with psycopg.connect(stack["postgres"].url("newsportal")) as connection:
        return connection.execute(query).fetchall()


def test_pages_keep_answering_while_redis_is_down_and_the_cache_comes_back(stack):
    base = stack["server"].base
    for _ in range(4):  # both workers have seen it
        get(f"{base}/zh-hant/")
    assert get(f"{base}/zh-hant/")[2]["X-Page-Cache"] == "hit"
    stack["redis"].stop()
    try:
        for url in ("/zh-hant/", "/zh-hans/", "/zh-tw/yaowen/", "/zh-hans/search/?q=故障"):
            for _ in range(3):
                started = time.monotonic()
                status, _, headers = get(base + url)
                assert status == 200, url
                assert time.monotonic() - started < 3, "held up by the missing Redis"
                assert "X-Page-Cache" not in headers
    finally:
        stack["redis"].start()
    wait(lambda: get(f"{base}/zh-hant/")[2].get("X-Page-Cache") == "hit", "the cache to return")


def test_a_postgresql_restart_is_a_short_503_and_the_app_recovers_by_itself(stack):
    base, server = stack["server"].base, stack["server"]
    # A worker that saw Redis fail (the drill before) leaves it alone for a few
    # seconds; past that, every worker serves the cached page.
    time.sleep(page_cache.RETRY_AFTER + 1)
    wait(lambda: get(f"{base}/zh-hk/")[2].get("X-Page-Cache") == "hit", "a cached page")
    workers = server.workers()
    stack["postgres"].stop()
    try:
        started = time.monotonic()
        status, page, headers = get(f"{base}/zh-hans/search/?q={uuid.uuid4().hex}")
        assert status == 503
        assert time.monotonic() - started < 8, "should fail fast"
        assert "服务暂时不可用" in page and headers["Retry-After"] == "30"
        assert get(f"{base}/healthz")[0] == 503
        cached = get(f"{base}/zh-hk/")
        assert cached[0] == 200 and cached[2]["X-Page-Cache"] == "hit"  # readers still served
    finally:
        stack["postgres"].start()
    wait(lambda: get(f"{base}/zh-hans/search/?q=恢复")[0] == 200, "the app to recover")
    assert get(f"{base}/healthz")[0] == 200
    assert server.workers() == workers  # recovered, not restarted


def _kill_workers(server):
    for pid in server.workers():
        with suppress(ProcessLookupError):  # already gone
            os.kill(pid, signal.SIGKILL)


def _respawned(server):
    wait(lambda: get(f"{server.base}/healthz")[0] == 200 and len(server.workers()) == 2, "workers")


def test_a_worker_killed_mid_save_leaves_the_old_or_the_new_article(stack):
    server = stack["server"]
    editor = Editor(server.base, "chief", "fault-drill-pass-123")
    (pk,) = _sql(stack, "SELECT id FROM articles_article ORDER BY id LIMIT 1")[0]
    path = f"/admin/articles/article/{pk}/change/"
    # How long a save takes when nothing goes wrong: kills fall anywhere in it.
    fields = editor.form(path)
    started = time.monotonic()
    editor.post(path, fields)
    duration = time.monotonic() - started
    rng = random.Random(7)
    outcomes = []
    for round_number in range(8):
        before = _sql(stack, f"SELECT title, version FROM articles_article WHERE id = {pk}")[0]
        fields = editor.form(path)
        fields["title"] = f"第{round_number}次修改的标题"
        saving = threading.Thread(target=_quietly, args=(editor.post, path, fields))
        saving.start()
        time.sleep(rng.uniform(0, 1.3 * duration))
        _kill_workers(server)
        saving.join(timeout=30)
        _respawned(server)
        title, version = _sql(
            stack, f"SELECT title, version FROM articles_article WHERE id = {pk}"
        )[0]
        assert (title, version) in (before, (fields["title"], before[1] + 1)), round_number
        outcomes.append("new" if title == fields["title"] else "old")
    print("saves killed mid-way ended as:", outcomes)


def test_a_worker_killed_mid_upload_leaves_no_row_without_its_files(stack):
    server = stack["server"]
    editor = Editor(server.base, "chief", "fault-drill-pass-123")
    picture = Image.effect_noise((2000, 1500), 60).convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    upload = buffer.getvalue()
    fields = editor.form("/admin/articles/articleimage/add/")
    fields.update({"alt": "未中断的上传", "caption": ""})
    started = time.monotonic()
    editor.post(
        "/admin/articles/articleimage/add/", fields, {"image": ("a.png", upload, "image/png")}
    )
    duration = time.monotonic() - started
    rng = random.Random(11)
    for round_number in range(6):
        fields = editor.form("/admin/articles/articleimage/add/")
        fields.update({"alt": f"噪点图{round_number}", "caption": ""})
        files = {"image": (f"noise{round_number}.png", upload, "image/png")}
        uploading = threading.Thread(
            target=_quietly, args=(editor.post, "/admin/articles/articleimage/add/", fields, files)
        )
        uploading.start()
        time.sleep(rng.uniform(0, 1.3 * duration))
        _kill_workers(server)
        uploading.join(timeout=60)
        _respawned(server)
    media = Path(stack["env"]["MEDIA_ROOT"])
    rows = _sql(stack, "SELECT image, renditions FROM articles_articleimage")
    print(f"uploads killed mid-way: {len(rows) - 1} of 6 stored, each with all its files")
    for image, renditions in rows:
        assert (media / image).is_file(), image
        for name in _names(renditions):
            assert (media / name).is_file(), name


def _names(renditions):
    """Every file name inside a renditions JSON value, however it is nested."""
    if isinstance(renditions, dict):
        return [name for value in renditions.values() for name in _names(value)]
    if isinstance(renditions, list):
        return [name for value in renditions for name in _names(value)]
    return [renditions] if isinstance(renditions, str) and "/" in renditions else []


def _quietly(function, *args):
    with suppress(OSError):  # the worker died under the request: that is the point
        function(*args)
