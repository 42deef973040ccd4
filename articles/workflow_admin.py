"""
The publishing workflow in the article admin. Hiding a button is not a rule:
each role's limits are enforced where the admin decides (querysets, object
permissions, read-only fields, actions, and the form's validation in
``ArticleForm``), all by asking ``articles.workflow``. Every change of state is
recorded, and the change page shows the record and preview links.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import workflow
from .models import EditConflict

Status = workflow.Status

# How many refused articles an action names before it says "and N more".
REPORTED_REFUSALS = 10


class WorkflowActionForm(ActionForm):
    """The actions bar, with a note that goes into each article's record."""

    note = forms.CharField(
        label=_("说明"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 500, "placeholder": _("退回修改、撤稿时必填")}),
    )


def preview_links(article):
    """The article's page in every variant: a preview only staff may open while unpublished."""
    links = []
    for code, label in settings.LANGUAGES:
        with translation.override(code):
            links.append({"code": code, "label": label, "url": article.get_absolute_url()})
    return links


class ArticleWorkflowMixin:
    """Roles, state moves and their record for ``ArticleAdmin``."""

    action_form = WorkflowActionForm

    def get_queryset(self, request):
        return workflow.visible(request.user, super().get_queryset(request))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or workflow.may_view(request.user, obj)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or workflow.may_edit(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or workflow.may_view(request.user, obj)
        )

    def has_publish_permission(self, request):
        return request.user.has_perm(workflow.PUBLISH)

    def has_withdraw_permission(self, request):
        return request.user.has_perm(workflow.WITHDRAW)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is None:
            trusted = request.user.has_perm(workflow.PUBLISH)
        else:
            trusted = workflow.in_charge(request.user, obj)
        if not trusted:
            fields.extend(name for name in workflow.DESK_FIELDS if name not in fields)
        return fields

    def get_fieldsets(self, request, obj=None):
        """The transition note goes with the status, on forms the user may save."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            may_save = self.has_add_permission(request)
        else:
            may_save = self.has_change_permission(request, obj)
        if not may_save:
            return fieldsets
        return [
            (name, {**options, "fields": [*options["fields"], "transition_note"]})
            if "status" in options["fields"]
            else (name, options)
            for name, options in fieldsets
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # a class made for this request by modelform_factory
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        source = form.source_status
        super().save_model(request, obj, form, change)
        if obj.status != source:
            note = form.cleaned_data.get("transition_note", "")
            workflow.record(obj, request.user, source, obj.status, note)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["workflow_history"] = list(obj.transitions.select_related("user"))
            context["preview_links"] = preview_links(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description=_("送审所选文章"), permissions=["change"])
    def submit(self, request, queryset):
        self._move_selected(request, queryset, [Status.DRAFT], Status.REVIEW, _("已送审"))

    @admin.action(description=_("发布所选文章"), permissions=["publish"])
    def publish(self, request, queryset):
        sources = [Status.DRAFT, Status.REVIEW]
        self._move_selected(request, queryset, sources, Status.PUBLISHED, _("已发布"))

    @admin.action(description=_("退回修改（请填写说明）"), permissions=["publish"])
    def send_back(self, request, queryset):
        self._move_selected(request, queryset, [Status.REVIEW], Status.DRAFT, _("已退回修改"))

    @admin.action(description=_("撤回为草稿"), permissions=["publish"])
    def unpublish(self, request, queryset):
        sources = [Status.PUBLISHED]
        self._move_selected(request, queryset, sources, Status.DRAFT, _("已撤回为草稿"))

    @admin.action(description=_("撤稿（请填写说明）"), permissions=["withdraw"])
    def withdraw(self, request, queryset):
        sources = [Status.PUBLISHED]
        self._move_selected(request, queryset, sources, Status.WITHDRAWN, _("已撤稿"))

    @admin.action(description=_("恢复撤稿的文章为草稿"), permissions=["withdraw"])
    def restore(self, request, queryset):
        sources = [Status.WITHDRAWN]
        self._move_selected(request, queryset, sources, Status.DRAFT, _("已恢复为草稿"))

    @admin.action(description=_("设为头条"), permissions=["publish"])
    def feature(self, request, queryset):
        self._set_featured(request, queryset, True, _("已设为头条"))

    @admin.action(description=_("取消头条"), permissions=["publish"])
    def unfeature(self, request, queryset):
        self._set_featured(request, queryset, False, _("已取消头条"))

    def _move_selected(self, request, queryset, sources, target, done_text):
        """Move each selected article the user may move; name the ones skipped, and why."""
        note = request.POST.get("note", "").strip()
        move = workflow.MOVES[(sources[0], target)]
        if move.needs_note and not note:
            self.message_user(
                request,
                _("“%(verb)s”需要写明原因：请在操作旁的“说明”栏填写后再执行。")
                % {"verb": move.verb},
                messages.ERROR,
            )
            return
        done, refused = 0, []
        for article in queryset:
            if article.status in sources:
                reason = workflow.refusal(request.user, article, target)
            else:
                reason = _("当前状态是“%(status)s”") % {"status": article.get_status_display()}
            if reason is None:
                message = f"{move.verb}：{note}" if note else str(move.verb)
                reason = self._commit(request, article, message, target, note)
            if reason is None:
                done += 1
            else:
                refused.append((article, reason))
        self._report(request, done, done_text, refused)

    def _set_featured(self, request, queryset, value, done_text):
        done, refused = 0, []
        for article in queryset:
            if article.status == Status.WITHDRAWN or not workflow.in_charge(request.user, article):
                reason = _("只有负责该栏目的编辑可以设置头条")
            elif article.is_featured == value:
                reason = None
            else:
                article.is_featured = value
                reason = self._commit(request, article, str(done_text))
            if reason is None:
                done += 1
            else:
                refused.append((article, reason))
        self._report(request, done, done_text, refused)

    def _commit(self, request, article, message, target=None, note=""):
        """
        Save one article (moving it to ``target``, if given) and log it, or say
        why not: someone saved it since the list was read (its version moved on).
        """
        try:
            if target is None:
                article.save()
            else:
                workflow.move(article, target, request.user, note)
        except EditConflict:
            return _("刚被别人修改过，请刷新后重试")
        self.log_change(request, article, message)
        return None

    def _report(self, request, done, done_text, refused):
        if done:
            self.message_user(
                request,
                _("%(count)d 篇文章%(done)s。") % {"count": done, "done": done_text},
                messages.SUCCESS,
            )
        if refused:
            named = "；".join(
                f"《{article.title}》：{reason}" for article, reason in refused[:REPORTED_REFUSALS]
            )
            if len(refused) > REPORTED_REFUSALS:
                named += _("……等 %(count)d 篇") % {"count": len(refused)}
            self.message_user(
                request,
                _("%(count)d 篇文章未处理（%(names)s）。")
                % {"count": len(refused), "names": named},
                messages.WARNING,
            )
