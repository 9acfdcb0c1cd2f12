"""Extractions (任务分解): a speech or minutes, the draft tasks found in it, and their hand-down.

An extraction belongs to the speaker's organisation, which issues the list when it is handed
down. Saving makes it a draft list of the ledger, which follows the ledger's approval. Drafts are
the rows of the review page; each keeps its quote and its position in the text.
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


class ExtractionQuerySet(ScopedQuerySet):
    def visible_to(self, user, *, ignore_focus: bool = False):
        """Narrower than the organisation scope: a draft list is the issuing office's working paper.

        Besides seeing the organisation, the user must hold the hand-down capability there, or
        be the person who made the extraction; a branch member who sees the organisation does not.
        """
        qs = super().visible_to(user, ignore_focus=ignore_focus)
        if not getattr(user, "is_authenticated", False):
            return qs.none()
        if scoping.get_scope(user).everything:
            return qs
        return qs.filter(
            scoping.get_scope(user).q(self._scope_prefix(), cap=Cap.HAND_DOWN) | Q(created_by=user)
        )


class Extraction(models.Model):
    """One speech or set of minutes and the task list drafted from it."""

    class Kind(models.TextChoices):
        SPEECH = "speech", _("Speech")
        MINUTES = "minutes", _("Minutes")

    class Status(models.TextChoices):
        REVIEW = "review", _("In review")
        # Saved as a draft ledger list: the list's own approval hands it down (see ``services``).
        SAVED = "saved", _("Saved as a list")

    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("speaker's organisation"),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SPEECH)
    spoken_on = models.DateField(_("date of the speech"))
    text = models.TextField(pgettext_lazy("extraction", "text"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REVIEW)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    objects = ExtractionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("extraction")
        verbose_name_plural = _("extractions")

    def __str__(self) -> str:
        return self.title


class DraftQuerySet(ScopedQuerySet):
    def visible_to(self, user, *, ignore_focus: bool = False):
        """The drafts of the extractions the user may see."""
        return self.filter(extraction__in=Extraction.objects.visible_to(user, ignore_focus=ignore_focus))


class Draft(models.Model):
    """One row of the draft list: a task or problem, its units, deadline and the quote it came from."""

    class Kind(models.TextChoices):
        TASK = "task", _("Task")
        PROBLEM = "problem", _("Problem")

    class Role(models.TextChoices):
        NONE = "", _("—")
        LEAD = "lead", _("Lead")
        SUPPORT = "support", _("Support")

    extraction = models.ForeignKey(Extraction, on_delete=models.CASCADE, related_name="drafts")
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TASK)
    title = models.CharField(_("title"), max_length=300)
    quote = models.TextField(_("quote"))
    start = models.PositiveIntegerField(default=0)
    end = models.PositiveIntegerField(default=0)
    orgs = models.ManyToManyField(
        "orgs.Organisation", blank=True, related_name="+", verbose_name=_("responsible organisations")
    )
    units = models.CharField(_("units named"), max_length=300, blank=True)
    unmatched = models.CharField(_("units not found"), max_length=300, blank=True)
    role = models.CharField(_("lead or support"), max_length=10, choices=Role.choices, blank=True)
    deadline = models.DateField(pgettext_lazy("extraction", "deadline"), null=True, blank=True)
    deadline_words = models.CharField(_("deadline as spoken"), max_length=40, blank=True)
    long_term = models.BooleanField(_("long-term"), default=False)
    recurrence = models.CharField(_("recurrence"), max_length=20, blank=True)
    dropped = models.BooleanField(_("dropped"), default=False)

    scope_org_field = "extraction__org"
    objects = DraftQuerySet.as_manager()

    class Meta:
        ordering = ["extraction_id", "number"]
        constraints = [models.UniqueConstraint(fields=["extraction", "number"], name="extract_draft_number")]
        verbose_name = _("draft task")
        verbose_name_plural = _("draft tasks")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def deadline_vague(self) -> bool:
        """A deadline spoken as a word (尽快, 立即) with no date: the clerk must set one."""
        return bool(self.deadline_words) and self.deadline is None and not self.long_term
