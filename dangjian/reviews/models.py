"""Duty-report evaluation (述职评议): sessions, reporters and their reports, on-site questions and
comments, anonymous ballots cast with per-seat credentials, and the frozen results.

Ballots are anonymous (DOMAIN.md §6): a ``Ballot`` keeps its rater group but no credential, no
time and no author; which credential has voted on which reporter is kept apart in
``BallotReceipt`` (the one-ballot rule), whose rows carry nothing of the ballot. Neither is
written to the audit log (it would record the phone's address and the minute of the vote).
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core import scoping
from dangjian.core.scoping import ScopedQuerySet

# Credential codes: no 0/O, 1/I/L, so that a code read off a card is typed right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def new_code() -> str:
    """A short credential code printed under its QR code (about 50 bits: not guessable)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def new_token() -> str:
    """The unguessable part of a session's big-screen link."""
    return secrets.token_urlsafe(24)


def new_serial() -> str:
    """A ballot's random serial: orders the anonymised export without revealing when it was cast."""
    return secrets.token_hex(8)


class Grade(models.TextChoices):
    """The four grades of a grade sheet and of the overall verdict (好 / 较好 / 一般 / 差)."""

    GOOD = "good", _("Good")
    FAIRLY_GOOD = "fairly_good", _("Fairly good")
    AVERAGE = "average", _("Average")
    POOR = "poor", _("Poor")


class SessionQuerySet(ScopedQuerySet):
    def visible_to(self, user, *, ignore_focus: bool = False):
        """Sessions hosted in the user's scope, and the sessions where an organisation in it reports."""
        hosted = super().visible_to(user, ignore_focus=ignore_focus)
        reporting = Reporter.objects.visible_to(user, ignore_focus=ignore_focus).values("session_id")
        return self.filter(Q(pk__in=hosted.values("pk")) | Q(pk__in=reporting))

    def hosted_by(self, user):
        """Sessions whose host organisation the user sees (the organiser's and the superiors' view)."""
        return super().visible_to(user)


