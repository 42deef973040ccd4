from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("内容")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from newsportal import glossary, page_cache

        # Imported for their receivers: a revision and a search-index update on every save.
        from . import page_scopes, renditions, revisions, search  # noqa: F401
        from .models import Article, ArticleImage, ConversionRule, Section, Tag, TaggedArticle

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

        # The page cache asks what a page shows, and is told what a change touches.
        page_cache.register(page_scopes.dependencies, page_scopes.next_scheduled)
        pre_save.connect(page_scopes.article_before_save, sender=Article, dispatch_uid="pc_pre")
        post_save.connect(page_scopes.article_saved, sender=Article, dispatch_uid="pc_article")
        pre_delete.connect(page_scopes.article_deleting, sender=Article, dispatch_uid="pc_del")
        m2m_changed.connect(
            page_scopes.article_tags_changed, sender=TaggedArticle, dispatch_uid="pc_tags"
        )
        for model in (Section, Tag):
            for signal in (post_save, post_delete):
                signal.connect(
                    page_scopes.shown_everywhere_changed,
                    sender=model,
                    dispatch_uid=f"pc_{model.__name__}_{signal is post_save}",
                )
        for signal in (post_save, post_delete):
            signal.connect(
                page_scopes.glossary_changed,
                sender=ConversionRule,
                dispatch_uid=f"pc_glossary_{signal is post_save}",
            )
