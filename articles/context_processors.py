from django.utils.functional import SimpleLazyObject

from .sections import section_tree


def navigation(request):
    """Top-level sections for the header, read only if a template asks for them."""
    return {"nav_sections": SimpleLazyObject(lambda: section_tree(request).roots)}