class ReviewSession(models.Model):
    """One evaluation meeting (述职评议会): a host organisation evaluates the secretaries below it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("In preparation")
        LIVE = "live", _("In session")
        CLOSED = "closed", _("Session closed")

    class SheetKind(models.TextChoices):
        GRADES = "grades", _("A grade per reporter")
        INDICATORS = "indicators", _("Points per indicator")

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("host organisation")
    )
    year = models.PositiveSmallIntegerField(_("year evaluated"))
    title = models.CharField(pgettext_lazy("object", "title"), max_length=120)
    held_on = models.DateField(_("date"))
    venue = models.CharField(_("venue"), max_length=120, blank=True)
    sheet_kind = models.CharField(
        _("score sheet"), max_length=12, choices=SheetKind.choices, default=SheetKind.GRADES
    )
    grade_points = models.JSONField(_("points of each grade"), default=dict)
    thresholds = models.JSONField(_("lowest total of each overall grade"), default=dict)
    with_comment = models.BooleanField(_("raters may add a comment"), default=False)
    screen_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    current_reporter = models.ForeignKey(
        "reviews.Reporter", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    digest = models.CharField(_("ballot digest (SHA-256)"), max_length=64, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-held_on", "-pk"]
        verbose_name = _("evaluation session")
        verbose_name_plural = _("evaluation sessions")

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class RaterGroup(models.Model):
    """A group of raters (县委常委, 党代表…) with its weight, expected seats and quorum."""

    scope_org_field = "session__org"

    session = models.ForeignKey(ReviewSession, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("rater group"), max_length=40)
    weight = models.PositiveSmallIntegerField(_("weight (%)"))
    expected = models.PositiveSmallIntegerField(_("expected raters"))
    quorum = models.PositiveSmallIntegerField(_("minimum raters"))
    position = models.PositiveSmallIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["session", "position", "pk"]
        verbose_name = _("rater group")
        verbose_name_plural = _("rater groups")
        constraints = [models.UniqueConstraint(fields=["session", "name"], name="reviews_group_name_once")]

    def __str__(self) -> str:
        return self.name


class SheetIndicator(models.Model):
    """One line of an indicator score sheet and its maximum points."""

    scope_org_field = "session__org"

    session = models.ForeignKey(ReviewSession, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=80)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    position = models.PositiveSmallIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["session", "position", "pk"]
        verbose_name = _("score sheet indicator")
        verbose_name_plural = _("score sheet indicators")

    def __str__(self) -> str:
        return self.name


class Reporter(models.Model):
    """A secretary who reports (述职人) for their organisation, with the written report."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting to report")
        SCORING = "scoring", _("Scoring open")
        SCORED = "scored", _("Scored")

    session = models.ForeignKey(ReviewSession, on_delete=models.CASCADE, related_name="reporters")
    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    secretary = models.CharField(_("secretary reporting"), max_length=40)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    achievements = models.TextField(_("achievements"), blank=True)
    problems = models.TextField(_("problems found"), blank=True)
    plans = models.TextField(_("plans for next year"), blank=True)
    filed_at = models.DateTimeField(_("report filed"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["session", "position", "pk"]
        verbose_name = _("reporter")
        verbose_name_plural = _("reporters")
        constraints = [models.UniqueConstraint(fields=["session", "org"], name="reviews_reporter_once")]

    def __str__(self) -> str:
        return f"{self.org.label} {self.secretary}"

    @property
    def has_filed(self) -> bool:
        return self.filed_at is not None


class Credential(models.Model):
    """One rater seat's ballot credential (a QR card with its code): no name, only its group."""

    scope_org_field = "session__org"

    session = models.ForeignKey(ReviewSession, on_delete=models.CASCADE, related_name="credentials")
    group = models.ForeignKey(RaterGroup, on_delete=models.CASCADE, related_name="credentials")
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["group__position", "pk"]
        verbose_name = _("ballot credential")
        verbose_name_plural = _("ballot credentials")

    def __str__(self) -> str:
        return f"{self.group.name} {self.code}"

    @property
    def display_code(self) -> str:
        return f"{self.code[:5]}-{self.code[5:]}"


class BallotReceipt(models.Model):
    """That a credential has voted on a reporter (nothing of the ballot): one ballot per seat and reporter."""

    # Random keys on both sides: row ids in order of arrival would pair receipts with ballots.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="+")
    reporter = models.ForeignKey(Reporter, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["credential", "reporter"], name="reviews_one_ballot_per_seat")
        ]

    def __str__(self) -> str:
        return f"{self.credential_id} → {self.reporter_id}"


class Ballot(models.Model):
    """One anonymous ballot on one reporter: the group, the grade or indicator scores, the points (0–100)."""

    scope_org_field = "reporter__session__org"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reporter = models.ForeignKey(Reporter, on_delete=models.CASCADE, related_name="ballots")
    group = models.ForeignKey(RaterGroup, on_delete=models.PROTECT, related_name="ballots")
    grade = models.CharField(max_length=12, choices=Grade.choices, blank=True)
    scores = models.JSONField(default=dict, blank=True)  # indicator id (str) → points
    points = models.DecimalField(max_digits=6, decimal_places=2)
    comment = models.TextField(blank=True)
    serial = models.CharField(max_length=16, unique=True, default=new_serial, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["reporter", "group", "serial"]
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return self.serial


class Question(models.Model):
    """A question asked on site (质询): who asked (their role), the question, the answer given."""

    scope_org_field = "reporter__org"

    reporter = models.ForeignKey(Reporter, on_delete=models.CASCADE, related_name="questions")
    asker_role = models.CharField(_("asked by"), max_length=60)
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["reporter", "created_at", "pk"]
        verbose_name = _("on-site question")
        verbose_name_plural = _("on-site questions")

    def __str__(self) -> str:
        return self.question[:40]


class Comment(models.Model):
    """The presiding secretary's comment (点评) on one reporter."""

    scope_org_field = "reporter__org"

    reporter = models.ForeignKey(Reporter, on_delete=models.CASCADE, related_name="comments")
    commenter = models.CharField(_("comment by"), max_length=60)
    text = models.TextField(_("comment"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["reporter", "created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:40]


class Result(models.Model):
    """A reporter's result, written once when the session closes: total, overall grade, rank, per group."""

    scope_org_field = "reporter__org"

    reporter = models.OneToOneField(Reporter, on_delete=models.CASCADE, related_name="result")
    total = models.DecimalField(_("weighted total"), max_digits=6, decimal_places=2, null=True)
    grade = models.CharField(_("overall grade"), max_length=12, choices=Grade.choices, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True)
    groups = models.JSONField(
        default=list
    )  # per group: name, weight, count, expected, quorum, met, average, grades
    formula = models.TextField(_("how the total was computed"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["rank", "reporter__position"]
        verbose_name = _("evaluation result")
        verbose_name_plural = _("evaluation results")

    def __str__(self) -> str:
        return f"{self.reporter} {self.total}"


def sees_host(user, session: ReviewSession) -> bool:
    """True when the user sees the host organisation (not only one reporter of the session)."""
    return scoping.get_scope(user).covers(session.org_id, session.org.path)
