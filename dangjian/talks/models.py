"""Talks (谈话): political talks, heart-to-heart talks, reminders, admonishments, interviews (约谈), letters.

A talk is prepared (准备: talkees, talkers, topics, the problems to notify, the talkee's report
materials) and then held and closed with its record; closing hands the notified problems and
the talkee's commitments (表态) to the talkee's organisation through the ledger's door.
Talks of a campaign (谈话计划) are stage 1 individual talks and stage 2 collective talks.

Talk records are about people (DOMAIN.md §7): see ``TalkRecordQuerySet.visible_to``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core import scoping
from dangjian.core.caps import Cap
from dangjian.core.scoping import ScopedQuerySet

# Holders of this capability read and write 诫勉 and 函询 records (discipline and organisation departments).
DISCIPLINE_TALK = "discipline_talk"


class TalkKind(models.TextChoices):
    POLITICAL = "political", _("Political talk")
    HEART_TO_HEART = "heart_to_heart", _("Heart-to-heart talk")
    REMINDER = "reminder", _("Reminder talk")
    ADMONITION = "admonition", _("Admonishment talk")
    INTERVIEW = "interview", _("Interview")
    LETTER = "letter", _("Talk or letter inquiry")


# 诫勉谈话 and 谈话函询 are the first of the "four forms": only discipline and organisation roles see them.
SENSITIVE_KINDS = frozenset({TalkKind.ADMONITION, TalkKind.LETTER})


def right_for(kind: str) -> str:
    """The capability needed to organise, record and read a talk of ``kind``."""
    return DISCIPLINE_TALK if kind in SENSITIVE_KINDS else Cap.INSPECT


class ProblemSource(models.TextChoices):
    """Where a problem notified in a talk was found (seed 000: 日常工作、专项检查、巡察)."""

    DAILY = "daily", _("Daily work")
    SPECIAL = "special", _("Special inspection")
    PATROL = "patrol", _("Patrol")
    OTHER = "other", _("Other")


class TalkTopic(models.Model):
    """A topic a talk may cover (configurable; seed 000's four are installed by the migration)."""

    name = models.CharField(pgettext_lazy("object", "name"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("talk topic")
        verbose_name_plural = _("talk topics")

    def __str__(self) -> str:
        return self.name


class CampaignQuerySet(ScopedQuerySet):
    def visible_to(self, user, *, ignore_focus: bool = False):
        """Campaigns are the organiser's business: its talk-right holders and the campaign's talkers."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        scope = scoping.without_focus(user) if ignore_focus else scoping.get_scope(user)
        if scope.everything and scope.focus_path is None:
            return self.all()
        talker = Exists(
            TalkCampaign.talkers.through.objects.filter(talkcampaign_id=OuterRef("pk"), user_id=user.pk)
        )
        visible = scope.q("org__", cap=Cap.INSPECT) | Q(created_by=user) | talker
        if scope.focus_path is not None:
            visible &= Q(org__path__subtree=scope.focus_path)
        return self.filter(visible)


class TalkCampaign(models.Model):
    """A talk campaign (谈话计划): who talks with whom, in which window; stage 1 one by one, stage 2 together."""

    class Status(models.TextChoices):
        # Contexts: the ledger's "Open"/"Closed" are 未销号/已销号, a campaign is 进行中/已结束.
        OPEN = "open", pgettext_lazy("talk campaign", "Open")
        CLOSED = "closed", pgettext_lazy("talk campaign", "Closed")

    class TargetMode(models.TextChoices):
        SECRETARIES = "secretaries", _("All branch secretaries of the subtree")
        DEPARTMENT_HEADS = (
            "department_heads",
            _("Secretaries of the agencies and public institutions of the subtree"),
        )
        PICKED = "picked", _("Picked people")

    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organising organisation"),
    )
    title = models.CharField(pgettext_lazy("object", "title"), max_length=200)
    kind = models.CharField(
        _("kind of talk"), max_length=20, choices=TalkKind.choices, default=TalkKind.POLITICAL
    )
    starts_on = models.DateField(_("window starts"))
    ends_on = models.DateField(_("window ends"))
    talker = models.CharField(_("talkers"), max_length=200)
    talkers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("talkers with an account")
    )
    target_mode = models.CharField(_("targets"), max_length=20, choices=TargetMode.choices)
    targets = models.ManyToManyField("orgs.Person", related_name="+", verbose_name=_("people to talk with"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    looked_back_on = models.DateField(_("looked back on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("talk campaign")
        verbose_name_plural = _("talk campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_window_order"
            )
        ]

    def __str__(self) -> str:
        return self.title


class TalkRecordQuerySet(ScopedQuerySet):
    def visible_to(self, user, *, ignore_focus: bool = False):
        """Narrower than the organisation scope: talk records are about people (DOMAIN.md §7).

        Readers: holders of the talk right (``inspect``; ``discipline_talk`` for 诫勉 and 函询) at
        the talkee's organisation or at the organiser, the talk's recorder and talkers, and the
        talkee for their own ordinary talks. A branch secretary or member who merely sees the
        organisation does not see the talks held with its people.
        """
        if not getattr(user, "is_authenticated", False):
            return self.none()
        scope = scoping.without_focus(user) if ignore_focus else scoping.get_scope(user)
        if scope.everything and scope.focus_path is None:
            return self.all()
        sensitive = Q(kind__in=SENSITIVE_KINDS)
        ordinary_right = scope.q("org__", cap=Cap.INSPECT) | scope.q("organiser__", cap=Cap.INSPECT)
        discipline_right = scope.q("org__", cap=DISCIPLINE_TALK) | scope.q("organiser__", cap=DISCIPLINE_TALK)
        talker = Exists(
            TalkRecord.talkers.through.objects.filter(talkrecord_id=OuterRef("pk"), user_id=user.pk)
        )
        visible = (
            Q(recorded_by=user) | (sensitive & discipline_right) | (~sensitive & (ordinary_right | talker))
        )
        if scope.person_id is not None:
            own = Exists(
                TalkRecord.talkees.through.objects.filter(
                    talkrecord_id=OuterRef("pk"), person_id=scope.person_id
                )
            )
            visible |= ~sensitive & own
        if scope.focus_path is not None:
            visible &= Q(org__path__subtree=scope.focus_path)
        return self.filter(visible)

    def individual(self):
        return self.filter(collective=False)


class TalkRecord(models.Model):
    """One talk: organiser, kind, who talked with whom, when, about what; ``org`` is the talkees' organisation."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Being prepared")
        CLOSED = "closed", _("Held and closed")
        CANCELLED = "cancelled", _("Cancelled")

    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="talks",
        verbose_name=_("organisation talked to"),
    )
    organiser = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("organising organisation"),
    )
    campaign = models.ForeignKey(
        TalkCampaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="talks",
        verbose_name=_("campaign"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TalkKind.choices)
    collective = models.BooleanField(_("collective talk"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    talker = models.CharField(_("talked by"), max_length=200)
    talkers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("talkers with an account")
    )
    talkee = models.CharField(_("talked to"), max_length=200)
    talkees = models.ManyToManyField(
        "orgs.Person", blank=True, related_name="+", verbose_name=_("people talked to")
    )
    topics = models.ManyToManyField(TalkTopic, blank=True, related_name="+", verbose_name=_("topics"))
    content = models.TextField(_("record of the talk"), blank=True)
    statement = models.TextField(_("the talkee's statement"), blank=True)
    commitments = models.TextField(_("commitments"), blank=True)
    internal_notes = models.TextField(_("internal notes"), blank=True)
    # 诫勉谈话: the talkee's written explanation, the organisation head's signature, the filings.
    explanation = models.TextField(_("written explanation of the talkee"), blank=True)
    head_signed_by = models.CharField(_("signed by the organisation head"), max_length=60, blank=True)
    head_signed_on = models.DateField(_("signed on"), null=True, blank=True)
    filed_discipline_on = models.DateField(
        _("filed with the discipline commission on"), null=True, blank=True
    )
    filed_org_dept_on = models.DateField(
        _("filed with the organisation department on"), null=True, blank=True
    )
    # 谈话函询: the letter is sent on ``held_on``; the reply is due within 15 working days.
    letter = models.TextField(_("letter of inquiry"), blank=True)
    reply_due_on = models.DateField(_("reply due on"), null=True, blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True)
    late_reason = models.CharField(_("reason for the late reply"), max_length=200, blank=True)
    item = models.ForeignKey(
        "ledger.Item",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("item that caused the talk"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("recorder"),
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TalkRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("talk record")
        verbose_name_plural = _("talk records")
        indexes = [
            models.Index(fields=["campaign", "status"]),
            # The talks page's order: its newest 50 are read from here, not sorted out of every talk.
            models.Index(fields=["held_on", "id"], name="talks_record_by_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.talkee} {self.held_on}"

    @property
    def is_closed(self) -> bool:
        return self.status != self.Status.PLANNED

    @property
    def sensitive(self) -> bool:
        return self.kind in SENSITIVE_KINDS


class NotifiedProblem(models.Model):
    """A problem notified to the talkee: an open item of their organisation, or a new one handed over at closing."""

    scope_org_field = "talk__org"

    talk = models.ForeignKey(TalkRecord, on_delete=models.CASCADE, related_name="problems")
    source = models.CharField(_("found in"), max_length=10, choices=ProblemSource.choices)
    title = models.CharField(_("problem"), max_length=300)
    description = models.TextField(pgettext_lazy("talk", "description"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    item = models.ForeignKey(
        "ledger.Item",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("existing item"),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("notified problem")
        verbose_name_plural = _("notified problems")

    def __str__(self) -> str:
        return self.title


class Commitment(models.Model):
    """A commitment the talkee states (表态), followed like any task once the talk is closed."""

    scope_org_field = "talk__org"

    talk = models.ForeignKey(TalkRecord, on_delete=models.CASCADE, related_name="commitment_rows")
    text = models.CharField(_("commitment"), max_length=300)
    deadline = models.DateField(_("to be done by"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self) -> str:
        return self.text


class LeaderComment(models.Model):
    """A leader's comment (点评) on the talkee's report."""

    scope_org_field = "talk__org"

    talk = models.ForeignKey(TalkRecord, on_delete=models.CASCADE, related_name="comments")
    leader = models.CharField(_("leader"), max_length=60)
    text = models.TextField(_("comment"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("leader's comment")
        verbose_name_plural = _("leaders' comments")

    def __str__(self) -> str:
        return f"{self.leader}: {self.text[:20]}"


class Addendum(models.Model):
    """A note added to a closed talk record (the record itself is never edited once closed)."""

    scope_org_field = "talk__org"

    talk = models.ForeignKey(TalkRecord, on_delete=models.CASCADE, related_name="addenda")
    text = models.TextField(_("addendum"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("addendum")
        verbose_name_plural = _("addenda")

    def __str__(self) -> str:
        return self.text[:30]
