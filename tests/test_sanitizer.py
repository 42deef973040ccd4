"""
The body sanitiser: what hostile or messy HTML becomes when an article is saved.

Every case pins the exact stored output: a change in nh3 or in our allow-list
that lets anything new through shows up here, and so does a change in how markup
the body editor cannot hold is normalised (``articles/body_reader.py``). The
stored outputs are also opened in the real editor (``tests/test_editor.py``),
which must give them back unchanged.
"""

import random
from collections import Counter
from html.parser import HTMLParser

import pytest
from pytest_django.asserts import assertContains

from articles.demo.content import ARTICLES
from articles.text import clean_html, sanitize_html

HOSTILE = {
    "script": ("<p>正文<script>alert(1)</script>结束</p>", "<p>正文结束</p>"),
    "script_uppercase_with_src": (
        '<SCRIPT SRC="https://evil.example/x.js"></SCRIPT><p>正文</p>',
        "<p>正文</p>",
    ),
    "event_handlers": (
        '<p onclick="alert(1)" onmouseover="alert(2)">正文</p>'
        '<img src="/a.jpg" onerror="alert(3)" alt="图">',
        '<p>正文</p><img src="/a.jpg" alt="图">',
    ),
    "javascript_url": ('<a href="javascript:alert(1)">链接</a>', "<p>链接</p>"),
    "javascript_mixed_case": ('<a href="JaVaScRiPt:alert(1)">链接</a>', "<p>链接</p>"),
    "javascript_decimal_entity": ('<a href="&#106;avascript:alert(1)">链接</a>', "<p>链接</p>"),
    "javascript_hex_entity": ('<a href="&#x6A;avascript:alert(1)">链接</a>', "<p>链接</p>"),
    "javascript_tab_entity": ('<a href="java&#09;script:alert(1)">链接</a>', "<p>链接</p>"),
    "javascript_newline": ('<a href="java\nscript:alert(1)">链接</a>', "<p>链接</p>"),
    "javascript_leading_spaces": ('<a href="  javascript:alert(1)">链接</a>', "<p>链接</p>"),
    "vbscript_url": ('<a href="vbscript:msgbox(1)">链接</a>', "<p>链接</p>"),
    "data_url_link": ('<a href="data:text/html;base64,PHNjcmlwdD4=">链接</a>', "<p>链接</p>"),
    "data_url_image": (
        '<p>图<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="图"></p>',
        "<p>图</p>",
    ),
    "style_element": ("<style>body{display:none}</style><p>正文</p>", "<p>正文</p>"),
    "style_attribute": ('<p style="background:url(javascript:alert(1))">正文</p>', "<p>正文</p>"),
    "iframe": ('<iframe src="https://evil.example/"></iframe><p>正文</p>', "<p>正文</p>"),
    "iframe_srcdoc": ('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;">回退</iframe>', ""),
    "object_and_embed": (
        '<object data="https://evil.example/x.swf"><param name="a" value="b">回退</object>'
        '<embed src="https://evil.example/x.swf">',
        "",
    ),
    "svg_onload": (
        '<svg onload="alert(1)"><circle r="1"></circle></svg><p>正文</p>',
        "<p>正文</p>",
    ),
    "svg_script_and_xlink": (
        '<svg><script>alert(1)</script><a xlink:href="javascript:alert(2)">点</a></svg>',
        "",
    ),
    "math_mxss": (
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style>"
        "</mglyph></table></mtext></math>",
        "",
    ),
    "meta_refresh": (
        '<meta http-equiv="refresh" content="0;url=https://evil.example/"><p>正文</p>',
        "<p>正文</p>",
    ),
    "base_href": (
        '<base href="https://evil.example/"><a href="/news/">新闻</a>',
        '<p><a href="/news/" rel="noopener noreferrer">新闻</a></p>',
    ),
    "form_and_input": (
        '<form action="https://evil.example/"><input name="q" value="x">'
        '<button formaction="javascript:alert(1)">提交</button></form>',
        "<p>提交</p>",
    ),
    "srcset_injection": (
        '<img src="/a.jpg" srcset="javascript:alert(1) 1x, /b.jpg 2x" alt="图">',
        '<img src="/a.jpg" alt="图">',
    ),
    "target_blank_gets_noopener": (
        '<a href="https://example.com/" target="_blank">外链</a>',
        '<p><a target="_blank" href="https://example.com/" rel="noopener noreferrer">外链</a></p>',
    ),
    "other_target_and_rel_dropped": (
        '<a href="https://example.com/" target="_top" rel="opener">外链</a>',
        '<p><a href="https://example.com/" rel="noopener noreferrer">外链</a></p>',
    ),
    "comment": ("<p>正文<!-- 内部备注 --></p>", "<p>正文</p>"),
    "conditional_comment": (
        "<!--[if IE]><script>alert(1)</script><![endif]--><p>正文</p>",
        "<p>正文</p>",
    ),
    "downlevel_revealed_conditional": ("<p><![if !IE]>可见<![endif]>正文</p>", "<p>可见正文</p>"),
    "noscript_mxss": (
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
        '<img src="x"><p>"&gt;</p>',
    ),
    "template": ("<template><img src=x onerror=alert(1)></template><p>正文</p>", "<p>正文</p>"),
    "attribute_with_escaped_quotes": (
        '<a href="/a" title="一&quot; onmouseover=&quot;alert(1)">正文</a>',
        '<p><a href="/a" title="一&quot; onmouseover=&quot;alert(1)" rel="noopener noreferrer">'
        "正文</a></p>",
    ),
    "attribute_with_quotes_and_brackets": (
        "<img src='/a.jpg' alt='他说\"好\"' title=\"x>y<z\">",
        '<img src="/a.jpg" alt="他说&quot;好&quot;" title="x&gt;y&lt;z">',
    ),
    "unclosed_attribute": (
        '<abbr title="正文>文字<img src=x onerror=alert(1)//">WTO</abbr>',
        '<p><abbr title="正文&gt;文字&lt;img src=x onerror=alert(1)//">WTO</abbr></p>',
    ),
    "title_the_editor_cannot_hold_goes_with_its_empty_paragraph": (
        '<p title="正文>文字<img src=x onerror=alert(1)//">',
        "",
    ),
    "lang_that_is_not_a_language_tag": (
        '<span lang="zh-Hant&quot;><script>">繁體</span><span lang="zh-Hant">繁體</span>',
        '<p>繁體<span lang="zh-Hant">繁體</span></p>',
    ),
    "translate_only_yes_or_no": (
        '<span translate="NO">不转</span><span translate="maybe">转</span>',
        '<p><span translate="no">不转</span>转</p>',
    ),
    "data_image_only_digits": (
        '<img src="/a.jpg" alt="图" data-image="7"><img src="/b.jpg" alt="图" data-image="7;x">',
        '<img src="/a.jpg" alt="图" data-image="7"><img src="/b.jpg" alt="图">',
    ),
    "image_sizes_only_digits": (
        '<img src="/a.jpg" alt="图" width="100%" height="80" data-file="x">',
        '<img src="/a.jpg" alt="图" height="80">',
    ),
    "control_characters": ("<p>技术\x00说明\x07</p>", "<p>技术说明</p>"),
}


