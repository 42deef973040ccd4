"""The conversion review: every variant side by side, one-to-many characters marked and pinned."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import override
from pytest_django.asserts import assertContains, assertNotContains

from articles import review
from articles.models import ConversionRule
from newsportal import glossary, readings
from newsportal.conversion import VARIANTS, convert_text

pytestmark = pytest.mark.django_db


def review_url(article):
    return reverse("admin:articles_article_conversion", args=[article.pk])


def public_page(client, article, variant="zh-hant"):
    """The public page, read without changing the editor's admin language."""
    remembered = client.cookies.get("variant")
    with override(variant):
        response = client.get(article.get_absolute_url())
    if remembered is None:
        client.cookies.pop("variant", None)
    else:
        client.cookies["variant"] = remembered.value
    return response


def column(response, field="body", variant="zh-hant"):
    """The marks one variant's column shows for one field, in order."""
    for item in response.context["review"].fields:
        if item.name == field:
            return [
                piece.mark
                for row in item.rows
                for cell in row
                if cell.variant.code == variant
                for piece in cell.pieces
                if piece.mark
            ]
    return []


def marks(response, field="body", variant="zh-hant"):
    """(source character, OpenCC's choice, other readings) for each mark in a column."""
    return [
        (mark.flag.char, mark.chosen, [choice.reading for choice in mark.alternatives])
        for mark in column(response, field, variant)
    ]


def pin_value(response, char, reading, variant="zh-hant", field="body"):
    """What the button pinning ``reading`` for the first mark of ``char`` sends."""
    mark = next(m for m in column(response, field, variant) if m.flag.char == char)
    choices = [mark.confirm, *mark.alternatives]
    return next(choice.value for choice in choices if choice and choice.reading == reading)


def total(response):
    found = re.search(r"共 (\d+) 处一字多义需要核对", response.content.decode())
    if found is None:
        assertContains(response, "没有需要核对的一字多义")
        return 0
    return int(found.group(1))


@pytest.fixture
def writer(django_user_model):
    """May edit articles, but not the glossary."""
    user = django_user_model.objects.create_user(
        "writer", password="writer-pass-123", is_staff=True
    )
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="articles", codename__endswith="article")
    )
    return user


def test_page_lists_all_four_variants(editor_client, make_article):
    article = make_article(title="头发", body="<p>头发与发展。</p>")
    response = editor_client.get(review_url(article))
    for variant in VARIANTS.values():
        assertContains(response, f'<div class="review-cell" lang="{variant.lang}">')
        assertContains(response, variant.label)
    assertContains(response, "頭")  # converted, not the source shown four times


def test_each_column_shows_the_field_as_the_public_page_converts_it(editor_client, make_article):
    article = make_article(
        title="软件发布会后发布内存新品",
        summary="导语：头发干了",
        body='<p>内存<b>发</b>布。</p><p lang="zh-Hant">乾燥的頭髮</p>',
    )
    response = editor_client.get(review_url(article))
    rules = glossary.current()
    for item in response.context["review"].fields:
        if item.name == "body":
            continue
        for cell in item.rows[0]:
            shown = "".join(piece.text for piece in cell.pieces)
            source = article.script_of(item.name)
            text = getattr(article, item.name)
            assert shown == convert_text(text, source, cell.variant.code, rules, article.pk)
    assertContains(response, "記憶體發布")  # zh-tw: Taiwan phrasing and the glossary, across a tag
    assertContains(response, "乾燥的頭髮")  # a Traditional paragraph stays as written


def test_two_readings_of_one_character_are_marked_with_opencc_s_choice(
    editor_client, make_article
):
    article = make_article(body="<p>头发与发展。</p>")
    response = editor_client.get(review_url(article))
    for variant in ("zh-hant", "zh-tw", "zh-hk"):
        assert marks(response, variant=variant) == [("发", "髮", ["發"]), ("发", "發", ["髮"])]
    assertContains(response, "<mark", count=6)
    assertContains(response, '<mark title="原文“发”，OpenCC 选了“髮”">髮</mark>', count=3)
    assertContains(response, '<mark title="原文“发”，OpenCC 选了“發”">發</mark>', count=3)
    assertContains(response, 'name="pin" value="zh-hant:body:1:发:發"')


