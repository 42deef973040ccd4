"""Builders for the newsroom tests: staff in the roles the migration creates, and form data."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

WRITER, EDITOR, CHIEF = "记者", "编辑", "主编"


def member(username, group, sections=()):
    """A staff user in ``group``, in charge of ``sections`` (for 编辑)."""
    user = get_user_model().objects.create_user(
        username, password=f"{username}-pass-123", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    for section in sections:
        section.editors.add(user)
    return user


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def changelist_url():
    return reverse("admin:articles_article_changelist")


def form_data(article, **overrides):
    """The change form as the admin would post it back for ``article``, with ``overrides``."""
    data = {
        "title": article.title,
        "subtitle": article.subtitle,
        "section": article.section_id,
        "tags": ", ".join(article.tags.names()),
        "summary": article.summary,
        "body": article.body,
        "author": article.author,
        "editor": article.editor,
        "source": article.source,
        "source_url": article.source_url,
        "reprint_note": article.reprint_note,
        "cover_alt": article.cover_alt,
        "cover_caption": article.cover_caption,
        "status": article.status,
        "published_at_0": _local(article.published_at, "%Y-%m-%d"),
        "published_at_1": _local(article.published_at, "%H:%M:%S"),
        "script": article.script,
        "transition_note": "",
        # The edit-conflict check's hidden field: the copy is the stored one.
        "base_version": article.version,
    }
    if article.is_featured:
        data["is_featured"] = "on"
    data.update(overrides)
    return data


def _local(moment, pattern):
    return timezone.localtime(moment).strftime(pattern) if moment else ""


def new_article_data(section, **overrides):
    data = {
        "title": "记者新写的稿件",
        "subtitle": "",
        "section": section.pk,
        "tags": "民生",
        "summary": "导语",
        "body": "<p>正文。</p>",
        "author": "",
        "editor": "",
        "source": "",
        "source_url": "",
        "reprint_note": "",
        "cover_alt": "",
        "cover_caption": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "script": "",
        "transition_note": "",
    }
    data.update(overrides)
    return data


def run_action(client, action, articles, note=""):
    return client.post(
        changelist_url(),
        {"action": action, "_selected_action": [a.pk for a in articles], "note": note},
    )


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]
