"""
The newsroom and its readers end to end, in a real Chromium against the live
server: a writer writes in the rich-text editor and submits, the editor of the
section publishes, and readers find the article, read it in either script and
close the notice bar for good. Screenshots of the reader pages are kept under
test-artifacts/screenshots/ for people to look at.
"""

import io
import shutil
from datetime import timedelta

import pytest

pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright is not installed: pip install 'playwright>=1.48,<2'",
)
if shutil.which("chromium") is None:
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium fonts-wqy-microhei)",
        allow_module_level=True,
    )

from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from PIL import Image
from playwright.sync_api import expect

from articles.models import Article, ArticleImage, Section

Status = Article.Status
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

TITLE = "青川市夜间公交新增三条线路"
TITLE_HANT = "青川市夜間公交新增三條線路"
SUMMARY = "为方便夜归市民，青川公交集团下月起开通三条夜间线路，末班车延至凌晨两点。"
HEADING = "线路安排"
PARAGRAPH = "新线路连接火车站、大学城和开发区，每二十分钟一班。"
IMAGE_ALT = "夜间公交车停靠在站台"
IMAGE_CAPTION = "夜间线路首发车"
COVER_ALT = "公交车驶过青川大桥"
# The body editor's document (the block-type picker is a ".ProseMirror" too, not editable).
BODY_EDITOR = ".ProseMirror[contenteditable=true]"


def address(article, variant="zh-hans"):
    """The article's public address in ``variant``."""
    with translation.override(variant):
        return article.get_absolute_url()


def visible_images_loaded(page, scope):
    """Wait until every image in ``scope`` has loaded (and is not a broken-image icon)."""
    page.wait_for_function(
        """scope => [...document.querySelectorAll(scope + ' img')].every(
               img => img.complete && img.naturalWidth > 0)""",
        arg=scope,
    )


# --- The newsroom ------------------------------------------------------------------------


def write_and_submit(page, cover_png, body_png):
    """The writer's side: a new article, saved as a draft, reopened and submitted (送审)."""
    page.goto("/admin/articles/article/add/")
    expect(page.locator("#id_status option")).to_have_text(["草稿", "待审"])
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_section + .select2 .select2-selection").click()
    page.locator(".select2-search__field").fill("要闻")
    page.get_by_role("option", name="要闻", exact=True).click()
    page.locator("#id_tags").fill("公交, 夜间出行")
    page.locator("#id_summary").fill(SUMMARY)

    body = page.locator(BODY_EDITOR)
    body.click()
    page.keyboard.type(HEADING)
    page.locator(".prose-menubar__selected").click()  # the block-type picker
    page.get_by_role("button", name="二级标题").click()
    expect(body.locator("h2")).to_have_text(HEADING)
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type(PARAGRAPH)
    page.keyboard.press("Enter")

    page.locator(".prose-menubar").get_by_role("button", name="图片").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("上传图片").set_input_files(
        files=[{"name": "night-bus.png", "mimeType": "image/png", "buffer": body_png}]
    )
    dialog.get_by_label("替代文字").fill(IMAGE_ALT)
    dialog.get_by_label("图片说明").fill(IMAGE_CAPTION)
    dialog.get_by_role("button", name="插入").click()
    expect(dialog).to_have_count(0)
    expect(body.locator("figure img")).to_have_attribute("alt", IMAGE_ALT)
    expect(body.locator("figure figcaption")).to_have_text(IMAGE_CAPTION)

    page.locator("#id_cover").set_input_files(
        files=[{"name": "bridge.png", "mimeType": "image/png", "buffer": cover_png}]
    )
    page.locator("#id_cover_alt").fill(COVER_ALT)
    page.locator("#id_author").fill("周远")

    page.locator("input[name=_continue]").first.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    # The stored body opens in the editor again, heading and image included.
    expect(body.locator("h2")).to_have_text(HEADING)
    expect(body.locator("figure img")).to_have_attribute("alt", IMAGE_ALT)

    page.locator("#id_status").select_option(label="待审")
    page.locator("input[name=_save]").first.click()
    page.wait_for_url("**/admin/articles/article/")  # back to the list: saved
    expect(page.locator(".messagelist .success")).to_be_visible()


def publish(page, title):
    """The section editor's side: find the article waiting for review and publish it."""
    page.goto("/admin/articles/article/?status__exact=review")
    page.get_by_role("link", name=title).click()
    expect(page.locator(BODY_EDITOR).locator("h2")).to_have_text(HEADING)
    page.locator("#id_status").select_option(label="已发布")
    page.locator("input[name=_save]").first.click()
    expect(page.locator(".messagelist .success")).to_be_visible()


