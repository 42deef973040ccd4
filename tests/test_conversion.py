"""
The script converter on its own (no HTTP): the variant table, how ``lang`` picks
the source script, what is and is not converted, malformed pages, and the
conversion corpus end to end against OpenCC itself.
"""

import html
import itertools
import json
import random
import re
from pathlib import Path

import pytest

from articles.text import clean_text
from newsportal.conversion import (
    HANS,
    HANT,
    VARIANTS,
    convert_html,
    convert_text,
    converter,
    detect_script,
    script_counts,
    script_of_lang,
)

# The corpus lives beside the repository (../shared/corpus) and is never copied into it.
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
NO_CORPUS = f"conversion corpus not found at {CORPUS} (expected beside the repo: ../shared/corpus)"

SIMPLIFIED = "软件发布会里面的鼠标和内存"
TRADITIONAL = "裏面的羣眾關心衛生與布局"
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


def page_text(page):
    """What a reader reads: the page without its tags, entities resolved."""
    return html.unescape(re.sub(r"<[^>]*>", "", page))


def _convert_piecewise(page, config):
    """Each text between tags converted on its own: what a naive converter shows."""
    pieces = re.split(r"(<[^>]*>)", page)
    return "".join(p if p.startswith("<") else converter(config).convert(p) for p in pieces)


def without_han(text):
    """Everything but the Chinese characters: what conversion must never touch."""
    return _HAN.sub("", text)


# --- The variant table -------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "lang", "from_hans", "from_hant"),
    [
        ("zh-hans", "zh-Hans", None, "t2s"),
        ("zh-hant", "zh-Hant", "s2tw", None),
        ("zh-tw", "zh-TW", "s2twp", "t2tw"),
        ("zh-hk", "zh-HK", "s2hk", "t2hk"),
    ],
)
def test_variant_table_names_one_opencc_config_per_source_script(code, lang, from_hans, from_hant):
    variant = VARIANTS[code]
    assert (variant.lang, variant.from_hans, variant.from_hant) == (lang, from_hans, from_hant)


@pytest.mark.parametrize("code", sorted(VARIANTS))
@pytest.mark.parametrize(("source", "text"), [(HANS, SIMPLIFIED), (HANT, TRADITIONAL)])
def test_each_variant_converts_each_source_script_with_its_config(code, source, text):
    variant = VARIANTS[code]
    config = variant.config_for(source)
    expected = converter(config).convert(text) if config else text
    if config:
        assert expected != text  # the sample means something for this config
    assert convert_text(text, source, code) == expected
    page = convert_html(f'<p lang="{source}">{text}</p>', code)
    assert page == f'<p lang="{variant.lang}">{expected}</p>'


@pytest.mark.parametrize(
    ("code", "source", "text", "expected"),
    [
        ("zh-hans", HANS, "软件发布会的布局", "软件发布会的布局"),
        ("zh-hans", HANT, "軟體發佈會的佈局", "软体发布会的布局"),
        ("zh-hant", HANS, "软件发布会的布局", "軟件發佈會的佈局"),
        ("zh-hant", HANT, "軟體發表會的布局", "軟體發表會的布局"),
    ],
)
def test_enabled_variants_read_as_the_table_says(code, source, text, expected):
    assert convert_html(f'<p lang="{source}">{text}</p>', code) == (
        f'<p lang="{VARIANTS[code].lang}">{expected}</p>'
    )


@pytest.mark.parametrize("code", ["zh-hant", "zh-tw", "zh-hk"])
@pytest.mark.parametrize("text", ["布局", "峰", "山峰布局", "高峰的布局", "重新布局，登上高峰"])
def test_traditional_text_is_shown_as_written_to_traditional_readers(code, text):
    # s2t would make 佈局 and 峯 of these; Traditional readers get what the editor wrote.
    assert converter("s2t").convert(text) != text
    page = convert_html(f'<div lang="zh-Hant"><p>{text}</p></div>', code)
    assert page_text(page) == text


