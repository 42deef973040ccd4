"""
The URL root. Every public page lives under a variant prefix (i18n_patterns);
the admin, media, sitemaps and robots.txt do not, and are never converted.
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path, re_path

from articles.sitemaps import robots_txt, sitemaps
from articles.views import count_view

from .health import healthz
from .media import serve_media

handler500 = "newsportal.errors.server_error"


def favicon(request):
    """Browsers ask for /favicon.ico where a page names no icon (the admin): send them to ours."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


admin.site.site_header = settings.ADMIN_SITE_HEADER
admin.site.site_title = settings.ADMIN_SITE_HEADER
admin.site.index_title = "内容管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    # One sitemap for all variants: each entry names its siblings in the others.
    path("sitemap.xml", sitemap_views.index, {"sitemaps": sitemaps}, name="sitemap-index"),
    # The news sitemap has its own tags; listed in the index like the others.
    path(
        "sitemap-news.xml",
        sitemap_views.sitemap,
        {"sitemaps": {"news": sitemaps["news"]}, "template_name": "sitemap_news.xml"},
        name="sitemap-news",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", robots_txt, name="robots-txt"),
    # The article page's view beacon: one address for every variant.
    path("views/<int:pk>/", count_view, name="count-view"),
    # Uploaded images. In production a web server or object storage should
    # serve MEDIA_ROOT instead (README, "Deploying").
    re_path(r"^media/(?P<path>.*)$", serve_media),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
]

urlpatterns += i18n_patterns(
    path("", include("articles.urls")),
    prefix_default_language=True,
)
