from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("内容")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from newsportal import glossary

        from .models import ConversionRule

        def load():
            for rule in ConversionRule.objects.all():
                yield glossary.Rule(rule.phrase, rule.forms, rule.article_id)

        # The converter reads rules through this registry: newsportal never imports articles.
        glossary.register(ConversionRule.objects.version, load)