# Safe markup the body editor has no place for, and the form it is stored in.
NORMALISED = {
    "h5_and_h6_become_h4": (
        "<h5>五级标题</h5><h6>六级标题</h6>",
        "<h4>五级标题</h4><h4>六级标题</h4>",
    ),
    "h1_becomes_h2": ("<h1>正文里的大标题</h1>", "<h2>正文里的大标题</h2>"),
    "table_caption_becomes_figure_caption_above_the_table": (
        '<table><caption>各区改造点位</caption><thead><tr><th scope="col">辖区</th>'
        '<th scope="col">点位数</th></tr></thead><tbody><tr><td>江岸区</td><td>14</td></tr>'
        "</tbody></table>",
        '<figure><figcaption>各区改造点位</figcaption><table><tbody><tr><th scope="col"><p>辖区'
        '</p></th><th scope="col"><p>点位数</p></th></tr><tr><td><p>江岸区</p></td><td><p>14</p>'
        "</td></tr></tbody></table></figure>",
    ),
    "thead_and_tfoot_rows_join_the_body_in_reading_order": (
        '<table><tfoot><tr><td>合计</td><td>26</td></tr></tfoot><thead><tr><th scope="col">辖区'
        '</th><th scope="col">点位</th></tr></thead><tbody><tr><th scope="row">江岸区</th>'
        "<td>14</td></tr></tbody></table>",
        '<table><tbody><tr><th scope="col"><p>辖区</p></th><th scope="col"><p>点位</p></th></tr>'
        '<tr><th scope="row"><p>江岸区</p></th><td><p>14</p></td></tr><tr><td><p>合计</p></td>'
        "<td><p>26</p></td></tr></tbody></table>",
    ),
    "short_rows_are_padded_with_empty_cells": (
        "<table><tr><th>线路</th><th>首班</th><th>末班</th></tr><tr><td>N1</td></tr></table>",
        "<table><tbody><tr><th><p>线路</p></th><th><p>首班</p></th><th><p>末班</p></th></tr>"
        "<tr><td><p>N1</p></td><td><p></p></td><td><p></p></td></tr></tbody></table>",
    ),
    "overlapping_and_overlong_spans_are_cut": (
        '<table><tr><td>甲</td><td rowspan="9">乙</td></tr><tr><td colspan="3">丙</td></tr>'
        "</table>",
        '<table><tbody><tr><td><p>甲</p></td><td rowspan="2"><p>乙</p></td></tr><tr><td><p>丙'
        "</p></td></tr></tbody></table>",
    ),
    "table_without_cells_goes_but_its_caption_stays": (
        "<table><caption>空表</caption><tr></tr></table>",
        "<p>空表</p>",
    ),
    "figure_caption_after_a_table_moves_above_it": (
        "<figure><table><tr><td>格</td></tr></table><figcaption>表题</figcaption></figure>",
        "<figure><figcaption>表题</figcaption><table><tbody><tr><td><p>格</p></td></tr></tbody>"
        "</table></figure>",
    ),
    "abbr_keeps_its_title_and_without_one_is_unwrapped": (
        '<p><abbr title="世界贸易组织">WTO</abbr>与<abbr>APEC</abbr></p>',
        '<p><abbr title="世界贸易组织">WTO</abbr>与APEC</p>',
    ),
    "time_is_unwrapped_to_its_text": (
        '<p>发布于<time datetime="2026-11-25">11月25日</time></p>',
        "<p>发布于11月25日</p>",
    ),
    "small_and_cite_are_unwrapped": (
        "<p><small>（资料图）</small>见<cite>《青川志》</cite></p>",
        "<p>（资料图）见《青川志》</p>",
    ),
    "mark_stays": ("<p>今年<mark>重点</mark>整治</p>", "<p>今年<mark>重点</mark>整治</p>"),
    "q_becomes_quotation_marks": (
        "<p>他说<q>这叫<q>一点一档</q>管理</q>。</p>",
        "<p>他说“这叫‘一点一档’管理”。</p>",
    ),
    "q_in_traditional_text_becomes_corner_brackets": (
        '<p lang="zh-Hant">他說<q>這叫<q>一點一檔</q></q>。</p>',
        '<p lang="zh-Hant">他說「這叫『一點一檔』」。</p>',
    ),
    "b_and_i_become_strong_and_em": (
        "<p><b>粗</b><i>斜</i></p>",
        "<p><strong>粗</strong><em>斜</em></p>",
    ),
    "del_strike_and_ins_become_s_and_u": (
        "<p>票价<del>3元</del>、<strike>2.5元</strike><ins>2元</ins></p>",
        "<p>票价<s>3元</s>、<s>2.5元</s><u>2元</u></p>",
    ),
    "sub_and_sup_stay": (
        "<p>H<sub>2</sub>O，m<sup>2</sup></p>",
        "<p>H<sub>2</sub>O，m<sup>2</sup></p>",
    ),
    "kbd_and_samp_become_code": (
        "<p>按<kbd>Ctrl</kbd>，显示<samp>OK</samp></p>",
        "<p>按<code>Ctrl</code>，显示<code>OK</code></p>",
    ),
    "code_keeps_the_link_around_it": (
        '<p><code><a href="https://example.com/doc">manage.py</a></code></p>',
        '<p><a href="https://example.com/doc" rel="noopener noreferrer"><code>manage.py</code>'
        "</a></p>",
    ),
    "pre_becomes_a_code_block_keeping_its_spacing": (
        "<pre>第一行\n    缩进  两格<b>粗</b><br>\n末行</pre>",
        "<pre><code>第一行\n    缩进  两格粗\n\n末行</code></pre>",
    ),
    "div_and_section_are_block_boundaries": (
        "<div>第一段</div><section>第二段</section>尾声",
        "<p>第一段</p><p>第二段</p><p>尾声</p>",
    ),
    "dl_terms_and_definitions_become_paragraphs": (
        "<dl><dt>术语</dt><dd>解释</dd></dl>",
        "<p>术语</p><p>解释</p>",
    ),
    "lang_and_translate_of_a_removed_wrapper_move_to_its_blocks": (
        '<div lang="zh-Hant" translate="no"><p>繁體段落</p>直接文字<ul><li lang="zh-Hans">简体项'
        "</li></ul></div>",
        '<p lang="zh-Hant" translate="no">繁體段落</p>'
        '<p lang="zh-Hant" translate="no">直接文字</p>'
        '<ul lang="zh-Hant" translate="no"><li lang="zh-Hans"><p>简体项</p></li></ul>',
    ),
    "lang_of_a_removed_wrapper_around_a_table_goes_to_its_cells_and_caption": (
        '<div lang="zh-Hant"><table><caption>說明</caption><tr><td>格</td></tr></table></div>',
        '<figure><figcaption><span lang="zh-Hant">說明</span></figcaption><table><tbody><tr>'
        '<td lang="zh-Hant"><p>格</p></td></tr></tbody></table></figure>',
    ),
    "lang_and_translate_on_inline_markup_become_spans": (
        '<p><strong lang="zh-Hant">軟體</strong>与<em translate="no">陈航</em></p>',
        '<p><strong><span lang="zh-Hant">軟體</span></strong>与<em><span translate="no">陈航'
        "</span></em></p>",
    ),
    "translate_yes_inside_translate_no_ends_the_no_convert_span": (
        '<p><span translate="no">陈航<span translate="yes">发布会</span></span></p>',
        '<p><span translate="no">陈航</span>发布会</p>',
    ),
    "loose_text_in_list_items_quotes_and_cells_gets_paragraphs": (
        "<ul><li>一项</li></ul><blockquote>引文</blockquote><table><tr><td>格</td></tr></table>",
        "<ul><li><p>一项</p></li></ul><blockquote><p>引文</p></blockquote><table><tbody><tr><td>"
        "<p>格</p></td></tr></tbody></table>",
    ),
    "list_items_outside_a_list_become_a_list": (
        "<li>一</li><li>二</li><p>后文</p>",
        "<ul><li><p>一</p></li><li><p>二</p></li></ul><p>后文</p>",
    ),
    "list_right_inside_a_list_joins_the_item_above": (
        "<ul><li>上级</li><ul><li>下级</li></ul></ul>",
        "<ul><li><p>上级</p><ul><li><p>下级</p></li></ul></li></ul>",
    ),
    "list_item_starting_with_a_list_gets_an_empty_first_line": (
        "<ol><li><ul><li>内层</li></ul></li></ol>",
        '<ol data-type="decimal"><li><p></p><ul><li><p>内层</p></li></ul></li></ol>',
    ),
    "ordered_list_keeps_its_start_and_numbering": (
        '<ol start="3" type="i"><li>三</li></ol>',
        '<ol data-type="lower-roman" start="3" type="i"><li><p>三</p></li></ol>',
    ),
    "image_splits_the_paragraph_it_sits_in": (
        '<p>图前<img src="/media/a.jpg" alt="示意图">图后</p>',
        '<p>图前</p><img src="/media/a.jpg" alt="示意图"><p>图后</p>',
    ),
    "image_keeps_the_link_around_it": (
        '<p><a href="/media/big.jpg" target="_blank">'
        '<img src="/media/a.jpg" alt="示意图"></a></p>',
        '<a target="_blank" href="/media/big.jpg" rel="noopener noreferrer">'
        '<img src="/media/a.jpg" alt="示意图"></a>',
    ),
    "figure_without_an_image_is_unwrapped": (
        "<figure><blockquote>名言</blockquote><figcaption>出处</figcaption></figure>",
        "<blockquote><p>名言</p></blockquote><p>出处</p>",
    ),
    "figure_caption_with_paragraphs_becomes_lines": (
        '<figure><img src="/a.jpg" alt="图"><figcaption><p>第一行</p><p>第二行</p></figcaption>'
        "</figure>",
        '<figure><img src="/a.jpg" alt="图"><figcaption>第一行<br>第二行</figcaption></figure>',
    ),
    "white_space_collapses_as_the_page_shows_it": (
        "\n<p>  第一行\n  第二行 </p>\n\n<p>a <strong> b</strong>\u3000&nbsp;</p>\n",
        "<p>第一行 第二行</p><p>a <strong>b</strong>\u3000&nbsp;</p>",
    ),
    "body_without_text_is_empty": ("<p> </p><div>\n</div>", ""),
}


