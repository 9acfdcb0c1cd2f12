"""Organisational life (三会一课): meetings with attendance, the frequency rules they are checked
against, monthly reports (月报), democratic evaluation of members (民主评议党员) and training."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.scoping import ScopedQuerySet


class MeetingKind(models.TextChoices):
    GENERAL_MEETING = "general_meeting", _("Branch general meeting")
    COMMITTEE = "committee", _("Branch committee meeting")
    GROUP = "group", _("Party group meeting")
    LESSON = "lesson", _("Party lesson")
    THEME_DAY = "theme_day", _("Theme party day")
    LIFE_MEETING = "life_meeting", _("Organisational life meeting")
    EVALUATION = "evaluation", _("Democratic evaluation of members")


# A rule that is not a kind of meeting: the branch secretary gives at least one party lesson (DOMAIN.md §2).
SECRETARY_LESSON = "secretary_lesson"
RULE_KINDS = [*MeetingKind.choices, (SECRETARY_LESSON, _("Party lesson given by the secretary"))]


def rule_label(kind: str) -> str:
    """The name of a rule's kind: a meeting kind, or the secretary's own party lesson."""
    return str(dict(RULE_KINDS).get(kind, kind))


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class FrequencyRule(models.Model):
    """How often a kind of meeting is due (DOMAIN.md §2), for all branches or one organisation kind.

    A row for an organisation kind overrides the general row ("" = every branch kind) of the same
    meeting kind. ``times`` 0 or inactive: not required.
    """

    kind = models.CharField(_("meeting kind"), max_length=20, choices=RULE_KINDS)
    org_kind = models.CharField(
        _("organisation kind"), max_length=20, blank=True, help_text=_("Empty: every branch.")
    )
    period = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    times = models.PositiveSmallIntegerField(_("times per period"), default=1)
    active = models.BooleanField(_("checked"), default=True)

    class Meta:
        ordering = ["kind", "org_kind"]
        verbose_name = _("meeting frequency rule")
        verbose_name_plural = _("meeting frequency rules")
        constraints = [models.UniqueConstraint(fields=["kind", "org_kind"], name="orglife_rule_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.times}/{self.get_period_display()}"


class Meeting(models.Model):
    """One meeting of an organisation: planned ahead, or held with its minutes and attendance."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.HELD)
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    chair = models.CharField(_("chair"), max_length=40, blank=True)
    recorder = models.CharField(_("recorder"), max_length=40, blank=True)
    topic = models.CharField(_("topic"), max_length=200)
    key_points = models.TextField(_("key points"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    votes_for = models.PositiveSmallIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("votes against"), null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField(_("abstentions"), null=True, blank=True)
    declared_passed = models.BooleanField(_("declared passed"), null=True, blank=True)
    lecturer = models.CharField(_("lecturer"), max_length=40, blank=True)
    lecturer_person = models.ForeignKey(
        "orgs.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lecturer from the roster"),
    )
    lesson_title = models.CharField(_("lesson title"), max_length=200, blank=True)
    observers = models.CharField(
        _("attending non-members (列席)"), max_length=300, blank=True, help_text=_("Names, separated by 、")
    )
    expected = models.PositiveSmallIntegerField(_("expected"), default=0)
    present = models.PositiveSmallIntegerField(_("present"), default=0)
    voters_present = models.PositiveSmallIntegerField(_("full members present"), default=0)
    voters_entitled = models.PositiveSmallIntegerField(_("full members entitled to vote"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [
            models.Index(fields=["org", "status", "starts_at"]),
            # The list's order: a county's first page walks it (0.3 ms) instead of sorting 45 000 meetings.
            models.Index(fields=["starts_at", "id"], name="orglife_meeting_by_start"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["org", "kind", "starts_at"], name="orglife_meeting_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.starts_at):%Y-%m-%d}"

    @property
    def has_vote(self) -> bool:
        return self.votes_for is not None

    @property
    def attendance_rate(self) -> float | None:
        return round(100.0 * self.present / self.expected, 1) if self.expected else None


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    LEAVE = "leave", _("On leave")


class Attendance(models.Model):
    """One member expected at a held meeting, and whether they came."""

    scope_org_field = "meeting__org"
    scope_person_field = "person"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="+")
    presence = models.CharField(_("attendance"), max_length=10, choices=Presence.choices)
    reason = models.CharField(_("reason"), max_length=120, blank=True)
    voter = models.BooleanField(_("entitled to vote"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="orglife_attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_presence_display()}"


class MonthlyReport(models.Model):
    """The monthly report (三会一课月报) of one organisation, compiled from its records."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved by the township")
        RETURNED = "returned", _("Returned")

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    figures = models.JSONField(_("figures"), default=dict)
    remarks = models.TextField(_("remarks"), blank=True)
    opinion = models.TextField(_("review opinion"), blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    late = models.BooleanField(_("submitted late"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "org__path"]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="orglife_report_unique")]

    def __str__(self) -> str:
        return f"{self.org.label} {self.month:%Y-%m}"


class Amendment(models.Model):
    """A correction recorded against an approved (frozen) monthly report."""

    scope_org_field = "report__org"

    report = models.ForeignKey(MonthlyReport, on_delete=models.PROTECT, related_name="amendments")
    text = models.TextField(_("correction"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")

    def __str__(self) -> str:
        return self.text[:40]


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    QUALIFIED = "qualified", _("Qualified")
    BASIC = "basic", _("Basically qualified")
    UNQUALIFIED = "unqualified", _("Unqualified")


class Handling(models.TextChoices):
    CORRECT = "correct", _("Correct within a time limit")
    PERSUADE = "persuade", _("Persuade to leave the party")
    REMOVE = "remove", _("Remove from the party")
    OTHER = "other", _("Other handling")


class EvaluationRound(models.Model):
    """A branch's democratic evaluation (民主评议党员) of one year, step by step (DOMAIN.md §2).

    The members first assess each other (互评, one sheet per member rating every other member); the branch
    then closes the mutual assessment and enters each member's poll and grade, which carries the member's
    mutual tallies. No sheet is taken once the round is past the mutual step.
    """

    class Status(models.TextChoices):
        MUTUAL = "mutual", _("Mutual assessment")
        GRADING = "grading", _("Poll and grading")

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("step"), max_length=10, choices=Status.choices, default=Status.MUTUAL)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "org__path"]
        verbose_name = _("democratic evaluation of a branch")
        verbose_name_plural = _("democratic evaluations of branches")
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="orglife_round_unique")]

    def __str__(self) -> str:
        return f"{self.org.label} {self.year}"

    def closing_day(self, today=None):
        """The day whose roster takes part: the year's last day, or today while the year runs."""
        return min(date(self.year, 12, 31), today or timezone.localdate())


class MutualRating(models.Model):
    """One member's grade of another member in their branch's mutual assessment (互评)."""

    scope_org_field = "round__org"

    round = models.ForeignKey(EvaluationRound, on_delete=models.PROTECT, related_name="ratings")
    rater = models.ForeignKey(
        "orgs.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("rated by")
    )
    ratee = models.ForeignKey(
        "orgs.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("member rated")
    )
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("mutual rating")
        verbose_name_plural = _("mutual ratings")
        constraints = [
            models.UniqueConstraint(fields=["round", "rater", "ratee"], name="orglife_rating_unique"),
            models.CheckConstraint(condition=~Q(rater=models.F("ratee")), name="orglife_rating_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.get_grade_display()}"


class Evaluation(models.Model):
    """One member's grade in a year's democratic evaluation (民主评议党员) of their branch."""

    scope_person_field = "person"

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    person = models.ForeignKey(
        "orgs.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("member")
    )
    self_assessment = models.TextField(_("self-assessment"), blank=True)
    poll_excellent = models.PositiveSmallIntegerField(_("poll: excellent"), default=0)
    poll_qualified = models.PositiveSmallIntegerField(_("poll: qualified"), default=0)
    poll_basic = models.PositiveSmallIntegerField(_("poll: basically qualified"), default=0)
    poll_unqualified = models.PositiveSmallIntegerField(_("poll: unqualified"), default=0)
    # The member's mutual assessment (互评) as the branch closed it: how many members gave each grade.
    mutual_excellent = models.PositiveSmallIntegerField(_("mutual: excellent"), default=0)
    mutual_qualified = models.PositiveSmallIntegerField(_("mutual: qualified"), default=0)
    mutual_basic = models.PositiveSmallIntegerField(_("mutual: basically qualified"), default=0)
    mutual_unqualified = models.PositiveSmallIntegerField(_("mutual: unqualified"), default=0)
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices)
    handling = models.CharField(_("handling"), max_length=10, choices=Handling.choices, blank=True)
    handling_note = models.CharField(_("handling details"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "org__path", "pk"]
        verbose_name = _("democratic evaluation")
        verbose_name_plural = _("democratic evaluations")
        constraints = [
            models.UniqueConstraint(fields=["year", "person"], name="orglife_evaluation_unique"),
            models.CheckConstraint(
                condition=~Q(grade="unqualified") | ~Q(handling=""), name="orglife_unqualified_handled"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.person} {self.get_grade_display()}"


class CourseKind(models.TextChoices):
    COUNTY_MODEL = "county_model", _("County model training")
    ROTATION = "rotation", _("Concentrated rotation training")
    MEETING = "meeting", _("Training at a meeting")
    LECTURE = "lecture", _("Expert lecture")
    REMOTE = "remote", _("Remote education")
    WINTER_SPRING = "winter_spring", _("Winter and spring training")
    BRANCH_STUDY = "branch_study", _("Branch concentrated study")


class Course(models.Model):
    """A training course (培训班) organised by an organisation."""

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser")
    )
    title = models.CharField(pgettext_lazy("object", "title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=CourseKind.choices)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    materials = models.TextField(_("materials"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="orglife_course_dates"
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="orglife_course_hours"),
        ]

    def __str__(self) -> str:
        return self.title


class TrainingRecord(models.Model):
    """Hours one person earned on one course (the person's training ledger is the sum of these)."""

    scope_org_field = "person__org"
    scope_person_field = "person"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="records")
    person = models.ForeignKey(
        "orgs.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    on = models.DateField(_("date"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "pk"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        indexes = [models.Index(fields=["person", "on"])]
        constraints = [
            models.UniqueConstraint(fields=["course", "person"], name="orglife_training_unique"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="orglife_training_hours"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.course} {self.hours}"


class Audience(models.TextChoices):
    MEMBERS = "members", _("Every party member")
    SECRETARIES = "secretaries", _("Branch secretaries")
    VILLAGE_CADRES = "village_cadres", _("Village and community cadres")
    AGENCY_MEMBERS = "agency_members", _("Members in party and government agencies")


class CoverageTarget(models.Model):
    """A yearly training target for one audience (e.g. every branch secretary one concentrated training a year).

    A person reaches it with at least ``min_courses`` courses (of ``course_kinds`` when given) and at least
    ``min_hours`` hours in the year. The active "every party member" row with hours is the members' yearly
    hours target the coverage indicator uses.
    """

    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    label = models.CharField(pgettext_lazy("training", "target"), max_length=120)
    min_courses = models.PositiveSmallIntegerField(_("courses at least"), default=0)
    min_hours = models.DecimalField(_("hours at least"), max_digits=5, decimal_places=1, default=0)
    course_kinds = models.CharField(
        _("kinds of course that count"), max_length=200, blank=True, help_text=_("Empty: every kind.")
    )
    active = models.BooleanField(_("checked"), default=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("training coverage target")
        verbose_name_plural = _("training coverage targets")

    def __str__(self) -> str:
        return self.label

    @property
    def kinds(self) -> list[str]:
        return [k for k in self.course_kinds.split(",") if k]


class CoverageCheck(models.Model):
    """A checker's look at one training target in an organisation's subtree for a year: who was still missing
    then was handed down as ledger items (source 教育培训), one per organisation concerned."""

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.ForeignKey(
        CoverageTarget,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("training", "target"),
    )
    missing = models.PositiveIntegerField(_("people still missing"), default=0)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "org__path", "target_id"]
        verbose_name = _("training coverage check")
        verbose_name_plural = _("training coverage checks")
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "target"], name="orglife_coverage_check_unique")
        ]

    def __str__(self) -> str:
        return f"{self.org.label} {self.year} {self.target.label}"
