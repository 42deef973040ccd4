"""
The content: sections (栏目), articles and their tags.

Every text an editor types is stored as written, with the script it is written
in (detected on save, overridable), so the script-variant middleware can show
Traditional-written text to Traditional readers exactly as written.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import TagBase, TaggedItemBase

from newsportal.conversion import HANS, HANT, detect_script

from .addresses import address
from .text import clean_tag_name, clean_text, folded_tag_name, sanitize_html

# First path segments that are not sections: section slugs may not take them.
RESERVED_SLUGS = {"tags", "search", "feed", "feeds", "sitemap", "static", "media", "admin"}


class Script(models.TextChoices):
    AUTO = "", _("自动识别")
    HANS = HANS, _("简体")
    HANT = HANT, _("繁體")


class SectionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Section(models.Model):
    name = models.CharField(_("名称"), max_length=50)
    slug = models.SlugField(
        _("网址名"),
        max_length=50,
        unique=True,
        allow_unicode=False,
        help_text=_("英文字母、数字和连字符，用在网址中，例如 caijing。"),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级栏目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    description = models.TextField(_("简介"), blank=True)
    is_active = models.BooleanField(
        _("启用"), default=True, help_text=_("停用的栏目不在导航和首页出现，栏目页不可访问。")
    )
    script = models.CharField(_("书写文字"), max_length=8, editable=False, default=HANS)
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责编辑"),
        blank=True,
        related_name="edited_sections",
        help_text=_("“编辑”组的成员可以修改和发布这些栏目（含下级栏目）的文章。"),
    )

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("栏目")
        verbose_name_plural = _("栏目")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = clean_text(self.name)
        self.description = clean_text(self.description)
        self.script = detect_script(self.name + self.description)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return address("articles:section", slug=self.slug)

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {"slug": _("“%(slug)s”是保留网址，请换一个。") % {"slug": self.slug}}
            )
        ancestor = self.parent
        seen = set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("上级栏目不能是它自己或它的下级栏目。")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Tag(TagBase):
    """
    A taggit tag that knows the script its name is written in. Names that
    differ only by script (关键词 / 關鍵詞) are one tag: ``folded`` finds it.
    """

    script = models.CharField(_("书写文字"), max_length=8, editable=False, default=HANS)
    folded = models.CharField(max_length=100, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("标签")
        verbose_name_plural = _("标签")

    def save(self, *args, **kwargs):
        self.name = clean_tag_name(self.name)
        self.script = detect_script(self.name)
        self.folded = folded_tag_name(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return address("articles:tag", slug=self.slug)

    def clean(self):
        same = Tag.objects.filter(folded=folded_tag_name(self.name)).exclude(pk=self.pk).first()
        if same is not None:
            raise ValidationError(
                {"name": _("已有同一标签“%(name)s”（只是简繁写法不同）。") % {"name": same.name}}
            )


class FoldedTagManager(_TaggableManager):
    """
    Tags added by name find an existing tag written in the other script, and
    two new names that differ only by script become one tag.
    """

    def _to_tag_model_instances(self, tags, tag_kwargs):
        names = [tag for tag in tags if isinstance(tag, str)]
        if names:
            folded = {name: folded_tag_name(name) for name in names}
            existing = {}
            for tag in Tag.objects.filter(folded__in=set(folded.values())).order_by("-pk"):
                existing[tag.folded] = tag  # the oldest wins
            first = {}
            for name in names:
                first.setdefault(folded[name], existing.get(folded[name], name))
            tags = [first[folded[tag]] if isinstance(tag, str) else tag for tag in tags]
        return super()._to_tag_model_instances(tags, tag_kwargs)


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")

    class Meta:
        verbose_name = _("文章标签")
        verbose_name_plural = _("文章标签")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_tag")
        ]


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Public articles: published, and their time has come (no job needed for scheduling)."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_listing(self):
        return self.select_related("section").defer("body", "reprint_note")


def _cover_path(instance, filename):
    from .images import storage_name  # images imports models; resolved at upload time

    return storage_name("covers", filename)


class EditConflict(Exception):
    """Someone else saved the article since this copy was read: saving it would lose their edit."""


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        REVIEW = "review", _("待审")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤稿")

    # Fields whose source script is detected on save.
    SCRIPTED_FIELDS = (
        "title", "subtitle", "summary", "body", "reprint_note", "cover_alt", "cover_caption",
        "author", "editor", "source",
    )  # fmt: skip

    title = models.CharField(_("标题"), max_length=200)
    subtitle = models.CharField(_("副标题"), max_length=200, blank=True)
    summary = models.TextField(_("导语"), blank=True)
    body = models.TextField(
        _("正文"),
        help_text=_(
            "选中文字后，可用工具栏的“不转换”按钮保护人名、品牌和引文，"
            "或用“繁體原文”“简体原文”标明它的书写文字。"
        ),
    )
    section = models.ForeignKey(
        Section, verbose_name=_("栏目"), on_delete=models.PROTECT, related_name="articles"
    )
    tags = TaggableManager(
        verbose_name=_("标签"), through=TaggedArticle, blank=True, manager=FoldedTagManager
    )
    author = models.CharField(_("作者"), max_length=100, blank=True)
    editor = models.CharField(_("责任编辑"), max_length=100, blank=True)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    source_url = models.URLField(_("来源网址"), max_length=500, blank=True)
    reprint_note = models.TextField(_("转载声明"), blank=True)
    cover = models.ImageField(
        _("封面图"),
        upload_to=_cover_path,
        blank=True,
        width_field="cover_width",
        height_field="cover_height",
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_alt = models.CharField(
        _("封面图替代文字"),
        max_length=200,
        blank=True,
        help_text=_("描述图片内容，供读屏软件和图片无法显示时使用；有封面图时必填。"),
    )
    cover_caption = models.CharField(_("封面图说明"), max_length=200, blank=True)
    cover_renditions = models.JSONField(_("封面图尺寸版本"), default=dict, editable=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        _("发布时间"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("留空则发布时取当前时间；填写将来的时间即为定时发布。"),
    )
    is_featured = models.BooleanField(_("头条"), default=False, db_index=True)
    script = models.CharField(
        _("书写文字"),
        max_length=8,
        choices=Script.choices,
        blank=True,
        default=Script.AUTO,
        help_text=_("默认逐个字段自动识别；如识别有误，可指定整篇文章的书写文字。"),
    )
    field_scripts = models.JSONField(_("各字段书写文字"), default=dict, editable=False)
    view_count = models.PositiveIntegerField(_("阅读数"), default=0, editable=False)
    # Reads in the rolling last 24 hours and 7 days, recomputed from the hour
    # buckets at every flush (articles/view_counts.py): the hot lists read them
    # through an index instead of summing buckets on every page.
    views_day = models.PositiveIntegerField(_("24小时阅读数"), default=0, editable=False)
    views_week = models.PositiveIntegerField(_("7天阅读数"), default=0, editable=False)
    version = models.PositiveIntegerField(
        _("版本号"),
        default=0,
        editable=False,
        help_text=_("每次保存加一；保存时与读取时的版本号不同，说明别人已改过，保存被拒绝。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="created_articles",
    )
    import_guid = models.CharField(
        _("采集标识"),
        max_length=500,
        blank=True,
        editable=False,
        help_text=_("采集来源条目的 GUID 或网址，用于避免重复导入。"),
    )
    source_published_at = models.DateTimeField(
        _("原文发布时间"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        indexes = [
            models.Index(fields=["status", "published_at"], name="article_public_idx"),
            models.Index(fields=["section", "status", "published_at"], name="article_section_idx"),
            models.Index(fields=["-views_day"], name="article_views_day_idx"),
            models.Index(fields=["-views_week"], name="article_views_week_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["import_guid"],
                condition=~models.Q(import_guid=""),
                name="unique_article_import_guid",
            )
        ]
        permissions = [
            ("publish_article", _("可以发布文章")),
            ("withdraw_article", _("可以撤稿")),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        for field in self.SCRIPTED_FIELDS:
            setattr(self, field, clean_text(getattr(self, field)))
        self.body = sanitize_html(self.body)
        self.field_scripts = self.detect_scripts()
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self._state.adding or kwargs.get("force_insert"):
            super().save(*args, **kwargs)
            return
        with transaction.atomic(using=kwargs.get("using")):
            self.claim_version()
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return address("articles:article", section=self.section.slug, pk=self.pk)

    def clean(self):
        if self.cover and not self.cover_alt.strip():
            raise ValidationError({"cover_alt": _("有封面图时请填写替代文字，描述图片内容。")})

    def claim_version(self):
        """
        Move the stored version on from ``self.version``, or raise ``EditConflict``
        if it is no longer that: one conditional UPDATE, so of two concurrent saves
        of the same copy exactly one wins, on SQLite and PostgreSQL alike. Call it
        inside the transaction that writes the change.
        """
        claimed = (
            type(self)
            ._base_manager.filter(pk=self.pk, version=self.version)
            .update(version=models.F("version") + 1)
        )
        if not claimed:
            raise EditConflict(self.pk)
        self.version += 1

    def detect_scripts(self):
        """The script of each text field: the editor's choice, else what the text shows."""
        if self.script:
            return {field: self.script for field in self.SCRIPTED_FIELDS}
        overall = detect_script(self.title + self.summary + self.body)
        return {
            field: detect_script(getattr(self, field), default=overall)
            for field in self.SCRIPTED_FIELDS
        }

    def script_of(self, field):
        return self.field_scripts.get(field) or HANS

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )


