"""
``manage.py import_articles FILE_OR_URL … --section SLUG``: feed items become drafts.

The work is in ``articles.importers``; this command resolves its options, reports
each input and item, and exits non-zero when anything failed, so a cron job's
owner hears of it.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles import importers
from articles.models import Section

LABELS = {importers.CREATED: "新建", importers.SKIPPED: "跳过", importers.FAILED: "失败"}


class Command(BaseCommand):
    help = (
        "把 RSS、Atom 或 JSON 文件（或 http(s) 网址）中的条目导入为草稿；"
        "重复导入只跳过，不覆盖已有文章。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "locations",
            nargs="+",
            metavar="FILE_OR_URL",
            help="RSS、Atom 或 JSON 文件，或 http(s) 网址",
        )
        parser.add_argument(
            "--section", required=True, metavar="SLUG", help="导入到哪个栏目（网址名）"
        )
        parser.add_argument("--user", metavar="USERNAME", help="记为创建人和操作人")
        parser.add_argument("--source", default="", help="来源名称，代替订阅源自带的名称")

    def handle(self, *args, locations, section, user, source, verbosity, **options):
        section = self.get_section(section)
        user = self.get_user(user) if user else None
        counts = dict.fromkeys(LABELS, 0)
        for location in locations:
            try:
                feed = importers.load(location)
            except importers.InputError as error:
                counts[importers.FAILED] += 1
                self.stderr.write(f"{location}：无法导入，{error}")
                continue
            if verbosity >= 2:
                self.stdout.write(f"{location}：{feed.format}，{len(feed.items)} 条")
            outcomes = importers.import_feed(feed, section=section, user=user, source=source)
            for outcome in outcomes:
                counts[outcome.status] += 1
                self.report(location, outcome, verbosity)
        created, skipped, failed = (counts[status] for status in LABELS)
        if verbosity >= 1:
            self.stdout.write(
                f"新建 created {created}，跳过 skipped {skipped}，失败 failed {failed}"
            )
        if failed:
            raise CommandError(f"{failed} 项导入失败 / {failed} failed")

    def report(self, location, outcome, verbosity):
        line = f"{location} {outcome.item}：{LABELS[outcome.status]}"
        if outcome.status == importers.FAILED:
            self.stderr.write(f"{line}，{outcome.message}")
        elif verbosity >= 2:
            detail = f"文章 #{outcome.article.pk}" if outcome.article else outcome.message
            self.stdout.write(f"{line}，{detail}")

    def get_section(self, slug):
        try:
            return Section.objects.get(slug=slug)
        except Section.DoesNotExist:
            slugs = ", ".join(Section.objects.values_list("slug", flat=True)) or "（还没有栏目）"
            raise CommandError(f"没有网址名为“{slug}”的栏目。可用的栏目：{slugs}") from None

    def get_user(self, username):
        try:
            return get_user_model()._default_manager.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"没有用户名为“{username}”的用户") from None
