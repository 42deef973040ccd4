"""
``manage.py backup [--output PATH]``: the whole site in one tar.gz file
(``articles.backups`` says what is in it). Reads still waiting in Redis or
this process are written to the database first, so the backup has them.
"""

from pathlib import Path

import redis
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from articles import backups, view_counts


class Command(BaseCommand):
    help = "把整个站点（数据库内容和它用到的图片文件）备份成一个 .tar.gz 文件。"

    def add_arguments(self, parser):
        parser.add_argument(
            "-o",
            "--output",
            help="备份文件路径，默认为当前目录下的 newsportal-backup-<时间>.tar.gz",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="数据库别名 / database alias"
        )

    def handle(self, *args, output, database, **options):
        path = Path(output or f"newsportal-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz")
        if path.exists():
            raise CommandError(f"{path} 已存在，请换一个路径 / already exists")
        if not path.parent.is_dir():
            raise CommandError(f"目录 {path.parent} 不存在 / no such folder")
        try:
            view_counts.flush()
        except redis.RedisError as error:
            self.stderr.write(f"未能写入 Redis 中的阅读数 / reads in Redis not written: {error}")
        try:
            manifest = backups.create(path, using=database)
        except (backups.BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        counts = manifest["counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"备份已写入 / Backup written: {path} ({path.stat().st_size / 2**20:.1f} MB)"
            )
        )
        self.stdout.write(
            f"  文章 articles {counts.get('articles.article', 0)}，"
            f"历史版本 versions {counts.get('reversion.version', 0)}，"
            f"用户 users {counts.get('auth.user', 0)}，"
            f"图片文件 media files {len(manifest['media'])}"
        )
        for name in manifest["missing_media"]:
            self.stderr.write(
                self.style.WARNING(f"  缺少文件，未备份 / missing, not backed up: {name}")
            )