def random_body(rnd, depth=0):
    """Random markup from every allowed tag, valid or not (written for these tests)."""
    parts = []
    for _ in range(rnd.randint(1, 4 if depth < 3 else 2)):
        if depth > 4 or rnd.random() < 0.35:
            parts.append(rnd.choice(_TEXTS))
            continue
        tag = rnd.choice(_TAGS)
        if tag in {"br", "hr", "img"}:
            parts.append(f"<{tag}{_random_attributes(rnd, tag)}>")
        elif tag == "table" and rnd.random() < 0.7:
            rows = [_random_row(rnd, depth) for _ in range(rnd.randint(0, 3))]
            caption = f"<caption>{random_body(rnd, depth + 2)}</caption>" * rnd.randint(0, 1)
            head = f"<thead>{rows.pop(0)}</thead>" if rows and rnd.random() < 0.5 else ""
            parts.append(f"<table>{caption}{head}<tbody>{''.join(rows)}</tbody></table>")
        elif tag in {"ul", "ol"} and rnd.random() < 0.7:
            items = [random_body(rnd, depth + 1) for _ in range(rnd.randint(0, 3))]
            inner = "".join(_random_element(rnd, "li", item) for item in items)
            parts.append(_random_element(rnd, tag, inner))
        elif tag == "figure" and rnd.random() < 0.6:
            inside = rnd.choice(
                [
                    f'<img src="/f.jpg" alt="图"{_random_attributes(rnd, "img")}>',
                    "<table><tr><td>格</td></tr></table>",
                    random_body(rnd, depth + 1),
                ]
            )
            caption = f"<figcaption>{random_body(rnd, depth + 2)}</figcaption>"
            before, after = rnd.choice([(caption, ""), ("", caption), ("", "")])
            parts.append(f"<figure>{before}{inside}{after}</figure>")
        else:
            parts.append(_random_element(rnd, tag, random_body(rnd, depth + 1)))
    return "".join(parts)


