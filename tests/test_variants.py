"""
Script variants through HTTP: which variant a reader lands on, the headers that
keep caches honest, the toggle, pages read wholly in the reader's script, and
what the conversion middleware must leave alone.
"""

import gzip
import re

import pytest
from django.conf import settings
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from newsportal.conversion import converter, script_counts
from tests.urls_conversion import PAGE

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def vary(response):
    return {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}


def article_text(response):
    """The text of the page's <article>: the content, without the site's chrome."""
    body = re.search(r"<article[^>]*>(.*)</article>", response.content.decode(), re.S)
    return re.sub(r"<[^>]*>", "", body.group(1))


# --- Landing on a variant -------------------------------------------------------


def test_root_redirects_to_simplified_without_cookie_or_accept_language(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/"
    assert {"accept-language", "cookie"} <= vary(response)


@pytest.mark.parametrize(
    ("accept_language", "variant"),
    [
        *[(h, "zh-tw") for h in ["zh-TW", "zh-tw", "zh-Hant-TW"]],
        *[(h, "zh-hk") for h in ["zh-HK", "zh-MO", "zh-Hant-HK", "zh-Hant-MO"]],
        *[(h, "zh-hant") for h in ["zh-Hant", "zh-Hant-SG"]],
        *[(h, "zh-hans") for h in ["zh-CN", "zh-SG", "zh", "zh-Hans", "zh-Hans-TW", "zh-Hans-HK"]],
        *[(h, "zh-hans") for h in ["en-US", "fr", "garbage", "", "*", "!!;q=x"]],
        ("en;q=0.9, zh-TW;q=0.8", "zh-tw"),
        ("en-US,en;q=0.9,zh-HK;q=0.5,zh-CN;q=0.4", "zh-hk"),
        ("zh-TW;q=0, en", "zh-hans"),
        ("zh-HK;q=0.5, zh-TW;q=0.9", "zh-tw"),
        ("en, zh-MO;q=0.8, zh-CN;q=0.7", "zh-hk"),
    ],
)
def test_accept_language_picks_the_variant_of_the_redirect(client, accept_language, variant):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 302
    assert response["Location"] == f"/{variant}/"
    assert {"accept-language", "cookie"} <= vary(response)


def test_unprefixed_article_url_redirects_under_the_chosen_prefix_keeping_the_query(
    client, article
):
    response = client.get(f"/caijing/{article.pk}/?from=feed&page=2", HTTP_ACCEPT_LANGUAGE="zh-TW")
    assert response.status_code == 302
    assert response["Location"] == f"/zh-tw/caijing/{article.pk}/?from=feed&page=2"
    assert {"accept-language", "cookie"} <= vary(response)


def test_unprefixed_section_url_redirects_under_the_chosen_prefix_keeping_the_query(
    client, section
):
    response = client.get("/caijing/?page=2")
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/caijing/?page=2"


@pytest.mark.parametrize(
    ("remembered", "accept_language"), [("zh-hant", "zh-CN"), ("zh-hans", "zh-TW")]
)
def test_remembered_choice_wins_over_accept_language(client, remembered, accept_language):
    client.cookies[COOKIE] = remembered
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response["Location"] == f"/{remembered}/"


def test_visiting_a_traditional_page_remembers_the_choice(client, section):
    response = client.get("/zh-hant/caijing/")
    assert response.status_code == 200
    assert response.cookies[COOKIE].value == "zh-hant"
    assert client.get("/")["Location"] == "/zh-hant/"


@pytest.mark.parametrize("bogus", ["klingon", "zh-cn", "", "zh-hant/../admin"])
def test_bogus_remembered_choice_is_ignored(client, bogus):
    client.cookies[COOKIE] = bogus
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-TW")
    assert response["Location"] == "/zh-tw/"


# --- Prefixed pages -------------------------------------------------------------


@pytest.mark.parametrize(("variant", "lang"), [("zh-hans", "zh-Hans"), ("zh-hant", "zh-Hant")])
def test_prefixed_page_names_its_variant_in_html_lang_and_content_language(
    client, article, variant, lang
):
    response = client.get(f"/{variant}/caijing/{article.pk}/", HTTP_ACCEPT_LANGUAGE="zh-TW")
    assert response.status_code == 200
    assertContains(response, f'<html lang="{lang}">')
    assert response["Content-Language"] == lang
    assert "accept-language" not in vary(response)
    assert response["Content-Length"] == str(len(response.content))


@pytest.mark.parametrize("kind", ["home", "section", "article", "tag", "not found"])
@pytest.mark.parametrize(
    ("current", "other", "other_label"),
    [("zh-hans", "zh-hant", "繁體"), ("zh-hant", "zh-hans", "简体")],
)
def test_toggle_links_to_the_same_page_in_the_other_variant(
    client, pages, kind, current, other, other_label
):
    response = client.get(f"/{current}{pages[kind]}?page=2")
    status = 404 if kind == "not found" else 200
    assert response.status_code == status
    assertContains(response, f'href="/{other}{pages[kind]}?page=2"', status_code=status)
    # Each label is in its own script, whatever the page's script.
    assertContains(response, f">{other_label}</a>", status_code=status)


# --- Reading wholly in one's script -----------------------------------------------


def test_simplified_title_over_traditional_body_reads_wholly_traditional_on_zh_hant(
    client, article
):
    response = client.get(f"/zh-hant/caijing/{article.pk}/")
    assertContains(response, converter("s2tw").convert(article.title))
    assertContains(response, "<p>這是繁體正文，介紹軟體的佈局。</p>")  # as written
    assertNotContains(response, article.title)
    assert script_counts(article_text(response))[0] == 0  # no Simplified-only character


def test_simplified_title_over_traditional_body_reads_wholly_simplified_on_zh_hans(
    client, article
):
    response = client.get(f"/zh-hans/caijing/{article.pk}/")
    assertContains(response, article.title)  # as written
    assertContains(response, "<p>这是繁体正文，介绍软体的布局。</p>")
    assert script_counts(article_text(response))[1] == 0  # no Traditional-only character


def test_traditional_body_is_shown_as_written_to_traditional_readers(client, make_article):
    body = "<p>這篇正文介紹軟體介面的布局。高峰期的布局，與山峰一樣。</p>"  # s2t: 佈局, 峯
    article = make_article(title="软件发布会今日举行", body=body)
    assert article.script_of("body") == "zh-Hant"
    response = client.get(f"/zh-hant/caijing/{article.pk}/")
    assertContains(response, body)
    assertContains(response, converter("s2tw").convert("软件发布会今日举行"))


# --- Never converted ----------------------------------------------------------------


@pytest.mark.parametrize("accept_language", ["zh-TW", "zh-CN"])
def test_admin_login_page_is_never_converted(client, accept_language):
    client.cookies[COOKIE] = "zh-hant"
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assertContains(response, str(settings.ADMIN_SITE_HEADER))  # Simplified, as written


def test_admin_change_form_shows_what_the_editor_typed(editor_client, make_article):
    article = make_article(
        title="軟體發表會的布局", summary="简体导语：新产品发布。", script="", body="<p>正文</p>"
    )
    editor_client.cookies[COOKIE] = "zh-hant"
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-TW")
    assertContains(response, 'value="軟體發表會的布局"')
    assertContains(response, "简体导语：新产品发布。")
    assertNotContains(response, "简体导语：新產品發佈。")


@pytest.mark.urls("tests.urls_conversion")
def test_form_values_and_textarea_on_a_public_page_are_not_converted(client):
    response = client.get("/zh-hant/test-form/")
    assertContains(response, 'action="/zh-hans/搜索/"')
    assertContains(response, 'value="发布会"')
    assertContains(response, "<textarea>发布会的布局</textarea>")
    assertContains(response, 'value="发布"')
    assertContains(response, 'placeholder="搜索發佈會"')  # human-readable: converted


@pytest.mark.urls("tests.urls_conversion")
def test_non_html_response_under_a_prefix_passes_untouched(client):
    response = client.get("/zh-hant/test-json/")
    assert response.content.decode() == '{"title": "软件发布会"}'


@pytest.mark.urls("tests.urls_conversion")
def test_streaming_response_under_a_prefix_passes_untouched(client):
    response = client.get("/zh-hant/test-stream/")
    assert b"".join(response.streaming_content).decode() == PAGE + "<p>头发</p>"


@pytest.mark.urls("tests.urls_conversion")
def test_encoded_response_under_a_prefix_passes_untouched(client):
    response = client.get("/zh-hant/test-gzip/")
    assert gzip.decompress(response.content).decode() == PAGE


@pytest.mark.urls("tests.urls_conversion")
def test_content_length_is_right_after_conversion(client):
    response = client.get("/zh-hant/test-sized/")
    assert response.content.decode() == '<p lang="zh-Hant">軟件發佈會</p>'
    assert response["Content-Length"] == str(len(response.content))
    assert response["Content-Language"] == "zh-Hant"


@pytest.mark.urls("tests.urls_conversion")
def test_undecodable_bytes_pass_through_and_the_rest_is_converted(client):
    response = client.get("/zh-hant/test-bytes/")
    assert response.content == b"<p>\xff\xe5\xe6\x96</p><p>" + "發佈".encode() + b"</p>"


@pytest.mark.urls("tests.urls_conversion")
def test_text_after_a_nul_reaches_the_reader(client):
    response = client.get("/zh-hant/test-nul/")
    assert response.content.decode() == "<p>技術\x00說明</p>"
