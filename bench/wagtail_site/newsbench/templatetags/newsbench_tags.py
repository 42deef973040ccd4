"""The header's navigation: the site's top sections, read once per request."""

from django import template
from wagtail.models import Site

register = template.Library()


@register.simple_tag(takes_context=True)
def site_root(context):
    """The site's home page (specific), cached on the request as Wagtail caches the Site."""
    request = context["request"]
    if not hasattr(request, "_newsbench_root"):
        request._newsbench_root = Site.find_for_request(request).root_page.specific
    return request._newsbench_root


@register.simple_tag(takes_context=True)
def top_sections(context):
    return site_root(context).get_children().live().in_menu()
