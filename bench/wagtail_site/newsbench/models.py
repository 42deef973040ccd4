"""
The comparison site's pages, as Wagtail's tutorial models a news site: a home
page listing the latest articles (and, through ``RoutablePageMixin``, a page
per tag), a section index per section, and the article page with title,
date, intro, rich-text body and tags. Lists bound their queries as a careful
Wagtail developer would (``.live().descendant_of()`` ordered on an indexed
date, tags prefetched where shown), so the comparison is with Wagtail done
well, not done naively.
"""

from django.core.paginator import Paginator
from django.db import models
from django.shortcuts import get_object_or_404
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

PER_PAGE = 20


class NewsIndexPage(RoutablePageMixin, Page):
    """The site's home: the latest articles anywhere below it."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["newsbench.SectionPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = latest(self)[:PER_PAGE]
        return context

    @path("tags/<str:slug>/", name="tag")
    def tag(self, request, slug):
        tag = get_object_or_404(Tag, slug=slug)
        articles = latest(self).filter(tags=tag)
        return self.render(
            request,
            template="newsbench/tag_page.html",
            context_overrides={"tag": tag, "articles": _page(request, articles)},
        )


class SectionPage(Page):
    """A section (栏目): its articles and its sub-sections', newest first, 20 a page."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["newsbench.NewsIndexPage", "newsbench.SectionPage"]
    subpage_types = ["newsbench.SectionPage", "newsbench.NewsPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = _page(request, latest(self))
        return context


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "newsbench.NewsPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class NewsPage(Page):
    date = models.DateTimeField("发布时间", db_index=True)
    intro = models.TextField("导语", blank=True)
    body = RichTextField("正文", blank=True)
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True)

    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    parent_page_types = ["newsbench.SectionPage"]
    subpage_types = []


def latest(page):
    """Live articles anywhere below ``page``, newest first."""
    return NewsPage.objects.live().descendant_of(page).order_by("-date", "-pk")


def _page(request, articles):
    return Paginator(articles, PER_PAGE).get_page(request.GET.get("page"))
