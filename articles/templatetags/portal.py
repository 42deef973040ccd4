from django import template

register = template.Library()


@register.filter
def script(article, field):
    """The source script of one of an article's fields, for its ``lang`` attribute."""
    return article.script_of(field)