def test_article_written_in_the_editor_reaches_readers_as_soon_as_it_is_published(
    newsroom, staff, visitor, drawn_png, live_server, screenshot_folder
):
    """
    The whole path of an article through the site, as the people doing it see it:
    the writer may only draft and submit, the editor in charge publishes, and
    the reader, whose home page was already in the page cache, sees it at once,
    in either script (the converter reaches the editor's headings, captions and
    alt text too).
    """
    writer = staff("reporter")
    write_and_submit(
        writer,
        cover_png=drawn_png((120, 170, 220), (60, 120, 70)),
        body_png=drawn_png((20, 30, 70), (50, 50, 60)),
    )

    article = Article.objects.get(title=TITLE)
    reporter = get_user_model().objects.get(username="reporter")
    assert article.status == Status.REVIEW
    assert article.created_by == reporter
    assert article.section.slug == "yaowen"
    assert set(article.tags.names()) == {"公交", "夜间出行"}
    assert [(t.from_status, t.to_status, t.user) for t in article.transitions.order_by("pk")] == [
        ("", Status.DRAFT, reporter),
        (Status.DRAFT, Status.REVIEW, reporter),
    ]
    image = ArticleImage.objects.get(alt=IMAGE_ALT)
    assert f"<h2>{HEADING}</h2>" in article.body
    assert f'data-image="{image.pk}"' in article.body
    assert f"<figcaption>{IMAGE_CAPTION}</figcaption>" in article.body
    assert article.cover and article.cover_alt == COVER_ALT
    submitted_body = article.body

    reader = visitor()
    reader.goto("/")
    expect(reader).to_have_url(f"{live_server.url}/zh-hans/")
    expect(reader.locator(".latest")).not_to_contain_text(TITLE)
    assert reader.request.get("/zh-hans/").headers["x-page-cache"] == "hit"
    assert reader.request.get(address(article)).status == 404

    publish(staff("editor"), TITLE)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert article.published_at <= timezone.now()
    assert article.transitions.order_by("pk").last().user.username == "editor"
    assert article.body == submitted_body  # opening and saving in the editor changes nothing

    reader.reload()
    reader.locator(".latest").get_by_role("link", name=TITLE).click()
    expect(reader).to_have_url(live_server.url + address(article))
    expect(reader.locator("h1")).to_have_text(TITLE)
    expect(reader.locator("main h2", has_text=HEADING)).to_be_visible()
    expect(reader.get_by_role("img", name=IMAGE_ALT)).to_be_visible()
    expect(reader.get_by_role("img", name=COVER_ALT)).to_be_visible()
    visible_images_loaded(reader, "main")

    reader.locator(".variant-toggle").get_by_role("link", name="繁體").click()
    expect(reader.locator("h1")).to_have_text(TITLE_HANT)
    expect(reader.locator(".story-body h2")).to_have_text("線路安排")
    expect(reader.locator(".story-body figcaption")).to_have_text("夜間線路首發車")
    expect(reader.get_by_role("img", name="夜間公交車停靠在站臺")).to_be_visible()
    save_screenshot(reader, screenshot_folder / "written-article-zh-hant-desktop.png", DESKTOP)
    assert reader.script_errors == []


# --- Readers -----------------------------------------------------------------------------

READER_TITLE = "城市书房延长开放时间"
READER_TITLE_HANT = "城市書房延長開放時間"


@pytest.fixture
def news(newsroom):
    """The newest article of 要闻, written in Simplified, among the demo portal's."""
    return Article.objects.create(
        title=READER_TITLE,
        summary="青川市十二家城市书房从下周一起每天开放到晚上十点。",
        body="<p>市图书馆表示，延长开放时间后将增加志愿者值班。</p>",
        section=Section.objects.get(slug="yaowen"),
        status=Status.PUBLISHED,
        published_at=timezone.now() - timedelta(minutes=1),
    )


def follow(page, link, live_server, path):
    """Click ``link`` and wait until ``path`` has loaded and its scripts have run."""
    link.click()
    expect(page).to_have_url(live_server.url + path)
    page.wait_for_load_state("load")


def expect_closed(bar):
    """The bar is on the page (every page has it) and hidden by the reader's choice."""
    expect(bar).to_have_js_property("hidden", True)
    expect(bar).to_be_hidden()


