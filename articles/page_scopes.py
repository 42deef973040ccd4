"""
What each public page shows, for the page cache (``newsportal/page_cache.py``),
and which pages a content change must purge.

- An article's page: ``article:<pk>``.
- A section's page and feeds: ``section:<slug>``; it lists its sub-sections'
  articles too, so a change in a section purges it and its ancestors.
- A tag's page and feeds: ``tag:<slug>``.
- Home, site feeds and search: ``site``, purged by every article change.
- Sections, tags and the site glossary show on every page: ``all``.

Side lists on other pages (hot lists, related, previous/next) catch up within
the cache's lifetime (``NEWSPORTAL_PAGE_CACHE_SECONDS``) rather than purging
every article page of a section on each edit.
"""

from django.db.models import Min
from django.utils import timezone

from newsportal import page_cache
from newsportal.page_cache import Dependencies

from .models import Article, Section, Tag, TaggedArticle

LISTS = {"home", "search", "feed", "feed_atom"}
SECTION_PAGES = {"section", "section_feed", "section_feed_atom"}
TAG_PAGES = {"tag", "tag_feed", "tag_feed_atom"}


def dependencies(match):
    """The scopes of a resolved public URL, or None for pages that are never cached."""
    if match.namespace != "articles":
        return None
    name, kwargs = match.url_name, match.kwargs
    if name in LISTS:
        return Dependencies(("site",), is_list=True)
    if name in SECTION_PAGES:
        return Dependencies((f"section:{kwargs['slug']}",), is_list=True)
    if name in TAG_PAGES:
        return Dependencies((f"tag:{kwargs['slug']}",), is_list=True)
    if name == "article":
        return Dependencies((f"article:{kwargs['pk']}",))
    return None


def next_scheduled():
    """When the next scheduled article appears (epoch seconds), or None: lists expire then."""
    due = Article.objects.filter(
        status=Article.Status.PUBLISHED, published_at__gt=timezone.now()
    ).aggregate(next=Min("published_at"))["next"]
    return None if due is None else due.timestamp()


def article_scopes(article, section_ids=(), tag_slugs=()):
    """Everything showing ``article``: itself, its sections up the tree, its tags, the site."""
    section_ids = {article.section_id, *section_ids} - {None}
    sections = {section.pk: section for section in Section.objects.all()}
    scopes = {f"article:{article.pk}", "site"}
    for section_id in section_ids:
        seen = set()
        current = sections.get(section_id)
        while current is not None and current.pk not in seen:
            seen.add(current.pk)
            scopes.add(f"section:{current.slug}")
            current = sections.get(current.parent_id)
    if article.pk:
        current = TaggedArticle.objects.filter(content_object=article).values_list("tag__slug")
        tag_slugs = {*tag_slugs, *(slug for (slug,) in current)}
    scopes.update(f"tag:{slug}" for slug in tag_slugs)
    return scopes


# --- Receivers (connected in apps.py) ------------------------------------------------


def article_before_save(sender, instance, raw=False, **kwargs):
    """Remember the section an article leaves, so its old section pages are purged too."""
    if instance.pk and not raw:
        instance._previous_section_id = (
            Article.objects.filter(pk=instance.pk).values_list("section_id", flat=True).first()
        )


def article_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    previous = getattr(instance, "_previous_section_id", None)
    page_cache.purge(article_scopes(instance, section_ids={previous}))


def article_deleting(sender, instance, **kwargs):
    page_cache.purge(article_scopes(instance))


def article_tags_changed(sender, instance, action, pk_set=None, **kwargs):
    """Tags added or removed: the tag pages they leave and join."""
    if not isinstance(instance, Article):
        return
    if action in ("post_add", "post_remove") and pk_set:
        slugs = Tag.objects.filter(pk__in=pk_set).values_list("slug", flat=True)
        page_cache.purge(article_scopes(instance, tag_slugs=slugs))
    elif action == "pre_clear":
        page_cache.purge(article_scopes(instance))


def shown_everywhere_changed(sender, instance, raw=False, **kwargs):
    """A section or tag is in every page's navigation or lists: purge everything."""
    if not raw:
        page_cache.purge({"all"})


def glossary_changed(sender, instance, raw=False, **kwargs):
    """A site rule converts every page; an article's rule only that article wherever it shows."""
    if raw:
        return
    try:
        article = instance.article if instance.article_id else None
    except Article.DoesNotExist:  # deleted with its article
        article = None
    if article is None:
        page_cache.purge({"all"})
    else:
        page_cache.purge(article_scopes(article))
