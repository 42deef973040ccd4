"""
``manage.py loaddemo``: the demo portal behind ``make run``.

Safe to run on every start: it only adds what is missing and leaves whatever is
there, editors' changes included (see ``articles.demo``).
"""

from django.core.management.base import BaseCommand

from articles import demo

ADMIN_URL = "http://127.0.0.1:8000/admin/"
KINDS = [
    ("sections", "栏目"),
    ("articles", "文章"),
    ("tags", "标签"),
    ("tag links", "文章标签"),
    ("covers", "封面图"),
]


class Command(BaseCommand):
    help = "加载演示内容（栏目、文章、标签、封面图和各角色的演示账号）；重复运行只补缺，不覆盖。"

    def handle(self, *args, **options):
        report = demo.load()
        out = self.stdout
        out.write(self.style.SUCCESS("演示内容已就绪 / Demo content is ready"))
        for kind, label in KINDS:
            created, present = report.created[kind], report.present[kind]
            line = f"  {label} {kind}: 新建 created {created}"
            if kind != "tag links":  # links are only ever added with a new article
                line += f"，已有 already present {present}"
            out.write(line)
        out.write("")
        out.write(f"编辑后台 / Editors' admin: {ADMIN_URL}")
        for username, _group, description in demo.ACCOUNTS:
            if username in report.accounts_created:
                out.write(f"  {username} / {demo.EDITOR_PASSWORD}  {description}")
            else:
                out.write(
                    f"  {username}: 已存在，密码未改动 / already exists; its password was left "
                    f"as it is (the demo password is {demo.EDITOR_PASSWORD})"
                )