def test_reader_choice_of_script_sticks_across_pages(news, visitor, live_server):
    """
    The header's toggle takes the reader to the same page in the other script,
    and every link from there stays in it, as does the bare address the next
    time, though the browser itself asks for Simplified Chinese.
    """
    page = visitor()
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/zh-hans/")
    toggle = page.locator(".variant-toggle")
    html = page.locator("html")

    follow(page, toggle.get_by_role("link", name="繁體"), live_server, "/zh-hant/")
    expect(html).to_have_attribute("lang", "zh-Hant")
    expect(toggle.get_by_role("link", name="繁體")).to_have_attribute("aria-current", "true")
    expect(page.locator(".section-nav")).to_contain_text("首頁")
    expect(page.locator(".latest")).to_contain_text(READER_TITLE_HANT)

    follow(page, toggle.get_by_role("link", name="简体"), live_server, "/zh-hans/")
    expect(html).to_have_attribute("lang", "zh-Hans")
    expect(page.locator(".latest")).to_contain_text(READER_TITLE)

    follow(page, toggle.get_by_role("link", name="繁體"), live_server, "/zh-hant/")
    nav = page.locator(".section-nav")
    follow(page, nav.get_by_role("link", name="要聞"), live_server, "/zh-hant/yaowen/")
    expect(html).to_have_attribute("lang", "zh-Hant")
    follow(
        page,
        page.get_by_role("link", name=READER_TITLE_HANT).first,
        live_server,
        address(news, "zh-hant"),
    )
    expect(page.locator("h1")).to_have_text(READER_TITLE_HANT)
    expect(page.locator(".story-body")).to_have_text(
        "市圖書館表示，延長開放時間後將增加志願者值班。"
    )
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/zh-hant/")

    follow(page, toggle.get_by_role("link", name="简体"), live_server, "/zh-hans/")
    follow(page, nav.get_by_role("link", name="要闻"), live_server, "/zh-hans/yaowen/")
    follow(page, page.get_by_role("link", name=READER_TITLE).first, live_server, address(news))
    expect(page.locator("h1")).to_have_text(READER_TITLE)
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/zh-hans/")
    assert page.script_errors == []


def test_closed_notice_bar_stays_closed_on_later_pages_and_after_reload(
    news, visitor, live_server
):
    """
    Every reader gets the same page with the bar (that is what the page cache
    stores); closing it is remembered in the reader's browser, so later pages,
    a reload and the other script keep it closed, while another reader still
    sees it.
    """
    page = visitor()
    page.goto("/zh-hans/")
    bar = page.locator(".notice-bar")
    expect(bar).to_be_visible()
    bar.get_by_role("button", name="关闭公告").click()
    expect_closed(bar)

    follow(page, page.get_by_role("link", name=READER_TITLE).first, live_server, address(news))
    expect_closed(bar)
    page.reload(wait_until="load")
    expect_closed(bar)
    toggle = page.locator(".variant-toggle")
    follow(page, toggle.get_by_role("link", name="繁體"), live_server, address(news, "zh-hant"))
    expect_closed(bar)
    follow(page, page.locator(".site-name"), live_server, "/zh-hant/")
    expect_closed(bar)

    someone_else = visitor()
    someone_else.goto("/zh-hans/")
    expect(someone_else.locator(".notice-bar")).to_be_visible()
    assert page.script_errors == []


# --- Screenshots -------------------------------------------------------------------------

SCROLL_THROUGH = """async () => {
    // Lazy images load only near the viewport: pass over the whole page once.
    const step = Math.max(200, window.innerHeight / 2);
    for (let y = 0; y < document.documentElement.scrollHeight; y += step) {
        window.scrollTo(0, y);
        await new Promise(resolve => requestAnimationFrame(() => resolve()));
    }
    window.scrollTo(0, 0);
    await document.fonts.ready;
}"""


def save_screenshot(page, path, viewport):
    """The whole page once its images and fonts are in, checked to be a real picture of it."""
    page.wait_for_load_state("load")
    page.evaluate(SCROLL_THROUGH)
    visible_images_loaded(page, "body")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], (
        f"{page.url} scrolls sideways at {viewport['width']} px"
    )
    path.unlink(missing_ok=True)
    page.screenshot(path=path, full_page=True)
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 20_000, f"{path.name} is only {len(data)} bytes"
    with Image.open(io.BytesIO(data)) as picture:
        assert picture.width == viewport["width"]
        assert picture.height >= viewport["height"]
        # A rendered page with text and photographs, not a blank or one-colour frame.
        assert picture.convert("RGB").getcolors(maxcolors=256) is None


DEVICES = {
    "phone": (PHONE, {"is_mobile": True, "has_touch": True}),
    "desktop": (DESKTOP, {}),
}


def test_screenshots_of_home_and_article_in_both_scripts(newsroom, visitor, screenshot_folder):
    """
    Pictures of the reader pages for people to look at, on a phone and on a
    desktop; the test makes sure each is of a finished page that does not
    scroll sideways. (One test for both sizes: the demo portal is loaded once.)
    """
    for device, (viewport, options) in DEVICES.items():
        page = visitor(viewport, **options)
        page.goto("/zh-hans/")
        save_screenshot(page, screenshot_folder / f"home-zh-hans-{device}.png", viewport)
        page.locator(".headline .lead-title a").click()
        expect(page.locator("body.page-article")).to_be_visible()
        save_screenshot(page, screenshot_folder / f"article-zh-hans-{device}.png", viewport)
        page.locator(".variant-toggle").get_by_role("link", name="繁體").click()
        expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
        save_screenshot(page, screenshot_folder / f"article-zh-hant-{device}.png", viewport)
        page.locator(".site-name").click()
        expect(page.locator("body.page-home")).to_be_visible()
        save_screenshot(page, screenshot_folder / f"home-zh-hant-{device}.png", viewport)
        assert page.script_errors == [], device
