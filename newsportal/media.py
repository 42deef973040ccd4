"""
Uploaded images served by the app, for a single server or a trial. Every
stored name is generated and never reused (``articles.images.storage_name``),
so a file at a name never changes: browsers and CDNs may keep it a year.
In production a web server or object storage serves MEDIA_ROOT instead
(README, "Deploying"), with the same header.
"""

from django.conf import settings
from django.utils.cache import patch_cache_control
from django.views.static import serve

MAX_AGE = 365 * 24 * 3600


def serve_media(request, path):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if response.status_code == 200:
        patch_cache_control(response, public=True, max_age=MAX_AGE, immutable=True)
    return response
