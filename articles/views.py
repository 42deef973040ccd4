"""
Reader pages. Thin: what to show comes from ``articles.listings``; each view
picks the object, the list and the template.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView

from . import listings, view_counts, workflow
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
            hot=listings.hot_lists(limit=10),
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
            hot=listings.hot_lists(limit=8, section_ids=self.tree.descendant_ids(self.section.pk)),
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
        return super().get_context_data(tag=self.tag, hot=listings.hot_lists(limit=8), **kwargs)


class ArticleView(DetailView):
    """
    A public article; for staff who may open it in the admin, a preview of an
    unpublished one (never cached: it depends on who asks). A withdrawn article
    is gone for everyone else: 410, with a page saying so.
    """

    template_name = "articles/article.html"
    context_object_name = "article"

    def get_object(self, queryset=None):
        articles = Article.objects.select_related("section").prefetch_related("tags")
        article = articles.filter(pk=self.kwargs["pk"]).first()
        if article is None:
            raise Http404("no such article")
        return article

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        # Only an unpublished article asks who is reading: public pages stay the same for all.
        self.preview = not self.object.is_public
        if self.preview and not workflow.may_view(request.user, self.object):
            if self.object.status == Article.Status.WITHDRAWN:
                return gone(request)
            raise Http404("no such article")
        if self.object.section.slug != kwargs["section"]:
            # The article moved, or the section was renamed: one canonical URL.
            response = redirect(self.object, permanent=not self.preview)
        else:
            response = self.render_to_response(self.get_context_data(object=self.object))
        if self.preview:
            add_never_cache_headers(response)
            patch_vary_headers(response, ["Cookie"])
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
            hot=listings.hot_lists(limit=6),
            **kwargs,
        )


def gone(request):
    """A withdrawn article's address: 410 Gone, explained to the reader, linking home."""
    response = TemplateResponse(request, "articles/gone.html", status=410)
    patch_vary_headers(response, ["Cookie"])  # staff who may see it get a preview instead
    return response


@csrf_exempt  # a bodiless beacon from a page anyone may cache; it only adds to a tally
@require_POST
@never_cache
def count_view(request, pk):
    """Where ``portal.js`` reports that a reader opened an article (``articles.view_counts``)."""
    view_counts.record(request, pk)
    return HttpResponse(status=204)
