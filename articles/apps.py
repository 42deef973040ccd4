from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("内容")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from newsportal import glossary

        # Imported for their receivers: a revision and a search-index update on every save.
        from . import renditions, revisions, search  # noqa: F401
        from .models import Article, ArticleImage, ConversionRule

        def load():
            for rule in ConversionRule.objects.all():
                yield glossary.Rule(rule.phrase, rule.forms, rule.article_id)

        # The converter reads rules through this registry: newsportal never imports articles.
        glossary.register(ConversionRule.objects.version, load)

        # Renditions are made when a model is saved with a new image, however it was saved.
        post_save.connect(
            renditions.article_saved, sender=Article, dispatch_uid="cover_renditions"
        )
        post_save.connect(
            renditions.library_image_saved, sender=ArticleImage, dispatch_uid="image_renditions"
        )
        post_delete.connect(
            renditions.library_image_deleted, sender=ArticleImage, dispatch_uid="image_files"
        )