def _random_row(rnd, depth):
    cells = rnd.choices(["td", "th"], k=rnd.randint(0, 3))
    return (
        f"<tr>{''.join(_random_element(rnd, c, random_body(rnd, depth + 2)) for c in cells)}</tr>"
    )


def _random_element(rnd, tag, inner):
    return f"<{tag}{_random_attributes(rnd, tag)}>{inner}</{tag}>"


_TAGS = [
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u",
    "ins", "s", "del", "strike", "sub", "sup", "mark", "small", "span", "a", "ul", "ol",
    "li", "blockquote", "q", "cite", "figure", "figcaption", "img", "table", "thead",
    "tbody", "tfoot", "tr", "th", "td", "caption", "pre", "code", "kbd", "samp", "abbr",
    "time", "div", "section", "dl", "dt", "dd", "font", "script",
]  # fmt: skip
_TEXTS = [
    "正文", "  ", " 头发 ", "\n", "繁體", "x&amp;y", "&nbsp;", "\u3000", "<", "1 2", "\t",
    "&lt;b&gt;", "\"'", "\n  ", "\n\u3000\u3000", "软件\n", "\u200b", "&#10;", "\r\n",
]  # fmt: skip
_ATTRIBUTES = {
    "*": [("lang", ["zh-Hant", "zh-Hans", "en", "不是语言"]), ("translate", ["no", "yes", "NO"]),
          ("title", ["提示", "", " "]), ("onclick", ["alert(1)"])],
    "a": [("href", ["/x/", "https://example.com/a", "javascript:alert(1)", "", "#f"]),
          ("target", ["_blank", "_top"])],
    "img": [("src", ["/a.jpg", "", "data:image/png;base64,AA", "https://example.com/b.png"]),
            ("alt", ["图", "", '他说"好"']), ("width", ["10", "1%"]), ("data-image", ["7"])],
    "th": [("colspan", ["1", "2", "3", "0"]), ("rowspan", ["2", "4", "0"]),
           ("scope", ["col", "row", "x"])],
    "td": [("colspan", ["2", "3"]), ("rowspan", ["2", "3"])],
    "ol": [("start", ["1", "3", "-1"]), ("type", ["a", "A", "i", "I", "1"]),
           ("data-type", ["lower-roman", "decimal"])],
}  # fmt: skip


