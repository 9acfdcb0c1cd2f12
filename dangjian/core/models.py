"""Shared records: status history, audit entry scopes, rule parameters, attachments, Word templates, jobs."""

import uuid

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .scoping import ScopedQuerySet


class StatusChange(models.Model):
    """One step in a record's workflow: who moved it from which state to which, and why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    obj = GenericForeignKey("content_type", "object_id")
    old = models.CharField(_("from"), max_length=32)
    new = models.CharField(_("to"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        ordering = ["at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.old} → {self.new}"

    @classmethod
    def record(cls, *, obj, old, new, actor, note="", at=None) -> "StatusChange":
        """Write the history row for a transition (called only by core.workflow)."""
        return cls.objects.create(
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=obj.pk,
            old=old,
            new=new,
            actor=actor if getattr(actor, "pk", None) else None,
            note=note,
            at=at or timezone.now(),
        )

    def old_label(self) -> str:
        return _status_label(self.content_type, self.old)

    def new_label(self) -> str:
        return _status_label(self.content_type, self.new)


def _status_label(content_type, value) -> str:
    model = content_type.model_class()
    if model is None:
        return value
    return str(dict(model._meta.get_field("status").flatchoices).get(value, value))


class Parameter(models.Model):
    """An administrator's override of a rule parameter declared in ``core.params``."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    value = models.JSONField(_("value"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("rule parameter")
        verbose_name_plural = _("rule parameters")

    def __str__(self) -> str:
        return self.key

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _parameters_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        _parameters_changed()
        return result


def _parameters_changed() -> None:
    """An override saved anywhere (the parameter page, the admin) is read afresh by the next request."""
    from . import params

    params.clear_cache()


