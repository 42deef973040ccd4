"""
The article admin's revision screens: the history, a comparison of two
revisions, one revision with a restore button, and the change form's
edit-conflict check (the form and the conflict page).
"""

import reversion
from django.contrib import messages
from django.contrib.admin.utils import flatten_fieldsets, quote, unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from reversion.admin import VersionAdmin

from . import textdiff
from .edit_conflicts import (
    BASE_VERSION,
    KEPT_FIELDS,
    differences,
    forget_edit,
    keep_edit,
    kept_edit,
    version_checked,
)
from .models import EditConflict
from .revisions import (
    Content,
    Snapshot,
    compare,
    local,
    restore,
    version_number,
    versions_of,
    who,
)

CLAIM_FAILED = "_article_claim_failed"  # set on the request when Article.save() was refused


class RevisionAdmin(VersionAdmin):
    """The article admin's base: history, diff, restore and the edit-conflict check."""

    history_per_page = 50

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], BASE_VERSION]}), *rest]

    def get_form(self, request, obj=None, change=False, **kwargs):
        fields = kwargs.get("fields")
        if "fields" not in kwargs:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        if fields is not None:
            kwargs["fields"] = [name for name in fields if name != BASE_VERSION]
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or not self.has_change_permission(request, obj):
            return form
        return version_checked(form, claim_failed=getattr(request, CLAIM_FAILED, False))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Read the article again once its tags and derived fields (renditions) are set.
        if reversion.is_active():
            reversion.add_to_revision(form.instance)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            # Someone saved between the form's check and the save's claim; all of
            # this attempt was rolled back. Show the form again, refused as stale.
            setattr(request, CLAIM_FAILED, True)
            for upload in request.FILES.values():
                upload.seek(0)
            response = super().changeform_view(request, object_id, form_url, extra_context)
        if request.method == "POST" and object_id and response.status_code == 302:
            forget_edit(request, unquote(object_id))
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add, change, form_url, obj)
        if obj is None or add:
            return response
        form = context["adminform"].form
        conflict = getattr(form, "edit_conflict", None)
        extra = {}
        if conflict is not None:
            submitted = {name: form.data[name] for name in KEPT_FIELDS if name in form.data}
            if conflict.base is None or differences(Snapshot.of(conflict.base).content, submitted):
                keep_edit(request, obj.pk, submitted, conflict.stored.version)
            extra["conflict"] = conflict
            extra["differences"] = differences(Content.of(conflict.stored), submitted)
            if conflict.base is not None and conflict.latest is not None:
                extra["their_changes_url"] = self._url(
                    "compare", obj.pk, query=(conflict.base.pk, conflict.latest.version.pk)
                )
        elif request.method == "GET" and (kept := kept_edit(request, obj.pk)):
            rows = differences(Content.of(obj), kept["fields"])
            if not rows:
                forget_edit(request, obj.pk)
                return response
            at = local(parse_datetime(kept["at"]))
            extra["kept"] = {"at": at, "version": kept["version"], "rows": rows}
        else:
            return response
        base = select_template(response.template_name).template
        response.context_data.update(extra, change_form_base=base)
        response.template_name = "admin/articles/article/edit_conflict.html"
        return response

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="{}_{}_compare".format(*info),
            ),
            path(
                "<path:object_id>/kept-edit/discard/",
                self.admin_site.admin_view(self.discard_kept_edit_view),
                name="{}_{}_discard_kept_edit".format(*info),
            ),
            *super().get_urls(),
        ]

    def _url(self, name, *args, query=None):
        info = self.opts.app_label, self.opts.model_name
        url = reverse(
            "{}:{}_{}_{}".format(self.admin_site.name, *info, name),
            args=[quote(a) for a in args],
        )
        if query:
            url += "?from={}&to={}".format(*query)
        return url

    def _article(self, request, object_id, change=False):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(_("没有这篇文章。"))
        allowed = (
            self.has_change_permission(request, article)
            if change
            else self.has_view_or_change_permission(request, article)
        )
        if not allowed:
            raise PermissionDenied
        return article

    def _context(self, request, article, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": title,
            "has_view_permission": self.has_view_permission(request, article),
            "can_restore": self.has_change_permission(request, article),
            **extra,
        }

    def history_view(self, request, object_id, extra_context=None):
        """Every revision: who, when, why, which version; pick two to compare."""
        article = self._article(request, object_id)
        page = Paginator(versions_of(article), self.history_per_page).get_page(
            request.GET.get("page")
        )
        rows = [
            {
                "version": version,
                "number": version_number(version),
                "user": who(version.revision.user),
                "url": self._url("revision", article.pk, version.pk),
            }
            for version in page
        ]
        context = self._context(
            request,
            article,
            _("修改历史：%(title)s") % {"title": article.title},
            page=page,
            rows=rows,
            compare_url=self._url("compare", article.pk),
            **(extra_context or {}),
        )
        return TemplateResponse(request, "admin/articles/article/history.html", context)

    def compare_view(self, request, object_id):
        """Two revisions side by side: what changed from the older to the newer."""
        article = self._article(request, object_id)
        versions = versions_of(article)
        try:
            ids = [int(request.GET[key]) for key in ("from", "to")]
        except (KeyError, ValueError):
            ids = [v.pk for v in versions[:2]][::-1]
        found = versions.in_bulk(ids)
        if len(ids) != 2 or any(pk not in found for pk in ids):
            raise Http404(_("找不到要比较的版本。"))
        older, newer = sorted(
            (found[pk] for pk in ids), key=lambda v: (v.revision.date_created, v.pk)
        )
        old, new = Snapshot.of(older), Snapshot.of(newer)
        context = self._context(
            request,
            article,
            _("比较版本：%(title)s") % {"title": article.title},
            old=old,
            new=new,
            diff=compare(old.content, new.content),
            old_url=self._url("revision", article.pk, older.pk),
            new_url=self._url("revision", article.pk, newer.pk),
        )
        return TemplateResponse(request, "admin/articles/article/revision_compare.html", context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """One revision, what restoring it would change, and (POST) restoring it."""
        article = self._article(request, object_id, change=request.method == "POST")
        version = versions_of(article).filter(pk=version_id).first()
        if version is None:
            raise Http404(_("没有这个版本。"))
        snapshot = Snapshot.of(version)
        if request.method == "POST":
            try:
                base_version = int(request.POST.get(BASE_VERSION, ""))
            except ValueError:
                base_version = None
            try:
                if base_version is None:
                    raise EditConflict(article.pk)
                comment, lost = restore(article, snapshot, request.user, base_version)
            except EditConflict:
                article.refresh_from_db()
                refused = _("恢复被拒绝：这篇文章在你打开本页之后又被修改了。请核对差异后再恢复。")
                messages.error(request, refused)
            else:
                self.log_change(request, article, comment)
                self.message_user(request, comment, messages.SUCCESS)
                for item in lost:
                    self.message_user(
                        request, _("未能恢复：%(item)s") % {"item": item}, messages.WARNING
                    )
                return redirect(self._url("change", article.pk))
        context = self._context(
            request,
            article,
            _("查看版本：%(title)s") % {"title": article.title},
            snapshot=snapshot,
            diff=compare(Content.of(article), snapshot.content),
            blocks=textdiff.blocks(snapshot.content.fields.get("body", "")),
            history_url=self._url("history", article.pk),
            base_version=article.version,
            **(extra_context or {}),
        )
        return TemplateResponse(request, "admin/articles/article/revision.html", context)

    def discard_kept_edit_view(self, request, object_id):
        """Forget the editor's refused submission of this article (kept in their session)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article(request, object_id)
        forget_edit(request, article.pk)
        self.message_user(request, _("已丢弃被拒绝的修改。"), messages.SUCCESS)
        return redirect(self._url("change", article.pk))
