"""Serving: the health check load balancers ask, media with long cache headers, the icon."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

pytestmark = pytest.mark.django_db


def test_healthz_answers_200_when_database_and_cache_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert "X-Page-Cache" not in response


def test_healthz_answers_503_naming_the_cache_when_redis_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "newsportal.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "unavailable"}


def test_media_files_are_cached_for_a_year(client):
    name = default_storage.save(
        "images/2026/11/0123456789abcdef.jpg", ContentFile(b"\xff\xd8jpeg")
    )
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert "max-age=31536000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    assert client.get("/media/images/missing.jpg").status_code == 404


def test_a_database_outage_is_a_503_page_not_a_500(client, settings, monkeypatch):
    from django.db import OperationalError

    from articles import views

    def database_away(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(views.HomeView, "get_context_data", database_away)
    client.raise_request_exception = False
    response = client.get("/zh-hans/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-cache" in response["Cache-Control"]
    assert "服务暂时不可用" in response.content.decode()


def test_other_errors_stay_500(client, monkeypatch):
    from articles import views

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(views.HomeView, "get_context_data", broken)
    client.raise_request_exception = False
    assert client.get("/zh-hans/").status_code == 500


def test_favicon_ico_leads_to_the_site_icon(client):
    """The admin names no icon, so browsers ask for /favicon.ico: not a 404 in every log."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content if icon.streaming else [icon.content])
