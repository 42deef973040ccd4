"""Operators' settings: production needs a secret key and hosts, and nothing else."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(env, *args):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _run({"DJANGO_DEBUG": "0"}, "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_runs_with_only_a_secret_key_and_hosts(tmp_path):
    env = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-production-like-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "news.example",
    }
    result = _run(env, "check")
    assert result.returncode == 0, result.stderr
    script = (
        "from django.conf import settings;"
        "print(settings.DEBUG, settings.ALLOWED_HOSTS, settings.DATABASES['default']['ENGINE'])"
    )
    result = _run(env, "shell", "-c", script)
    assert result.returncode == 0, result.stderr
    assert "False ['news.example'] django.db.backends.sqlite3" in result.stdout


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("postgres://postgres@127.0.0.1:5432/newsportal", "django.db.backends.postgresql"),
        ("sqlite:////tmp/somewhere.sqlite3", "django.db.backends.sqlite3"),
    ],
)
def test_database_comes_from_database_url(url, engine):
    env = {"DJANGO_DEBUG": "1", "DATABASE_URL": url}
    script = "from django.conf import settings;print(settings.DATABASES['default']['ENGINE'])"
    result = _run(env, "shell", "-c", script)
    assert result.stdout.strip().endswith(engine), result.stderr


def test_redis_url_selects_the_redis_cache():
    env = {"DJANGO_DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/1"}
    script = "from django.conf import settings;print(settings.CACHES['default']['BACKEND'])"
    result = _run(env, "shell", "-c", script)
    assert result.stdout.strip().endswith("RedisCache"), result.stderr


def test_uploads_are_spooled_where_the_operator_says(tmp_path):
    """A worker killed mid-upload leaves its part there, not in the system's /tmp."""
    script = "from django.conf import settings;print(settings.FILE_UPLOAD_TEMP_DIR)"
    chosen = _run(
        {"DJANGO_DEBUG": "1", "DJANGO_FILE_UPLOAD_TEMP_DIR": str(tmp_path)}, "shell", "-c", script
    )
    assert chosen.stdout.splitlines()[-1:] == [str(tmp_path)], chosen.stderr
    default = _run({"DJANGO_DEBUG": "1"}, "shell", "-c", script)
    assert default.stdout.splitlines()[-1:] == ["None"], default.stderr


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k3Jx9-production-like-secret-key-with-enough-entropy-0123456789",
    "DJANGO_ALLOWED_HOSTS": "news.example",
}


def test_check_deploy_is_clean_in_production():
    result = _run(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_behind_a_tls_proxy_the_forwarded_scheme_is_trusted_and_check_deploy_stays_clean():
    env = {**PRODUCTION, "DJANGO_BEHIND_TLS_PROXY": "1"}
    result = _run(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    script = "from django.conf import settings;print(settings.SECURE_PROXY_SSL_HEADER)"
    assert "('HTTP_X_FORWARDED_PROTO', 'https')" in _run(env, "shell", "-c", script).stdout


def test_plain_http_for_local_serving_is_an_explicit_choice():
    script = (
        "from django.conf import settings;"
        "print(settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE,"
        " settings.SECURE_HSTS_SECONDS)"
    )
    printed = _run(PRODUCTION, "shell", "-c", script).stdout.splitlines()[-1]
    assert printed.split() == ["True", "True", "31536000"]
    local = {**PRODUCTION, "DJANGO_HTTPS": "0"}
    assert _run(local, "shell", "-c", script).stdout.splitlines()[-1].split() == [
        "False",
        "False",
        "0",
    ]
