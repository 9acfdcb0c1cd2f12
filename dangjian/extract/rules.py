"""The extraction's workflow: reviewed, then saved once as a draft list through the ledger's door."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangjian.core.caps import Cap
from dangjian.core.workflow import Transition

from .models import Extraction

S = Extraction.Status

WORKFLOWS = {
    Extraction: {
        (S.REVIEW, S.SAVED): Transition(label=_("Save as a list"), cap=Cap.HAND_DOWN),
    }
}
