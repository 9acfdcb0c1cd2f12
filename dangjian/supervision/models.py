"""Supervision and assessment records.

督查暗访 plans are unannounced: a plan is seen only by whoever may inspect at the organisation
that runs it, never by its targets (they sit below it); a visit becomes visible to the visited
organisation once its findings are handed down. Briefings and rankings show figures of whole
subtrees, so they are seen only through grants covering the whole subtree of their organisation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core import scoping
from dangjian.core.caps import Cap
from dangjian.core.scoping import ScopedQuerySet


def whole_subtree_q(user, prefix: str = "org__", cap: str | None = None) -> Q:
    """Records whose organisation lies under a grant that covers its whole subtree (with ``cap``)."""
    scope = scoping.get_scope(user)
    path_field = f"{prefix}path"
    if scope.everything:
        visible = Q(pk__isnull=False) if cap is None or cap in scope.all_caps else Q(pk__in=[])
    else:
        visible = Q(pk__in=[])
        for grant in scope.grants:
            if grant.subtree and not grant.self_only and (cap is None or cap in grant.caps):
                visible |= Q(**{f"{path_field}__subtree": grant.path})
    if scope.focus_path is not None:
        visible &= Q(**{f"{path_field}__subtree": scope.focus_path})
    return visible


class Versioned(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        abstract = True


# ------------------------------------------------------------------ inspections (督查暗访)


class PlanQuerySet(ScopedQuerySet):
    def visible_to(self, user, *, ignore_focus: bool = False):
        """Only those who may inspect at the plan's organisation: the targets never learn of a visit."""
        qs = super().visible_to(user, ignore_focus=ignore_focus)
        return qs.filter(whole_subtree_q(user, cap=Cap.INSPECT))


class InspectionPlan(Versioned):
    """A month's unannounced inspection (督查暗访): theme, team, checklist and the organisations targeted."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        ACTIVE = "active", _("Under way")
        CLOSED = "closed", pgettext_lazy("supervision plan", "Finished")

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organising body")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month inspected."))
    theme = models.CharField(_("theme"), max_length=120)
    team = models.TextField(_("team"), help_text=_("One inspector a line, with his or her department."))
    checklist = models.TextField(_("checklist"), help_text=_("One point checked a line."))
    targets = models.ManyToManyField(
        "orgs.Organisation", related_name="+", verbose_name=pgettext_lazy("inspection", "targets")
    )
    sample_seed = models.CharField(_("sample seed"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "-pk"]
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.theme}"

    @property
    def checks(self) -> list[str]:
        return [line.strip() for line in self.checklist.splitlines() if line.strip()]


class VisitQuerySet(ScopedQuerySet):
    def visible_to(self, user, *, ignore_focus: bool = False):
        """The inspecting side always; the visited organisation's side once the findings are handed down."""
        scope = scoping.without_focus(user) if ignore_focus else scoping.get_scope(user)
        if scope.everything and scope.focus_path is None:
            return self.all()
        inspecting = whole_subtree_q(user, "plan__org__", cap=Cap.INSPECT) & scope.q("org__")
        visited = scope.q("org__") & Q(status=Visit.Status.SUBMITTED)
        return self.filter(inspecting | visited)