def test_traditional_written_text_is_not_marked(editor_client, make_article):
    article = make_article(
        title="頭髮與發展",
        summary="乾燥天氣裡的頭髮",
        body="<p>乾燥的頭髮與經濟發展。</p><p>Code: <code>头发</code></p>",
    )
    assert article.script_of("body") == "zh-Hant"
    response = editor_client.get(review_url(article))
    assertContains(response, "没有需要核对的一字多义")
    assertNotContains(response, "<mark")
    assertContains(response, "繁體原文不标注")


def test_traditional_paragraph_inside_a_simplified_body_is_not_marked(editor_client, make_article):
    article = make_article(
        body='<p>头发</p><p lang="zh-Hant">頭髮與發展</p><p><code>发展</code></p>'
    )
    response = editor_client.get(review_url(article))
    assert [m[:2] for m in marks(response)] == [("发", "髮")]


def test_count_at_the_top_matches_the_marks(editor_client, make_article):
    article = make_article(title="面条里的头发", body="<p>头发与发展。</p><p>皇后在后台。</p>")
    response = editor_client.get(review_url(article))
    flagged = {
        (item.name, flag.at)
        for item in response.context["review"].fields
        for flag in item.flags
        if flag.status == review.REVIEW
    }
    assert total(response) == len(flagged) == len(marks(response, "title")) + len(marks(response))
    assertContains(response, f"待核对 {len(flagged)}", count=3)


def test_a_site_glossary_phrase_is_decided_and_not_counted(editor_client, make_article):
    article = make_article(body="<p>新品发布，头发。</p>")  # 发布 is in the default glossary
    response = editor_client.get(review_url(article))
    assert total(response) == 1
    assertContains(response, 'class="flag flag-fixed"', count=6)  # 发 and 布, in three columns


def test_pinning_a_reading_fixes_the_public_page_and_leaves_one_fewer_to_review(
    editor_client, make_article
):
    article = make_article(body="<p>地上有一根发。头发与发展。</p>")
    assertContains(public_page(editor_client, article), "一根發")  # OpenCC's guess
    url = review_url(article)
    before = editor_client.get(url)

    response = editor_client.post(url, {"pin": pin_value(before, "发", "髮")})

    assert response.status_code == 302
    assert response["Location"].startswith(url)
    rule = ConversionRule.objects.get(article=article)
    assert rule.phrase == "一根发"
    assert (rule.zh_hans, rule.zh_hant, rule.zh_tw, rule.zh_hk) == (
        "",
        "一根髮",
        "一根髮",
        "一根髮",
    )
    after = editor_client.get(url)
    assertContains(after, "已在本文锁定“一根发”")
    assert total(after) == total(before) - 1
    assertContains(after, 'class="flag flag-pinned"', count=3)
    for variant in ("zh-hant", "zh-tw", "zh-hk"):
        assertContains(public_page(editor_client, article, variant), "一根髮")
    assertContains(public_page(editor_client, article, "zh-hans"), "一根发")


def test_confirming_opencc_s_choice_pins_it_too(editor_client, make_article):
    article = make_article(body="<p>今天去理发。</p>")
    url = review_url(article)
    before = editor_client.get(url)
    assert marks(before) == [("发", "髮", ["發"])]
    editor_client.post(url, {"pin": pin_value(before, "发", "髮")})
    assert "髮" in ConversionRule.objects.get(article=article, phrase="去理发").zh_hant
    assert total(editor_client.get(url)) == total(before) - 1 == 0
    assertContains(public_page(editor_client, article), "今天去理髮")


def test_pinning_again_updates_the_same_rule(editor_client, make_article):
    article = make_article(body="<p>地上有一根发。</p>")
    url = review_url(article)
    editor_client.post(url, {"pin": pin_value(editor_client.get(url), "发", "髮")})
    pinned = editor_client.get(url)
    assert marks(pinned) == [("发", "髮", ["發"])]
    editor_client.post(url, {"pin": pin_value(pinned, "发", "發", variant="zh-hk")})
    rule = ConversionRule.objects.get(article=article)
    assert (rule.zh_hant, rule.zh_hk) == ("一根發", "一根發")


def test_a_choice_made_in_the_hong_kong_column_keeps_the_other_columns(
    editor_client, make_article
):
    article = make_article(body="<p>他去台州出差。</p>")  # 台州: 台 in every variant
    url = review_url(article)
    response = editor_client.get(url)
    assert column(response, variant="zh-hk")[0].chosen == "台"  # Hong Kong's 台 is also 臺
    editor_client.post(url, {"pin": pin_value(response, "台", "台", variant="zh-hk")})
    assert ConversionRule.objects.get(article=article).zh_hant == "他去台州"


