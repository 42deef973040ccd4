from django.urls import path

from . import feeds, views
from .search.views import SearchView

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", SearchView.as_view(), name="search"),
    # Feeds come before the section catch-all ("feed" is a reserved section slug).
    path("feed/", feeds.ArticleFeed(), name="feed"),
    path("feed/atom/", feeds.AtomFeed(), name="feed_atom"),
    # Tag slugs keep their Chinese characters; <slug:> would only match ASCII.
    path("tags/<str:slug>/", views.TagView.as_view(), name="tag"),
    path("tags/<str:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tags/<str:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag_feed_atom"),
    path("<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("<slug:slug>/feed/", feeds.SectionFeed(), name="section_feed"),
    path("<slug:slug>/feed/atom/", feeds.SectionAtomFeed(), name="section_feed_atom"),
    path("<slug:section>/<int:pk>/", views.ArticleView.as_view(), name="article"),
]