def test_simplified_text_is_shown_as_written_to_simplified_readers():
    text = "幺麽小丑也来发布会，乾隆年间的故事"
    assert converter("t2s").convert(text) != text  # t2s would write 幺么
    assert convert_html(f'<p lang="zh-Hans">{text}</p>', "zh-hans") == (
        f'<p lang="zh-Hans">{text}</p>'
    )


# --- Which script a piece of text is written in ------------------------------


@pytest.mark.parametrize(("outer", "inner"), [(HANT, HANS), (HANS, HANT)])
def test_nearest_lang_decides_the_source_script(outer, inner):
    # 布局 has no telling character: only lang says which script it is written in.
    page = convert_html(
        f'<div lang="{outer}"><p>布局<span lang="{inner}">布局</span>布局</p></div>', "zh-hant"
    )
    as_seen = {HANT: "布局", HANS: "佈局"}
    assert page_text(page) == as_seen[outer] + as_seen[inner] + as_seen[outer]


@pytest.mark.parametrize(
    ("value", "script"),
    [
        *[(v, HANT) for v in ["zh-TW", "zh-HK", "zh-MO", "zh-Hant", "zh-Hant-TW", "zh_TW"]],
        *[(v, HANS) for v in ["zh", "zh-CN", "zh-Hans", "zh-SG", "ZH-hans", "zh-Hans-TW"]],
        *[(v, None) for v in ["en", "en-US", "fr", "", "zh-Latn"]],
    ],
)
def test_lang_value_names_a_source_script_or_none(value, script):
    assert script_of_lang(value) == script


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *[(v, "布局") for v in ["zh-TW", "zh-HK", "zh-Hant-TW", "zh_TW"]],
        *[(v, "佈局") for v in ["zh", "zh-CN", "zh-Hans", "zh-SG"]],
    ],
)
def test_lang_value_decides_how_text_converts(value, expected):
    page = convert_html(f'<p lang="{value}">布局</p>', "zh-hant")
    assert page_text(page) == expected


@pytest.mark.parametrize(("parent", "expected"), [(HANT, "布局"), (HANS, "佈局")])
def test_non_chinese_lang_inherits_the_parents_script(parent, expected):
    page = convert_html(f'<div lang="{parent}"><p lang="en">布局 layout</p></div>', "zh-hant")
    assert f'<p lang="en">{expected} layout</p>' in page


@pytest.mark.parametrize("lang", [HANS, HANT])
def test_mixed_paragraph_reads_wholly_in_the_readers_script(lang):
    simplified = "这是简体新闻，软件发布会今天举行。"
    traditional = "這是繁體新聞，軟體介面的布局與設計。"
    paragraph = f'<p lang="{lang}">{simplified}{traditional}</p>'

    hant = page_text(convert_html(paragraph, "zh-hant"))
    assert hant == converter("s2tw").convert(simplified) + traditional
    assert script_counts(hant)[0] == 0

    hans = page_text(convert_html(paragraph, "zh-hans"))
    assert hans == simplified + converter("t2s").convert(traditional)
    assert script_counts(hans)[1] == 0


@pytest.mark.parametrize(
    ("text", "default", "expected"),
    [
        ("软件发布会今天举行", HANS, HANS),
        ("軟體發佈會今天舉行", HANS, HANT),
        ("这是简体，只有一個繁体字", HANT, HANS),
        ("這是繁體，只有一个簡體字", HANS, HANT),
        ("hello, 2026!", HANS, HANS),
        ("hello, 2026!", HANT, HANT),
        ("布局", HANT, HANT),  # no telling character either way
        ("", HANS, HANS),
    ],
)
def test_detect_script_takes_the_majority_of_telling_characters(text, default, expected):
    assert detect_script(text, default=default) == expected


