"""
The section tree, read in one query.

A portal has tens of sections, never thousands, so reading them all once per
request and walking the tree in Python keeps every page's query count fixed,
however deep the tree.
"""

from functools import cached_property

from .models import Section


class SectionTree:
    def __init__(self, sections):
        self.sections = list(sections)
        self.by_id = {section.pk: section for section in self.sections}
        self.by_slug = {section.slug: section for section in self.sections}
        self._children = {}
        for section in self.sections:
            self._children.setdefault(section.parent_id, []).append(section)

    @classmethod
    def active(cls):
        return cls(Section.objects.active())

    @cached_property
    def roots(self):
        return self.children(None)

    def children(self, section_id):
        return [s for s in self._children.get(section_id, []) if s.pk != s.parent_id]

    def descendant_ids(self, section_id):
        """The section and everything under it that is active (a cycle cannot loop)."""
        found = []
        pending = [section_id]
        while pending:
            current = pending.pop()
            if current in found:
                continue
            found.append(current)
            pending.extend(child.pk for child in self._children.get(current, []))
        return found

    def ancestors(self, section):
        """From the top-level section down to ``section``'s parent."""
        chain = []
        current = self.by_id.get(section.parent_id)
        while current is not None and current not in chain:
            chain.append(current)
            current = self.by_id.get(current.parent_id)
        return chain[::-1]

    def root_of(self, section):
        chain = self.ancestors(section)
        return chain[0] if chain else section


def section_tree(request):
    """One tree per request, shared by the navigation and the view."""
    tree = getattr(request, "_section_tree", None)
    if tree is None:
        tree = request._section_tree = SectionTree.active()
    return tree
