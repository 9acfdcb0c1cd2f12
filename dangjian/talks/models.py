"""Talks (谈话): political talks, heart-to-heart talks, reminders, admonishments and interviews (约谈).

Talk records are about people: besides the organisation scope, only the talk's organisers
and the superiors of the organisation may read them (see ``TalkRecordQuerySet.visible_to``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core import scoping
from dangjian.core.caps import Cap
from dangjian.core.scoping import ScopedQuerySet


class TalkKind(models.TextChoices):
    POLITICAL = "political", _("Political talk")
    HEART_TO_HEART = "heart_to_heart", _("Heart-to-heart talk")
    REMINDER = "reminder", _("Reminder talk")
    ADMONITION = "admonition", _("Admonishment talk")
    INTERVIEW = "interview", _("Interview")
    LETTER = "letter", _("Talk or letter inquiry")


class TalkRecordQuerySet(ScopedQuerySet):
    def visible_to(self, user, *, ignore_focus: bool = False):
        """Narrower than the organisation scope: talk records are about people (DOMAIN.md §7).

        Besides seeing the organisation, the user must hold the "inspect" capability at it
        (the talk's superiors: township committee, organisation department, inspectors), or
        be the person who recorded the talk. A branch secretary or member who merely sees the
        organisation does not see the talks held with its people.
        """
        qs = super().visible_to(user, ignore_focus=ignore_focus)
        if not getattr(user, "is_authenticated", False):
            return qs.none()
        return qs.filter(scoping.get_scope(user).q("org__", cap=Cap.INSPECT) | Q(recorded_by=user))


class TalkRecord(models.Model):
    """One talk: who talked with whom, when, about what; the organisation is the talkee's."""

    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="talks",
        verbose_name=_("organisation talked to"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TalkKind.choices)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    talker = models.CharField(_("talked by"), max_length=120)
    talkee = models.CharField(_("talked to"), max_length=120)
    talkee_person = models.ForeignKey(
        "orgs.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content = models.TextField(_("content"))
    commitments = models.TextField(_("commitments"), blank=True)
    item = models.ForeignKey(
        "ledger.Item",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("item that caused the talk"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TalkRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("talk record")
        verbose_name_plural = _("talk records")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.talkee} {self.held_on}"
