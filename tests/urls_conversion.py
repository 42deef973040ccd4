"""
The site's URLs plus a few prefixed views the conversion middleware must leave
alone or handle with care; used with ``@pytest.mark.urls("tests.urls_conversion")``.
"""

import gzip

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import path

from newsportal.urls import urlpatterns as site_urlpatterns

PAGE = "<p>软件发布会</p>"
SIZED = '<p lang="zh-CN">软件发布会</p>'  # the lang rewrite makes it longer
FORM = (
    '<form action="/zh-hans/搜索/" method="get">'
    '<input name="q" value="发布会" placeholder="搜索发布会" aria-label="搜索">'
    "<textarea>发布会的布局</textarea>"
    '<button type="submit" value="发布">搜索</button>'
    "</form>"
)


def json_view(request):
    return JsonResponse({"title": "软件发布会"}, json_dumps_params={"ensure_ascii": False})


def streaming_view(request):
    return StreamingHttpResponse(iter([PAGE, "<p>头发</p>"]), content_type="text/html")


def gzip_view(request):
    response = HttpResponse(gzip.compress(PAGE.encode()), content_type="text/html")
    response["Content-Encoding"] = "gzip"
    return response


def sized_view(request):
    response = HttpResponse(SIZED)
    response["Content-Length"] = str(len(response.content))
    return response


def form_view(request):
    return HttpResponse(FORM)


def bytes_view(request):
    # Not valid UTF-8: a stray byte, a truncated sequence, then a real 发.
    return HttpResponse(b"<p>\xff\xe5\xe6\x96</p><p>\xe5\x8f\x91\xe5\xb8\x83</p>")


def nul_view(request):
    return HttpResponse("<p>技术\x00说明</p>")


urlpatterns = [
    *i18n_patterns(
        path("test-json/", json_view),
        path("test-stream/", streaming_view),
        path("test-gzip/", gzip_view),
        path("test-sized/", sized_view),
        path("test-form/", form_view),
        path("test-bytes/", bytes_view),
        path("test-nul/", nul_view),
        prefix_default_language=True,
    ),
    *site_urlpatterns,
]
