"""Evidence files (佐证材料): checking uploads and attaching them to an item."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import attachments
from dangjian.core.params import get as param

from .. import params
from ..models import (
    Evidence,
    Item,
)
from ..rules import RECTIFIER, RECTIFY, SUPERVISOR, VERIFY, ensure_can_act
from ._common import WORKING_STATES, _lock, mark_proxy


def validate_files(files: Sequence) -> None:
    """Refuse files of a forbidden type, whose content does not match their name, empty or too large.

    The one check of ``core.attachments`` with the ledger's evidence parameters; nothing is written.
    """
    attachments.validate_files(
        files, extensions=params.evidence_extensions(), max_mb=int(param(params.EVIDENCE_MAX_MB.key))
    )


def _write_evidence(
    *, item: Item, files: Sequence, actor, purpose: str, progress=None, recheck=None, at=None
) -> list[Evidence]:
    """Save ``files`` as evidence of ``item``, uploaded at ``at`` (a back-dated step) or now."""
    rows = []
    for f in files:
        ev = Evidence(
            item=item,
            progress=progress,
            recheck=recheck,
            purpose=purpose,
            round=item.round,
            name=(getattr(f, "name", "") or "")[-200:],
            size=f.size,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
            uploaded_at=at or timezone.now(),
        )
        ev.file.save(ev.name, f, save=False)
        ev.save()
        rows.append(ev)
    return rows


@transaction.atomic
def evidence_attach(
    *, item: Item, actor, files: Sequence, purpose: str = "progress", progress=None, recheck=None
) -> list[Evidence]:
    """Attach evidence files (佐证材料) to an item; a bad file refuses the whole upload.

    A look-back's files are the supervising side's; the others are the rectifying side's, allowed
    only while it works on the item, and marked 代录 when a superior uploads them on its behalf.
    """
    if purpose not in ("progress", "closure", "recheck"):
        raise ValueError(purpose)
    if purpose == "recheck":
        ensure_can_act(actor, VERIFY, item, SUPERVISOR)
    else:
        ensure_can_act(actor, RECTIFY, item, RECTIFIER)
        if item.status not in WORKING_STATES:
            raise ValidationError(
                _("Evidence can be added only while the item is being rectified."), code="not_rectifying"
            )
    if not files:
        raise ValidationError({"files": _("Please choose at least one file.")}, code="no_files")
    validate_files(files)
    if purpose != "recheck":
        mark_proxy(_lock(Item, item), actor, None)
    return _write_evidence(
        item=item, files=files, actor=actor, purpose=purpose, progress=progress, recheck=recheck
    )
