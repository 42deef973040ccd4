"""
The body editor: the admin renders it from local assets, its configuration names
our extensions, what it writes is exactly what the sanitiser keeps, and what the
server stores is exactly what it holds.

The browser tests run the real editor (django-prose-editor, our extension module)
in headless Chromium from a page built with the real widget, all in one page load;
they are skipped where Chromium is not installed. "Opening a stored body unchanged"
means: the form value the editor writes for it (``textarea.value`` after the editor
loads the body, which is ``editor.getHTML()`` except that a document of one empty
block is written as "") is the stored string itself, character for character.
"""

import html
import json
import queue
import re
import shutil
import subprocess
import threading
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType

import pytest
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.test import override_settings
from django.urls import include, path, reverse
from django_prose_editor.config import allowlist_from_extensions
from PIL import Image
from pytest_django.asserts import assertContains

from articles.body_schema import MARK_ORDER
from articles.editor import BODY_EXTENSIONS, CUSTOM_EXTENSIONS, body_widget
from articles.text import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, sanitize_html

from .test_sanitizer import DEMO_BODIES, HOSTILE, NORMALISED, RANDOM_BODIES, WORD_CLIPBOARD

# Bodies as the editor writes them (each one came out of the editor unchanged).
EDITOR_OUTPUT = {
    "headings_and_marks": (
        "<h2>小标题</h2><h3>三级</h3><h4>四级</h4>"
        "<p>正文<strong>粗体</strong>和<em>斜体</em>，<code>头发</code>。</p>"
    ),
    "links": (
        '<p><a target="_blank" href="https://example.com/a" rel="noopener noreferrer">外链</a>、'
        '<a href="/caijing/1/" rel="noopener noreferrer">站内</a>、'
        '<a href="mailto:news@example.com" rel="noopener noreferrer">来信</a></p>'
    ),
    "conversion_marks": (
        '<p>记者<span translate="no">陈航</span>报道，<span lang="zh-Hant">軟體</span>與'
        '<span translate="no"><span lang="zh-Hant">臺灣</span></span></p>'
    ),
    "block_script_attributes": (
        '<p lang="zh-Hant">繁體段落</p><blockquote><p translate="no">原话</p></blockquote>'
    ),
    "images": (
        '<figure><img src="/media/images/2026/11/ab.jpg" alt="示意图" width="1280" height="853" '
        'data-image="7"><figcaption>图片说明</figcaption></figure>'
        '<img src="/media/images/b.jpg" alt="另一张">'
    ),
    "table": (
        "<table><tbody><tr><th><p>线路</p></th><th><p>首班</p></th></tr>"
        "<tr><td><p>N1</p></td><td><p>22:00</p></td></tr></tbody></table>"
    ),
    "lists_rule_breaks": (
        '<ol data-type="decimal" start="3"><li><p>第三</p></li></ol>'
        '<ol data-type="lower-alpha" type="a"><li><p>甲</p></li></ol>'
        "<ul><li><p>一</p><ul><li><p>二</p></li></ul></li></ul><hr><p>第一行<br>第二行</p>"
    ),
    "more_marks": (
        "<p><u>专名</u>、<s>删除</s>、H<sub>2</sub>O、m<sup>2</sup>、<mark>重点</mark>、"
        '<abbr title="世界贸易组织">WTO</abbr>、'
        '<a href="/doc/" rel="noopener noreferrer"><code>manage.py</code></a></p>'
    ),
    "code_block": '<pre lang="en"><code>第一行\n    缩进  两格\n</code></pre>',
    "table_with_caption": (
        '<figure><figcaption>各区改造点位</figcaption><table><tbody><tr><th scope="col"><p>辖区'
        '</p></th><th scope="col" colspan="2"><p>点位</p></th></tr><tr><th scope="row" '
        'rowspan="2"><p>江岸区</p></th><td><p>14</p></td><td><p>5月</p></td></tr><tr><td '
        'lang="zh-Hant"><p>11</p></td><td><p>6月</p></td></tr></tbody></table></figure>'
    ),
    "linked_image": (
        '<a target="_blank" href="/media/big.jpg" rel="noopener noreferrer">'
        '<img src="/media/a.jpg" alt="示意图"></a>'
    ),
}

