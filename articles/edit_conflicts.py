"""
No lost edits: the article's change form carries the version it was read at,
and a save from a copy someone has since changed (another editor, an admin
action, a restore) is refused: the refused text stays in the form, is kept in
the editor's session until saved or discarded, and is shown beside the stored
text with the differences, to merge.

The form check catches a stale copy before saving; ``Article.claim_version()``
catches the race after it (``RevisionAdmin.changeform_view`` turns that into
the same refusal).
"""

from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from reversion.models import Version
from taggit.utils import parse_tags

from . import textdiff
from .models import Article
from .revisions import Snapshot, label_of, local, version_number, versions_of, who

# The hidden form field carrying the version the editor's copy was read at.
# Not "version": that model field is not editable, and a ModelForm refuses it.
BASE_VERSION = "base_version"

# What an editor's refused submission keeps (form field names).
KEPT_FIELDS = (
    "title", "subtitle", "summary", "body", "tags", "author", "editor", "source", "source_url",
    "reprint_note", "cover_alt", "cover_caption",
)  # fmt: skip
KEPT_SESSION_KEY = "articles.kept_edits"
KEPT_AT_MOST = 10  # articles per session


@dataclass
class Conflict:
    """A save refused because the stored article moved on from the copy the editor read."""

    stored: Article
    read: int | None
    latest: Snapshot | None = None  # the revision of the stored version, if it has one
    base: Version | None = None  # the revision the editor read, if found

    @classmethod
    def find(cls, pk, read):
        stored = Article._base_manager.get(pk=pk)
        conflict = cls(stored, read)
        for version in versions_of(stored)[:50]:
            number = version_number(version)
            if number == stored.version and conflict.latest is None:
                conflict.latest = Snapshot.of(version)
            if number == read and conflict.base is None:
                conflict.base = version
        return conflict

    @property
    def message(self):
        if self.read is None:
            return _(
                "保存被拒绝：表单没有带上版本号（可能是系统更新前打开的页面），无法确认"
                "这期间别人是否改过这篇文章。你的修改仍在下面的表单中；当前保存的内容"
                "（第 %(number)s 版）和差异列在表单上方，核对后请再保存。"
            ) % {"number": self.stored.version}
        if self.latest is not None:
            by = _("%(user)s 于 %(date)s 保存了新的内容") % {
                "user": who(self.latest.revision.user),
                "date": local(self.latest.revision.date_created),
            }
        else:
            by = _("文章于 %(date)s 被修改（批量操作或其他程序）") % {
                "date": local(self.stored.updated_at)
            }
        return _(
            "保存被拒绝：在你打开这篇文章之后，%(by)s（现为第 %(number)s 版）。"
            "你的修改没有丢失，仍在下面的表单中；当前保存的内容和差异列在表单上方，"
            "请对照合并后再保存。"
        ) % {"by": by, "number": self.stored.version}


def differences(current, submitted):
    """
    Field by field, where the editor's text (form field name -> text) differs
    from ``current`` (a ``Content``): both texts and a comparison.
    """
    rows = []
    for name in KEPT_FIELDS:
        if name not in submitted:
            continue
        yours = submitted[name]
        if name == "tags":
            now = ", ".join(current.tags)
            if sorted(parse_tags(yours)) == sorted(current.tags):
                continue
        else:
            now = current.fields.get(name) or ""
            if _same_text(now, yours):
                continue
        row = {"name": name, "label": label_of(name), "current": now, "yours": yours}
        if name == "body":
            row["body"] = textdiff.body(now, yours)
            row["current_blocks"] = textdiff.blocks(now)
            row["yours_blocks"] = textdiff.blocks(yours)
        else:
            row["html"] = textdiff.inline(now, yours)
        rows.append(row)
    return rows


def _same_text(stored, typed):
    return stored.replace("\r\n", "\n").strip() == typed.replace("\r\n", "\n").strip()


def kept_edit(request, pk):
    return request.session.get(KEPT_SESSION_KEY, {}).get(str(pk))


def keep_edit(request, pk, data, stored_version):
    """Keep a refused submission in the editor's session, so a reload does not lose it."""
    kept = dict(request.session.get(KEPT_SESSION_KEY, {}))
    kept[str(pk)] = {
        "at": timezone.now().isoformat(),
        "version": stored_version,
        "fields": {name: data[name] for name in KEPT_FIELDS if name in data},
    }
    newest = sorted(kept.items(), key=lambda item: item[1]["at"])[-KEPT_AT_MOST:]
    request.session[KEPT_SESSION_KEY] = dict(newest)


def forget_edit(request, pk):
    kept = request.session.get(KEPT_SESSION_KEY, {})
    if str(pk) in kept:
        request.session[KEPT_SESSION_KEY] = {k: v for k, v in kept.items() if k != str(pk)}


class VersionChecked:
    """
    Mixed into the article's change form: the form carries the version it was
    read at, and a save from a copy someone has since changed is refused. The
    refused text stays in the form; the hidden version moves on to the stored
    one, so saving again (after merging) is a deliberate overwrite.
    """

    edit_conflict = None
    claim_failed = False  # the save's version claim failed: someone saved in between

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault(BASE_VERSION, self.instance.version)

    def clean(self):
        read = self.cleaned_data.get(BASE_VERSION)
        if read is None or read != self.instance.version or self.claim_failed:
            self.edit_conflict = Conflict.find(self.instance.pk, read)
            self.data = self.data.copy()
            self.data[self.add_prefix(BASE_VERSION)] = str(self.edit_conflict.stored.version)
            self.add_error(
                None, forms.ValidationError(self.edit_conflict.message, code="edit_conflict")
            )
        return super().clean()


def version_checked(form_class, claim_failed=False):
    field = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    attrs = {BASE_VERSION: field, "claim_failed": claim_failed}
    return type(form_class.__name__, (VersionChecked, form_class), attrs)