@pytest.mark.parametrize("char", list("峰群温台床脱税秘"))
def test_characters_taiwan_and_hong_kong_print_tell_no_script(char):
    # s2t rewrites them (峯, 羣, 溫…), yet s2tw or s2hk keeps them: Traditional text uses them.
    assert converter("s2t").convert(char) != char
    assert char in (converter("s2tw").convert(char), converter("s2hk").convert(char))
    assert script_counts(char) == (0, 0)


# --- What is converted, and what never is ------------------------------------


@pytest.mark.parametrize(
    "snippet",
    [
        '<script>var title = "发布会"; if (a < b) { go("/发布会/"); }</script>',
        '<style>.notice::after { content: "发布会"; }</style>',
        "<pre>发布会的布局</pre>",
        "<p><code>发布会</code></p>",
        "<kbd>发布</kbd><samp>发布会</samp>",
        "<textarea>发布会的布局</textarea>",
        '<a href="/zh-hans/tags/发布会/">x</a>',
        '<img src="/发布会.png" srcset="/发布会.png 2x, /发布会-大.png 3x">',
        '<form action="/搜索/发布会/"><input name="q" value="发布会"></form>',
        '<div data-title="发布会" data-note="头发">x</div>',
        '<x-发布会 发布="1"></x-发布会>',
        '<p translate="no" title="发布会" lang="zh-Hans">发布会<b>头发</b></p>',
    ],
)
def test_code_urls_form_values_names_and_untranslated_parts_are_never_converted(snippet):
    assert convert_html(snippet, "zh-hant") == snippet


def test_translate_yes_converts_again_inside_translate_no():
    page = convert_html(
        '<div translate="no">发布会<span translate="yes">发布会</span>发布会</div>', "zh-hant"
    )
    assert page == '<div translate="no">发布会<span translate="yes">發佈會</span>发布会</div>'


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("<p>发布会</p>", "<p>發佈會</p>"),
        ("<title>发布会 - 新闻门户</title>", "<title>發佈會 - 新聞門戶</title>"),
        ('<abbr title="发布会">发</abbr>', '<abbr title="發佈會">發</abbr>'),
        ('<img src="/a.png" alt="发布会现场">', '<img src="/a.png" alt="發佈會現場">'),
        ('<input name="q" placeholder="搜索新闻">', '<input name="q" placeholder="搜索新聞">'),
        ('<nav aria-label="栏目导航">', '<nav aria-label="欄目導航">'),
        (
            '<meta name="description" content="发布会">',
            '<meta name="description" content="發佈會">',
        ),
        (
            '<meta name="keywords" content="新闻,发布">',
            '<meta name="keywords" content="新聞,發佈">',
        ),
        (
            '<meta property="og:title" content="发布会">',
            '<meta property="og:title" content="發佈會">',
        ),
        (
            '<meta property="og:description" content="软件发布">',
            '<meta property="og:description" content="軟件發佈">',
        ),
    ],
)
def test_text_and_human_readable_attributes_are_converted(snippet, expected):
    assert convert_html(snippet, "zh-hant") == expected


@pytest.mark.parametrize(
    ("code", "snippet", "expected"),
    [
        # s2tw: 头发 is 頭髮 as a phrase, 頭發 piece by piece.
        ("zh-hant", "<p>头<b>发</b>很长</p>", "<p>頭<b>髮</b>很長</p>"),
        ("zh-hant", '<p>头<a href="/x/">发</a></p>', '<p>頭<a href="/x/">髮</a></p>'),
        # s2twp: 发布会 is 釋出會 as a phrase, 發佈會 piece by piece.
        ("zh-tw", "<p>发<b>布</b>会</p>", "<p>釋<b>出</b>會</p>"),
        ("zh-tw", '<p>发<b title="说明">布</b>会</p>', '<p>釋<b title="說明">出</b>會</p>'),
        (
            "zh-tw",
            '<p>发<span lang="zh-Hans">布</span>会</p>',
            '<p>釋<span lang="zh-TW">出</span>會</p>',
        ),
        # A phrase that changes length stays whole; the tag falls within it.
        ("zh-tw", "<p>内<b>存</b>很贵</p>", "<p>記憶<b>體</b>很貴</p>"),
    ],
)
def test_inline_tag_splitting_a_phrase_converts_like_the_whole_phrase(code, snippet, expected):
    config = VARIANTS[code].from_hans
    assert page_text(expected) == converter(config).convert(page_text(snippet))
    piecewise = _convert_piecewise(snippet, config)
    assert page_text(piecewise) != page_text(expected)  # the split does matter here
    assert convert_html(snippet, code) == expected


