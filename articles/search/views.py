"""
The search page. Every parameter comes from the query string and any of them
may be anything: what is valid is used, what is not is ignored and said so on
the page, and no query, however hostile, is more than a page without results.
"""

import re
from datetime import date, datetime, time, timedelta

from django import forms
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from ..sections import section_tree
from . import search  # the function, from the package
from .folding import MAX_QUERY_LENGTH, query_terms

# Control characters (NUL included), lone surrogates and the replacement
# character that stands for bytes that were not UTF-8: never part of a query.
_UNTYPABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffd]")
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)


def _date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        validators=[MinValueValidator(EARLIEST), MaxValueValidator(LATEST)],
    )


class QueryField(forms.CharField):
    """
    What was typed, less what can never be part of a query: cleaned before
    validation, so a NUL is dropped rather than refusing the whole query.
    """

    def to_python(self, value):
        return " ".join(_UNTYPABLE.sub(" ", super().to_python(value)).split())


class SearchForm(forms.Form):
    q = QueryField(label=_("关键词"), required=False)
    section = forms.ChoiceField(label=_("栏目"), required=False)

    def __init__(self, data, tree):
        super().__init__(data)
        self.tree = tree
        self.fields["section"].choices = [("", _("全部栏目"))] + [
            (section.slug, section.name) for section in tree.sections
        ]
        # "from" is a Python keyword, so these two cannot be declared above.
        self.fields["from"] = _date_field(_("起始日期"))
        self.fields["to"] = _date_field(_("截止日期"))
        self.truncated = False

    def clean_q(self):
        query = self.cleaned_data["q"]
        self.truncated = len(query) > MAX_QUERY_LENGTH
        return query[:MAX_QUERY_LENGTH]

    def clean(self):
        data = super().clean()
        since, until = data.get("from"), data.get("to")
        if since and until and since > until:
            del data["from"], data["to"]
            raise forms.ValidationError(_("起始日期晚于截止日期，已忽略日期条件。"))
        return data

    def results(self):
        """The search the valid parameters ask for, or None without a term to search."""
        data = self.cleaned_data
        query = data.get("q", "")
        if not query_terms(query):
            return None
        section = self.tree.by_slug.get(data.get("section") or "")
        return search(
            query,
            sections=None if section is None else self.tree.descendant_ids(section.pk),
            since=_start_of(data.get("from")),
            until=_start_of(data["to"] + timedelta(days=1)) if data.get("to") else None,
        )

    def params(self):
        """The valid parameters as a query string, for links to other pages of results."""
        params = QueryDict(mutable=True)
        for name in ("q", "section", "from", "to"):
            value = self.cleaned_data.get(name)
            if value:
                params[name] = value.isoformat() if isinstance(value, date) else value
        return params.urlencode()


def _start_of(day):
    """Midnight at the start of ``day`` in the site's time zone."""
    return None if day is None else timezone.make_aware(datetime.combine(day, time.min))


def _section_options(tree):
    """The sections in tree order, each with an indent showing its depth, for the picker."""
    options = []
    pending = [(section, 0) for section in reversed(tree.roots)]
    seen = set()
    while pending:
        section, depth = pending.pop()
        if section.pk in seen:
            continue  # a loop in the tree: each section once
        seen.add(section.pk)
        options.append((section, "\u3000" * depth))
        pending.extend((child, depth + 1) for child in reversed(tree.children(section.pk)))
    return options


class SearchView(TemplateView):
    template_name = "articles/search.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        tree = section_tree(self.request)
        form = SearchForm(self.request.GET, tree)
        form.is_valid()  # errors are shown on the page; the valid parameters still search
        results = form.results()
        page = None
        if results is not None:
            paginator = Paginator(results, self.paginate_by)
            page = paginator.get_page(self.request.GET.get("page"))
        return super().get_context_data(
            form=form,
            query=form.cleaned_data.get("q", ""),
            results=results,
            page_obj=page,
            section_options=_section_options(tree),
            search_params=form.params(),
            max_query_length=MAX_QUERY_LENGTH,
            **kwargs,
        )
