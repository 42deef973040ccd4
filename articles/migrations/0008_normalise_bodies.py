"""
Bodies stored before the editor and the server agreed on one form (see
``articles.text.sanitize_html``) are rewritten in that form, so opening one in
the editor and saving it changes nothing (a legacy table <caption> would
otherwise be lost). Only the markup changes; the text is kept, so the search
index stays valid. This reads the current sanitiser on purpose: the form it
writes is the one the editor holds today.
"""

from django.db import migrations, models


def normalise_bodies(apps, schema_editor):
    from articles.text import sanitize_html

    Article = apps.get_model("articles", "Article")
    for pk, body in Article.objects.values_list("pk", "body").iterator():
        clean = sanitize_html(body)
        if clean != body:
            Article.objects.filter(pk=pk).update(body=clean)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_search_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="body",
            field=models.TextField(
                help_text="选中文字后，可用工具栏的“不转换”按钮保护人名、品牌和引文，或用“繁體原文”“简体原文”标明它的书写文字。",
                verbose_name="正文",
            ),
        ),
        migrations.RunPython(normalise_bodies, migrations.RunPython.noop),
    ]
