"""
The site as operators run it, for tests that need real processes: gunicorn
with production settings against a PostgreSQL and a Redis, driven over HTTP
the way a browser would (cookies, CSRF tokens, the admin's forms).
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
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(tmp_path, database_url, redis_url, prefix):
    """Production settings served over plain HTTP on 127.0.0.1."""
    # The fault drill kills workers mid-upload: their spooled parts stay in the test's folder.
    (tmp_path / "uploads").mkdir(exist_ok=True)
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))},
        "DJANGO_SETTINGS_MODULE": "newsportal.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_SECRET_KEY": "live-site-test-key-" + "z" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_LOG_LEVEL": "CRITICAL",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": prefix,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_FILE_UPLOAD_TEMP_DIR": str(tmp_path / "uploads"),
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "GUNICORN_LOG_LEVEL": "critical",
    }


def manage(env, *args):
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def get(url, opener=None, timeout=10):
    """(status, body, headers) of a GET, whatever the status."""
    url = urllib.parse.quote(
        url, safe=":/?&=%#"
    )  # Chinese in paths and queries, as browsers send it
    try:
        with (opener or urllib.request.build_opener()).open(url, timeout=timeout) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


class Gunicorn:
    """``gunicorn newsportal.wsgi`` with the repository's gunicorn.conf.py, on a free port."""

    def __init__(self, env, port=None):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "newsportal.wsgi"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if get(f"{self.base}/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        pytest.fail(
            f"gunicorn on {self.port} did not answer: {self.process.stderr.read()[-2000:]}"
        )

    def workers(self):
        """The worker processes' ids (children of the master)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Editor:
    """An editor's browser session in the admin: logs in, then posts forms with their tokens."""

    def __init__(self, base, username, password):
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self.post("/admin/login/?next=/admin/", {"username": username, "password": password})

    def form(self, path):
        """The named fields of the page's main form, as a browser would submit them."""
        from .changeform import form_data

        _, page, _ = get(self.base + path, self.opener)
        fields = form_data(_Page(page), form_id=_form_id(page))
        fields["csrfmiddlewaretoken"] = _token(page)
        return fields

    def post(self, path, fields, files=None, timeout=10):
        if "csrfmiddlewaretoken" not in fields:
            _, page, _ = get(self.base + path, self.opener)
            fields = {**fields, "csrfmiddlewaretoken": _token(page)}
        if files:
            body, content_type = _multipart(fields, files)
        else:
            body, content_type = urllib.parse.urlencode(fields, doseq=True).encode(), None
        request = urllib.request.Request(self.base + path, data=body)
        request.add_header("Referer", self.base + path)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class _Page:
    def __init__(self, text):
        self.content = text.encode()


def _token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def _form_id(page):
    found = re.search(r'<form[^>]+id="([a-z_]+_form)"', page)
    return found.group(1) if found else "article_form"


def _multipart(fields, files):
    boundary = "----newsportal-test-boundary"
    lines = []
    for name, value in fields.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            lines += [f"--{boundary}", f'Content-Disposition: form-data; name="{name}"', "", item]
    body = "\r\n".join(lines).encode()
    for name, (filename, content, kind) in files.items():
        head = (
            f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'
        )
        body += head.encode() + content
    body += f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"