class Visit(Versioned):
    """One visit of an inspection plan to one organisation: checklist scores, notes, photos and findings."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being recorded")
        SUBMITTED = "submitted", _("Findings handed down")

    plan = models.ForeignKey(
        InspectionPlan, on_delete=models.PROTECT, related_name="visits", verbose_name=_("inspection plan")
    )
    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation visited"),
    )
    visited_at = models.DateTimeField(_("time of the visit"))
    inspectors = models.CharField(_("inspectors"), max_length=200)
    scores = models.JSONField(_("checklist scores"), default=list)  # [{"check": str, "score": 0..10}]
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True)
    notes = models.TextField(_("notes"), blank=True)
    findings = models.JSONField(_("findings"), default=list)  # [{"key": str, "title": str}]
    finding_count = models.PositiveSmallIntegerField(
        pgettext_lazy("inspection", "problems found"), default=0, editable=False
    )
    deadline = models.DateField(_("rectification deadline"), null=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_at", "-pk"]
        verbose_name = _("inspection visit")
        verbose_name_plural = _("inspection visits")

    def __str__(self) -> str:
        return f"{self.plan.theme} · {self.org.label} · {timezone.localtime(self.visited_at):%Y-%m-%d}"


# ------------------------------------------------------------------ rankings and briefings (逐月通报)


class RankingSet(Versioned):
    """A named, weighted set of indicators the children of an organisation are ranked by (e.g. 七项重点工作)."""

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    name = models.CharField(pgettext_lazy("object", "name"), max_length=80)
    items = models.JSONField(_("indicators"), default=list)  # [{"key", "weight", "higher_is_better"}]

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["org__path", "name"]
        verbose_name = _("ranking set")
        verbose_name_plural = _("ranking sets")
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="supervision_rankingset_name")]

    def __str__(self) -> str:
        return self.name


class RankingCallQuerySet(ScopedQuerySet):
    def visible_to(self, user, *, ignore_focus: bool = False):
        """Like the ranking it comes from: only through grants covering the whole subtree ranked."""
        qs = super().visible_to(user, ignore_focus=ignore_focus)
        return qs.filter(whole_subtree_q(user))


class RankingCall(Versioned):
    """The last N of a month's ranking called in (排名靠后约谈): each becomes a ledger item of that
    organisation, handed down by the ranking organisation through the ledger's door."""

    ranking_set = models.ForeignKey(
        RankingSet, on_delete=models.PROTECT, related_name="calls", verbose_name=_("ranking set")
    )
    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation ranked")
    )
    month = models.DateField(_("month"))
    bottom = models.PositiveSmallIntegerField(_("last places called in"))
    deadline = models.DateField(_("rectification deadline"))
    rows = models.JSONField(_("organisations called in"), default=list)  # [{"org_id","org","rank","score"}]

    objects = RankingCallQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "-pk"]
        verbose_name = _("interview of the last in a ranking")
        verbose_name_plural = _("interviews of the last in rankings")
        constraints = [
            models.UniqueConstraint(
                fields=["ranking_set", "org", "month"], name="supervision_rankingcall_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ranking_set.name} {self.month:%Y-%m}"


class BriefingQuerySet(ScopedQuerySet):
    def visible_to(self, user, *, ignore_focus: bool = False):
        """Drafts and reviewed ones: who may compile briefings over the whole subtree. Issued: the whole subtree's
        readers, and the organisations the briefing names (it is sent to them)."""
        scope = scoping.without_focus(user) if ignore_focus else scoping.get_scope(user)
        if scope.everything and scope.focus_path is None:
            return self.all()
        from dangjian.orgs.models import Organisation

        drafts = whole_subtree_q(user, cap="brief")
        published = whole_subtree_q(user)
        named = Organisation.objects.filter(scope.q("")).values("pk")
        recipients = Briefing.recipients.through.objects.filter(organisation__in=named).values("briefing_id")
        return self.filter(
            drafts | (Q(status=Briefing.Status.PUBLISHED) & (published | Q(pk__in=recipients)))
        )


class Briefing(Versioned):
    """A monthly briefing (逐月通报): rankings, indicators and inspection findings of one month.

    Draft → reviewed → issued (the value stays "published"), each move by somebody other than the author;
    a reviewed briefing may be returned to draft with a reason. Issued briefings keep the figures of the
    moment of issue (``snapshot``), never recomputed.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEWED = "reviewed", _("Reviewed")
        PUBLISHED = "published", _("Issued")

    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("briefing", "issuing organisation"),
    )
    month = models.DateField(_("month"))
    title = models.CharField(_("title"), max_length=120)
    ranking_set = models.ForeignKey(
        RankingSet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ranking"),
    )
    summary = models.TextField(_("opening summary"))
    good_practice = models.TextField(_("good practice"), blank=True)
    number = models.CharField(_("document number"), max_length=40, blank=True)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    recipients = models.ManyToManyField(
        "orgs.Organisation", related_name="+", blank=True, verbose_name=_("organisations named")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)

    objects = BriefingQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "-pk"]
        verbose_name = _("monthly briefing")
        verbose_name_plural = _("monthly briefings")

    def __str__(self) -> str:
        return self.title


# ------------------------------------------------------------------ classification and stars (分类定级、评星)


class Grade(models.TextChoices):
    # A context: the evaluation module grades a person's report 好/较好/一般/差, an organisation is 较差.
    GOOD = "good", pgettext_lazy("organisation grade", "Good")
    FAIRLY_GOOD = "fairly_good", pgettext_lazy("organisation grade", "Fairly good")
    AVERAGE = "average", pgettext_lazy("organisation grade", "Average")
    POOR = "poor", pgettext_lazy("organisation grade", "Poor")


class Scoresheet(Versioned):
    """The rating scoresheet (分类定级、评星) a county or township sets for a year: items and their weights
    (total 100 %), each scored by hand or filled from a registered indicator, and the grade and star
    thresholds. It applies to every organisation below its owner; frozen once a rating has used it."""

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(pgettext_lazy("object", "name"), max_length=80)
    # [{"name", "weight", "indicator": key or "", "full": value earning full marks (lower is better: none)}]
    items = models.JSONField(pgettext_lazy("scoresheet", "items"), default=list)
    grade_thresholds = models.JSONField(_("classification thresholds"), default=list)  # [好, 较好, 一般]
    star_thresholds = models.JSONField(_("star thresholds"), default=list)  # lowest score of 1…5 stars

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "org__path"]
        verbose_name = _("rating scoresheet")
        verbose_name_plural = _("rating scoresheets")
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="supervision_scoresheet_year")]

    def __str__(self) -> str:
        return f"{self.name}（{self.year}）"


class Rating(Versioned):
    """One organisation's yearly classification and star rating: self → poll → township → county."""

    class Status(models.TextChoices):
        SELF_ASSESSED = "self_assessed", _("Self-assessed")
        RATED = "rated", _("Rated by the township")
        CONFIRMED = "confirmed", _("Confirmed by the county")

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    self_score = models.DecimalField(_("self-assessment score"), max_digits=4, decimal_places=1)
    self_note = models.TextField(_("self-assessment"), blank=True)
    sheet = models.ForeignKey(
        Scoresheet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
        verbose_name=_("scoresheet"),
    )
    # The scoresheet's items as scored at self-assessment (indicator values as they stood then).
    sheet_scores = models.JSONField(_("scoresheet scores"), default=list, blank=True)
    poll_score = models.DecimalField(
        _("member and public poll"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    township_score = models.DecimalField(_("township's score"), max_digits=4, decimal_places=1, null=True)
    score = models.DecimalField(_("overall score"), max_digits=4, decimal_places=1, null=True)
    grade = models.CharField(_("classification"), max_length=20, choices=Grade.choices, blank=True)
    stars = models.PositiveSmallIntegerField(_("stars"), default=0)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rated by"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SELF_ASSESSED
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "org__path"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="supervision_rating_year")]

    def __str__(self) -> str:
        return f"{self.org.label} {self.year}"


# ------------------------------------------------------------------ weak organisations (后进整顿)


class WeakReason(models.TextChoices):
    SECRETARY = "secretary", _("Secretary unfit or post vacant over three months")
    DIVIDED = "divided", _("Divided leadership, no cohesion")
    MEETINGS = "meetings", _("Organisational life not held")
    BRIBERY = "bribery", _("Election bribery")
    CLANS = "clans", _("Clan or criminal interference")
    FINANCES = "finances", _("Village finances in disorder")
    PETITIONS = "petitions", _("Concentrated petitions")
    ECONOMY = "economy", _("Weak collective economy")
    OVERDUE = "overdue", _("Repeatedly overdue rectification items")


class WeakOrg(Versioned):
    """An organisation flagged 软弱涣散: reasons, contacts (包联), a rectification list, and the lifting (销号)."""

    class Status(models.TextChoices):
        FLAGGED = "flagged", _("Flagged")
        RECTIFYING = "rectifying", pgettext_lazy("consolidation", "Being rectified")
        LIFTED = "lifted", _("Flag lifted")

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    reasons = models.JSONField(_("reasons"), default=list)
    note = models.TextField(_("situation"), blank=True)
    county_contact = models.CharField(_("county leader in contact"), max_length=60)
    township_contact = models.CharField(_("township leader in contact"), max_length=60)
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.FLAGGED)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "org__path"]
        verbose_name = _("weak organisation")
        verbose_name_plural = _("weak organisations")

    def __str__(self) -> str:
        return f"{self.org.label}（{self.year}）"

    def reason_labels(self) -> list[str]:
        labels = dict(WeakReason.choices)
        return [str(labels.get(code, code)) for code in self.reasons]


