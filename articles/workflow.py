"""
The newsroom's rules: who may see, edit and move which article.

Roles are groups of permissions (created by migration 0006): 记者 writes and
submits, 编辑 publishes in the sections assigned to them, 主编 may do everything.
The rules below read permissions, never group names, so an administrator can
shape a role without touching code; the admin and the reader views ask this
module, and nothing else decides.

Who sees what: one's own articles always; with the publish permission, the
articles of one's sections (``Section.editors``, with their descendants); with
the permission to change sections, all of them, because whoever may edit the
section tree could assign themselves any section anyway.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Article, Section, Transition
from .sections import SectionTree
from .text import clean_text

Status = Article.Status

ADD = "articles.add_article"
CHANGE = "articles.change_article"
VIEW = "articles.view_article"
PUBLISH = "articles.publish_article"
WITHDRAW = "articles.withdraw_article"
ALL_SECTIONS = "articles.change_section"

NEW = ""  # the "from" state of an article being created

# Fields only those in charge of the article's section may set (see in_charge).
DESK_FIELDS = ("published_at", "is_featured")


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    verb: str
    permission: str | None  # None: whoever may edit the article
    needs_note: bool = False


MOVES = {
    (move.source, move.target): move
    for move in (
        Move(NEW, Status.DRAFT, _("新建"), None),
        Move(NEW, Status.REVIEW, _("新建并送审"), None),
        Move(NEW, Status.PUBLISHED, _("新建并发布"), PUBLISH),
        Move(Status.DRAFT, Status.REVIEW, _("送审"), None),
        Move(Status.DRAFT, Status.PUBLISHED, _("发布"), PUBLISH),
        Move(Status.REVIEW, Status.PUBLISHED, _("发布"), PUBLISH),
        Move(Status.REVIEW, Status.DRAFT, _("退回修改"), PUBLISH, needs_note=True),
        Move(Status.PUBLISHED, Status.DRAFT, _("撤回为草稿"), PUBLISH),
        Move(Status.PUBLISHED, Status.WITHDRAWN, _("撤稿"), WITHDRAW, needs_note=True),
        Move(Status.WITHDRAWN, Status.DRAFT, _("恢复为草稿"), WITHDRAW),
    )
}


def desk(user):
    """
    The ids of the sections whose articles ``user`` is in charge of, or None
    for all. Kept on the user object (like Django's permission cache), so one
    request reads it once.
    """
    if user.has_perm(ALL_SECTIONS):
        return None
    if not user.has_perm(PUBLISH):
        return frozenset()
    if not hasattr(user, "_article_desk"):
        assigned = list(user.edited_sections.values_list("pk", flat=True))
        ids = set()
        if assigned:
            tree = SectionTree(Section.objects.only("pk", "parent", "slug"))
            for section_id in assigned:
                ids.update(tree.descendant_ids(section_id))
        user._article_desk = frozenset(ids)
    return user._article_desk


def is_own(user, article):
    return article.created_by_id is not None and article.created_by_id == user.pk


def in_charge(user, article):
    """May ``user`` publish, schedule and feature this article (in its current section)?"""
    if not user.is_active or not user.has_perm(PUBLISH):
        return False
    sections = desk(user)
    return sections is None or article.section_id in sections


def visible(user, queryset):
    """The articles ``user`` may see in the admin and preview."""
    sections = desk(user)
    if sections is None:
        return queryset
    if user.pk is None:
        return queryset.none()
    return queryset.filter(Q(created_by=user.pk) | Q(section__in=sections))


def may_view(user, article):
    """May ``user`` open this article in the admin, and so preview it on the site?"""
    if not (user.is_active and user.is_staff):
        return False
    if not (user.has_perm(VIEW) or user.has_perm(CHANGE)):
        return False
    return is_own(user, article) or desk(user) is None or in_charge(user, article)


def may_edit(user, article):
    """
    May ``user`` change this article? Writers their own drafts only; a withdrawn
    article only whoever may withdraw (the chief editor).
    """
    if not user.has_perm(CHANGE) or not may_view(user, article):
        return False
    if article.status == Status.WITHDRAWN:
        return user.has_perm(WITHDRAW)
    return in_charge(user, article) or (is_own(user, article) and article.status == Status.DRAFT)


def source_of(article):
    return NEW if article._state.adding else article.status


def refusal(user, article, target):
    """
    Why ``user`` may not move ``article`` (as it stands, status not yet changed)
    to ``target``, or None if they may.
    """
    source = source_of(article)
    move = MOVES.get((source, target))
    if move is None:
        return _("文章不能从“%(source)s”改为“%(target)s”。") % {
            "source": label(source),
            "target": label(target),
        }
    if source == NEW:
        if not user.has_perm(ADD):
            return _("你没有新建文章的权限。")
    elif not may_edit(user, article):
        return _("你没有修改这篇文章的权限。")
    if move.permission == PUBLISH and not in_charge(user, article):
        return _("只有负责该栏目的编辑可以%(verb)s。") % {"verb": move.verb}
    if move.permission == WITHDRAW and not user.has_perm(WITHDRAW):
        return _("只有主编可以%(verb)s。") % {"verb": move.verb}
    return None


def targets(user, article):
    """The states ``user`` may move ``article`` to from where it is now."""
    source = source_of(article)
    return [
        target
        for (start, target) in MOVES
        if start == source and refusal(user, article, target) is None
    ]


def status_choices(user, article):
    """
    Choices for the status field: where the article is, and where this user may
    take it. A new article has no section yet: offer what the user's permissions
    allow, and let the form judge the section chosen.
    """
    if source_of(article) == NEW:
        allowed = {
            target
            for (source, target), move in MOVES.items()
            if source == NEW and (move.permission is None or user.has_perm(move.permission))
        }
    else:
        allowed = {article.status, *targets(user, article)}
    return [(value, name) for value, name in Status.choices if value in allowed]


def needs_note(source, target):
    move = MOVES.get((source, target))
    return move is not None and move.needs_note


def label(status):
    return Status(status).label if status else _("新建")


def record(article, user, source, target, note=""):
    """Write down one change of state (who, when, from, to, why)."""
    return Transition.objects.create(
        article=article,
        user=user if user is not None and user.is_authenticated else None,
        from_status=source,
        to_status=target,
        note=clean_text(note).strip()[:500],
    )


def move(article, target, user, note=""):
    """
    Move ``article`` to ``target`` and record it, in one transaction. The save
    goes through ``Article.save``, so the version moves on (an editor's open
    form of this article is then refused) and ``EditConflict`` is raised if
    someone saved it since it was read. Permission is the caller's to check.
    """
    source = article.status
    with transaction.atomic():
        article.status = target
        article.save()
        return record(article, user, source, target, note)
