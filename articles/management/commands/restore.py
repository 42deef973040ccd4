"""
``manage.py restore PATH [--force]``: replace the site with a backup made by
``manage.py backup``, into a database migrated to the same migrations, on
either backend. All or nothing (``articles.backups``); the exit code is 1 when
the archive is refused.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from articles import backups


class Command(BaseCommand):
    help = "从备份文件恢复整个站点：数据库内容和图片文件，并重建搜索索引。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="manage.py backup 生成的 .tar.gz 文件")
        parser.add_argument(
            "--force",
            action="store_true",
            help="数据库中已有内容时，先清空再恢复 / replace a database that has content",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="数据库别名 / database alias"
        )

    def handle(self, *args, path, force, database, **options):
        try:
            restored = backups.restore(path, force=force, using=database)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        manifest = restored.manifest
        counts = manifest["counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"已从 {path} 恢复（备份于 {manifest['created']}）/ Restored from {path}"
            )
        )
        self.stdout.write(
            f"  文章 articles {counts.get('articles.article', 0)}，"
            f"历史版本 versions {counts.get('reversion.version', 0)}，"
            f"用户 users {counts.get('auth.user', 0)}"
        )
        self.stdout.write(
            f"  图片文件 media files: 写入 written {len(restored.written)}，"
            f"已有 already present {len(restored.present)}"
        )
        self.stdout.write(f"  搜索索引已重建 / search index rebuilt: {restored.indexed} 篇文章")
        if manifest.get("missing_media"):
            self.stderr.write(
                self.style.WARNING(
                    f"  备份时已缺少 {len(manifest['missing_media'])} 个文件"
                    " / files already missing when the backup was made"
                )
            )