class Transition(models.Model):
    """One change of an article's state: who moved it, when, from what to what, and why."""

    article = models.ForeignKey(
        Article, verbose_name=_("文章"), on_delete=models.CASCADE, related_name="transitions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(
        _("原状态"), max_length=10, choices=Article.Status.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=10, choices=Article.Status.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更记录")

    def __str__(self):
        return f"{self.article_id}: {self.from_status or '-'} → {self.to_status}"


class HourlyViews(models.Model):
    """
    Reader views of one article in one hour, added in batches by
    ``articles.view_counts``. Hour buckets are what a rolling 24-hour or 7-day
    hot list sums; ``Article.view_count`` keeps the all-time total, so old
    buckets are pruned.
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="hourly_views", verbose_name=_("文章")
    )
    hour = models.DateTimeField(_("小时"))
    views = models.PositiveIntegerField(_("阅读数"), default=0)

    class Meta:
        verbose_name = _("每小时阅读数")
        verbose_name_plural = _("每小时阅读数")
        constraints = [
            models.UniqueConstraint(fields=["article", "hour"], name="unique_article_hour")
        ]
        indexes = [models.Index(fields=["hour", "article"], name="hourly_views_hour")]

    def __str__(self):
        return f"{self.article_id} @ {self.hour:%Y-%m-%d %H}:00: {self.views}"


def _image_path(instance, filename):
    """Generated names only: what the uploader called the file never reaches the disk."""
    from .images import storage_name  # images imports models; resolved at upload time

    return storage_name("images", filename)


class ArticleImage(models.Model):
    """An image for article bodies, re-encoded on upload, with its renditions."""

    image = models.ImageField(
        _("图片"), upload_to=_image_path, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    alt = models.CharField(
        _("替代文字"), max_length=200, help_text=_("描述图片内容，供读屏软件使用。")
    )
    caption = models.CharField(_("图片说明"), max_length=200, blank=True)
    renditions = models.JSONField(_("尺寸版本"), default=dict, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("图片")
        verbose_name_plural = _("图片")

    def __str__(self):
        return self.alt or self.image.name


class ConversionRuleQuerySet(models.QuerySet):
    def version(self):
        """Changes whenever a rule is added, edited or deleted: cheap enough for every page."""
        summary = self.aggregate(count=models.Count("id"), latest=models.Max("updated_at"))
        return summary["count"], summary["latest"]


class ConversionRule(models.Model):
    """
    A phrase the script converter must show in a fixed form: a protected name
    (every form blank, so it stays as written) or a fix for an OpenCC choice that
    is wrong in news text (发布 → 釋出 in Taiwan phrasing).
    """

    phrase = models.CharField(
        _("词语"), max_length=100, help_text=_("按原文书写，简体或繁體均可。")
    )
    zh_hans = models.CharField(_("简体写法"), max_length=100, blank=True)
    zh_hant = models.CharField(_("繁體写法"), max_length=100, blank=True)
    zh_tw = models.CharField(_("臺灣写法"), max_length=100, blank=True)
    zh_hk = models.CharField(_("香港写法"), max_length=100, blank=True)
    article = models.ForeignKey(
        Article,
        verbose_name=_("仅用于文章"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="conversion_rules",
        help_text=_("留空则全站适用。"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = ConversionRuleQuerySet.as_manager()

    FORM_FIELDS = {"zh-hans": "zh_hans", "zh-hant": "zh_hant", "zh-tw": "zh_tw", "zh-hk": "zh_hk"}

    class Meta:
        ordering = ["phrase", "id"]
        verbose_name = _("转换词条")
        verbose_name_plural = _("转换词表")
        constraints = [
            models.UniqueConstraint(
                fields=["phrase"],
                condition=models.Q(article__isnull=True),
                name="unique_site_rule_phrase",
            ),
            models.UniqueConstraint(
                fields=["phrase", "article"],
                condition=models.Q(article__isnull=False),
                name="unique_article_rule_phrase",
            ),
        ]

    def __str__(self):
        return self.phrase

    def save(self, *args, **kwargs):
        for name in ("phrase", *self.FORM_FIELDS.values(), "note"):
            setattr(self, name, clean_text(getattr(self, name)).strip())
        super().save(*args, **kwargs)

    @property
    def forms(self):
        return {code: getattr(self, name) for code, name in self.FORM_FIELDS.items()}
