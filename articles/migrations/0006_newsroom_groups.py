"""
The newsroom's three roles as groups of permissions: 记者 (writer), 编辑 (editor),
主编 (chief editor). The rules in ``articles.workflow`` read the permissions, not
the group names, so an administrator may reshape a role later in the admin.

Permissions are normally created after all migrations have run (post_migrate);
a fresh database reaches this migration before that, so it creates them first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WRITER = "记者"
EDITOR = "编辑"
CHIEF = "主编"

WRITER_PERMISSIONS = [
    "add_article",
    "change_article",
    "view_article",
    "view_section",  # the section picker on the article form asks for it
    "view_tag",
    "add_articleimage",
    "view_articleimage",
]
EDITOR_PERMISSIONS = [
    *WRITER_PERMISSIONS,
    "publish_article",
    "change_articleimage",
    "view_conversionrule",
]


def ensure_permissions(apps, schema_editor):
    for app_config in apps.get_app_configs():
        # create_permissions skips apps without a models module, which is every
        # app of a migration's state; put back what was there (called with the
        # live registry, leaving None would make later post_migrate runs skip it).
        previous = getattr(app_config, "models_module", None)
        app_config.models_module = True
        try:
            create_permissions(
                app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias
            )
        finally:
            app_config.models_module = previous


def create_groups(apps, schema_editor):
    ensure_permissions(apps, schema_editor)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    articles = Permission.objects.filter(content_type__app_label="articles")
    roles = {
        WRITER: articles.filter(codename__in=WRITER_PERMISSIONS),
        EDITOR: articles.filter(codename__in=EDITOR_PERMISSIONS),
        CHIEF: articles,
    }
    for name, permissions in roles.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[WRITER, EDITOR, CHIEF]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_newsroom"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
