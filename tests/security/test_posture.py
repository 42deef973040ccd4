"""
Security posture: headers on every response (cached ones too), no inline
script on public pages, media that can never be HTML, CSRF on forms, and
admin login throttling that counts the real client address.
"""

import base64
import hashlib
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from pytest_django.asserts import assertContains

from articles.demo import EDITOR_PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, password, address="198.51.100.7", **headers):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": password},
        REMOTE_ADDR=address,
        headers=headers,
    )


@pytest.fixture
def desk(django_user_model):
    return django_user_model.objects.create_user(
        "editor", password=EDITOR_PASSWORD, is_staff=True, is_superuser=True
    )


# --- Headers -----------------------------------------------------------------------


@pytest.mark.parametrize("repeat", [1, 2], ids=["rendered", "from the page cache"])
def test_public_pages_carry_a_strict_policy(client, article, repeat):
    for _ in range(repeat):
        response = client.get("/zh-hant/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy and "nonce-" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_public_pages_run_no_inline_script(client, article):
    for url in ("/zh-hans/", article.get_absolute_url(), "/zh-hans/search/?q=发布"):
        page = client.get(url).content.decode()
        for attributes in re.findall(r"<script([^>]*)>", page):
            assert "src=" in attributes or 'type="application/ld+json"' in attributes, attributes
        assert not re.search(r"\son[a-z]+=", page), "an inline event handler"


def test_the_admin_has_its_own_policy(client, desk):
    client.force_login(desk)
    policy = client.get("/admin/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'self'" in policy  # the admin's own pop-ups


def test_media_is_only_ever_an_image(client):
    name = default_storage.save("images/2026/11/abc.jpg", ContentFile(b"\xff\xd8\xff"))
    response = client.get(f"/media/{name}")
    assert response["Content-Type"] == "image/jpeg"
    assert "sandbox" in response["Content-Security-Policy"]
    html = default_storage.save("images/2026/11/page.html", ContentFile(b"<script>x()</script>"))
    assert client.get(f"/media/{html}").status_code == 404
    svg = default_storage.save("images/2026/11/logo.svg", ContentFile(b"<svg onload=x()>"))
    assert client.get(f"/media/{svg}").status_code == 404


def test_admin_forms_need_their_csrf_token(desk):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/admin/login/", {"username": "editor", "password": EDITOR_PASSWORD})
    assert response.status_code == 403


# --- Login throttling ------------------------------------------------------------------


def test_repeated_failed_logins_lock_the_address_out_in_chinese(client, desk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "wrong-password").status_code == 200
    locked = _login(client, "wrong-password")
    assert locked.status_code == 429
    assertContains(locked, "登录失败次数过多", status_code=429)
    # Even the right password is refused from that address until the cool-off ends…
    assert _login(client, EDITOR_PASSWORD).status_code == 429
    # …while the editor can still log in from elsewhere.
    assert _login(client, EDITOR_PASSWORD, address="203.0.113.50").status_code == 302


def test_a_spoofed_forwarded_for_does_not_reset_the_count(client, desk, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong-password", **{"X-Forwarded-For": f"10.0.0.{number}"})
    assert _login(client, EDITOR_PASSWORD, **{"X-Forwarded-For": "10.9.9.9"}).status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(client, desk, settings):
    settings.NEWSPORTAL_PROXY_HOPS = 1
    proxy = "10.0.0.1"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        # The attacker writes an address of their own choosing first; the proxy appends theirs.
        _login(client, "wrong", address=proxy, **{"X-Forwarded-For": "1.1.1.1, 198.51.100.66"})
    spoofed = {"X-Forwarded-For": "1.2.3.4, 198.51.100.66"}
    assert _login(client, EDITOR_PASSWORD, address=proxy, **spoofed).status_code == 429
    colleague = {"X-Forwarded-For": "198.51.100.67"}  # another reader behind the same proxy
    assert _login(client, EDITOR_PASSWORD, address=proxy, **colleague).status_code == 302


def test_the_editor_s_import_map_is_allowed_by_its_hash_and_nothing_else(client, desk):
    client.force_login(desk)
    response = client.get("/admin/articles/article/add/")
    page = response.content
    maps = re.findall(rb'<script type="importmap"[^>]*>(.*?)</script>', page, re.S)
    assert maps, "the body editor's import map"
    expected = "'sha256-" + base64.b64encode(hashlib.sha256(maps[0]).digest()).decode() + "'"
    policy = response["Content-Security-Policy"]
    assert expected in policy
    assert policy.count("'sha256-") == len(maps)
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
