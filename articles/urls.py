from django.urls import path, register_converter

from . import feeds, views
from .search.views import SearchView

app_name = "articles"


class TagSlugConverter:
    """
    Tag slugs keep their Chinese characters (``<slug:>`` is ASCII only); control
    characters never belong to one, and PostgreSQL refuses NUL in a query, so
    such a path is simply not a tag page (404).
    """

    regex = r"[^/\x00-\x1f\x7f]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TagSlugConverter, "tag")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", SearchView.as_view(), name="search"),
    # Feeds come before the section catch-all ("feed" is a reserved section slug).
    path("feed/", feeds.ArticleFeed(), name="feed"),
    path("feed/atom/", feeds.AtomFeed(), name="feed_atom"),
    path("tags/<tag:slug>/", views.TagView.as_view(), name="tag"),
    path("tags/<tag:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tags/<tag:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag_feed_atom"),
    path("<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("<slug:slug>/feed/", feeds.SectionFeed(), name="section_feed"),
    path("<slug:slug>/feed/atom/", feeds.SectionAtomFeed(), name="section_feed_atom"),
    path("<slug:section>/<int:pk>/", views.ArticleView.as_view(), name="article"),
]
