"""
The URL root. Every public page lives under a variant prefix (i18n_patterns);
the admin and media do not, and are never converted.
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

admin.site.site_header = settings.ADMIN_SITE_HEADER
admin.site.site_title = settings.ADMIN_SITE_HEADER
admin.site.index_title = "内容管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Uploaded images. In production a web server or object storage should
    # serve MEDIA_ROOT instead (README, "Deploying").
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]

urlpatterns += i18n_patterns(
    path("", include("articles.urls")),
    prefix_default_language=True,
)
