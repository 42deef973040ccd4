"""Each default glossary entry fixes a real OpenCC error in news text, on the page."""

import importlib
import re

import pytest
from django.utils.translation import override
from pytest_django.asserts import assertContains

from newsportal.conversion import converter

default_glossary = importlib.import_module("articles.migrations.0003_default_glossary")

# phrase, a news sentence using it, what Taiwan readers must see, what s2twp says instead
CASES = [
    ("发布", "新闻发布会今天举行", "新聞發布會", "釋出"),
    ("试运行", "地铁三号线试运行", "試運行", "試執行"),
    ("调度", "列车调度经验丰富", "列車調度", "排程"),
    ("设备", "完成设备安装", "設備安裝", "裝置"),
    ("优化", "公交线路优化", "線路優化", "最佳化"),
    ("项目", "新增三个体育项目", "體育項目", "專案"),
    ("社区", "社区食堂开业", "社區食堂", "社群"),
    ("设置", "部门设置的办事点", "設置的", "設定"),
    ("窗口", "综合受理窗口", "受理窗口", "視窗"),
    ("循环", "电池循环寿命", "循環壽命", "迴圈"),
    ("支持", "政策支持小微企业", "政策支持", "支援"),
    ("调用", "调用企业数据需授权", "調用企業", "呼叫"),
    ("程序", "依照法律程序办理", "法律程序", "程式"),
]


def url_in(variant, article):
    with override(variant):
        return article.get_absolute_url()


def story_body(response):
    assert response.status_code == 200
    return re.search(r'<div class="story-body".*?</div>', response.content.decode(), re.S).group()


def test_every_default_entry_has_a_case():
    assert sorted(rule[0] for rule in default_glossary.DEFAULT_RULES) == sorted(
        case[0] for case in CASES
    )


@pytest.mark.parametrize(("phrase", "sentence", "fixed", "wrong"), CASES)
def test_opencc_taiwan_phrasing_gets_the_phrase_wrong(phrase, sentence, fixed, wrong):
    assert wrong in converter("s2twp").convert(sentence)


@pytest.mark.django_db
@pytest.mark.parametrize(("phrase", "sentence", "fixed", "wrong"), CASES)
def test_default_glossary_fixes_the_phrase_on_taiwan_pages(
    client, make_article, phrase, sentence, fixed, wrong
):
    article = make_article(title="测试", body=f"<p>{sentence}</p>")
    body = story_body(client.get(url_in("zh-tw", article)))
    assert fixed in body
    assert wrong not in body


@pytest.mark.django_db
@pytest.mark.parametrize(("phrase", "sentence", "fixed", "wrong"), CASES)
def test_default_glossary_keeps_opencc_elsewhere(
    client, make_article, phrase, sentence, fixed, wrong
):
    article = make_article(title="测试", body=f"<p>{sentence}</p>")
    response = client.get(url_in("zh-hant", article))
    assertContains(response, converter("s2tw").convert(sentence))
