"""The extraction's workflow: reviewed, then handed down once through the ledger's door."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangjian.core.caps import Cap
from dangjian.core.workflow import Transition

from .models import Extraction

S = Extraction.Status

WORKFLOWS = {
    Extraction: {
        (S.REVIEW, S.HANDED_DOWN): Transition(label=_("Hand down"), cap=Cap.HAND_DOWN),
    }
}
