"""The image library in the admin: upload, check, and the endpoint the body editor uploads to."""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import JsonResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from .images import ImageUploadField
from .models import ArticleImage
from .text import clean_text

NOT_STAFF = _("请先登录编辑后台。")
NO_PERMISSION = _("没有上传图片的权限。")
POST_ONLY = _("只接受 POST 上传。")


class ArticleImageForm(forms.ModelForm):
    """The library's form, used by its add page and by the upload endpoint alike."""

    class Meta:
        model = ArticleImage
        fields = ["image", "alt", "caption"]
        field_classes = {"image": ImageUploadField}
        error_messages = {
            "image": {"required": _("请选择要上传的图片。")},
            "alt": {"required": _("请填写替代文字，描述图片内容。")},
        }

    def clean_alt(self):
        alt = clean_text(self.cleaned_data["alt"]).strip()
        if not alt:
            raise forms.ValidationError(self.fields["alt"].error_messages["required"])
        return alt

    def clean_caption(self):
        return clean_text(self.cleaned_data["caption"]).strip()


@admin.register(ArticleImage)
class ArticleImageAdmin(admin.ModelAdmin):
    form = ArticleImageForm
    list_display = ["thumbnail", "alt", "caption", "dimensions", "uploaded_by", "created_at"]
    list_display_links = ["thumbnail", "alt"]
    list_select_related = ["uploaded_by"]
    search_fields = ["alt", "caption"]
    date_hierarchy = "created_at"
    list_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        # Bodies point at an image by id: to show another picture, upload a new one.
        if obj is None:
            return []
        return ["preview", "dimensions", "uploaded_by", "created_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["image", "alt", "caption"]
        return ["preview", "alt", "caption", "dimensions", "uploaded_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("缩略图"))
    def thumbnail(self, image):
        return self._img(image, 0, 120)

    @admin.display(description=_("图片"))
    def preview(self, image):
        return self._img(image, -1, 640)

    @admin.display(description=_("尺寸"))
    def dimensions(self, image):
        return f"{image.width}×{image.height}" if image.width else "-"

    def _img(self, image, which, width):
        ladder = image.renditions.get("sizes")
        if not ladder:
            return "-"
        entry = ladder[which]
        storage = image.image.storage
        height = round(entry["height"] * width / entry["width"])
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="" loading="lazy">',
            storage.url(entry.get("jpeg") or entry.get("png")),
            width,
            height,
        )

    def get_urls(self):
        return [
            path("upload/", self.upload_view, name="articles_articleimage_upload"),
            *super().get_urls(),
        ]

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    def upload_view(self, request):
        """
        The body editor's upload: multipart ``image``, ``alt`` (required) and
        ``caption``; 201 with what the editor writes into its ``<img>``, or a
        JSON error in Chinese. Answers 403 rather than the admin's redirect to
        the login page, which a script cannot follow.
        """
        if not self.admin_site.has_permission(request):
            return JsonResponse({"error": str(NOT_STAFF)}, status=403)
        if not self.has_add_permission(request):
            return JsonResponse({"error": str(NO_PERMISSION)}, status=403)
        if request.method != "POST":
            return JsonResponse({"error": str(POST_ONLY)}, status=405)
        form = ArticleImageForm(request.POST, request.FILES)
        if not form.is_valid():
            errors = {field: [str(e) for e in errors] for field, errors in form.errors.items()}
            message = "；".join(e for field_errors in errors.values() for e in field_errors)
            return JsonResponse({"error": message, "fields": errors}, status=400)
        with transaction.atomic():
            image = form.save(commit=False)
            image.uploaded_by = request.user
            image.save()  # makes its renditions
        return JsonResponse({"id": image.pk, **_largest(image), "alt": image.alt}, status=201)


def _largest(image):
    """The largest fallback rendition (the stored file if it has none): what old browsers get."""
    ladder = image.renditions.get("sizes")
    if not ladder:
        return {"src": image.image.url, "width": image.width, "height": image.height}
    entry = ladder[-1]
    name = entry.get("jpeg") or entry.get("png")
    return {
        "src": image.image.storage.url(name),
        "width": entry["width"],
        "height": entry["height"],
    }
