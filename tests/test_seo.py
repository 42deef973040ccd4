"""
What search engines are told about the variants: each page is its own
canonical in its variant, names the same page in every variant with hreflang
(and the unprefixed URL, which redirects by preference, as x-default), and says
its language in <html lang> and Content-Language.
"""

import re

import pytest
from pytest_django.asserts import assertContains, assertNotContains

pytestmark = pytest.mark.django_db

VARIANTS = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant", "zh-tw": "zh-TW", "zh-hk": "zh-HK"}
KINDS = ["home", "section", "article", "tag"]


def head_links(response):
    """(rel, hreflang, href) of each <link> that names a page, in order (feeds have a type)."""
    head = response.content.decode().split("</head>", 1)[0]
    links = []
    for tag in re.findall(r"<link\b[^>]*>", head):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag))
        if attrs.get("rel") in {"canonical", "alternate"} and "type" not in attrs:
            links.append((attrs["rel"], attrs.get("hreflang"), attrs["href"]))
    return links


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("kind", KINDS)
def test_page_is_its_own_canonical_in_its_variant(client, pages, kind, variant):
    response = client.get(f"/{variant}{pages[kind]}")
    assert response.status_code == 200
    canonical = [href for rel, _lang, href in head_links(response) if rel == "canonical"]
    assert canonical == [f"http://testserver/{variant}{pages[kind]}"]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("kind", KINDS)
def test_page_names_itself_in_all_four_variants_and_x_default(client, pages, kind, variant):
    response = client.get(f"/{variant}{pages[kind]}")
    alternates = [(lang, href) for rel, lang, href in head_links(response) if rel == "alternate"]
    assert alternates == [
        ("zh-Hans", f"http://testserver/zh-hans{pages[kind]}"),
        ("zh-Hant", f"http://testserver/zh-hant{pages[kind]}"),
        ("zh-TW", f"http://testserver/zh-tw{pages[kind]}"),
        ("zh-HK", f"http://testserver/zh-hk{pages[kind]}"),
        ("x-default", f"http://testserver{pages[kind]}"),
    ]


def test_x_default_redirects_by_the_readers_preference(client, pages):
    response = client.get(pages["article"], HTTP_ACCEPT_LANGUAGE="zh-HK")
    assert response.status_code == 302
    assert response["Location"] == f"/zh-hk{pages['article']}"


@pytest.mark.parametrize("kind", ["section", "tag"])
def test_links_keep_the_page_number_and_drop_other_query_parameters(client, pages, kind):
    response = client.get(f"/zh-tw{pages[kind]}?utm_source=feed&page=2&from=weibo")
    assert response.status_code == 200
    links = head_links(response)
    assert ("canonical", None, f"http://testserver/zh-tw{pages[kind]}?page=2") in links
    assert ("alternate", "zh-HK", f"http://testserver/zh-hk{pages[kind]}?page=2") in links
    assert ("alternate", "x-default", f"http://testserver{pages[kind]}?page=2") in links
    assert all("utm_source" not in href and "from=" not in href for _r, _l, href in links)


def test_page_one_is_the_page_itself(client, pages):
    response = client.get(f"/zh-hant{pages['section']}?page=1")
    assert ("canonical", None, f"http://testserver/zh-hant{pages['section']}") in head_links(
        response
    )


def test_links_are_absolute_with_the_requests_scheme_and_host(client, pages):
    response = client.get(f"/zh-tw{pages['tag']}", secure=True, HTTP_HOST="localhost")
    links = head_links(response)
    assert ("canonical", None, f"https://localhost/zh-tw{pages['tag']}") in links
    assert all(href.startswith("https://localhost/") for _rel, _lang, href in links)


def test_not_found_page_names_no_canonical_or_alternates(client, db):
    response = client.get("/zh-tw/no-such-section/")
    assert response.status_code == 404
    assert head_links(response) == []


@pytest.mark.parametrize(("variant", "lang"), VARIANTS.items())
@pytest.mark.parametrize("kind", KINDS)
def test_page_says_its_variant_in_html_lang_and_content_language(
    client, pages, kind, variant, lang
):
    response = client.get(f"/{variant}{pages[kind]}")
    assertContains(response, f'<html lang="{lang}">', count=1)
    assert response["Content-Language"] == lang


@pytest.mark.parametrize(("variant", "lang"), VARIANTS.items())
def test_not_found_page_says_its_variant_too(client, db, variant, lang):
    response = client.get(f"/{variant}/no-such-section/")
    assertContains(response, f'<html lang="{lang}">', status_code=404)
    assert response["Content-Language"] == lang


def test_toggle_keeps_the_whole_query_while_canonical_drops_it(client, pages):
    response = client.get(f"/zh-hans{pages['section']}?page=2&from=feed")
    assertContains(response, f'href="/zh-tw{pages["section"]}?page=2&amp;from=feed"')
    assertNotContains(
        response, f'rel="canonical" href="http://testserver/zh-hans{pages["section"]}?page=2&'
    )
