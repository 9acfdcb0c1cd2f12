"""Party-member development files (发展党员纪实档案): one file per applicant, 25 recorded steps.

The steps and stages follow 《中国共产党发展党员工作细则》(2014) (DOMAIN.md §3). A file's
``status`` is the last step done (``s01`` … ``s25``), or one of the side states: probation
extended (延长预备期, approved by the higher committee), membership cancelled (取消预备党员资格), or
development stopped (停止发展: the branch ends a file before admission, with its reason).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.scoping import ScopedQuerySet


class StageKind(models.IntegerChoices):
    APPLICANT = 1, _("Applicant")
    ACTIVIST = 2, _("Activist")
    CANDIDATE = 3, _("Candidate")
    PROBATIONARY = 4, _("Probationary member")
    CONVERSION = 5, _("Conversion")


@dataclass(frozen=True)
class Step:
    """One of the 25 steps: who does it (the branch or the higher committee) and what it needs."""

    number: int
    stage: int
    label: str
    higher: bool = False  # done by the higher committee (filing, pre-review, approval)
    approves: int | None = None  # the step this one approves: its recorder may not approve it
    notice: bool = False  # a public notice (公示) must have run before it
    document: str = ""  # the document this step needs (uploaded scan), "" when none

    @property
    def code(self) -> str:
        return f"s{self.number:02d}"


STEPS: tuple[Step, ...] = (
    Step(1, 1, _("Application for Party membership"), document=_("written application")),
    Step(2, 1, _("Talk with the applicant")),
    Step(3, 2, _("Chosen as an activist")),
    Step(4, 2, _("Activist filed with the higher committee"), higher=True),
    Step(5, 2, _("Contacts assigned")),
    Step(6, 2, _("Education and assessment")),
    Step(7, 3, _("Chosen as a candidate"), notice=True),
    Step(8, 3, _("Candidate filed with the higher committee"), higher=True),
    Step(9, 3, _("Two sponsors named")),
    Step(10, 3, _("Political review"), document=_("political review conclusion")),
    Step(11, 3, _("Concentrated training"), document=_("training certificate")),
    Step(12, 4, _("Review by the branch committee"), notice=True),
    Step(13, 4, _("Pre-review by the higher committee"), higher=True, approves=12),
    Step(14, 4, _("Application form filled in"), document=_("application form (入党志愿书)")),
    Step(15, 4, _("Vote of the branch general meeting"), notice=True, document=_("minutes of the meeting")),
    Step(16, 4, _("Talk by a member of the higher committee"), higher=True),
    Step(17, 4, _("Approval by the higher committee"), higher=True, approves=15),
    Step(18, 4, _("Filed one level up"), higher=True),
    Step(19, 5, _("Placed in a branch and party group")),
    Step(20, 5, _("Oath of admission")),
    Step(21, 5, _("Continued education and assessment")),
    Step(22, 5, _("Application for full membership")),
    Step(
        23,
        5,
        _("Conversion vote of the branch general meeting"),
        notice=True,
        document=_("minutes of the meeting"),
    ),
    Step(24, 5, _("Approval of the conversion by the higher committee"), higher=True, approves=23),
    Step(25, 5, _("Materials archived")),
)
STEP_BY_NUMBER = {s.number: s for s in STEPS}
NOTICE_STEPS = tuple(s.number for s in STEPS if s.notice)


class FileStatus(models.TextChoices):
    S01 = "s01", _("1 Application for Party membership")
    S02 = "s02", _("2 Talk with the applicant")
    S03 = "s03", _("3 Chosen as an activist")
    S04 = "s04", _("4 Activist filed with the higher committee")
    S05 = "s05", _("5 Contacts assigned")
    S06 = "s06", _("6 Education and assessment")
    S07 = "s07", _("7 Chosen as a candidate")
    S08 = "s08", _("8 Candidate filed with the higher committee")
    S09 = "s09", _("9 Two sponsors named")
    S10 = "s10", _("10 Political review")
    S11 = "s11", _("11 Concentrated training")
    S12 = "s12", _("12 Review by the branch committee")
    S13 = "s13", _("13 Pre-review by the higher committee")
    S14 = "s14", _("14 Application form filled in")
    S15 = "s15", _("15 Vote of the branch general meeting")
    S16 = "s16", _("16 Talk by a member of the higher committee")
    S17 = "s17", _("17 Approval by the higher committee")
    S18 = "s18", _("18 Filed one level up")
    S19 = "s19", _("19 Placed in a branch and party group")
    S20 = "s20", _("20 Oath of admission")
    S21 = "s21", _("21 Continued education and assessment")
    S22 = "s22", _("22 Application for full membership")
    S23 = "s23", _("23 Conversion vote of the branch general meeting")
    S24 = "s24", _("24 Approval of the conversion by the higher committee")
    S25 = "s25", _("25 Materials archived")
    EXTENDED = "extended", _("Probation extended")
    CANCELLED = "cancelled", _("Probationary membership cancelled")
    STOPPED = "stopped", _("Development stopped")


def step_of(status: str) -> int:
    """The number of the last step done in ``status``: an extension and a cancellation follow the higher
    committee's approval (step 24); a stopped file has no step (the one it reached is ``stopped_step``)."""
    if status.startswith("s") and status[1:].isdigit():
        return int(status[1:])
    return {"extended": 24, "cancelled": 24}.get(status, 0)


# Development can be stopped up to the admission vote's approval; a probationary member leaves only by
# cancellation (the conversion vote and the higher committee's approval).
STOPPABLE = tuple(f"s{n:02d}" for n in range(1, 17))
FINISHED = ("s25", "cancelled", "stopped")