def _random_attributes(rnd, tag):
    pairs = _ATTRIBUTES["*"] + _ATTRIBUTES.get(tag, [])
    return "".join(
        f' {name}="{rnd.choice(values)}"' for name, values in pairs if rnd.random() < 0.25
    )


RANDOM_BODIES = [random_body(random.Random(seed)) for seed in range(300)]
DEMO_BODIES = {article["key"]: article["body"] for article in ARTICLES}


@pytest.mark.parametrize(("dirty", "clean"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_html_is_reduced_to_safe_html(dirty, clean):
    assert sanitize_html(dirty) == clean


@pytest.mark.parametrize(("html", "stored"), NORMALISED.values(), ids=NORMALISED.keys())
def test_markup_the_editor_cannot_hold_is_stored_as_markup_it_can(html, stored):
    assert sanitize_html(html) == stored


EVERY_BODY = [
    *(dirty for dirty, _ in HOSTILE.values()),
    *(html for html, _ in NORMALISED.values()),
    *DEMO_BODIES.values(),
    *RANDOM_BODIES,
]


def test_sanitising_twice_changes_nothing():
    for body in EVERY_BODY:
        once = sanitize_html(body)
        assert sanitize_html(once) == once, body


class _Text(HTMLParser):
    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.chunks = []
        self.feed(html)
        self.close()

    def handle_data(self, data):
        self.chunks.append(data)


def visible_characters(html):
    """The characters of the text in ``html``, white space (which HTML collapses) aside."""
    return Counter(char for char in "".join(_Text(html).chunks) if not char.isspace())


def test_sanitising_keeps_every_character_the_allow_list_keeps():
    """Normalising adds quotation marks for <q> and nothing else, and loses no text."""
    for body in [
        *(html for html, _ in NORMALISED.values()),
        *DEMO_BODIES.values(),
        *RANDOM_BODIES,
    ]:
        allowed = clean_html(body)
        kept, stored = visible_characters(allowed), visible_characters(sanitize_html(body))
        assert kept <= stored, body
        added = stored - kept
        assert set(added) <= set("“”‘’「」『』"), body
        assert added.total() == 2 * allowed.count("<q"), body


def test_spans_that_would_make_an_enormous_table_are_dropped():
    body = "<table>" + '<tr><td colspan="999999" rowspan="999999">格</td></tr>' * 500 + "</table>"
    assert sanitize_html(body) == (
        "<table><tbody>" + "<tr><td><p>格</p></td></tr>" * 500 + "</tbody></table>"
    )


def test_demo_tables_keep_captions_and_header_cells():
    captioned = 0
    for body in DEMO_BODIES.values():
        stored = sanitize_html(body)
        for caption in _Text(body).chunks:
            if f"<caption>{caption}</caption>" in body:
                captioned += 1
                assert f"<figure><figcaption>{caption}</figcaption><table>" in stored
        assert stored.count('<th scope="col">') == body.count('<th scope="col">')
        assert stored.count("<tr>") == body.count("<tr>")
    assert captioned == 5


# A Word clipboard as Word 2016+ writes it (written for these tests): namespaces,
# <xml> settings in a conditional comment, a <style> block, MsoNormal classes,
# mso- styles, <o:p>, run-language spans, lists as paragraphs, a table and <font>.
WORD_CLIPBOARD = """\
<html xmlns:o="urn:schemas-microsoft-com:office:office" \
xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">
<head><meta http-equiv=Content-Type content="text/html; charset=utf-8">
<meta name=Generator content="Microsoft Word 15">
<title>稿件模板</title>
<!--[if gte mso 9]><xml>
 <w:WordDocument><w:View>Normal</w:View><w:Zoom>0</w:Zoom></w:WordDocument>
</xml><![endif]-->
<style>
<!--
 p.MsoNormal {mso-style-parent:""; margin:0cm; font-size:10.5pt; font-family:等线;}
-->
</style>
</head>
<body lang=ZH-CN style='tab-interval:21.0pt;word-wrap:break-word'>
<!--StartFragment-->
<div class=WordSection1 style='layout-grid:15.6pt'>
<h1><span style='font-family:"微软雅黑",sans-serif'>夜间公交试运行说明</span></h1>
<p class=MsoNormal><span lang=EN-US style='mso-bidi-font-size:10.5pt'>2026</span>\
<span style='font-family:宋体;mso-ascii-font-family:等线'>年起，示例市将试行<b>夜间公交</b>线路，\
<i>首月免费</i>。</span><span lang=EN-US><o:p></o:p></span></p>
<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>
<h2><span style='font-family:宋体'>开通线路</span><span lang=EN-US><o:p></o:p></span></h2>
<p class=MsoListParagraph style='margin-left:18.0pt;text-indent:-18.0pt;mso-list:l0 level1 lfo1'>\
<![if !supportLists]><span lang=EN-US style='font-family:Symbol'><span style='mso-list:Ignore'>·\
<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp; </span></span></span><![endif]>\
<span style='font-family:宋体'>首批开通三条线路</span><span lang=EN-US><o:p></o:p></span></p>
<p class=MsoListParagraph style='margin-left:18.0pt;text-indent:-18.0pt;mso-list:l0 level1 lfo1'>\
<![if !supportLists]><span lang=EN-US style='font-family:Symbol'><span style='mso-list:Ignore'>·\
<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp; </span></span></span><![endif]>\
<span style='font-family:宋体'>票价统一为两元</span></p>
<p class=MsoListParagraph style='margin-left:39.0pt;text-indent:-18.0pt;mso-list:l0 level2 lfo1'>\
<![if !supportLists]><span lang=EN-US style='font-family:"Courier New"'>\
<span style='mso-list:Ignore'>o<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span>\
</span></span><![endif]><span style='font-family:宋体'>刷卡另有优惠</span></p>
<p class=MsoNormal style='margin-left:18.0pt;text-indent:-18.0pt;mso-list:l1 level1 lfo2'>\
<![if !supportLists]><span lang=EN-US><span style='mso-list:Ignore'>1.\
<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp; </span></span></span><![endif]>\
<span style='font-family:宋体'>第一步：办理乘车卡</span></p>
<p class=MsoNormal style='margin-left:18.0pt;text-indent:-18.0pt;mso-list:l1 level1 lfo2'>\
<![if !supportLists]><span lang=EN-US><span style='mso-list:Ignore'>2.\
<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp; </span></span></span><![endif]>\
<span style='font-family:宋体'>第二步：在线充值</span></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 \
style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt'>
 <tr style='mso-yfti-irow:0;mso-yfti-firstrow:yes'>
  <td width=277 valign=top style='width:207.4pt;border:solid windowtext 1.0pt'>\
<p class=MsoNormal><b><span style='font-family:宋体'>线路</span></b></p></td>
  <td width=277 valign=top style='width:207.4pt;border-left:none'>\
<p class=MsoNormal><b><span style='font-family:宋体'>首班时间</span></b></p></td>
 </tr>
 <tr style='mso-yfti-irow:1;mso-yfti-lastrow:yes'>
  <td width=277 valign=top style='border-top:none'>\
<p class=MsoNormal><span lang=EN-US>N1</span></p></td>
  <td width=277 valign=top style='border-top:none'>\
<p class=MsoNormal><span lang=EN-US>22:00<o:p></o:p></span></p></td>
 </tr>
</table>
<p class=MsoNormal><font face="宋体" color="#333333">详情请见示例市交通网站。</font>\
<span style='mso-spacerun:yes'>&nbsp; </span><span lang=EN-US><o:p></o:p></span></p>
</div>
<!--EndFragment-->
</body>
</html>
"""


def test_word_paste_keeps_its_structure_and_loses_the_junk():
    clean = sanitize_html(WORD_CLIPBOARD)
    for junk in ["class=", "style=", "mso", "o:p", "<font", "<xml", "Normal", "稿件模板", "<!--"]:
        assert junk not in clean, junk
    assert "<span>" not in clean  # style-only spans are unwrapped, empty ones removed
    assert '<span lang="EN-US"></span>' not in clean
    assert "<h2>夜间公交试运行说明</h2>" in clean  # Word's Heading 1, below the page title
    assert "<h2>开通线路</h2>" in clean
    assert "年起，示例市将试行<strong>夜间公交</strong>线路，<em>首月免费</em>。</p>" in clean
    assert "<td><p><strong>线路</strong></p></td>" in clean
    assert '<td><p><span lang="EN-US">22:00</span></p></td>' in clean
    assert "<p>详情请见示例市交通网站。&nbsp;</p>" in clean
    # Word's lists are paragraphs; their text survives here, the editor's paste makes lists.
    assert "首批开通三条线路" in clean
    assert "第二步：在线充值" in clean


# What a web page or an online office suite puts on the clipboard (written for these tests).
WEB_CLIPBOARD = """\
<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1a2b">\
<h3 dir="ltr" style="line-height:1.38;margin-top:16pt"><span style="font-size:13pt;color:#434343">\
线路一览</span></h3>\
<ul style="margin-top:0;margin-bottom:0;padding-inline-start:48px;">\
<li dir="ltr" style="list-style-type:disc;font-size:11pt" aria-level="1">\
<p dir="ltr" style="line-height:1.38" role="presentation">\
<span style="font-size:11pt">N1 路</span></p></li>\
<li dir="ltr" style="list-style-type:disc" aria-level="1"><p dir="ltr" role="presentation">\
<span style="font-size:11pt;font-weight:700">N2 路</span></p></li></ul>\
<ol start="2" class="list" data-list-id="7"><li class="item">第二项</li></ol>\
<div class="ad" data-track="x"><a href="https://example.com/news" class="link" \
onclick="track()" data-ga="1">原文链接</a></div></b>"""


def test_web_paste_keeps_lists_and_links_and_loses_the_junk():
    # The office suite's outer <b> loses its font-weight:normal to the allow-list, so
    # everything in it is bold, as the page showed it before normalising.
    assert sanitize_html(WEB_CLIPBOARD) == (
        "<h3><strong>线路一览</strong></h3><ul><li><p><strong>N1 路</strong></p></li>"
        "<li><p><strong>N2 路</strong></p></li></ul>"
        '<ol data-type="decimal" start="2"><li><p><strong>第二项</strong></p></li></ol>'
        '<p><a href="https://example.com/news" rel="noopener noreferrer"><strong>原文链接'
        "</strong></a></p>"
    )


def test_saving_an_article_sanitises_its_body(make_article):
    article = make_article(
        body='<h2 onclick="alert(1)">小标题</h2><p>正文<script>alert(2)</script>'
        '<a href="&#106;avascript:alert(3)" target="_blank">链接</a>'
        '<img src="/media/a.jpg" alt="图" onerror="alert(4)" data-image="12">'
        '<span translate="no" style="color:red">陈航</span></p><style>p{}</style>'
    )
    article.refresh_from_db()
    assert article.body == (
        '<h2>小标题</h2><p>正文链接</p><img src="/media/a.jpg" alt="图" data-image="12">'
        '<p><span translate="no">陈航</span></p>'
    )


def test_editing_an_article_sanitises_the_new_body(article):
    article.body = (
        '<p>改写<iframe src="https://evil.example/"></iframe><span lang="zh-Hant">繁體</span></p>'
    )
    article.save()
    article.refresh_from_db()
    assert article.body == '<p>改写<span lang="zh-Hant">繁體</span></p>'


def test_article_page_shows_normalised_markup(client, make_article):
    body = (
        DEMO_BODIES["waterlogging"]
        + NORMALISED["image_keeps_the_link_around_it"][0]
        + NORMALISED["pre_becomes_a_code_block_keeping_its_spacing"][0]
        + '<p><abbr title="世界贸易组织">WTO</abbr>、<mark>重点</mark>、H<sub>2</sub>O</p>'
    )
    article = make_article(body=body)
    response = client.get(article.get_absolute_url())
    assertContains(response, "<figure><figcaption>各区改造点位</figcaption><table><tbody><tr>")
    assertContains(response, '<th scope="col"><p>辖区</p></th>')
    assertContains(response, "<td><p>江岸区</p></td><td><p>14</p></td>")
    assertContains(
        response,
        '<a target="_blank" href="/media/big.jpg" rel="noopener noreferrer">'
        '<img src="/media/a.jpg" alt="示意图"></a>',
    )
    assertContains(response, "<pre><code>第一行\n    缩进  两格粗\n\n末行</code></pre>")
    assertContains(
        response, '<abbr title="世界贸易组织">WTO</abbr>、<mark>重点</mark>、H<sub>2</sub>O'
    )
