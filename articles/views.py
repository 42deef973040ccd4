"""
Reader pages. Thin: what to show comes from ``articles.listings``; each view
picks the object, the list and the template.
"""

from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, ListView, TemplateView

from . import listings
from .models import Article, Tag
from .sections import section_tree


class ArticleListMixin:
    """Published articles, paginated, with what a list item shows."""

    paginate_by = 20

    def get_queryset(self):
        return Article.objects.published().for_listing()


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        tree = section_tree(self.request)
        featured = list(listings.featured(limit=5))
        shown = [article.pk for article in featured]
        return super().get_context_data(
            headline=featured[0] if featured else None,
            featured=featured[1:],
            latest=listings.latest(limit=12, exclude=shown),
            section_blocks=listings.section_blocks(tree, per_section=6),
            hot=listings.hot(limit=10),
            keywords=listings.keywords(limit=12),
            **kwargs,
        )


class SectionView(ArticleListMixin, ListView):
    template_name = "articles/section.html"

    def get(self, request, *args, **kwargs):
        self.tree = section_tree(request)
        self.section = self.tree.by_slug.get(kwargs["slug"])
        if self.section is None:
            raise Http404("no such section")
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        ids = self.tree.descendant_ids(self.section.pk)
        return super().get_queryset().filter(section_id__in=ids)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            section=self.section,
            current_root=self.tree.root_of(self.section),
            ancestors=self.tree.ancestors(self.section),
            children=self.tree.children(self.section.pk),
            hot=listings.hot(limit=10, section_ids=self.tree.descendant_ids(self.section.pk)),
            **kwargs,
        )


class TagView(ArticleListMixin, ListView):
    template_name = "articles/tag.html"

    def get(self, request, *args, **kwargs):
        self.tag = get_object_or_404(Tag, slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, hot=listings.hot(limit=10), **kwargs)


class ArticleView(DetailView):
    template_name = "articles/article.html"
    context_object_name = "article"

    def get_object(self, queryset=None):
        articles = Article.objects.select_related("section").prefetch_related("tags")
        article = articles.published().filter(pk=self.kwargs["pk"]).first()
        self.preview = False
        if article is None and self.request.user.is_staff:
            article = articles.filter(pk=self.kwargs["pk"]).first()
            self.preview = article is not None
        if article is None:
            raise Http404("no such article")
        return article

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.section.slug != kwargs["section"]:
            # The article moved, or the section was renamed: one canonical URL.
            return redirect(self.object, permanent=not self.preview)
        if not self.preview and listings.counts_as_view(request):
            Article.objects.filter(pk=self.object.pk).update(view_count=F("view_count") + 1)
        response = self.render_to_response(self.get_context_data(object=self.object))
        if self.preview:
            add_never_cache_headers(response)
        return response

    def get_context_data(self, **kwargs):
        article = self.object
        tree = section_tree(self.request)
        previous, following = (None, None) if self.preview else listings.neighbours(article)
        return super().get_context_data(
            preview=self.preview,
            current_root=tree.root_of(article.section),
            ancestors=[*tree.ancestors(article.section), article.section],
            related=listings.related(article, limit=6),
            previous=previous,
            next=following,
            hot=listings.hot(limit=8),
            **kwargs,
        )
