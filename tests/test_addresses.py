"""Remembered addresses are the addresses Django would reverse, per variant and prefix."""

import pytest
from django.urls import reverse, set_script_prefix
from django.utils import translation

pytestmark = pytest.mark.django_db

VARIANTS = ("zh-hans", "zh-hant", "zh-tw", "zh-hk")


def test_each_variant_gets_its_own_address(article):
    for variant in VARIANTS * 2:  # the second round is answered from memory
        with translation.override(variant):
            expected = reverse(
                "articles:article", kwargs={"section": article.section.slug, "pk": article.pk}
            )
            assert article.get_absolute_url() == expected
            assert expected.startswith(f"/{variant}/")


def test_a_script_prefix_is_part_of_the_address(article):
    with translation.override("zh-hant"):
        plain = article.section.get_absolute_url()
        set_script_prefix("/portal/")
        try:
            assert article.section.get_absolute_url() == "/portal" + plain
        finally:
            set_script_prefix("/")