def test_tag_stays_on_its_word_when_phrases_around_it_change_length():
    # U盘 → 隨身碟 (+1) and 方便面 → 泡麵 (-1): same length overall, shifted in between.
    page = convert_html("<p>U盘<b>与</b>方便面，内<i>存</i></p>", "zh-tw")
    assert page == "<p>隨身碟<b>與</b>泡麵，記憶<i>體</i></p>"


@pytest.mark.parametrize("code", sorted(VARIANTS))
def test_lang_naming_a_chinese_script_is_rewritten_to_the_variant(code):
    page = convert_html(
        '<html lang="zh-Hans"><p lang="zh-Hant">x</p><p lang="zh-CN">y</p><p lang="en">z</p>'
        '<p translate="no" lang="zh-Hant">不</p><pre lang="zh-Hant">布局</pre></html>',
        code,
    )
    lang = VARIANTS[code].lang
    assert page == (
        f'<html lang="{lang}"><p lang="{lang}">x</p><p lang="{lang}">y</p><p lang="en">z</p>'
        '<p translate="no" lang="zh-Hant">不</p><pre lang="zh-Hant">布局</pre></html>'
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("𠮷野家发布会", "𠮷野家發佈會"),
        ("葛\U000e0100城发布会", "葛\U000e0100城發佈會"),
        ("👨\u200d👩\u200d👧家庭发布会", "👨\u200d👩\u200d👧家庭發佈會"),
        ("发布\u200b会", "發佈\u200b會"),
        ("&#21457;布会 &amp; &lt;发布&gt; &nbsp;", "&#21457;佈會 &amp; &lt;發佈&gt; &nbsp;"),
    ],
)
def test_non_bmp_selectors_emoji_zero_width_and_entities_survive(text, expected):
    assert convert_html(f"<p>{text}</p>", "zh-hant") == f"<p>{expected}</p>"


# --- Malformed pages ---------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("<p>发布会", "<p>發佈會"),
        ("发布 < 会", "發佈 < 會"),
        ("价格<5元，发布会<<>>", "價格<5元，發佈會<<>>"),
        ("<p>发布会<!-- 注释没有结束 发布会", "<p>發佈會<!-- 注释没有结束 发布会"),
        ("发布<!-- 发布 -->会<!---->头发", "發佈<!-- 发布 -->會<!---->頭髮"),
        ('<p title="发布会>发布会</p>', '<p title="发布会>發佈會</p>'),
        ('<p lang="zh-Hant>布局</p>', '<p lang="zh-Hant>佈局</p>'),
        ("</div>发布会", "</div>發佈會"),
        ("<div><span>发布<div>会</span></div></b>", "<div><span>發佈<div>會</span></div></b>"),
        ('<p>发布会</p><p title="发', '<p>發佈會</p><p title="发'),
        ('<a href="/发布会/">发布会</a', '<a href="/发布会/">發佈會</a'),
        ('<script>if (a < b) { t = "发布会"', '<script>if (a < b) { t = "发布会"'),
        ("<![CDATA[发布会", "<![CDATA[发布会"),
        ("<!doctype html><body>发布会", "<!doctype html><body>發佈會"),
    ],
)
def test_malformed_html_never_raises_and_keeps_what_it_does_not_convert(page, expected):
    converted = convert_html(page, "zh-hant")
    assert converted == expected
    assert without_han(converted) == without_han(page)