# What the server stores: every demo body, the hostile snippets' and the normalised
# markup's safe outputs, and random markup from every allowed tag, as sanitised.
STORED = {
    "demo": {key: sanitize_html(body.strip()) for key, body in DEMO_BODIES.items()},
    "hostile": {key: clean for key, (_, clean) in HOSTILE.items()},
    "normalised": {key: stored for key, (_, stored) in NORMALISED.items()},
    "random": {str(seed): sanitize_html(body) for seed, body in enumerate(RANDOM_BODIES)},
}
STORED_CASES = [(kind, key) for kind in ["demo", "hostile", "normalised"] for key in STORED[kind]]

TOOLBAR = [
    "heading2", "heading3", "heading4", "paragraph", "codeBlock", "bulletList", "orderedList",
    "blockquote", "horizontalRule", "figure", "bold", "italic", "underline", "strike",
    "subscript", "superscript", "highlight", "code", "abbr", "noConvert",
    "sourceScript:zh-Hant", "sourceScript:zh-Hans", "link", "table", "tableCaption",
    "history:undo", "history:redo", "html", "fullscreen",
]  # fmt: skip


@pytest.mark.parametrize("body", EDITOR_OUTPUT.values(), ids=EDITOR_OUTPUT.keys())
def test_what_the_editor_writes_survives_the_sanitiser(body):
    assert sanitize_html(body) == body


def test_sanitiser_allows_all_the_editor_extensions_can_write():
    group = {"js": [], "extensions": CUSTOM_EXTENSIONS}
    with override_settings(DJANGO_PROSE_EDITOR_EXTENSIONS=[group]):
        allowed = allowlist_from_extensions(BODY_EXTENSIONS)
    assert allowed["tags"] <= ALLOWED_TAGS
    for tag, attributes in allowed["attributes"].items():
        # rel on links is written by the sanitiser itself (link_rel).
        extra = attributes - ALLOWED_ATTRIBUTES.get(tag, set()) - ALLOWED_ATTRIBUTES["*"]
        assert extra <= ({"rel"} if tag == "a" else set()), (tag, extra)


class _Markup(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.used = set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.used.add((tag, frozenset(name for name, _ in attrs)))


def test_stored_bodies_use_only_what_the_editor_extensions_write():
    group = {"js": [], "extensions": CUSTOM_EXTENSIONS}
    with override_settings(DJANGO_PROSE_EDITOR_EXTENSIONS=[group]):
        allowed = allowlist_from_extensions(BODY_EXTENSIONS)
    for bodies in STORED.values():
        for body in bodies.values():
            for tag, attributes in _Markup(body).used:
                assert tag in allowed["tags"], (tag, body)
                assert attributes <= allowed["attributes"].get(tag, set()), (tag, body)


def _upload(request):
    return HttpResponse(status=201)


def _urlconf(name, urlpatterns):
    module = ModuleType(name)
    module.urlpatterns = urlpatterns
    return module


UPLOAD_ROUTE = path("images/upload/", _upload, name="articles_articleimage_upload")
WITH_UPLOAD = _urlconf("with_upload", [path("admin/", include(([UPLOAD_ROUTE], "admin")))])
WITHOUT_UPLOAD = _urlconf("without_upload", [])


def test_widget_hands_the_editor_our_module_and_the_upload_url():
    with override_settings(ROOT_URLCONF=WITH_UPLOAD):
        config = body_widget().get_config()
    assert config["js_modules"] == ["/static/admin/js/body-editor.js"]
    assert config["extensions"]["BodyFigure"] == {"uploadUrl": "/admin/images/upload/"}
    assert config["extensions"]["Heading"] == {"levels": [2, 3, 4]}
    assert {"NoConvert", "SourceScript", "BodyImage", "WordPaste"} <= config["extensions"].keys()


def test_widget_without_the_upload_route_offers_addresses_only():
    with override_settings(ROOT_URLCONF=WITHOUT_UPLOAD):
        config = body_widget().get_config()
    assert config["extensions"]["BodyFigure"] == {"uploadUrl": None}


def test_admin_change_page_loads_the_editor_from_local_files(editor_client, article):
    response = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assertContains(response, "data-django-prose-editor-configurable")
    assertContains(response, '<script type="importmap"')
    assert "admin/js/body-editor.js" in content
    tags = re.findall(r"<(?:script|link)\b[^>]*>", content)
    urls = [m for tag in tags for m in re.findall(r'(?:src|href)="([^"]+)"', tag)]
    importmap = re.search(r'<script type="importmap"[^>]*>(.*?)</script>', content, re.S)
    urls += json.loads(importmap.group(1))["imports"].values()
    assert "/static/django_prose_editor/editor.js" in urls
    assert "/static/admin/css/body-editor.css" in urls
    for url in urls:
        assert not url.startswith(("http://", "https://", "//")), url
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), f"{url} is not a local file"


