from django.core.management.base import BaseCommand

from articles import view_counts


class Command(BaseCommand):
    help = (
        "把读者阅读数从计数缓冲（Redis 或本进程）写入数据库。"
        "页面本身会定期写入；可由 cron 每分钟运行，部署或停机前也可运行一次。"
    )

    def handle(self, *args, **options):
        written = view_counts.flush()
        if written is None:
            self.stdout.write("另一个进程正在写入阅读数，本次跳过。")
        else:
            self.stdout.write(self.style.SUCCESS(f"已写入 {written} 次阅读。"))