REAL_PAGE = """<!doctype html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<title>软件发布会今日举行 - 新闻门户</title>
<meta name="description" content="简体导语：新产品发布。">
<link rel="alternate" hreflang="zh-Hant" href="http://testserver/zh-hant/caijing/1/">
<style>.notice::after { content: "关闭"; } a > b { color: red; }</style>
<script>if (window.innerWidth < 600 && a > 1) { document.title = "头发<b>"; }</script>
</head>
<body class="page-article">
<!-- 页头：切换简体与繁体 -->
<a class="skip-link" href="#main">跳到正文</a>
<div class="notice-bar" data-notice="demo" role="region" aria-label="公告">
  <p>本站为 newsportal 演示站点，文章内容均为虚构，仅供体验。</p>
  <button type="button" aria-label="关闭公告" title="关闭公告">×</button>
</div>
<nav class="variant-toggle" aria-label="文字切换"><ul translate="no">
  <li><a href="/zh-hans/caijing/1/?page=2&amp;q=发布" lang="zh-Hans" class="active">简体</a></li>
</ul></nav>
<form action="/zh-hans/搜索/"><input name="q" value="发布会" placeholder="搜索新闻"></form>
<main id="main">
<article class="story">
  <h1 lang="zh-Hans">软件发布会今日举行</h1>
  <p class="byline"><time datetime="2026-11-25T17:16">2026年11月25日</time>
  <span>作者：<span lang="zh-Hans">陈航</span></span></p>
  <div class="story-body" lang="zh-Hans"><p>头<b>发</b>很长的工程师在<a href="/x/">发</a>布会上
  介绍了新的<em>内存</em>方案，价格 &lt; 100 元 &amp; 𠮷野家赞助。</p>
  <pre>print("发布会")</pre><p>一切<code>&lt;b&gt;</code>照旧。</p>
  <img src="/media/发布会.png" alt="发布会现场" width="40" height="40"></div>
  <p class="tags"><a href="/zh-hans/tags/%E6%96%B0%E9%97%BB/" rel="tag">新闻</a></p>
</article>
</main>
<footer><p>新闻门户 · 由 newsportal 驱动</p><p>© 2026 新闻门户。未经授权不得转载。</p></footer>
</body>
</html>
"""


def test_real_page_has_no_traditional_text_for_the_slicing_property():
    assert script_counts(page_text(REAL_PAGE))[1] == 0


def test_slices_of_a_simplified_page_come_back_unchanged_for_simplified_readers():
    rng = random.Random(20261125)
    for _ in range(300):
        start = rng.randrange(len(REAL_PAGE))
        piece = REAL_PAGE[start : start + rng.randrange(1, 400)]
        assert convert_html(piece, "zh-hans") == piece, piece


def test_slices_of_a_page_change_only_chinese_characters_for_traditional_readers():
    rng = random.Random(1125)
    for _ in range(300):
        start = rng.randrange(len(REAL_PAGE))
        piece = REAL_PAGE[start : start + rng.randrange(1, 400)]
        converted = re.sub(r'\blang="zh-Hant"', 'lang="zh-Hans"', convert_html(piece, "zh-hant"))
        assert without_han(converted) == without_han(piece), piece


# --- NUL ---------------------------------------------------------------------


def test_opencc_drops_everything_after_a_nul():
    # The trap the converter and clean_text guard against; if OpenCC fixes it, this says so.
    assert converter("s2tw").convert("技术\x00说明") == "技術"


def test_converter_keeps_text_after_a_nul():
    assert convert_text("技术\x00说明", HANS, "zh-hant") == "技術\x00說明"
    page = "<p>技术\x00说明</p><p>其后的段落</p>"
    assert convert_html(page, "zh-hant") == "<p>技術\x00說明</p><p>其後的段落</p>"