# The browser half: one Chromium run drives the real editor through every scenario.

ASSETS = [
    "django_prose_editor/editor.js",
    "django_prose_editor/configurable.js",
    "django_prose_editor/editor.css",
    "django_prose_editor/overrides.css",
    "django_prose_editor/material-icons.css",
    "django_prose_editor/material-icons.woff2",
    "admin/js/body-editor.js",
    "admin/css/body-editor.css",
]

SCENARIO = """
window.__errors = [];
window.addEventListener("error", (e) => __errors.push(String(e.message)));
window.addEventListener("unhandledrejection", (e) => __errors.push(String(e.reason)));
const consoleError = console.error;
console.error = (...args) => { __errors.push(args.map(String).join(" ")); consoleError(...args) };
const INPUT = JSON.parse(document.currentScript.dataset.input);
const ready = {};
const editors = new Promise((resolve) => {
  document.addEventListener("prose-editor:ready", ({ detail: { editor, textarea } }) => {
    const done = () => {
      ready[textarea.id] = editor;
      if (Object.keys(ready).length === INPUT.editors) resolve();
    };
    if (editor.isInitialized) done(); else editor.on("create", done);
  });
});
const nextUpdate = (editor) => new Promise((resolve) => {
  const handler = () => { editor.off("update", handler); resolve() };
  editor.on("update", handler);
});
const nextChange = (element) => new Promise((resolve) => {
  const observer = new MutationObserver(() => { observer.disconnect(); resolve() });
  observer.observe(element, { childList: true, characterData: true, subtree: true });
});
const click = (name, id = "id_body") =>
  document.querySelector(`.prose-editor:has(#${id}) [data-name="${name}"]`).click();

const send = window.fetch.bind(window);  // the upload scenario replaces window.fetch
const step = (name) => navigator.sendBeacon("/progress", name);
const report = (data) => send("/results", { method: "POST", body: JSON.stringify(data) });

const positionOf = (editor, type) => {
  let found = null;
  editor.state.doc.descendants((node, pos) => {
    if (found === null && node.type.name === type) found = pos;
  });
  return found;
};

async function run() {
  step("waiting for the editors");
  await editors;
  const editor = ready.id_body;
  const out = { samples: [], pastes: [] };
  let updated;

  step("stored bodies");
  // Each stored body loaded as the form's editor loads it; the form value it writes.
  const textarea = document.getElementById("id_body");
  const UNSET = "(the editor wrote nothing)";
  out.stored = {};
  let previous = null;
  for (const [kind, bodies] of Object.entries(INPUT.stored)) {
    out.stored[kind] = {};
    for (const [key, body] of Object.entries(bodies)) {
      // Loading the same document again is no update: make each body news to the editor.
      if (body === previous) editor.commands.setContent("<hr>", { emitUpdate: false });
      previous = body;
      textarea.value = UNSET;
      editor.commands.setContent(body);
      out.stored[kind][key] = textarea.value;
    }
  }
  out.markOrder = Object.keys(editor.schema.marks);
  // The demo bodies as their own editors opened them from the textarea.
  out.opened = Object.fromEntries(
    INPUT.demo.map((key) => [key, ready[`id_demo_${key}`].getHTML()]),
  );
  ready.id_demo_waterlogging.chain().focus("end").insertContent("（完）").run();
  out.edited = document.getElementById("id_demo_waterlogging").value;

  step("abbreviation");
  editor.commands.setContent("<p>加入WTO</p>");
  editor.commands.setTextSelection({ from: 3, to: 6 });
  click("abbr");
  const abbreviation = document.querySelector(".prose-editor:has(#id_body) dialog");
  out.abbrDialog = abbreviation.querySelector("h3").textContent;
  abbreviation.querySelector("[name=title]").value = " 世界贸易组织 ";
  updated = nextUpdate(editor);
  abbreviation.querySelector("button[type=submit]").click();
  await updated;
  out.abbr = editor.getHTML();

  step("table caption");
  editor.commands.setContent("<table><tbody><tr><td><p>格</p></td></tr></tbody></table>");
  editor.commands.setTextSelection(positionOf(editor, "tableCell") + 2);
  click("tableCaption");
  editor.commands.insertContent("表题");
  out.captionAdded = editor.getHTML();
  editor.commands.setTextSelection(positionOf(editor, "tableCell") + 2);
  click("tableCaption");
  out.captionRemoved = editor.getHTML();
  for (const body of INPUT.samples) {
    editor.commands.setContent(body);
    out.samples.push(editor.getHTML());
  }
  for (const body of INPUT.pastes) {
    editor.commands.setContent("");
    editor.view.pasteHTML(body);
    out.pastes.push(editor.getHTML());
  }

  step("marks");
  editor.commands.setContent("<p>记者陈航报道</p>");
  editor.commands.setTextSelection({ from: 3, to: 5 });
  click("noConvert");
  editor.commands.setTextSelection({ from: 5, to: 7 });
  click("sourceScript:zh-Hant");
  out.marks = editor.getHTML();
  out.textarea = document.getElementById("id_body").value;
  const menubar = document.querySelector(".prose-editor:has(#id_body) .prose-menubar");
  const buttons = menubar.querySelectorAll("[data-name]");
  out.toolbar = [...buttons].map((b) => [b.dataset.name, b.getAttribute("title")]);

  step("image by address");
  // An image by address, with a caption: its size is read from the image itself.
  editor.commands.setContent("<p>图前</p>");
  editor.commands.focus("end");
  click("figure");
  let dialog = document.querySelector("dialog.body-image-dialog");
  out.uploadField = !!dialog.querySelector("input[type=file]");
  dialog.querySelector("[name=src]").value = INPUT.pixel;
  dialog.querySelector("[name=alt]").value = "示意图";
  dialog.querySelector("[name=caption]").value = "图片说明";
  updated = nextUpdate(editor);
  dialog.querySelector("form").requestSubmit();
  await updated;
  out.byAddress = editor.getHTML();

  step("upload");
  // An upload: the endpoint's answers (201 and 400) as its contract states them.
  window.__requests = [];
  window.fetch = async (url, options) => {
    const body = options.body;
    __requests.push({
      url, method: options.method, csrf: options.headers["X-CSRFToken"],
      fields: [...body.keys()], alt: body.get("alt"), name: body.get("image").name,
    });
    const headers = { "Content-Type": "application/json" };
    const json = (data, status) => new Response(JSON.stringify(data), { status, headers });
    if (body.get("alt") === "坏图") return json({ error: "无法识别的图片格式。" }, 400);
    const alt = body.get("alt");
    const src = "/media/images/2026/11/ab.jpg";
    return json({ id: 7, src, width: 1280, height: 853, alt }, 201);
  };
  editor.commands.setContent("<p>图前</p>");
  editor.commands.focus("end");
  click("figure");
  dialog = document.querySelector("dialog.body-image-dialog");
  const files = new DataTransfer();
  const photo = new File([new Uint8Array([255, 216, 255])], "photo.jpg", { type: "image/jpeg" });
  files.items.add(photo);
  dialog.querySelector("input[type=file]").files = files.files;
  dialog.querySelector("[name=alt]").value = "坏图";
  const error = dialog.querySelector(".body-image-error");
  dialog.querySelector("form").requestSubmit();
  await nextChange(error);
  out.uploadError = error.textContent;
  out.dialogStillOpen = dialog.open;
  dialog.querySelector("[name=alt]").value = "示意图";
  updated = nextUpdate(editor);
  dialog.querySelector("form").requestSubmit();
  await updated;
  out.uploaded = editor.getHTML();
  out.requests = __requests;

  step("without the upload route");
  // Without the upload route there is no file field.
  ready.id_plain.commands.focus("end");
  click("figure", "id_plain");
  const plainDialog = document.querySelector(".prose-editor:has(#id_plain) dialog");
  out.plainUploadField = !!plainDialog.querySelector("input[type=file]");
  out.errors = __errors;
  await report(out);
}
run().catch((e) => report({ failed: String(e), errors: __errors }));
"""


