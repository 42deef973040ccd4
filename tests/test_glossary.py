"""The editors' glossary: fixed forms that win over OpenCC, and how editors manage them."""

import pytest
from django.urls import reverse
from django.utils.translation import override
from pytest_django.asserts import assertContains

from articles.models import ConversionRule
from newsportal import glossary
from newsportal.conversion import convert_html, convert_text, converter


@pytest.fixture
def no_rules(db):
    """Start from an empty glossary: the default newsroom glossary is migrated in."""
    ConversionRule.objects.all().delete()


def rules(*entries):
    return glossary.Glossary([glossary.Rule(*entry) for entry in entries])


def test_protected_term_stays_as_written_in_every_variant():
    protected = rules(("陈航", {}))
    html = '<p lang="zh-Hans">记者陈航报道</p>'
    assert convert_html(html, "zh-hant", rules=protected) == '<p lang="zh-Hant">記者陈航報道</p>'
    assert convert_html(html, "zh-tw", rules=protected) == '<p lang="zh-TW">記者陈航報道</p>'


def test_custom_form_replaces_what_opencc_would_say():
    fixed = rules(("发布", {"zh-tw": "發布"}))
    assert convert_text("新品发布", "zh-Hans", "zh-tw") == "新品釋出"  # the trap itself
    assert convert_text("新品发布", "zh-Hans", "zh-tw", fixed) == "新品發布"


def test_blank_form_for_a_variant_leaves_the_phrase_as_written():
    only_taiwan = rules(("发布", {"zh-tw": "發布"}))
    assert convert_text("发布", "zh-Hans", "zh-hant", only_taiwan) == "发布"


def test_longest_phrase_wins():
    nested = rules(("发布", {"zh-tw": "發布"}), ("发布会", {"zh-tw": "記者會"}))
    assert (
        convert_text("新闻发布会后发布消息", "zh-Hans", "zh-tw", nested) == "新聞記者會後發布訊息"
    )


def test_article_rule_applies_only_inside_that_article():
    scoped = rules(("李干", {"zh-hant": "李乾"}, 7))
    html = '<h1 data-article="7">李干说</h1><p data-article="8">李干说</p><p>李干说</p>'
    out = convert_html(html, "zh-hant", rules=scoped)
    opencc = converter("s2tw").convert("李干说")
    assert opencc != "李乾說"
    assert (
        out == f'<h1 data-article="7">李乾說</h1><p data-article="8">{opencc}</p><p>{opencc}</p>'
    )


def test_article_rule_overrides_a_site_rule_for_the_same_phrase():
    both = rules(("发布", {"zh-tw": "發布"}), ("发布", {"zh-tw": "公布"}, 3))
    html = '<p data-article="3">发布</p><p>发布</p>'
    assert convert_html(html, "zh-tw", rules=both) == '<p data-article="3">公布</p><p>發布</p>'


def test_rule_matches_across_an_inline_tag():
    fixed = rules(("发布会", {"zh-tw": "記者會"}))
    out = convert_html("<p>新品发<b>布会</b></p>", "zh-tw", rules=fixed)
    assert out.replace("<b>", "").replace("</b>", "") == "<p>新品記者會</p>"


def test_rules_do_not_touch_what_is_never_converted():
    protected = rules(("发布", {"zh-hant": "發布"}))
    html = '<pre>发布</pre><a href="/发布/" translate="no">发布</a>'
    assert convert_html(html, "zh-hant", rules=protected) == html


def test_a_new_site_rule_takes_effect_on_the_next_page_view(client, no_rules, make_article):
    article = make_article(title="新品发布安排", body="<p>正文</p>")
    with override("zh-hant"):
        url = article.get_absolute_url()
    assertContains(client.get(url), "新品發佈安排")
    ConversionRule.objects.create(phrase="发布", zh_hant="發布")
    assertContains(client.get(url), "新品發布安排")
    ConversionRule.objects.filter(phrase="发布").update(zh_hant="公布")
    ConversionRule.objects.get(phrase="发布").save()  # bumps updated_at
    assertContains(client.get(url), "新品公布安排")
    ConversionRule.objects.all().delete()
    assertContains(client.get(url), "新品發佈安排")


def test_site_rule_that_changes_other_articles_lists_them_and_needs_confirming(
    editor_client, no_rules, make_article
):
    make_article(title="李干事主持会议", body="<p>李干事说明了安排。</p>")
    add = reverse("admin:articles_conversionrule_add")
    data = {"phrase": "李干", "zh_hant": "李乾", "zh_tw": "李乾", "zh_hk": "李乾"}
    response = editor_client.post(add, data)
    assert response.status_code == 200
    assertContains(response, "1 篇已发布文章")
    assertContains(response, "<mark>李干</mark>事")
    assert not ConversionRule.objects.exists()
    response = editor_client.post(add, {**data, "confirm_impact": "on"})
    assert response.status_code == 302
    assert ConversionRule.objects.get().phrase == "李干"


def test_article_rule_needs_no_confirmation(editor_client, no_rules, make_article):
    article = make_article(title="李干事主持会议")
    response = editor_client.post(
        reverse("admin:articles_conversionrule_add"),
        {"phrase": "李干", "zh_hant": "李乾", "article": article.pk},
    )
    assert response.status_code == 302
    assert ConversionRule.objects.get().article == article


def test_rule_phrases_are_unique_per_scope(no_rules, make_article):
    article = make_article()
    ConversionRule.objects.create(phrase="发布")
    ConversionRule.objects.create(phrase="发布", article=article)
    with pytest.raises(Exception):  # noqa: B017 - IntegrityError differs per backend
        ConversionRule.objects.create(phrase="发布")


def test_article_rule_applies_to_that_article_wherever_it_is_shown(client, no_rules, make_article):
    pinned = make_article(title="李干部署新工作", body="<p>李干说明安排。</p>")
    other = make_article(title="李干事到任", tags=[])
    ConversionRule.objects.create(phrase="李干", zh_hant="李乾", article=pinned)
    with override("zh-hant"):
        article_page = client.get(pinned.get_absolute_url()).content.decode()
        home = client.get("/zh-hant/").content.decode()
    assert "<title data-article" in article_page
    assert article_page.count("李乾") >= 3  # <title>, headline, body
    assert "李乾部署新工作" in home  # the pinned article's title in lists
    assert converter("s2tw").convert(other.title) in home  # other articles keep OpenCC's choice