def test_clean_text_removes_nul_and_control_characters_but_keeps_line_breaks():
    assert clean_text("技术\x00说明\x07\t第二行\n") == "技术说明\t第二行\n"


@pytest.mark.django_db
def test_saving_an_article_strips_nul_from_title_and_body(make_article):
    article = make_article(title="软件\x00发布会", body="<p>技术\x00说明</p>")
    article.refresh_from_db()
    assert article.title == "软件发布会"
    assert article.body == "<p>技术说明</p>"


# --- The corpus ----------------------------------------------------------------

# Each config the corpus tests, and the (variant, source script) whose table row uses it.
ROUTES = {
    config: (code, source)
    for code, variant in VARIANTS.items()
    for source, config in ((HANS, variant.from_hans), (HANT, variant.from_hant))
    if config
}

# Corpus cases whose input mixes scripts clause by clause. The converter re-detects
# each clause's script (so a Simplified clause in Traditional-marked text reads
# as Traditional, and the reverse), and converts it with the config for *that*
# script, where OpenCC applies one config to the whole. Pinned here, with the
# page text the converter gives:
# - a clause in the other script than the lang says is converted from its own
#   script: for t2tw/t2hk, Simplified clauses become Traditional (OpenCC passes
#   them through); for s2twp, Traditional clauses go through t2tw, which keeps
#   their wording (元數據, 社區, 調色板, 錄像帶 rather than s2twp's Taiwan phrasing);
# - a clause holding characters of both scripts converts by its majority (a tie
#   keeps the marked script), so the minority characters stay as written: 擡头,
#   数據庫, 數据庫, 數據库. They cannot be told from Traditional characters that
#   double as Simplified forms (后, 里, 余, 据), which must stay as written;
# - 坏 counts as a Simplified character (壞), so Traditional-marked 一坏 and 坏布
#   (坯, an old form) are taken for Simplified and kept, where t2s gives 一坯, 坯布.
CLAUSE_REDETECTED = {
    ("medical_phrases_tw_hepatitis_s2twp", "s2twp"): "乙肝和丙肝患者要定期追蹤",
    ("BYVoid_OpenCC_Issue_475", "s2twp"): "後設資料 元數據 調變 數據機",
    ("variants_tw_s2twp", "s2twp"): "社區 索羅門群島 核取方塊 核取按鈕",
    ("palette_s2twp_tw2sp", "s2twp"): "調色盤 調色盤 調色板 調色盤",
    ("BYVoid_OpenCC_Issue_475_mixed_script_input", "s2twp"): (
        "錄影帶 錄影帶 錄影帶 錄像帶 資料庫 資料庫 資料庫 数據庫 資料庫 數据庫 數據库 數據庫"
    ),
    ("BYVoid_OpenCC_Issue_930", "t2tw"): "狸貓 狸貓 貍貓",
    ("BYVoid_OpenCC_Issue_930", "t2hk"): "狸貓 狸貓 貍貓",
    ("BYVoid_OpenCC_PR_1256_HK_news_channels", "t2hk"): (
        "有線新聞 無綫新聞 無綫新聞台 有線新聞 無綫新聞 無綫新聞台"
    ),
    ("BYVoid_OpenCC_PR_1267_HK_proper_noun_variants_heng_lines", "t2hk"): (
        "恒生大學 恒生指數 觀塘綫 港島綫 恒生大學 恒生指數 觀塘綫 港島綫"
    ),
    ("BYVoid_OpenCC_Issue_722", "t2hk"): "抬頭 擡头 抬頭 擡頭",
    ("BYVoid_OpenCC_Issue_722", "t2tw"): "抬頭 擡头 抬頭 擡頭",
    ("BYVoid_OpenCC_Issue_767_solace", "t2tw"): "慰藉著受傷的心靈 慰藉著受傷的心靈",
    ("BYVoid_OpenCC_Issue_767_solace", "t2hk"): "慰藉著受傷的心靈 慰藉着受傷的心靈",
    ("BYVoid_OpenCC_Issue_506", "t2tw"): "機率 機率 機會率 概率",
    ("BYVoid_OpenCC_Issue_506", "t2hk"): "幾率 機率 機會率 概率",
    ("t2s_huai_and_pi_phrases", "t2s"): "破坏 身坏命终 一坏 制坯 坏布 面坯儿",
}


