"""
What a backup holds of the site, and putting it back: the rows (``dump``,
``load``), the media files they point at (``media_names``) and the
migrations they were made at (``migration_state``).

Every model's rows are backed up, models added later included, except those
``EXCLUDED`` names. Primary keys are kept as they are: a revision stores the
article as it was, user and section ids included, so ids must survive. Content
types and permissions are the exception: their ids are the database's own,
so rows name them by natural key and a restore finds them where ``migrate``
made them, on either backend.
"""

import json

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers import json as json_serializer
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connections, models
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from reversion.models import Version

from newsportal.models import PageGeneration

from ..models import Article, ArticleImage
from ..renditions import rendition_names
from .archive import BackupError

# Left out of data.json, by model or app label, and why (the manifest repeats this).
EXCLUDED = {
    "contenttypes.contenttype": "made by migrate in every database; rows name them by natural key",
    "auth.permission": "made by migrate in every database; rows name them by natural key",
    "sessions.session": "logins: after a restore everyone logs in again",
    "newsportal.pagegeneration": "this server's page cache: a restore purges it instead",
    "axes": "failed logins and lockouts on this server, not content",
}
# What ``migrate`` itself puts in a new database: a database holding only these is empty.
SEEDED = {"auth.group", "articles.conversionrule"}
# Tables a restore keeps: made by migrate (rows name them by natural key), and the
# page cache's generations, which must only ever grow.
KEPT = (ContentType, Permission, PageGeneration)
# JSON fields recording the renditions cut from a model's image.
RENDITIONS = {Article: "cover_renditions", ArticleImage: "renditions"}


def backed_up_models():
    """Every model whose rows are backed up, in the order apps are installed."""
    return [
        model
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label_lower not in EXCLUDED
        and model._meta.app_label not in EXCLUDED
    ]


# --- Rows ------------------------------------------------------------------------------


class Serializer(json_serializer.Serializer):
    """
    Django's JSON serializer, naming content types and permissions by natural
    key and everything else by id (natural keys for all would look up each
    revision's user by name on loading, and change nothing).
    """

    def handle_fk_field(self, obj, field):
        # Every revision has a content type: read through the cache, which
        # ``dump`` empties first so no id from before a table rebuild is trusted.
        if field.remote_field.model is ContentType:
            pk = getattr(obj, field.attname)
            types = ContentType.objects.db_manager(obj._state.db)
            self._current[field.name] = None if pk is None else types.get_for_id(pk).natural_key()
        elif field.remote_field.model is Permission:
            related = getattr(obj, field.name)
            self._current[field.name] = related.natural_key() if related else None
        else:
            super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        through = field.remote_field.through
        if field.remote_field.model is Permission and through._meta.auto_created:
            permissions = getattr(obj, field.name).select_related("content_type")
            self._current[field.name] = [permission.natural_key() for permission in permissions]
        else:
            super().handle_m2m_field(obj, field)


class PreciseEncoder(json_serializer.DjangoJSONEncoder):
    """Datetimes with their microseconds: Django's encoder keeps milliseconds only."""

    def default(self, o):
        if hasattr(o, "isoformat") and hasattr(o, "microsecond"):
            return o.isoformat()
        return super().default(o)


def dump(path, using):
    """Write every backed-up row to ``path`` as JSON; returns the rows of each model."""
    ContentType.objects.clear_cache()
    counts = {}

    def rows():
        for model in backed_up_models():
            label = model._meta.label_lower
            counts[label] = 0
            for obj in model._base_manager.using(using).order_by("pk").iterator(chunk_size=2000):
                counts[label] += 1
                yield obj

    with path.open("w", encoding="utf-8") as out:
        Serializer().serialize(rows(), stream=out, cls=PreciseEncoder)
    return counts


def refuse_unless_empty(using):
    """A database with more than ``migrate`` put there holds a site a restore would replace."""
    for model in backed_up_models():
        if model._meta.label_lower in SEEDED:
            continue
        if model._base_manager.using(using).exists():
            raise BackupError(
                f"数据库中已有内容（{model._meta.verbose_name}），恢复会覆盖它，确认请加 --force"
                f" / the database is not empty ({model._meta.label}): use --force to replace it"
            )


