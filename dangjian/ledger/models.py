"""Problem, task and responsibility lists followed to verified closure (清单制、整改、销号、回头看、约谈、问责).

Every problem found anywhere in the platform — in a talk, an evaluation, an inspection,
a meeting — and every task handed down is an ``Item`` here, with a typed link to the
record it came from. Other apps create items only through ``ledger.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.caps import Cap
from dangjian.core.scoping import ScopedQuerySet, derived_filter, get_scope, without_focus


class ItemKind(models.TextChoices):
    PROBLEM = "problem", _("Problem")
    TASK = "task", _("Task")
    RESPONSIBILITY = "responsibility", _("Responsibility")


class Source(models.TextChoices):
    """Where a problem was found (问题来源): supervision, inspection, assessment, audit and the talk kinds."""

    DAILY = "daily", _("Daily supervision")
    PATROL = "patrol", _("Inspection tour")
    INSPECTION = "inspection", _("Unannounced inspection")
    SPECIAL_CHECK = "special_check", _("Special check")
    ASSESSMENT = "assessment", _("Assessment")
    AUDIT = "audit", _("Audit")
    REVIEW = "review", _("Duty-report evaluation")
    TALK = "talk", _("Talk")
    POLITICAL_TALK = "political_talk", _("Political talk")
    HEART_TALK = "heart_talk", _("Heart-to-heart talk")
    REMINDER_TALK = "reminder_talk", _("Reminder talk")
    ADMONITION_TALK = "admonition_talk", _("Admonition talk")
    INTERVIEW = "interview", _("Interview with the responsible leaders")
    LETTER_INQUIRY = "letter_inquiry", _("Talk or letter of inquiry")
    SELF_CHECK = "self_check", _("Self-check")
    ASSIGNED = "assigned", _("Assigned by higher level")
    PUBLIC = "public", _("Reported by the public")
    MEETING = "meeting", _("Meeting")
    SPEECH = "speech", _("Speech")
    MINUTES = "minutes", _("Meeting minutes")
    ORGLIFE = "orglife", _("Organisational life")
    TRAINING = "training", _("Education and training")
    OTHER = "other", _("Other")


class Duty(models.TextChoices):
    """How a responsibility (责任清单) is held: by the post's first holder, or alongside one's own post."""

    FIRST = "first", _("Primary responsibility (第一责任人)")
    DUAL = "dual", _("Dual responsibility of the post (一岗双责)")


class DeadlineBasis(models.TextChoices):
    CALENDAR = "calendar", _("Calendar days")
    WORKING = "working", _("Working days")


class Category(models.Model):
    """A configurable category of items (政治建设, 组织建设 …); some require evidence to close."""

    name = models.CharField(pgettext_lazy("object", "name"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    requires_evidence = models.BooleanField(_("closure requires evidence"), default=True)
    active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


def _approver_or_author_q(user, p: str = "") -> Q:
    # The focus narrows whose records are shown (applied by ``visible_to``), not who approves.
    return Q(**{f"{p}created_by": user.pk}) | without_focus(user).q(f"{p}org__", cap=Cap.HAND_DOWN)


def drafts_visible_q(user, *, item_path: str | None = None, list_path: str = "") -> Q:
    """Which lists not yet handed down (drafts, awaiting approval) and their records ``user`` may see.

    Such a list belongs to the issuing side: its author and whoever holds the hand-down right
    at the issuing organisation or above (who approves it). The organisations it names see
    nothing of it until it is handed down. ``item_path`` is the path from the queried model to
    its item ("" for items, "item__" for progress …); without it ``list_path`` leads to the list.
    """
    authenticated = getattr(user, "is_authenticated", False)
    if item_path is None:
        handed_down = Q(**{f"{list_path}status": "issued"})
        if not authenticated:
            return handed_down
        if not list_path:
            return handed_down | _approver_or_author_q(user)
        drafts = ItemList.objects.exclude(status="issued").filter(_approver_or_author_q(user))
        return handed_down | Q(**{f"{list_path}id__in": drafts.values("pk")})
    # An item leaves the draft state exactly when its list is handed down. The draft items the
    # user may see are named by id, so that the test reads only the item's status and id (both
    # in the item indexes, which keeps counts over many items index-only).
    # The draft items are a filter derived from the scope (core.scoping), compiled once a request.
    handed_down = ~Q(**{f"{item_path}status": "draft"})
    if not authenticated:
        return handed_down
    return handed_down | derived_filter(user, "ledger.draft_items", f"{item_path}pk", _draft_items_of(user))


def _draft_items_of(user):
    def rows():
        drafts = ItemList.objects.exclude(status="issued").filter(_approver_or_author_q(user))
        return Item.objects.filter(status="draft", item_list__in=drafts.values("pk")).values("pk")

    return rows


class ItemListQuerySet(ScopedQuerySet):
    def visible_to(self, user, *, ignore_focus: bool = False):
        """Lists of a visible issuing organisation; drafts only for their author and approvers."""
        return super().visible_to(user, ignore_focus=ignore_focus).filter(drafts_visible_q(user))


class ItemList(models.Model):
    """A list (清单) handed down by an organisation: title, date, source document, items."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING_APPROVAL = "pending_approval", _("Awaiting approval")
        ISSUED = "issued", pgettext_lazy("list status", "Handed down")

    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="item_lists",
        verbose_name=_("issuing organisation"),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices, default=ItemKind.PROBLEM)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.ASSIGNED)
    issued_on = models.DateField(_("date"), default=timezone.localdate)
    document = models.CharField(_("source document"), max_length=200, blank=True)
    document_file = models.FileField(_("document file"), upload_to="ledger/lists/%Y/%m/", blank=True)
    needs_approval = models.BooleanField(_("needs the leader's approval before handing down"), default=False)
    # The record of another module the list was raised from (a talk, an inspection visit …), see ``door``.
    source_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_record = GenericForeignKey("source_type", "source_id")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ItemListQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("list")
        verbose_name_plural = _("lists")
        indexes = [models.Index(fields=["org", "status", "issued_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "org"],
                condition=models.Q(source_type__isnull=False),
                name="unique_list_per_source_record",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ItemChildQuerySet(ScopedQuerySet):
    """Records of an item (or of a list): scoped like it, and hidden like it while its list is a draft.

    The model names the path to its item in ``item_path`` ("item__" by default, "" for the
    item itself) or, when it has no item, the path to its list in ``list_path``.
    """

    def visible_to(self, user, *, ignore_focus: bool = False):
        list_path = getattr(self.model, "list_path", None)
        item_path = None if list_path else getattr(self.model, "item_path", "item__")
        return (
            super()
            .visible_to(user, ignore_focus=ignore_focus)
            .filter(drafts_visible_q(user, item_path=item_path, list_path=list_path or ""))
        )


class ItemGroup(models.Model):
    """One item handed to many organisations at once; its items roll up under it."""

    list_path = "item_list__"

    item_list = models.ForeignKey(ItemList, on_delete=models.PROTECT, related_name="groups")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")  # issuing org
    title = models.CharField(_("title"), max_length=300)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ItemChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("item group")

    def __str__(self) -> str:
        return self.title


class ItemQuerySet(ItemChildQuerySet):
    def handed_down(self):
        """Items that left the draft stage (what every ledger and statistic counts)."""
        return self.exclude(status=Item.Status.DRAFT)

    def open(self):
        return self.exclude(status__in=[Item.Status.DRAFT, Item.Status.CLOSED])

    def overdue(self, today=None, *, beyond: int = 0):
        """Items overdue on ``today`` by more than ``beyond`` days (``deadlines.overdue_q``: the one definition)."""
        from .deadlines import overdue_q

        return self.filter(overdue_q(today or timezone.localdate(), beyond=beyond))

    def on_side(self, user, cap: str, side: str):
        """Items where ``user`` holds ``cap`` at the organisation of ``side`` (``rules.can_act`` in SQL)."""
        from .rules import SIDE_PATHS

        return self.filter(get_scope(user).q(SIDE_PATHS[side], cap=cap))

    def with_light(self, today=None):
        """Annotate ``light`` (green / yellow / red / none) in SQL."""
        from .deadlines import light_case

        return self.annotate(light=light_case(today or timezone.localdate()))

    def light(self, which: str, today=None):
        """Only items whose light is ``which`` (see ``deadlines.light``)."""
        from .deadlines import light_q

        return self.filter(light_q(which, today or timezone.localdate()))


class Item(models.Model):
    """One problem, task or responsibility, followed until its closure is verified (销号)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        HANDED_DOWN = "handed_down", _("Handed down")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RECTIFYING = "rectifying", _("Being rectified")
        CLOSURE_REQUESTED = "closure_requested", _("Closure requested")
        RETURNED = "returned", _("Returned")
        CLOSED = "closed", _("Closed")

    scope_org_field = "org"
    scope_person_field = "person"  # a plain member sees the items they are responsible for
    item_path = ""

    item_list = models.ForeignKey(
        ItemList, on_delete=models.PROTECT, related_name="items", verbose_name=_("list")
    )
    group = models.ForeignKey(
        ItemGroup,
        on_delete=models.PROTECT,
        related_name="items",
        null=True,
        blank=True,
        verbose_name=pgettext_lazy("ledger", "group"),
    )
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices, default=ItemKind.PROBLEM)
    title = models.CharField(_("problem / task"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("category"),
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.ASSIGNED)
    source_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_record = GenericForeignKey("source_type", "source_id")
    # Which finding of the source record this item is: raising the same finding twice finds this item.
    source_key = models.CharField(max_length=100, blank=True, default="")
    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("responsible organisation"),
    )
    responsible_leader = models.CharField(_("responsible leader"), max_length=60, blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=60, blank=True)
    person = models.ForeignKey(
        "orgs.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("responsible person (roster)"),
    )
    leader = models.ForeignKey(
        "orgs.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_items",
        verbose_name=_("responsible leader (roster)"),
    )
    supervisor_org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="supervised_items",
        verbose_name=_("supervising organisation"),
    )
    issued_on = models.DateField(_("handed down on"))
    deadline = models.DateField(_("deadline"), null=True, blank=True, db_index=True)
    deadline_basis = models.CharField(
        _("deadline counted in"), max_length=10, choices=DeadlineBasis.choices, default=DeadlineBasis.CALENDAR
    )
    deadline_days = models.PositiveIntegerField(_("days allowed"), null=True, blank=True)
    original_deadline = models.DateField(_("original deadline"), null=True, blank=True)
    long_term = models.BooleanField(_("long-term"), default=False)
    review_cycle_days = models.PositiveIntegerField(_("review cycle (days)"), null=True, blank=True)
    # A responsibility (责任清单) is a standing duty: no deadline, reviewed every cycle (yearly by default).
    duty = models.CharField(_("duty"), max_length=10, choices=Duty.choices, blank=True)
    next_review_on = models.DateField(_("next review on"), null=True, blank=True)
    target = models.TextField(_("target"), blank=True)
    measures = models.TextField(_("measures"), blank=True)
    percent = models.PositiveSmallIntegerField(_("progress %"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closure_requested_on = models.DateField(_("closure requested on"), null=True, blank=True)
    # Indexed: "closed on time this month" on the home page reads a month's closures, not every item.
    closed_on = models.DateField(_("closed on"), null=True, blank=True, db_index=True)
    # The verifier (审核人) who confirmed the closure.
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verifier"),
    )
    # Late when the closure was requested after the deadline (the verifier's delay is not the rectifier's).
    closed_late = models.BooleanField(_("closed late"), default=False, db_index=True)
    # 立行立改: fixed on the spot and sent straight to verification with evidence.
    fixed_on_the_spot = models.BooleanField(_("fixed on the spot"), default=False)
    # 代录: the last rectifying step entered by a superior on the responsible organisation's behalf.
    proxy_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered on behalf by"),
    )
    proxy_at = models.DateTimeField(_("entered on behalf at"), null=True, blank=True)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    remarks = models.TextField(_("remarks"), blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["item_list_id", "number"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        indexes = [
            models.Index(fields=["org", "status", "deadline"]),
            models.Index(fields=["supervisor_org", "status"]),
            models.Index(fields=["source_type", "source_id"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["item_list", "number"], name="unique_item_number_in_list"),
            models.UniqueConstraint(
                fields=["source_type", "source_id", "source_key", "org"],
                condition=~models.Q(source_key=""),
                name="unique_item_per_source_finding",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class ItemLink(models.Model):
    """A record of another module that concerns an item (an interview held over it …).

    The ledger never reads other modules' tables: they link their records here through
    ``ledger.door.link_record`` and show them on the item page through a registered panel.
    """

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("Interview")
        OTHER = "other", _("Other record")

    scope_org_field = "item__org"

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="links")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    record_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    record_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("record_type", "record_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ItemChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("linked record")
        constraints = [
            models.UniqueConstraint(fields=["item", "record_type", "record_id"], name="unique_item_link")
        ]

    def __str__(self) -> str:
        return f"{self.item} ← {self.get_kind_display()}"


class Progress(models.Model):
    """A dated progress entry (整改进展) with a percentage and optional evidence files."""

    scope_org_field = "item__org"
    scope_person_field = "item__person"

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="progress_entries")
    on = models.DateField(_("date"))
    text = models.TextField(_("progress"))
    percent = models.PositiveSmallIntegerField(_("progress %"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ItemChildQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("progress entry")

    def __str__(self) -> str:
        return f"{self.on} {self.percent}%"


class Evidence(models.Model):
    """A file that proves rectification (佐证材料), attached to a progress entry, a closure request or a re-check."""

    scope_org_field = "item__org"
    scope_person_field = "item__person"

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="evidence")
    progress = models.ForeignKey(
        Progress, on_delete=models.PROTECT, null=True, blank=True, related_name="files"
    )
    recheck = models.ForeignKey(
        "Recheck", on_delete=models.PROTECT, null=True, blank=True, related_name="files"
    )
    purpose = models.CharField(max_length=20, default="progress")  # progress, closure, recheck
    round = models.PositiveSmallIntegerField(_("round"), default=1)  # the item's round when uploaded
    file = models.FileField(_("file"), upload_to="ledger/evidence/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ItemChildQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("evidence")

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        """Shown as a thumbnail on the item page (served inline only if its content is an image)."""
        return self.name.lower().rsplit(".", 1)[-1] in ("jpg", "jpeg", "png", "gif", "webp")

    @property
    def is_pdf(self) -> bool:
        return self.name.lower().endswith(".pdf")


class ExtensionRequest(models.Model):
    """A request to move an item's deadline (申请延期), decided by the supervising side."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    scope_org_field = "item__org"
    scope_person_field = "item__person"

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="extensions")
    current_deadline = models.DateField(_("deadline at the time"))
    requested_to = models.DateField(_("requested new deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = ItemChildQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("extension request")

    def __str__(self) -> str:
        return f"{self.item} → {self.requested_to}"


class Recheck(models.Model):
    """A look-back (回头看) of a closed item: scheduled, then confirmed or found relapsed."""

    class Result(models.TextChoices):
        PENDING = "", _("Scheduled")
        CONFIRMED = "confirmed", _("Confirmed")
        RELAPSED = "relapsed", _("Relapsed")

    scope_org_field = "item__org"
    scope_person_field = "item__person"

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="rechecks")
    round = models.PositiveSmallIntegerField(_("round checked"))
    scheduled_on = models.DateField(_("scheduled on"))
    done_on = models.DateField(_("checked on"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True, default="")
    note = models.TextField(_("findings"), blank=True)
    checker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = ItemChildQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_on", "-pk"]
        verbose_name = _("look-back")

    def __str__(self) -> str:
        return f"{self.item} {self.scheduled_on}"


class Reminder(models.Model):
    """A deadline reminder; unique per item, kind and deadline so that ``daily`` sends each once."""

    class Kind(models.TextChoices):
        BEFORE_7 = "before_7", _("7 days before the deadline")
        BEFORE_1 = "before_1", _("1 day before the deadline")
        OVERDUE = "overdue", _("The day after the deadline")

    scope_org_field = "item__org"
    scope_person_field = "item__person"

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    deadline = models.DateField()
    # The responsible organisation the reminder is for: reassigning cancels it and schedules new ones.
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, null=True, related_name="+")
    due_on = models.DateField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    cancelled = models.BooleanField(default=False)

    objects = ItemChildQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "kind", "deadline", "org"], name="unique_reminder_per_deadline_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.kind} {self.due_on}"


class Escalation(models.Model):
    """An item overdue beyond the allowed days, on the supervisors' escalation list."""

    scope_org_field = "item__org"
    scope_person_field = "item__person"

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="escalations")
    deadline = models.DateField()
    listed_on = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)

    objects = ItemChildQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "deadline"], name="unique_escalation_per_deadline")
        ]
        ordering = ["-listed_on"]

    def __str__(self) -> str:
        return f"{self.item} ({self.listed_on})"


