"""
Uploaded images served by the app, for a single server or a trial. Every
stored name is generated and never reused (``articles.images.storage_name``),
so a file at a name never changes: browsers and CDNs may keep it a year.
In production a web server or object storage serves MEDIA_ROOT instead
(README, "Deploying"), with the same header.
"""

import posixpath

from django.conf import settings
from django.http import Http404
from django.utils.cache import patch_cache_control
from django.views.static import serve

MAX_AGE = 365 * 24 * 3600
# Uploads are re-encoded to these; nothing else is ever served from MEDIA_ROOT,
# so no file can come back as HTML (or script) from the site's own origin.
IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
               ".webp": "image/webp", ".gif": "image/gif"}  # fmt: skip


def serve_media(request, path):
    content_type = IMAGE_TYPES.get(posixpath.splitext(path)[1].lower())
    if content_type is None:
        raise Http404("not an image")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Content-Type"] = content_type
    if response.status_code == 200:
        patch_cache_control(response, public=True, max_age=MAX_AGE, immutable=True)
    return response
