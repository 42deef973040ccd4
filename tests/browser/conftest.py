"""
Fixtures for the browser tests: one Debian Chromium per module, a fresh browser
context per person, and a newsroom to work in (the roles of migration 0006 and
the demo portal, which every transactional test's flush removes).

Playwright is imported inside the fixtures, so a machine without it still
collects the test modules, which then skip and say why.
"""

import io
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from articles import demo

DESKTOP = {"width": 1280, "height": 900}
# Long enough for a cold OpenCC conversion or image renditions on a slow CI
# machine, short enough that a missing element fails the test quickly.
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def browser():
    """
    Debian's Chromium (Playwright's own builds cannot be downloaded here).

    Playwright's sync API marks its event loop as running in this thread between
    calls, and Django then refuses database access from the thread
    (SynchronousOnlyOperation), pytest-django's flush between tests included.
    No coroutine here touches the database, so the check is lifted while the
    browser is open: the case Django's async-safety documentation names for
    DJANGO_ALLOW_ASYNC_UNSAFE (a loop imposed from outside, nothing concurrent).
    """
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=shutil.which("chromium"), args=["--no-sandbox"]
            )
            yield chromium
            chromium.close()


@pytest.fixture
def visitor(browser, live_server):
    """
    ``visitor(viewport=…, **options)`` opens a page in a browser context of its
    own (no cookies, no storage: a person on another device), asking for
    Chinese. Uncaught script errors are collected in ``page.script_errors``.
    """
    contexts = []

    def open_page(viewport=DESKTOP, **options):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            **options,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.script_errors = []
        page.on("pageerror", lambda error: page.script_errors.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def staff(visitor):
    """``staff(username)``: a page signed in through the admin's login form."""

    def signed_in(username, password=demo.EDITOR_PASSWORD):
        page = visitor()
        page.goto("/admin/login/?next=/admin/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/admin/")
        return page

    return signed_in


@pytest.fixture
def newsroom(live_server, newsroom_roles):
    """
    The demo portal and its accounts (reporter 记者; editor 编辑, in charge of
    every top-level section; chief 主编), on the roles migration 0006 makes,
    made again here the way that migration makes them.
    """
    return demo.load()


@pytest.fixture
def drawn_png():
    """``drawn_png(sky, ground)``: a landscape drawn with Pillow, a real PNG to upload."""

    def draw(sky, ground):
        picture = Image.new("RGB", (960, 540), sky)
        pen = ImageDraw.Draw(picture)
        pen.rectangle((0, 380, 960, 540), fill=ground)
        pen.ellipse((720, 70, 840, 190), fill=(250, 210, 90))
        for left in range(40, 900, 170):
            pen.rectangle((left, 250, left + 120, 380), fill=(235, 235, 225))
            pen.rectangle((left + 20, 280, left + 50, 320), fill=(70, 110, 160))
        data = io.BytesIO()
        picture.save(data, "PNG")
        return data.getvalue()

    return draw


@pytest.fixture(scope="session")
def screenshot_folder():
    """Where screenshots are kept for people to look at (ignored by git)."""
    folder = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