class Accountability(models.Model):
    """An accountability decision (问责) over an item, in the terms of the 问责条例 (2019).

    Who is held accountable (a leading cadre or a party organisation), the forms (which may be
    combined), the deciding body (问责机关), the facts, the date, and the outcome — including
    容错纠错 (an honest mistake recorded as such) and 澄清正名 (a person wrongly accused cleared).
    """

    class Target(models.TextChoices):
        CADRE = "cadre", _("Leading cadre")
        ORGANISATION = "organisation", _("Party organisation")

    class Form(models.TextChoices):
        NOTICE = "notice", _("Circulated notice")
        ADMONITION = "admonition", _("Admonishment")
        ORGANISATIONAL = "organisational", _("Organisational adjustment or handling")
        DISCIPLINARY = "disciplinary", _("Disciplinary sanction")
        SELF_EXAMINATION = "self_examination", _("Written self-examination")
        REORGANISATION = "reorganisation", _("Reorganisation")

    class Body(models.TextChoices):
        PARTY_COMMITTEE = "party_committee", _("Party committee (leading party group)")
        DISCIPLINE = "discipline", _("Discipline inspection commission")
        ORG_DEPT = "org_dept", _("Organisation department")

    class Outcome(models.TextChoices):
        ACCOUNTABLE = "accountable", _("Accountability imposed")
        LIGHTER = "lighter", _("Held accountable, lightly")
        REDUCED = "reduced", _("Held accountable, mitigated")
        EXEMPT = "exempt", _("Exempted from accountability")
        TOLERATED = "tolerated", _("Error tolerated and corrected")
        CLEARED = "cleared", _("Cleared of the accusation")

    # The forms the regulation allows for each kind of target (第八条).
    FORMS_FOR = {
        Target.CADRE: (Form.NOTICE, Form.ADMONITION, Form.ORGANISATIONAL, Form.DISCIPLINARY),
        Target.ORGANISATION: (Form.SELF_EXAMINATION, Form.NOTICE, Form.REORGANISATION),
    }
    # Outcomes that impose no form.
    FORMLESS_OUTCOMES = (Outcome.EXEMPT, Outcome.TOLERATED, Outcome.CLEARED)

    scope_org_field = "item__org"
    scope_person_field = "person"  # a plain member sees only decisions about themselves

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="accountabilities")
    target = models.CharField(
        _("held accountable"), max_length=20, choices=Target.choices, default=Target.CADRE
    )
    forms = models.JSONField(_("forms"), default=list, blank=True)
    person_name = models.CharField(_("person held accountable"), max_length=60, blank=True)
    person = models.ForeignKey(
        "orgs.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target_org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation held accountable"),
    )
    body = models.CharField(_("deciding body"), max_length=20, choices=Body.choices, blank=True)
    facts = models.TextField(_("facts"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.ACCOUNTABLE
    )
    decided_on = models.DateField(_("decided on"))
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = ItemChildQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on"]
        verbose_name = _("accountability")
        verbose_name_plural = _("accountability records")

    def __str__(self) -> str:
        return f"{self.forms_display() or self.get_outcome_display()} {self.held_label()}"

    def forms_display(self) -> str:
        labels = dict(self.Form.choices)
        return "、".join(str(labels.get(f, f)) for f in self.forms)

    def held_label(self) -> str:
        if self.target == self.Target.ORGANISATION and self.target_org_id:
            return self.target_org.label
        return self.person_name


class RollupSnapshot(models.Model):
    """Month-end figures of one organisation's items, kept exactly as they stood (for briefings)."""

    month = models.DateField(_("month"))  # first day of the month
    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+", null=True)
    total = models.PositiveIntegerField(default=0)
    open = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    closed_on_time = models.PositiveIntegerField(default=0)
    closed_late = models.PositiveIntegerField(default=0)
    due = models.PositiveIntegerField(default=0)  # deadline come by the snapshot's day (figures.due_q)
    due_on_time = models.PositiveIntegerField(default=0)  # of those, closed on time
    overdue = models.PositiveIntegerField(default=0)
    overdue_days_max = models.PositiveIntegerField(default=0)
    by_status = models.JSONField(default=dict)
    taken_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "org"], name="unique_snapshot_per_month")]
        ordering = ["-month", "org_id"]

    def __str__(self) -> str:
        return f"{self.org_id} {self.month:%Y-%m}"


class RollupSubtree(models.Model):
    """A month's saved figures summed over one organisation's whole subtree, for the children of a wide scope.

    Saved with the month's ``RollupSnapshot`` rows and from them, for each child of an organisation whose
    subtree is wide (``ROLLUP_LIVE_MAX_ORGS``): the province's roll-up reads its cities' thirteen rows, not
    the 140 000 rows of every organisation below. ``path`` is the organisation's when saved; a moved
    organisation's row is not read.
    """

    month = models.DateField(_("month"))  # first day of the month
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="rollup_subtrees")
    path = models.CharField(max_length=255)
    total = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    closed_late = models.PositiveIntegerField(default=0)
    due = models.PositiveIntegerField(default=0)
    due_on_time = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    overdue_days_max = models.PositiveIntegerField(default=0)
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "org"], name="unique_subtree_rollup_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.month:%Y-%m} (subtree)"