def _attachment_path(instance, filename: str) -> str:
    """A random name under the month: the user's file name never reaches the file system."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{'.' + ext if ext.isalnum() else ''}"


def _template_path(instance, filename: str) -> str:
    return f"document_templates/{instance.key}-{uuid.uuid4().hex[:8]}.docx"


class AttachmentQuerySet(ScopedQuerySet):
    def for_owner(self, owner):
        """The files attached to ``owner`` (combine with ``visible_to``)."""
        return self.filter(owner_type=ContentType.objects.get_for_model(type(owner)), owner_id=owner.pk)


class Attachment(models.Model):
    """A file attached to any record (附件), scoped by the organisation of its owner (see ``core.attachments``)."""

    owner_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    owner_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("owner_type", "owner_id")
    # The organisation tree is the one base every business record is scoped by.
    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    purpose = models.CharField(_("purpose"), max_length=40, blank=True)
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(pgettext_lazy("file", "content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["owner_type", "owner_id"])]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name

    @property
    def previewable(self) -> bool:
        """Images and PDF open in the browser (sandboxed); other files are downloaded."""
        from .attachments import is_previewable

        return is_previewable(self.content_type)


class DocumentTemplate(models.Model):
    """An office's replacement for the default Word template of a document kind (see ``core.documents``)."""

    key = models.CharField(_("document kind"), max_length=100, unique=True)
    file = models.FileField(_("template"), upload_to=_template_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("Word template")
        verbose_name_plural = _("Word templates")

    def __str__(self) -> str:
        return self.key


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A job is its owner's alone: everybody else (administrators included) gets "not found"."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner=user)


class Job(models.Model):
    """One piece of background work a user started (an import, a large export…): its progress and result.

    The work itself runs as a task (``core.jobs``); this row is what the user's pages read.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")

    FINISHED = (State.SUCCEEDED, State.FAILED)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="jobs"
    )
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    error = models.TextField(_("error"), blank=True)
    # Row and column problems of a refused import: [[row, column, message], …].
    problems = models.JSONField(_("problems"), default=list, blank=True)
    result_file = models.CharField(_("result file"), max_length=300, blank=True)
    result_name = models.CharField(_("result file name"), max_length=200, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    link_label = models.CharField(_("link text"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["state", "heartbeat_at"]),
        ]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def percent(self) -> int:
        if self.state == self.State.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)


class AuditScope(models.Model):
    """The organisation an audit entry's record belonged to when the entry was written.

    The audit log page shows entries through the same subtree rule as every record
    (core.scoping); an entry without an organisation (a global setting, a record that
    was already gone) is for system administrators only. Written by core.audit.
    """

    entry = models.OneToOneField(
        LogEntry, on_delete=models.CASCADE, primary_key=True, related_name="audit_scope"
    )
    # Organisations are dissolved, not deleted; should one be deleted, its entries become administrators' only.
    org = models.ForeignKey("orgs.Organisation", on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("audit entry scope")
        verbose_name_plural = _("audit entry scopes")

    def __str__(self) -> str:
        return f"{self.entry_id} → {self.org_id}"


class ArchivedLogEntry(models.Model):
    """An audit entry moved out of the live log by ``core.history.archive`` (kept until the retention ends).

    The same columns as django-auditlog's entry plus the organisation its scope named, so the
    archive is searched through the same subtree rule without a join. On PostgreSQL the table is
    partitioned by month of ``timestamp`` (partitions created ahead and dropped whole when their
    month passes the retention); on SQLite it is one table. Foreign keys carry no database
    constraint: nothing deleted elsewhere may reach into the archive.
    """

    id = models.BigIntegerField(primary_key=True)  # the live entry's id, kept
    content_type = models.ForeignKey(
        ContentType, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    object_pk = models.CharField(max_length=255)
    object_id = models.BigIntegerField(null=True)
    object_repr = models.TextField()
    action = models.PositiveSmallIntegerField(choices=LogEntry.Action.choices)
    changes = models.JSONField(null=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    remote_addr = models.GenericIPAddressField(null=True)
    timestamp = models.DateTimeField()
    additional_data = models.JSONField(null=True)
    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["content_type", "object_pk"], name="core_archive_object"),
            models.Index(fields=["timestamp"], name="core_archive_time"),
            models.Index(fields=["org", "timestamp"], name="core_archive_org_time"),
        ]
        ordering = ["-timestamp", "-id"]
        verbose_name = _("archived audit entry")
        verbose_name_plural = _("archived audit entries")

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d} {self.object_repr}"

    def as_log_entry(self) -> LogEntry:
        """An unsaved live-log entry with this row's values, for pages that show both alike."""
        entry = LogEntry(
            id=self.id,
            content_type_id=self.content_type_id,
            object_pk=self.object_pk,
            object_id=self.object_id,
            object_repr=self.object_repr,
            action=self.action,
            changes=self.changes,
            actor_id=self.actor_id,
            remote_addr=self.remote_addr,
            timestamp=self.timestamp,
            additional_data=self.additional_data,
        )
        # Related rows already fetched with select_related travel along.
        for name in ("content_type", "actor"):
            if name in self._state.fields_cache:
                setattr(entry, name, self._state.fields_cache[name])
        entry.archived = True
        return entry


class DemoBuild(models.Model):
    """A ``manage.py demo`` build that goes county by county (city and province): where it stands.

    One row per database. A killed build is resumed from it: the demo county and every county
    listed in ``DemoCounty`` were committed whole, the rest are built again from their own seeds.
    """

    scale = models.CharField(max_length=20)
    seed = models.IntegerField()
    counties = models.PositiveIntegerField()  # how many the scale has
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.scale} {self.seed}"


class DemoCounty(models.Model):
    """A county of a ``DemoBuild`` committed whole (the demo county is number 0); the key makes it once only."""

    number = models.PositiveIntegerField(primary_key=True)
    name = models.CharField(max_length=50)
    people = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    finished_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class IndicatorRecord(models.Model):
    """An indicator's figure for one organisation's subtree over one month that has ended (``core.indicators``).

    Written by the daily run for the organisations with large subtrees, so that rankings and trends
    of past months read a row instead of counting every record of a city or a province again. A
    month's figures are worked out again every night while it is within the settle window after its
    end (late registrations still count), then kept as they are. ``path`` is the organisation's path
    when the figure was recorded: once it moves, the figure is of another subtree and is not used.
    """

    key = models.CharField(max_length=80)
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=255)
    start = models.DateField()
    end = models.DateField()
    value = models.FloatField(null=True)
    recorded_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "start", "end", "org"], name="core_indicator_record_once")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.start}–{self.end} {self.org_id}: {self.value}"
