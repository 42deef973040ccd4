"""
The body sanitiser: what hostile or messy HTML becomes when an article is saved.

Every case pins the exact safe output, so a change in nh3 or in our allow-list
that lets anything new through shows up here.
"""

import pytest

from articles.text import sanitize_html

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
    "javascript_url": ('<a href="javascript:alert(1)">链接</a>', "链接"),
    "javascript_mixed_case": ('<a href="JaVaScRiPt:alert(1)">链接</a>', "链接"),
    "javascript_decimal_entity": ('<a href="&#106;avascript:alert(1)">链接</a>', "链接"),
    "javascript_hex_entity": ('<a href="&#x6A;avascript:alert(1)">链接</a>', "链接"),
    "javascript_tab_entity": ('<a href="java&#09;script:alert(1)">链接</a>', "链接"),
    "javascript_newline": ('<a href="java\nscript:alert(1)">链接</a>', "链接"),
    "javascript_leading_spaces": ('<a href="  javascript:alert(1)">链接</a>', "链接"),
    "vbscript_url": ('<a href="vbscript:msgbox(1)">链接</a>', "链接"),
    "data_url_link": ('<a href="data:text/html;base64,PHNjcmlwdD4=">链接</a>', "链接"),
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
        '<a href="/news/" rel="noopener noreferrer">新闻</a>',
    ),
    "form_and_input": (
        '<form action="https://evil.example/"><input name="q" value="x">'
        '<button formaction="javascript:alert(1)">提交</button></form>',
        "提交",
    ),
    "srcset_injection": (
        '<img src="/a.jpg" srcset="javascript:alert(1) 1x, /b.jpg 2x" alt="图">',
        '<img src="/a.jpg" alt="图">',
    ),
    "target_blank_gets_noopener": (
        '<a href="https://example.com/" target="_blank">外链</a>',
        '<a href="https://example.com/" target="_blank" rel="noopener noreferrer">外链</a>',
    ),
    "other_target_and_rel_dropped": (
        '<a href="https://example.com/" target="_top" rel="opener">外链</a>',
        '<a href="https://example.com/" rel="noopener noreferrer">外链</a>',
    ),
    "comment": ("<p>正文<!-- 内部备注 --></p>", "<p>正文</p>"),
    "conditional_comment": (
        "<!--[if IE]><script>alert(1)</script><![endif]--><p>正文</p>",
        "<p>正文</p>",
    ),
    "downlevel_revealed_conditional": ("<p><![if !IE]>可见<![endif]>正文</p>", "<p>可见正文</p>"),
    "noscript_mxss": (
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
        '<img src="x">"&gt;',
    ),
    "template": ("<template><img src=x onerror=alert(1)></template><p>正文</p>", "<p>正文</p>"),
    "attribute_with_escaped_quotes": (
        '<p title="一&quot; onmouseover=&quot;alert(1)">正文</p>',
        '<p title="一&quot; onmouseover=&quot;alert(1)">正文</p>',
    ),
    "attribute_with_quotes_and_brackets": (
        "<img src='/a.jpg' alt='他说\"好\"' title=\"x>y<z\">",
        '<img src="/a.jpg" alt="他说&quot;好&quot;" title="x&gt;y&lt;z">',
    ),
    "unclosed_attribute": (
        '<p title="正文>文字<img src=x onerror=alert(1)//">',
        '<p title="正文&gt;文字&lt;img src=x onerror=alert(1)//"></p>',
    ),
    "lang_that_is_not_a_language_tag": (
        '<span lang="zh-Hant&quot;><script>">繁體</span><span lang="zh-Hant">繁體</span>',
        '繁體<span lang="zh-Hant">繁體</span>',
    ),
    "translate_only_yes_or_no": (
        '<span translate="NO">不转</span><span translate="maybe">转</span>',
        '<span translate="no">不转</span>转',
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


@pytest.mark.parametrize(("dirty", "clean"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_html_is_reduced_to_safe_html(dirty, clean):
    assert sanitize_html(dirty) == clean


@pytest.mark.parametrize("dirty", [dirty for dirty, _ in HOSTILE.values()], ids=HOSTILE.keys())
def test_sanitising_twice_changes_nothing(dirty):
    once = sanitize_html(dirty)
    assert sanitize_html(once) == once


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
    assert "年起，示例市将试行<b>夜间公交</b>线路，<i>首月免费</i>。</p>" in clean
    assert "<td><p><b>线路</b></p></td>" in clean
    assert '<td><p><span lang="EN-US">22:00</span></p></td>' in clean
    assert "<p>详情请见示例市交通网站。&nbsp; </p>" in clean
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
    assert sanitize_html(WEB_CLIPBOARD) == (
        "<b><h3>线路一览</h3><ul><li><p>N1 路</p></li><li><p>N2 路</p></li></ul>"
        '<ol start="2"><li>第二项</li></ol>'
        '<div><a href="https://example.com/news" rel="noopener noreferrer">原文链接</a></div></b>'
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
        '<h2>小标题</h2><p>正文链接<img src="/media/a.jpg" alt="图" data-image="12">'
        '<span translate="no">陈航</span></p>'
    )


def test_editing_an_article_sanitises_the_new_body(article):
    article.body = (
        '<p>改写<iframe src="https://evil.example/"></iframe><span lang="zh-Hant">繁體</span></p>'
    )
    article.save()
    article.refresh_from_db()
    assert article.body == '<p>改写<span lang="zh-Hant">繁體</span></p>'
