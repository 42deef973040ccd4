"""
Security headers Django does not set itself: a Content-Security-Policy and a
Permissions-Policy on every response (cached pages included: this runs above
the page cache).

Public pages run no inline script — only ``static/js/portal.js`` — so their
policy needs no nonce, and a cached page can be shared by every reader. The
admin's rich-text editor sets inline styles, so the admin's policy allows
them; scripts stay same-origin there too, except the editor's import map (an
inline ``<script type="importmap">`` that maps module names to our static
files), which is allowed by its hash. Only import maps are hashed: they run no
code, and ``script-src 'self'`` still decides where modules load from.
Uploaded media get a sandboxing policy: even a file that slipped through as
HTML could run nothing.
"""

import base64
import hashlib
import re

from django.conf import settings

PUBLIC = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
ADMIN = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
MEDIA = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
IMPORT_MAP = re.compile(rb'<script type="importmap"[^>]*>(.*?)</script>', re.S)
PERMISSIONS = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), browsing-topics=()"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/admin/"
        self.media_prefix = settings.MEDIA_URL

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.media_prefix):
            policy = MEDIA
        elif request.path.startswith(self.admin_prefix):
            policy = _with_import_maps(ADMIN, response)
        else:
            policy = PUBLIC
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS)
        return response


def _with_import_maps(policy, response):
    if response.streaming or "text/html" not in response.get("Content-Type", ""):
        return policy
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
        for body in IMPORT_MAP.findall(response.content)
    ]
    if not hashes:
        return policy
    return policy.replace("script-src 'self'", "script-src 'self' " + " ".join(hashes), 1)
