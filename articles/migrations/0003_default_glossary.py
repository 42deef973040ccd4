"""
The default newsroom glossary: fixes for OpenCC's Taiwan phrasing (s2twp) where
it is wrong in news text. Each was found by converting the demo portal and
reading it; each has a test in tests/test_default_glossary.py. Editors may
change or delete them afterwards; this migration only adds what is missing.

Forms: zh-hant and zh-hk as OpenCC's s2tw and s2hk give them (a blank form
would leave the Simplified phrase as written), zh-tw fixed, zh-hans as written.
"""

from django.db import migrations

NOTE = "默认词表：修正 OpenCC 臺灣用语在新闻文本中的误转"

# phrase, zh_hant, zh_tw, zh_hk — with what s2twp wrongly gives, as an example
DEFAULT_RULES = [
    ("发布", "發佈", "發布", "發佈"),  # 新闻发布会 → 新聞釋出會
    ("试运行", "試運行", "試運行", "試運行"),  # 地铁试运行 → 地鐵試執行
    ("调度", "調度", "調度", "調度"),  # 列车调度 → 列車排程
    ("设备", "設備", "設備", "設備"),  # 设备安装 → 裝置安裝
    ("优化", "優化", "優化", "優化"),  # 线路优化 → 線路最佳化
    ("项目", "項目", "項目", "項目"),  # 体育项目 → 體育專案
    ("社区", "社區", "社區", "社區"),  # 社区食堂 → 社群食堂
    ("设置", "設置", "設置", "設置"),  # 设置窗口 → 設定視窗
    ("窗口", "窗口", "窗口", "窗口"),  # 受理窗口 → 受理視窗
    ("循环", "循環", "循環", "循環"),  # 循环寿命 → 迴圈壽命
    ("支持", "支持", "支持", "支持"),  # 政策支持 → 政策支援
    ("调用", "調用", "調用", "調用"),  # 调用数据 → 呼叫資料
    ("程序", "程序", "程序", "程序"),  # 法律程序 → 法律程式
]


def add_rules(apps, schema_editor):
    ConversionRule = apps.get_model("articles", "ConversionRule")
    existing = set(
        ConversionRule.objects.filter(article__isnull=True).values_list("phrase", flat=True)
    )
    ConversionRule.objects.bulk_create(
        ConversionRule(phrase=phrase, zh_hant=hant, zh_tw=tw, zh_hk=hk, note=NOTE)
        for phrase, hant, tw, hk in DEFAULT_RULES
        if phrase not in existing
    )


def remove_rules(apps, schema_editor):
    ConversionRule = apps.get_model("articles", "ConversionRule")
    ConversionRule.objects.filter(
        article__isnull=True, note=NOTE, phrase__in=[rule[0] for rule in DEFAULT_RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_conversion_rules")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