def empty(using):
    """
    Empty every table but ``KEPT``, inside the caller's transaction. SQL, not
    the ORM: deleting library images through it would delete their files.
    """
    connection = connections[using]
    kept = {model._meta.db_table for model in KEPT}
    tables = [
        table
        for table in connection.introspection.django_table_names(only_existing=True)
        if table not in kept
    ]
    connection.ops.execute_sql_flush(
        connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
    )


def load(path, counts, using):
    """Load the rows at ``path``, then check constraints and that ``counts`` rows of each came."""
    connection = connections[using]
    ensure_content_types(using)
    try:
        call_command("loaddata", str(path), database=using, verbosity=0)
        connection.check_constraints()  # deferred foreign keys: now, not at commit
    except (DeserializationError, DatabaseError, ValidationError, ObjectDoesNotExist) as error:
        raise BackupError(f"数据无法载入 / the data could not be loaded: {error}") from error
    for label, expected in counts.items():
        found = apps.get_model(label)._base_manager.using(using).count()
        if found != expected:
            raise BackupError(
                f"{label}: 载入 {found} 行，清单记录 {expected} 行"
                f" / {found} rows loaded, the manifest says {expected}"
            )


def ensure_content_types(using):
    """
    The rows the archive names by natural key, made as ``migrate`` makes them
    (a database whose content types were lost would otherwise refuse every
    revision), and no cached ids from before.
    """
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    for app_config in apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0, using=using)
        create_permissions(app_config, verbosity=0, using=using)


# --- Media -----------------------------------------------------------------------------


def media_names(using):
    """
    Every media file a row points at: covers, library images, the renditions
    recorded beside them, and the covers older revisions name (a revision can
    be restored, its cover with it).
    """
    names = set()
    for model in backed_up_models():
        fields = _file_fields(model)
        if not fields:
            continue
        for row in model._base_manager.using(using).values_list(*fields).iterator():
            names.update(_files_in(model, dict(zip(fields, row, strict=True))))
    for model in RENDITIONS:
        content_type = ContentType.objects.db_manager(using).get_for_model(model)
        for version in Version.objects.using(using).filter(content_type=content_type).iterator():
            names.update(_files_in(model, _version_fields(version)))
    return names - {""}


def _file_fields(model):
    fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    return [*fields, RENDITIONS[model]] if model in RENDITIONS else fields


def _files_in(model, values):
    """The file names in a row's (or a revision's) ``values`` of ``model``'s file fields."""
    for name in _file_fields(model):
        value = values.get(name)
        if name == RENDITIONS.get(model):
            yield from rendition_names(value if isinstance(value, dict) else {})
        elif value:
            yield str(getattr(value, "name", value))


def _version_fields(version):
    """A revision's field values, read without building its object (the model may have changed)."""
    if version.format == "json":
        return json.loads(version.serialized_data)[0]["fields"]
    return version.field_dict


# --- Migrations ------------------------------------------------------------------------


def migration_state(using):
    """The migrations applied to the database, by app, for the installed apps."""
    installed = {config.label for config in apps.get_app_configs()}
    state = {}
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        if app in installed:
            state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def check_migrated(using):
    """Refuse a database that ``migrate`` has not brought up to this release's migrations."""
    executor = MigrationExecutor(connections[using])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        pending = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _ in plan[:5])
        raise BackupError(
            "数据库尚未迁移完毕，请先运行 migrate / the database is not fully migrated"
            f" ({pending}): run migrate first"
        )


def check_migrations(manifest, using):
    """Refuse rows made at other migrations than the database's."""
    theirs = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    ours = {(app, name) for app, names in migration_state(using).items() for name in names}
    if theirs != ours:
        only_theirs = sorted(f"{app}.{name}" for app, name in theirs - ours)
        only_ours = sorted(f"{app}.{name}" for app, name in ours - theirs)
        raise BackupError(
            "备份与本站的数据库迁移不一致 / the archive was made at other migrations"
            f" (only in the archive: {', '.join(only_theirs[:5]) or '-'};"
            f" only here: {', '.join(only_ours[:5]) or '-'}):"
            " restore it with the release that made it, then upgrade"
        )
    for label in manifest["counts"]:
        try:
            apps.get_model(label)
        except (LookupError, ValueError) as error:
            raise BackupError(f"备份中有未知的模型 / unknown model {label!r}") from error