# ------------------------------------------------------------------ venues (六有、清零)


class VenueKind(models.TextChoices):
    OWN = "own", _("Own venue")
    SHARED = "shared", _("Shared venue")
    NONE = "none", _("No venue")


class VenuePlan(models.TextChoices):
    NEW_BUILD = "new_build", _("New build")
    CONVERSION = "conversion", _("Conversion of an old building")
    SHARED = "shared", _("Shared with another unit")


class Venue(Versioned):
    """The activity venue of a village or enterprise branch and its 六有 checklist; a plan when it has none."""

    org = models.OneToOneField(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    kind = models.CharField(
        pgettext_lazy("activity venue", "venue"), max_length=10, choices=VenueKind.choices
    )
    area = models.PositiveIntegerField(_("area (m²)"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    checked = models.JSONField(_("六有 items met"), default=list)
    plan = models.CharField(_("plan"), max_length=20, choices=VenuePlan.choices, blank=True)
    plan_deadline = models.DateField(_("plan deadline"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["org__path"]
        verbose_name = _("activity venue")
        verbose_name_plural = _("activity venues")

    def __str__(self) -> str:
        return f"{self.org.label} · {self.get_kind_display()}"


# ------------------------------------------------------------------ annual assessment (年度党建考核)


class AssessmentQuerySet(ScopedQuerySet):
    def visible_to(self, user, *, ignore_focus: bool = False):
        """Drafts: the assessing office over the whole subtree. Confirmed: also the organisations assessed."""
        scope = scoping.without_focus(user) if ignore_focus else scoping.get_scope(user)
        if scope.everything and scope.focus_path is None:
            return self.all()
        from dangjian.orgs.models import Organisation

        named = Organisation.objects.filter(scope.q("")).values("pk")
        assessed = Assessment.recipients.through.objects.filter(organisation__in=named).values(
            "assessment_id"
        )
        return self.filter(
            whole_subtree_q(user, cap="brief")
            | (Q(status=Assessment.Status.CONFIRMED) & (whole_subtree_q(user) | Q(pk__in=assessed)))
        )


class Assessment(Versioned):
    """An annual assessment (年度党建考核) of an organisation's children: a weighted scorecard of indicators
    and manual scores the assessing office enters with a note; confirmed results are frozen."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being scored")
        CONFIRMED = "confirmed", pgettext_lazy("assessment", "Confirmed")

    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assessing organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=120)
    items = models.JSONField(
        _("scorecard"), default=list
    )  # indicator items and {"manual": True, "name", "weight"}
    manual = models.JSONField(_("manual scores"), default=dict)  # {org_id: {name: {"score", "note"}}}
    results = models.JSONField(null=True, blank=True, editable=False)  # frozen at confirmation
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    recipients = models.ManyToManyField(
        "orgs.Organisation", related_name="+", blank=True, verbose_name=_("organisations assessed")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("annual assessment")
        verbose_name_plural = _("annual assessments")

    def __str__(self) -> str:
        return self.title

    @property
    def manual_names(self) -> list[str]:
        return [i["name"] for i in self.items if i.get("manual")]
