"""Village governance (村级治理): cadres' duty and leave, major-matter reports, first secretaries,
四议两公开 decisions, grid matters and cadres' work files.

The cadres of a village are the people holding its posts in the roster (``orgs.Post``); this
module keeps what the township needs to see about their work: who is due on duty (坐班 on
working days by a weekday rota, 值班 on statutory holidays), who checked in, who is on leave,
what they reported, and how the village takes its decisions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core import scoping
from dangjian.core.scoping import ScopedQuerySet
from dangjian.orgs.models import Organisation, PostKind

# The posts whose holders are the village's cadres (村干部).
CADRE_POSTS = (
    PostKind.SECRETARY,
    PostKind.DEPUTY_SECRETARY,
    PostKind.VILLAGE_DIRECTOR,
    PostKind.ORGANISING,
    PostKind.PROPAGANDA,
    PostKind.DISCIPLINE,
    PostKind.COMMITTEE,
    PostKind.FIRST_SECRETARY,
    PostKind.GRADUATE_OFFICIAL,
    PostKind.GRID_MEMBER,
)


# --- dictionaries an administrator keeps (分类字典) ---


class DictionaryQuerySet(ScopedQuerySet):
    """Entries of a dictionary: shared ones (no organisation) apply everywhere; an organisation's own
    entries apply to its whole subtree."""

    def applying_to(self, org):
        """The entries that apply at ``org``: shared ones and those of ``org`` or any organisation above it."""
        return self.filter(Q(org__isnull=True) | Q(org__path__in=[*org.ancestor_paths(), org.path]))

    def visible_to(self, user, *, ignore_focus: bool = False):
        """Shared entries, entries of the organisations one sees and of those above them (which apply there)."""
        scope = scoping.without_focus(user) if ignore_focus else scoping.get_scope(user)
        if scope.everything and scope.focus_path is None:
            return self.all()
        if scope.is_empty:
            return self.none()
        step = Organisation.steplen
        # A plain member's own-records grant opens no dictionary (he registers nothing).
        grants = [g for g in scope.grants if not g.self_only]
        above = {g.path[:i] for g in grants for i in range(step, len(g.path) + 1, step)}
        return self.filter(Q(org__isnull=True) | Q(org__path__in=sorted(above)) | scope.q("org__"))


class DictionaryEntry(models.Model):
    """An entry of an administrator's dictionary: shared (no organisation) or an organisation's own."""

    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kept by"),
    )
    name = models.CharField(pgettext_lazy("object", "name"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("in use"), default=True)

    objects = DictionaryQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ReportKind(DictionaryEntry):
    """A kind of major matter a cadre reports (外出, 婚丧嫁娶, 涉及集体资金, 突发事件 …).

    Most are reported before the matter; a kind with ``report_within_days`` (an emergency) is
    reported at the latest that many days after it."""

    report_within_days = models.PositiveSmallIntegerField(
        _("reported within days after the matter"),
        null=True,
        blank=True,
        help_text=_("Empty: reported before the matter happens."),
    )

    class Meta(DictionaryEntry.Meta):
        verbose_name = _("kind of major matter")
        verbose_name_plural = _("kinds of major matters")
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="village_report_kind_unique"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(org__isnull=True), name="village_report_kind_shared_unique"
            ),
        ]


class GridCategory(DictionaryEntry):
    """A category of grid matters with its time limits (respond within, resolve within; working days)."""

    respond_days = models.PositiveSmallIntegerField(_("respond within (working days)"), default=1)
    resolve_days = models.PositiveSmallIntegerField(_("resolve within (working days)"), default=5)

    class Meta(DictionaryEntry.Meta):
        verbose_name = _("grid matter category")
        verbose_name_plural = _("grid matter categories")
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="village_grid_category_unique"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(org__isnull=True), name="village_grid_category_shared_unique"
            ),
        ]


class Weekday(models.IntegerChoices):
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")


class OfficeRota(models.Model):
    """One cadre's office hours (坐班) on one weekday, from a date on (and until one, when replaced)."""

    scope_person_field = "person"

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    person = models.ForeignKey(
        "orgs.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("cadre")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    active_from = models.DateField(pgettext_lazy("period", "from"))
    active_until = models.DateField(pgettext_lazy("period", "until"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("office rota")
        verbose_name_plural = _("office rota")
        ordering = ["weekday", "person__name"]
        indexes = [models.Index(fields=["org", "weekday"])]

    def __str__(self) -> str:
        return f"{self.person.name} {self.get_weekday_display()}"


class HolidayDuty(models.Model):
    """One cadre on holiday duty (节假日值班) on one statutory holiday."""

    scope_person_field = "person"

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    person = models.ForeignKey(
        "orgs.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("cadre")
    )
    day = models.DateField(_("day"))
    holiday = models.CharField(_("holiday"), max_length=40)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("holiday duty")
        verbose_name_plural = _("holiday duty")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["org", "day", "person"], name="village_one_duty_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.day}"


class CheckIn(models.Model):
    """A cadre's check-in on duty (到岗打卡): one a day, by the cadre, from a phone."""

    scope_person_field = "person"

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    person = models.ForeignKey(
        "orgs.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("cadre")
    )
    day = models.DateField(_("day"))
    at = models.DateTimeField(_("checked in at"))
    location = models.CharField(_("location"), max_length=120, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-day", "-at"]
        constraints = [models.UniqueConstraint(fields=["person", "day"], name="village_one_checkin_a_day")]
        indexes = [models.Index(fields=["org", "day"])]

    def __str__(self) -> str:
        return f"{self.person.name} {self.day}"


class Leave(models.Model):
    """A leave request (请假) of a cadre and its return (销假)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        RETURNED = "returned", _("Back from leave")

    class Level(models.TextChoices):
        VILLAGE = "village", _("Village secretary")
        TOWNSHIP = "township", _("Township")

    scope_person_field = "person"

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    person = models.ForeignKey(
        "orgs.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("cadre")
    )
    starts_on = models.DateField(pgettext_lazy("period", "from"))
    ends_on = models.DateField(pgettext_lazy("period", "until"))
    reason = models.CharField(_("reason"), max_length=200)
    level = models.CharField(_("approved by"), max_length=10, choices=Level.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    returned_on = models.DateField(_("back on"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leave")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="village_leave_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.starts_on}–{self.ends_on}"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def unreturned(self, today) -> bool:
        """Approved leave whose end has passed without a return recorded (销假)."""
        return self.status == self.Status.APPROVED and self.ends_on < today


class MajorMatterReport(models.Model):
    """A cadre's major-matter report (重大事项报告) filed to the township and acknowledged there."""

    class Status(models.TextChoices):
        FILED = "filed", pgettext_lazy("village report", "Filed")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")

    scope_person_field = "person"

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    person = models.ForeignKey(
        "orgs.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("cadre")
    )
    kind = models.ForeignKey(ReportKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind"))
    description = models.TextField(_("description"))
    occurs_on = models.DateField(_("date of the matter"))
    filed_on = models.DateField(_("filed on"))
    late = models.BooleanField(_("filed late"), default=False)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.FILED)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("major-matter report")
        verbose_name_plural = _("major-matter reports")
        ordering = ["-filed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.person.name} {self.kind} {self.occurs_on}"


class FirstSecretaryPosting(models.Model):
    """A first secretary (第一书记) sent to a village: by whom, for how long."""

    scope_person_field = "person"

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    person = models.ForeignKey(
        "orgs.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("first secretary")
    )
    sending_unit = models.CharField(_("sending unit"), max_length=120)
    started_on = models.DateField(pgettext_lazy("period", "from"))
    ends_on = models.DateField(pgettext_lazy("period", "until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("first-secretary posting")
        verbose_name_plural = _("first-secretary postings")
        ordering = ["-started_on"]

    def __str__(self) -> str:
        return f"{self.person.name} ({self.sending_unit})"


class WorkFile(models.Model):
    """One cadre's work file (村干部工作档案) for one year."""

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")
        COMPETENT = "competent", _("Competent")
        BASIC = "basic", _("Basically competent")
        INCOMPETENT = "incompetent", _("Incompetent")

    scope_person_field = "person"

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    person = models.ForeignKey(
        "orgs.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("cadre")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    targets = models.TextField(_("annual targets"), blank=True)
    commitments = models.TextField(_("commitments"), blank=True)
    grade = models.CharField(_("assessment grade"), max_length=12, choices=Grade.choices, blank=True)
    evaluation = models.CharField(_("evaluation result"), max_length=200, blank=True)
    remuneration = models.DecimalField(
        _("remuneration paid (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    remuneration_paid_on = models.DateField(_("remuneration paid on"), null=True, blank=True)
    rewards = models.TextField(_("rewards"), blank=True)
    sanctions = models.TextField(_("sanctions"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("work file")
        verbose_name_plural = _("work files")
        ordering = ["-year", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["org", "person", "year"], name="village_one_work_file_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.year}"


# --- 四议两公开 ---


class DecisionCategory(models.TextChoices):
    PLAN = "plan", _("Development plan")
    SUBSIDY = "subsidy", _("Subsidy")
    PROJECT = "project", _("Collective project")
    LAND = "land", _("Land")
    OTHER = "other", _("Other")


class Step(models.IntegerChoices):
    """The six steps of 四议两公开 (DOMAIN.md §4), in order."""

    PROPOSAL = 1, _("Branch proposes")
    CONSULTATION = 2, _("Two committees deliberate")
    MEMBERS = 3, _("Party members' meeting reviews")
    VILLAGERS = 4, _("Villagers' (representatives') meeting decides")
    DECISION_DISCLOSED = 5, _("Decision published")
    RESULT_DISCLOSED = 6, _("Results published")


class Decision(models.Model):
    """A village decision taken by 四议两公开 (four deliberations, two disclosures)."""

    class Status(models.TextChoices):
        NEW = "new", _("Registered")
        PROPOSED = "proposed", _("Proposed by the branch")
        CONSULTED = "consulted", _("Deliberated by the two committees")
        REVIEWED = "reviewed", _("Reviewed by the party members")
        TOWNSHIP_REVIEWED = "township_reviewed", _("Reviewed by the township")
        DECIDED = "decided", _("Decided by the villagers")
        DISCLOSED = "disclosed", _("Decision published")
        COMPLETED = "completed", _("Results published")
        REJECTED = "rejected", _("Not passed")

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=10, choices=DecisionCategory.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("village decision")
        verbose_name_plural = _("village decisions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["org", "status"])]

    def __str__(self) -> str:
        return self.title


class DecisionStep(models.Model):
    """One of the six steps of a decision as it happened: date, meeting record or publication."""

    scope_org_field = "decision__org"

    class Assembly(models.TextChoices):
        REPRESENTATIVES = "representatives", _("Villagers' representatives' meeting")
        VILLAGERS = "villagers", _("Villagers' meeting")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="steps")
    step = models.PositiveSmallIntegerField(_("step"), choices=Step.choices)
    held_on = models.DateField(_("date"))
    assembly = models.CharField(
        pgettext_lazy("village meeting", "meeting"), max_length=20, choices=Assembly.choices, blank=True
    )
    expected = models.PositiveIntegerField(_("entitled to attend"), null=True, blank=True)
    present = models.PositiveIntegerField(_("present"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("against"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("abstained"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=True)
    minutes = models.TextField(_("minutes"), blank=True)
    published_where = models.CharField(_("published at"), max_length=120, blank=True)
    published_from = models.DateField(_("published from"), null=True, blank=True)
    published_until = models.DateField(_("published until"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision step")
        verbose_name_plural = _("decision steps")
        ordering = ["step", "pk"]

    def __str__(self) -> str:
        return f"{self.decision} · {self.get_step_display()}"


# --- 网格事项 ---


class Grid(models.Model):
    """A grid (网格) of a community or village, with its grid members."""

    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("community or village"),
    )
    name = models.CharField(pgettext_lazy("object", "name"), max_length=60)
    area = models.CharField(_("area"), max_length=200, blank=True)
    members = models.ManyToManyField(
        "orgs.Person", blank=True, related_name="+", verbose_name=_("grid members")
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["org__path", "name"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="village_grid_name_unique")]

    def __str__(self) -> str:
        return self.name


class MatterSource(models.TextChoices):
    RESIDENT = "resident", _("Resident report")
    PATROL = "patrol", _("Grid member patrol")
    HOTLINE = "hotline", _("12345 hotline")
    REFERRAL = "referral", _("Referred from above")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class GridMatterQuerySet(ScopedQuerySet):
    def visible_to(self, user, *, ignore_focus: bool = False):
        """The matters of the grids one sees, and those routed to an organisation one sees."""
        scope = scoping.without_focus(user) if ignore_focus else scoping.get_scope(user)
        if scope.everything and scope.focus_path is None:
            return self.all()
        return self.filter(scope.q("org__") | scope.q("handler_org__"))


class GridMatter(models.Model):
    """A grid matter (网格事项): registered, routed (流转交办), handled (协调处置), answered (结果反馈), closed."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ROUTED = "routed", _("Routed")
        HANDLING = "handling", _("Being handled")
        RESOLVED = "resolved", _("Handled")
        ANSWERED = "answered", _("Result fed back")
        CLOSED = "closed", _("Closed")

    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("community or village"),
    )
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="matters", verbose_name=_("grid"))
    handler_org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("handled by")
    )
    source = models.CharField(_("source"), max_length=10, choices=MatterSource.choices)
    category = models.ForeignKey(
        GridCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    complex = models.BooleanField(_("complex matter"), default=False)
    title = models.CharField(_("matter"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("location"), max_length=120, blank=True)
    reporter_name = models.CharField(pgettext_lazy("village report", "reporter"), max_length=40, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    registered_on = models.DateField(_("registered on"))
    respond_by = models.DateField(_("respond by"))
    resolve_by = models.DateField(_("resolve by"))
    responded_on = models.DateField(_("responded on"), null=True, blank=True)
    resolved_on = models.DateField(_("handled on"), null=True, blank=True)
    measures = models.TextField(_("measures"), blank=True)
    feedback_how = models.CharField(_("fed back by"), max_length=60, blank=True)
    feedback_on = models.DateField(_("fed back on"), null=True, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = GridMatterQuerySet.as_manager()

    class Meta:
        verbose_name = _("grid matter")
        verbose_name_plural = _("grid matters")
        ordering = ["-registered_on", "-pk"]
        indexes = [
            models.Index(fields=["org", "status"]),
            # The list's order: a county's first page without sorting its 8 800 matters.
            models.Index(fields=["registered_on", "id"], name="village_matter_by_date"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def reporter_phone_masked(self) -> str:
        phone = self.reporter_phone
        return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 8 else ("*" * len(phone))


class GridHop(models.Model):
    """One routing of a grid matter (流转交办): from which organisation to which, who, why."""

    scope_org_field = "matter__org"

    matter = models.ForeignKey(GridMatter, on_delete=models.CASCADE, related_name="hops")
    from_org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    to_org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_org.label} → {self.to_org.label}"
