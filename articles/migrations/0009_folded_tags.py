"""
Tags remember their script-folded name, so 关键词 and 關鍵詞 are found as one
tag. Existing tags get theirs here; two existing tags that already differ only
by script are left as they are (merging them is an editor's decision).
"""

from django.db import migrations, models


def fold_existing(apps, schema_editor):
    from articles.text import folded_tag_name

    Tag = apps.get_model("articles", "Tag")
    for tag in Tag.objects.only("pk", "name").iterator():
        Tag.objects.filter(pk=tag.pk).update(folded=folded_tag_name(tag.name))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_normalise_bodies"),
    ]

    operations = [
        migrations.AddField(
            model_name="tag",
            name="folded",
            field=models.CharField(db_index=True, default="", editable=False, max_length=100),
        ),
        migrations.RunPython(fold_existing, migrations.RunPython.noop),
    ]
