from django.http import HttpResponse
from django.urls import path

TEXT = "新闻门户网站基准测试".encode()  # 30 bytes


def hello(request):
    return HttpResponse("你好，世界", content_type="text/plain; charset=utf-8")


def page_of(request, size):
    """``size`` bytes of text: the ceiling for a page that big, not for five characters."""
    body = (TEXT * (size // len(TEXT) + 1))[:size]
    return HttpResponse(body, content_type="text/html; charset=utf-8")


urlpatterns = [path("", hello), path("bytes/<int:size>/", page_of)]