class ConversionOutcome(models.TextChoices):
    CONVERT = "convert", _("Convert to full membership")
    EXTEND = "extend", _("Extend the probation")
    CANCEL = "cancel", _("Cancel the probationary membership")


class DevelopmentFileQuerySet(ScopedQuerySet):
    def active(self):
        """Files still moving: neither archived, cancelled nor stopped."""
        return self.exclude(status__in=FINISHED)


class DevelopmentFile(models.Model):
    """One applicant's development file (发展党员纪实档案), kept by the applicant's branch."""

    scope_person_field = "person"  # a plain member sees their own file only

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    person = models.ForeignKey(
        "orgs.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("applicant")
    )
    applied_on = models.DateField(_("date of application"))
    status = models.CharField(_("step"), max_length=10, choices=FileStatus.choices, default=FileStatus.S01)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)
    last_step_on = models.DateField(_("date of the last step"))
    talked_on = models.DateField(_("talk"), null=True, blank=True)
    activist_on = models.DateField(_("activist since"), null=True, blank=True)
    last_assessment_on = models.DateField(_("last assessment"), null=True, blank=True)
    candidate_on = models.DateField(_("candidate since"), null=True, blank=True)
    vote_on = models.DateField(_("admission vote"), null=True, blank=True)
    probation_ends_on = models.DateField(_("end of probation"), null=True, blank=True)
    extensions = models.PositiveSmallIntegerField(_("extensions of probation"), default=0)
    conversion_vote_on = models.DateField(_("conversion vote"), null=True, blank=True)
    outcome = models.CharField(
        _("conversion outcome"), max_length=10, choices=ConversionOutcome.choices, blank=True
    )
    admitted_on = models.DateField(_("admitted on"), null=True, blank=True, db_index=True)
    quota_year = models.PositiveSmallIntegerField(_("quota year"), null=True, blank=True, db_index=True)
    converted_on = models.DateField(_("full member since"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=200, blank=True)
    stopped_on = models.DateField(_("development stopped on"), null=True, blank=True)
    stopped_step = models.PositiveSmallIntegerField(_("step reached when stopped"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = DevelopmentFileQuerySet.as_manager()

    class Meta:
        ordering = ["org", "-applied_on", "pk"]
        verbose_name = _("development file")
        verbose_name_plural = _("development files")
        indexes = [models.Index(fields=["org", "status"])]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.get_status_display()}）"

    @property
    def step(self) -> int:
        return step_of(self.status)

    @property
    def stage(self) -> int:
        step = STEP_BY_NUMBER.get(self.step)
        return step.stage if step else 0


class StepRecordQuerySet(ScopedQuerySet):
    pass


class StepRecord(models.Model):
    """One step done: its date, the acting body, the people and the particulars the step records."""

    scope_org_field = "file__org"

    file = models.ForeignKey(DevelopmentFile, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("step"))
    done_on = models.DateField(_("date"))
    body = models.CharField(_("acting body"), max_length=120, blank=True)
    people = models.CharField(_("people"), max_length=200, blank=True)
    note = models.TextField(_("particulars"), blank=True)
    sponsor_1 = models.ForeignKey(
        "orgs.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sponsor"),
    )
    sponsor_2 = models.ForeignKey(
        "orgs.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sponsor"),
    )
    training_days = models.PositiveSmallIntegerField(_("training days"), null=True, blank=True)
    training_hours = models.PositiveSmallIntegerField(_("training hours"), null=True, blank=True)
    entitled = models.PositiveSmallIntegerField(_("members entitled to vote"), null=True, blank=True)
    present = models.PositiveSmallIntegerField(_("voting members present"), null=True, blank=True)
    votes_for = models.PositiveSmallIntegerField(_("votes for"), null=True, blank=True)
    outcome = models.CharField(
        pgettext_lazy("vote", "outcome"), max_length=10, choices=ConversionOutcome.choices, blank=True
    )
    extension_months = models.PositiveSmallIntegerField(_("extension (months)"), null=True, blank=True)
    extended_limit = models.BooleanField(_("approval limit extended"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = StepRecordQuerySet.as_manager()

    class Meta:
        ordering = ["file", "done_on", "number", "pk"]
        verbose_name = _("step record")
        verbose_name_plural = _("step records")

    def __str__(self) -> str:
        return f"{self.number} {STEP_BY_NUMBER[self.number].label} {self.done_on}"


class PublicNotice(models.Model):
    """A public notice (公示) of the file before steps 7, 12, 15 and 23: where, from, until."""

    scope_org_field = "file__org"

    file = models.ForeignKey(DevelopmentFile, on_delete=models.CASCADE, related_name="public_notices")
    before_step = models.PositiveSmallIntegerField(_("before step"))
    place = models.CharField(_("published where"), max_length=120)
    starts_on = models.DateField(pgettext_lazy("publicity", "from"))
    ends_on = models.DateField(pgettext_lazy("publicity", "until"))
    outcome = models.CharField(_("feedback"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["file", "before_step", "starts_on"]
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")

    def __str__(self) -> str:
        return f"{self.place} {self.starts_on}—{self.ends_on}"


class Quota(models.Model):
    """A yearly development quota (发展指标) of one organisation, set by the organisation above it."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("quota"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["year", "org"]
        verbose_name = _("development quota")
        verbose_name_plural = _("development quotas")
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="devel_one_quota_per_org_year")]

    def __str__(self) -> str:
        return f"{self.org} {self.year}: {self.number}"
