from django.urls import path

from . import views
from .search.views import SearchView

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", SearchView.as_view(), name="search"),
    # Tag slugs keep their Chinese characters; <slug:> would only match ASCII.
    path("tags/<str:slug>/", views.TagView.as_view(), name="tag"),
    path("<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("<slug:section>/<int:pk>/", views.ArticleView.as_view(), name="article"),
]