class _Recorder(SimpleHTTPRequestHandler):
    """Serves the page and its files; takes the scenario's progress and results."""

    def do_POST(self):
        data = self.rfile.read(int(self.headers["Content-Length"])).decode()
        if self.path == "/results":
            self.server.results.put(data)
        else:
            self.server.progress = data
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser_run(tmp_path_factory):
    """Run the scenario once in headless Chromium and return what it recorded."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed")
    folder = tmp_path_factory.mktemp("editor")
    for asset in ASSETS:
        (folder / "static" / asset).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(finders.find(asset), folder / "static" / asset)
    Image.new("RGB", (3, 2), "red").save(folder / "pixel.png")
    inputs = {
        "samples": list(EDITOR_OUTPUT.values()),
        "pastes": [
            WORD_CLIPBOARD,
            '<h1>标题</h1><p onclick="x()">段落<a href="javascript:alert(1)">坏链接</a>'
            '<img src="data:image/png;base64,AAAA"><script>alert(2)</script></p>',
            "<h5>五级</h5><h6>六级</h6><table><caption>表题</caption><tr><td>格</td></tr></table>",
        ],
        "pixel": "/pixel.png",
        "stored": STORED,
        "demo": list(STORED["demo"]),
        "editors": 2 + len(STORED["demo"]),
    }
    with override_settings(ROOT_URLCONF=WITH_UPLOAD):
        widget = body_widget()
        editor = widget.render("body", "<p>正文</p>", attrs={"id": "id_body"})
        demos = "".join(
            widget.render(f"demo_{key}", body, attrs={"id": f"id_demo_{key}"})
            for key, body in STORED["demo"].items()
        )
    with override_settings(ROOT_URLCONF=WITHOUT_UPLOAD):
        plain = body_widget().render("plain", "<p>另一篇</p>", attrs={"id": "id_plain"})
    (folder / "page.html").write_text(
        f'<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">{widget.media}</head>'
        f'<body><script data-input="{html.escape(json.dumps(inputs))}">{SCENARIO}</script>'
        '<form><input type="hidden" name="csrfmiddlewaretoken" value="token-from-the-form">'
        f"{editor}</form><form>{plain}</form><form>{demos}</form></body></html>"
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Recorder, directory=folder))
    server.results, server.progress = queue.Queue(), "loading the page"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/page.html"
    command = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        f"--user-data-dir={folder / 'profile'}", url,
    ]  # fmt: skip
    browser = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        results = server.results.get(timeout=120)
    except queue.Empty:
        pytest.fail(f"the editor scenario stopped at: {server.progress}")
    finally:
        browser.terminate()
        browser.wait(timeout=30)
        server.shutdown()
        server.server_close()
    return json.loads(results)


def test_editor_runs_without_script_errors(browser_run):
    assert "failed" not in browser_run
    assert browser_run["errors"] == []


def test_editor_toolbar_has_our_buttons_in_chinese(browser_run):
    names = [name for name, _ in browser_run["toolbar"]]
    assert [name for name in names if name in TOOLBAR] == TOOLBAR
    titles = dict(browser_run["toolbar"])
    assert titles["bold"] == "粗体"
    assert titles["noConvert"].startswith("所选文字在任何文字版本中都保持原样")


@pytest.mark.parametrize("index", range(len(EDITOR_OUTPUT)), ids=EDITOR_OUTPUT.keys())
def test_editor_opens_a_saved_body_without_changing_it(browser_run, index):
    body = list(EDITOR_OUTPUT.values())[index]
    assert browser_run["samples"][index] == body


def test_editor_marks_text_for_the_converter(browser_run):
    expected = '<p>记者<span translate="no">陈航</span><span lang="zh-Hant">报道</span></p>'
    assert browser_run["marks"] == expected
    assert browser_run["textarea"] == expected  # what the form submits


def test_word_paste_becomes_clean_structure(browser_run):
    pasted = browser_run["pastes"][0]
    assert pasted == (
        "<h2>夜间公交试运行说明</h2>"
        "<p>2026年起，示例市将试行<strong>夜间公交</strong>线路，<em>首月免费</em>。</p>"
        "<h2>开通线路</h2>"
        "<ul><li><p>首批开通三条线路</p></li><li><p>票价统一为两元</p>"
        "<ul><li><p>刷卡另有优惠</p></li></ul></li></ul>"
        '<ol data-type="decimal"><li><p>第一步：办理乘车卡</p></li>'
        "<li><p>第二步：在线充值</p></li></ol>"
        "<table><tbody><tr><td><p><strong>线路</strong></p></td>"
        "<td><p><strong>首班时间</strong></p></td></tr>"
        "<tr><td><p>N1</p></td><td><p>22:00</p></td></tr></tbody></table>"
        "<p>详情请见示例市交通网站。&nbsp;</p>"
    )
    assert sanitize_html(pasted) == pasted


def test_hostile_paste_is_dropped_by_the_editor_too(browser_run):
    pasted = browser_run["pastes"][1]
    assert pasted == "<h2>标题</h2><p>段落坏链接</p>"
    assert sanitize_html(pasted) == pasted


def test_paste_maps_small_headings_and_table_captions_as_the_server_does(browser_run):
    pasted = browser_run["pastes"][2]
    assert pasted == (
        "<h4>五级</h4><h4>六级</h4><figure><figcaption>表题</figcaption><table><tbody><tr><td>"
        "<p>格</p></td></tr></tbody></table></figure>"
    )
    assert sanitize_html(pasted) == pasted


def test_editor_marks_nest_in_the_order_the_server_writes_them(browser_run):
    assert browser_run["markOrder"] == MARK_ORDER


@pytest.mark.parametrize(("kind", "key"), STORED_CASES, ids=[f"{k}-{n}" for k, n in STORED_CASES])
def test_editor_opens_a_stored_body_unchanged(browser_run, kind, key):
    assert browser_run["stored"][kind][key] == STORED[kind][key]


def test_editor_opens_random_stored_markup_unchanged(browser_run):
    changed = {
        seed: (stored, browser_run["stored"]["random"][seed])
        for seed, stored in STORED["random"].items()
        if browser_run["stored"]["random"][seed] != stored
    }
    assert changed == {}


@pytest.mark.parametrize("key", STORED["demo"])
def test_demo_body_opened_from_its_textarea_is_unchanged(browser_run, key):
    assert browser_run["opened"][key] == STORED["demo"][key]


def test_an_edit_after_opening_keeps_the_rest_of_the_body(browser_run):
    stored = STORED["demo"]["waterlogging"]
    assert "<figure><figcaption>各区改造点位</figcaption><table>" in stored
    assert browser_run["edited"] == stored.removesuffix("</p>") + "（完）</p>"


def test_abbreviation_button_asks_for_the_expansion(browser_run):
    assert browser_run["abbrDialog"] == "缩写"
    assert browser_run["abbr"] == '<p>加入<abbr title="世界贸易组织">WTO</abbr></p>'


def test_table_caption_button_adds_and_removes_the_caption(browser_run):
    table = "<table><tbody><tr><td><p>格</p></td></tr></tbody></table>"
    assert browser_run["captionAdded"] == f"<figure><figcaption>表题</figcaption>{table}</figure>"
    assert browser_run["captionRemoved"] == table


def test_image_by_address_gets_its_size_and_caption(browser_run):
    assert browser_run["byAddress"] == (
        '<p>图前</p><figure><img src="/pixel.png" alt="示意图" width="3" height="2">'
        "<figcaption>图片说明</figcaption></figure>"
    )


def test_image_upload_follows_the_endpoint_contract(browser_run):
    assert browser_run["uploadField"] is True
    assert browser_run["uploadError"] == "无法识别的图片格式。"
    assert browser_run["dialogStillOpen"] is True
    first, second = browser_run["requests"]
    assert first == {
        "url": "/admin/images/upload/",
        "method": "POST",
        "csrf": "token-from-the-form",
        "fields": ["image", "alt", "caption"],
        "alt": "坏图",
        "name": "photo.jpg",
    }
    assert second["alt"] == "示意图"
    uploaded = browser_run["uploaded"]
    assert uploaded == (
        '<p>图前</p><img src="/media/images/2026/11/ab.jpg" alt="示意图" width="1280" '
        'height="853" data-image="7">'
    )
    assert sanitize_html(uploaded) == uploaded


def test_without_the_upload_route_the_dialog_asks_for_an_address(browser_run):
    assert browser_run["plainUploadField"] is False