def test_a_pin_applies_to_this_article_only(editor_client, make_article):
    article = make_article(body="<p>地上有一根发。</p>")
    other = make_article(body="<p>地上有一根发。</p>")
    url = review_url(article)
    editor_client.post(url, {"pin": pin_value(editor_client.get(url), "发", "髮")})
    assertContains(public_page(editor_client, other), "一根發")


def test_writer_without_glossary_permission_sees_no_buttons_and_cannot_pin(
    client, writer, make_article
):
    article = make_article(body="<p>地上有一根发。</p>", created_by=writer)
    client.force_login(writer)
    response = client.get(review_url(article))
    assert response.status_code == 200
    assertNotContains(response, 'name="pin"')
    assertNotContains(response, 'class="review-form"')
    assertContains(response, "本页只能查看")
    assertContains(response, '<span class="flag-choices flag-readonly"><span>髮</span></span>')
    response = client.post(review_url(article), {"pin": "zh-hant:body:5:发:髮"})
    assert response.status_code == 403
    assert not ConversionRule.objects.filter(article=article).exists()


def test_anonymous_visitor_is_sent_to_the_login(client, make_article):
    article = make_article()
    for response in (client.get(review_url(article)), client.post(review_url(article))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    "value",
    [
        "",
        "nonsense",
        "zh-hant:body:5:发",  # too few parts
        "zh-hant:body:5:发:髮:x",  # too many
        "zh-hans:body:5:发:髮",  # the Simplified column has nothing to pin
        "en:body:5:发:髮",
        "zh-hant:password:5:发:髮",
        "zh-hant:subtitle:0:发:髮",  # an empty field
        "zh-hant:body:five:发:髮",
        "zh-hant:body:-1:发:髮",
        "zh-hant:body:999999:发:髮",
        "zh-hant:body:4:根:髮",  # not a marked character
        "zh-hant:body:5:头:髮",  # not the character at that offset
        "zh-hant:body:5:发:乾",  # not a reading of 发
        "zh-hant:body:5:发:<script>",
    ],
)
def test_hostile_pins_are_rejected(editor_client, make_article, value):
    article = make_article(body="<p>地上有一根发。</p>")
    response = editor_client.post(review_url(article), {"pin": value})
    assert response.status_code == 400
    assert not ConversionRule.objects.filter(article=article).exists()


@pytest.mark.parametrize("object_id", ["999999", "abc", "1%2F2"])
def test_missing_article_is_not_found(editor_client, object_id):
    url = reverse("admin:articles_article_conversion", args=[object_id])
    assert editor_client.get(url).status_code == 404
    assert editor_client.post(url, {"pin": "zh-hant:body:5:发:髮"}).status_code == 404


def test_change_form_links_to_the_review_page(editor_client, make_article):
    article = make_article()
    response = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assertContains(response, f'<a href="{review_url(article)}">转换核对</a>', html=True)


def test_review_page_shows_no_conversion_of_its_own_interface(editor_client, make_article):
    article = make_article(body="<p>头发</p>")
    response = editor_client.get(review_url(article))
    assertContains(response, "一字多义需要核对")  # as written, not 一字多義


def test_query_count_does_not_depend_on_the_body_length(editor_client, make_article):
    short = make_article(body="<p>头发与发展。</p>")
    long = make_article(body="<p>头发与发展，后来干了面里的活。</p>" * 60)
    counts = []
    for article in (short, long):
        editor_client.get(review_url(article))  # the glossary is loaded once per version
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(review_url(article))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert total(response) > 300


def test_table_knows_the_classic_cases_and_not_mere_variant_shapes():
    known = readings.readings("发后干面里台系只了借复产说为线")
    assert set(known["发"].bases) == {"發", "髮"}
    assert {"後", "后"} <= set(known["后"].bases)
    assert {"幹", "乾", "干"} <= set(known["干"].bases)
    assert known["里"].forms("zh-tw") == ("裡", "里")
    assert known["里"].forms("zh-hk") == ("裏", "里")
    assert known["面"].forms("zh-tw") == ("面", "麵")
    assert "枱" in known["台"].forms("zh-hk")
    assert "瞭" in known["了"].bases and "藉" in known["借"].bases and "覆" in known["复"].bases
    assert not {"产", "说", "为", "线"} & known.keys()  # 産, 説, 爲, 綫 are shapes, not words
