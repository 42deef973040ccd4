"""
Editors' screens. The admin is never script-converted: editors see and keep
exactly what they typed.
"""

import taggit.models
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagWidget

from . import image_admin, review  # noqa: F401 (image_admin registers the image library)
from .editor import body_widget
from .glossary_impact import affected_articles
from .images import ImageUploadField
from .models import Article, ConversionRule, Section, Tag
from .revisions import RevisionAdmin

# Our Tag model replaces taggit's; its admin would list an empty, confusing second tag table.
admin.site.unregister(taggit.models.Tag)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "position", "is_active", "article_count"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["name", "slug", "description"]
    autocomplete_fields = ["parent"]

    def get_queryset(self, request):
        # Explicit order: Meta.ordering is dropped from GROUP BY queries.
        return (
            super()
            .get_queryset(request)
            .select_related("parent")
            .annotate(_article_count=Count("articles"))
            .order_by("position", "id")
        )

    @admin.display(description=_("文章数"), ordering="_article_count")
    def article_count(self, section):
        return section._article_count


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


@admin.register(Article)
class ArticleAdmin(RevisionAdmin):
    form = ArticleForm
    formfield_overrides = URL_FIELD_OPTIONS
    list_display = [
        "title",
        "status_label",
        "section",
        "published_at",
        "is_featured",
        "author",
        "view_count",
    ]
    list_display_links = ["title"]
    list_filter = ["status", "is_featured", "section", "published_at"]
    list_select_related = ["section"]
    search_fields = ["title", "subtitle", "summary", "body", "author", "editor"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["section"]
    readonly_fields = ["created_at", "updated_at", "view_count", "detected_scripts"]
    actions = ["publish", "unpublish", "feature", "unfeature"]
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
        js = ["admin/js/tag-suggestions.js", "admin/js/body-marks.js"]

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

    @admin.action(description=_("发布所选文章"))
    def publish(self, request, queryset):
        now = timezone.now()
        queryset.filter(published_at__isnull=True).update(published_at=now)
        count = queryset.update(status=Article.Status.PUBLISHED, updated_at=now)
        self._report(request, count, "篇文章已发布。")

    @admin.action(description=_("撤回为草稿"))
    def unpublish(self, request, queryset):
        count = queryset.update(status=Article.Status.DRAFT, updated_at=timezone.now())
        self._report(request, count, "篇文章已撤回为草稿。")

    @admin.action(description=_("设为头条"))
    def feature(self, request, queryset):
        self._report(request, queryset.update(is_featured=True), "篇文章已设为头条。")

    @admin.action(description=_("取消头条"))
    def unfeature(self, request, queryset):
        self._report(request, queryset.update(is_featured=False), "篇文章已取消头条。")

    def _report(self, request, count, text):
        self.message_user(request, f"{count} {text}", messages.SUCCESS)

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