def _corpus_params(redetected):
    path = CORPUS / "opencc_testcases.json"
    if not path.is_file():
        return [pytest.param("", "", "", "", marks=pytest.mark.skip(reason=NO_CORPUS))]
    cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
    return [
        pytest.param(case["id"], case["input"], config, expected, id=f"{case['id']}-{config}")
        for case in cases
        for config, expected in case["expected"].items()
        if config in ROUTES and ((case["id"], config) in CLAUSE_REDETECTED) == redetected
    ]


def _convert_case(text, config):
    code, source = ROUTES[config]
    return page_text(convert_html(f'<p lang="{source}">{html.escape(text)}</p>', code))


@pytest.mark.parametrize(("case_id", "text", "config", "expected"), _corpus_params(False))
def test_corpus_case_reads_as_opencc_converts_it(case_id, text, config, expected):
    assert converter(config).convert(text) == expected
    assert _convert_case(text, config) == expected


@pytest.mark.parametrize(("case_id", "text", "config", "expected"), _corpus_params(True))
def test_corpus_case_with_clauses_in_the_other_script_converts_clause_by_clause(
    case_id, text, config, expected
):
    _code, source = ROUTES[config]
    simplified, traditional = script_counts(text)
    assert (traditional if source == HANS else simplified) > 0  # the clauses to re-detect
    page = _convert_case(text, config)
    assert page != expected
    assert page == CLAUSE_REDETECTED[(case_id, config)]


def test_every_listed_corpus_difference_is_a_corpus_case():
    path = CORPUS / "opencc_testcases.json"
    if not path.is_file():
        pytest.skip(NO_CORPUS)
    cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
    known = {(case["id"], config) for case in cases for config in case["expected"]}
    assert set(CLAUSE_REDETECTED) <= known


def _decorate(paragraph):
    """Inline tags at fixed places, splitting many a phrase: <b>一</b><a>二字</a>三个字…"""
    out = []
    position = 0
    for number in itertools.count():
        if position >= len(paragraph):
            break
        size = (1, 2, 3)[number % 3]
        chunk = html.escape(paragraph[position : position + size], quote=False)
        out.append((f"<b>{chunk}</b>", f'<a href="#n{number}">{chunk}</a>', chunk)[number % 3])
        position += size
    return "".join(out)


def test_constitution_reads_as_s2tw_converts_it_paragraph_by_paragraph():
    path = CORPUS / "us_constitution_zhs.txt"
    if not path.is_file():
        pytest.skip(NO_CORPUS)
    paragraphs = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    paragraphs = [p for p in paragraphs if p]
    page = "\n".join(f'<p lang="zh-Hans">{_decorate(p)}</p>' for p in paragraphs)
    converted = convert_html(f'<div class="story-body">{page}</div>', "zh-hant")

    got = [page_text(p) for p in re.findall(r"<p[^>]*>(.*?)</p>", converted, re.S)]
    expected = [converter("s2tw").convert(p) for p in paragraphs]
    assert got == expected
    # The tags do split phrases OpenCC converts differently whole and in pieces.
    piecewise = [page_text(_convert_piecewise(_decorate(p), "s2tw")) for p in paragraphs]
    assert sum(a != b for a, b in zip(piecewise, expected, strict=True)) >= 5
