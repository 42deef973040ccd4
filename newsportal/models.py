from django.db import models


class PageGeneration(models.Model):
    """
    A page-cache scope's generation (``newsportal/page_cache.py``), kept here
    when the cache is local to each process, so a purge reaches every worker.
    """

    scope = models.CharField(max_length=200, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.scope}: {self.value}"
