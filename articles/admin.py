"""
Editors' screens. The admin is never script-converted: editors see and keep
exactly what they typed.
"""

import copy

import taggit.models
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagWidget

from . import image_admin, review, workflow  # noqa: F401 (image_admin registers the library)
from .editor import body_widget
from .glossary_impact import affected_articles
from .images import ImageUploadField
from .models import Article, ConversionRule, Section, Tag
from .revision_admin import RevisionAdmin
from .workflow_admin import ArticleWorkflowMixin

# Our Tag model replaces taggit's; its admin would list an empty, confusing second tag table.
admin.site.unregister(taggit.models.Tag)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = [
        "name", "slug", "parent", "position", "is_active", "article_count", "editor_names",
    ]  # fmt: skip
    list_editable = ["position", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["name", "slug", "description"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["editors"]

    def get_queryset(self, request):
        # Explicit order: Meta.ordering is dropped from GROUP BY queries.
        return (
            super()
            .get_queryset(request)
            .select_related("parent")
            .prefetch_related("editors")
            .annotate(_article_count=Count("articles"))
            .order_by("position", "id")
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "editors":
            # Only someone who may publish can be put in charge of a section.
            publish = Q(codename="publish_article", content_type__app_label="articles")
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(is_active=True, is_staff=True)
                .filter(
                    Q(is_superuser=True)
                    | Q(groups__permissions__in=Permission.objects.filter(publish))
                    | Q(user_permissions__in=Permission.objects.filter(publish))
                )
                .distinct()
                .order_by(get_user_model().USERNAME_FIELD)
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("文章数"), ordering="_article_count")
    def article_count(self, section):
        return section._article_count

    @admin.display(description=_("负责编辑"))
    def editor_names(self, section):
        names = (user.get_full_name() or user.get_username() for user in section.editors.all())
        return "、".join(names)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name", "slug"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_article_count=Count("tagged_articles"))
            .order_by("name")
        )

    @admin.display(description=_("文章数"), ordering="_article_count")
    def article_count(self, tag):
        return tag._article_count


# Editors paste addresses without a scheme; https is the right guess (and Django 6's default).
URL_FIELD_OPTIONS = {models.URLField: {"assume_scheme": "https"}}


def _formfield(db_field, **kwargs):
    return db_field.formfield(**{**URL_FIELD_OPTIONS.get(type(db_field), {}), **kwargs})


class ArticleForm(forms.ModelForm):
    """
    The article as editors write it. The admin binds ``user``; the status then
    offers only the moves that user may make, and ``clean`` refuses any other
    (a forged POST gets a form error and nothing is saved). Without a user
    (scripts) the form checks the fields only.
    """

    transition_note = forms.CharField(
        label=_("状态变更说明"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("改变状态时填写，会记入状态记录；退回修改和撤稿必须写明原因。"),
    )
    user = None

    class Meta:
        model = Article
        fields = [
            "title", "subtitle", "section", "tags", "summary", "body", "author", "editor",
            "source", "source_url", "reprint_note", "cover", "cover_alt", "cover_caption",
            "status", "published_at", "is_featured", "script",
        ]  # fmt: skip
        formfield_callback = _formfield
        field_classes = {"cover": ImageUploadField}
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": body_widget(),
            "reprint_note": forms.Textarea(attrs={"rows": 2}),
            "tags": TagWidget(
                attrs={
                    "class": "vTextField",
                    "data-suggest-url": reverse_lazy("admin:articles_article_tag_suggestions"),
                }
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.source_status = workflow.source_of(self.instance)
        stored = self.instance.published_at
        if stored is not None and "published_at" in self.fields:
            # The time widget shows minutes: compare (and keep) the stored time at that precision.
            self.initial["published_at"] = stored.replace(second=0, microsecond=0)
        if self.user is not None and "status" in self.fields:
            self.fields["status"].choices = workflow.status_choices(self.user, self.instance)

    def clean_published_at(self):
        """An untouched time keeps its seconds, so a plain save changes nothing about it."""
        value = self.cleaned_data["published_at"]
        if "published_at" not in self.changed_data:
            return self.instance.published_at if value is not None else value
        return value

    def clean(self):
        cleaned = super().clean()
        if self.user is not None:
            self.check_workflow(cleaned)
        return cleaned

    def check_workflow(self, cleaned):
        """The edit as a whole must be one this user may make, judged on the result too."""
        user, source = self.user, self.source_status
        # The instance still holds the stored values; judge a copy carrying the new section.
        proposed = copy.copy(self.instance)
        if cleaned.get("section") is not None:
            proposed.section = cleaned["section"]
        if source == workflow.NEW:
            proposed.created_by_id = user.pk
        elif proposed.section_id != self.instance.section_id and not workflow.may_edit(
            user, proposed
        ):
            self.add_error("section", _("你只能把文章放进自己负责的栏目。"))
            return
        target = cleaned.get("status", self.instance.status)
        note = cleaned.get("transition_note", "").strip()
        if target != source:
            reason = workflow.refusal(user, proposed, target)
            if reason is not None:
                self.add_error("status", reason)
            elif workflow.needs_note(source, target) and not note:
                self.add_error(
                    "transition_note",
                    _("“%(verb)s”需要写明原因。")
                    % {"verb": workflow.MOVES[(source, target)].verb},
                )
        elif note:
            self.add_error(
                "transition_note",
                _("状态没有改变，说明不会被记录：请选择新的状态，或清空说明。"),
            )
        for name in workflow.DESK_FIELDS:
            if name in self.changed_data and not workflow.in_charge(user, proposed):
                self.add_error(name, _("只有负责该栏目的编辑可以设置发布时间和头条。"))


@admin.register(Article)
class ArticleAdmin(ArticleWorkflowMixin, RevisionAdmin):
    form = ArticleForm
    formfield_overrides = URL_FIELD_OPTIONS
    list_display = [
        "title",
        "status_label",
        "section",
        "published_at",
        "is_featured",
        "author",
        "created_by",
        "view_count",
    ]
    list_display_links = ["title"]
    list_filter = ["status", "is_featured", "section", "published_at"]
    list_select_related = ["section", "created_by"]
    search_fields = ["title", "subtitle", "summary", "body", "author", "editor"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["section"]
    readonly_fields = ["created_at", "updated_at", "view_count", "detected_scripts"]
    actions = [
        "submit", "publish", "send_back", "unpublish", "withdraw", "restore",
        "feature", "unfeature",
    ]  # fmt: skip
    list_per_page = 50
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "section", "tags", "summary", "body"]}),
        (
            _("署名与来源"),
            {"fields": [("author", "editor"), ("source", "source_url"), "reprint_note"]},
        ),
        (_("封面"), {"fields": ["cover", "cover_alt", "cover_caption"]}),
        (_("发布"), {"fields": ["status", "published_at", "is_featured"]}),
        (
            _("书写文字与统计"),
            {
                "classes": ["collapse"],
                "fields": ["script", "detected_scripts", "view_count", "created_at", "updated_at"],
            },
        ),
    ]

    class Media:
        js = ["admin/js/tag-suggestions.js"]

    @admin.display(description=_("状态"), ordering="status")
    def status_label(self, article):
        if article.is_scheduled:
            return format_html(
                '<span title="{}">{}</span>',
                timezone.localtime(article.published_at).strftime("%Y-%m-%d %H:%M"),
                _("定时发布"),
            )
        return article.get_status_display()

    @admin.display(description=_("识别结果"))
    def detected_scripts(self, article):
        labels = {"zh-Hans": "简", "zh-Hant": "繁"}
        names = {field.name: field.verbose_name for field in Article._meta.fields}
        return ", ".join(
            f"{names[field]}：{labels.get(script, script)}"
            for field, script in article.field_scripts.items()
            if getattr(article, field)
        )

    def get_urls(self):
        return [
            path(
                "tag-suggestions/",
                self.admin_site.admin_view(self.tag_suggestions),
                name="articles_article_tag_suggestions",
            ),
            path(
                "<path:object_id>/conversion/",
                self.admin_site.admin_view(self.conversion_review),
                name="articles_article_conversion",
            ),
            *super().get_urls(),
        ]

    def conversion_review(self, request, object_id):
        """Every field in every variant, one-to-many characters marked; a click pins one."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(_("没有这篇文章。"))
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        can_pin = self.has_change_permission(request, article) and request.user.has_perm(
            "articles.add_conversionrule"
        )
        if request.method == "POST":
            if not can_pin:
                raise PermissionDenied
            rule, flag = review.pin(article, request.POST.get("pin", ""))
            self.message_user(request, review.pinned_message(rule), messages.SUCCESS)
            url = reverse("admin:articles_article_conversion", args=[article.pk])
            return redirect(f"{url}#{flag.field}-{flag.paragraph}")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": _("转换核对：%(title)s") % {"title": article.title},
            "review": review.review(article),
            "rules": article.conversion_rules.all(),
            "can_pin": can_pin,
            "has_view_permission": self.has_view_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/conversion_review.html", context)

    def tag_suggestions(self, request):
        """Existing tags containing what the editor is typing, most used first."""
        term = request.GET.get("q", "").strip()[:50]
        tags = Tag.objects.annotate(uses=Count("tagged_articles")).order_by("-uses", "name")
        if term:
            tags = tags.filter(name__icontains=term)
        return JsonResponse({"tags": [tag.name for tag in tags[:15]]})


IMPACT_MESSAGE = _(
    "这个词条会改变 %(count)s 篇已发布文章。"
    "请核对每处用法，确认后勾选下方的“我已核对受影响的文章”再保存："
)


class ConversionRuleForm(forms.ModelForm):
    confirm_impact = forms.BooleanField(
        label=_("我已核对受影响的文章"),
        required=False,
        help_text=_("站点词条会改变所有已发布文章中的这个词，请先核对上面列出的文章。"),
    )

    class Meta:
        model = ConversionRule
        fields = ["phrase", "zh_hans", "zh_hant", "zh_tw", "zh_hk", "article", "note"]

    def clean(self):
        cleaned = super().clean()
        phrase = (cleaned.get("phrase") or "").strip()
        article = cleaned.get("article")
        if not phrase or article is not None:
            return cleaned
        unchanged = (
            self.instance.pk
            and self.instance.phrase == phrase
            and self.instance.forms
            == {code: cleaned.get(name, "") for code, name in ConversionRule.FORM_FIELDS.items()}
        )
        if unchanged:
            return cleaned
        total, occurrences = affected_articles(phrase)
        if total and not cleaned.get("confirm_impact"):
            listing = format_html_join(
                "",
                "<li>《{}》：…{}<mark>{}</mark>{}…</li>",
                ((o.article.title, o.before, o.phrase, o.after) for o in occurrences),
            )
            raise forms.ValidationError(
                format_html(
                    "{}<ul>{}</ul>",
                    IMPACT_MESSAGE % {"count": total},
                    listing,
                ),
                code="impact",
            )
        return cleaned


@admin.register(ConversionRule)
class ConversionRuleAdmin(admin.ModelAdmin):
    form = ConversionRuleForm
    list_display = [
        "phrase",
        "zh_hans",
        "zh_hant",
        "zh_tw",
        "zh_hk",
        "article",
        "note",
        "updated_at",
    ]
    list_filter = [("article", admin.EmptyFieldListFilter)]
    search_fields = ["phrase", "zh_hans", "zh_hant", "zh_tw", "zh_hk", "note"]
    autocomplete_fields = ["article"]
    list_select_related = ["article"]
    fieldsets = [
        (None, {"fields": ["phrase", "article", "note"]}),
        (
            _("各文字版本的写法（留空表示保持原文不转换）"),
            {"fields": [("zh_hans", "zh_hant"), ("zh_tw", "zh_hk")]},
        ),
        (None, {"fields": ["confirm_impact"]}),
    ]
