"""Reads that shape the review page: the text cut at the extracted passages, the drafts, the choices."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from dangjian.core.scoping import restricted_prefetch
from dangjian.orgs.models import Organisation

from .models import Draft, Extraction

INLINE_CHOICES = 150


@dataclass(frozen=True)
class Segment:
    """A run of the text: plain (number None) or the passage of draft ``number``."""

    text: str
    number: int | None = None
    kind: str = ""


def segments(text: str, drafts) -> list[Segment]:
    """The text cut at the kept drafts' passages (an overlapping passage is shown once, by the first)."""
    result: list[Segment] = []
    position = 0
    for d in sorted((d for d in drafts if not d.dropped), key=lambda d: (d.start, d.number)):
        if d.start < position or d.end <= d.start or d.end > len(text):
            continue
        if d.start > position:
            result.append(Segment(text[position : d.start]))
        result.append(Segment(text[d.start : d.end], d.number, d.kind))
        position = d.end
    if position < len(text):
        result.append(Segment(text[position:]))
    return result


def review(user, extraction: Extraction) -> dict:
    """The review page's drafts (organisations scoped), the text's segments and the organisations offered."""
    visible = Organisation.objects.visible_to(user)
    drafts = list(
        Draft.objects.filter(extraction=extraction)
        .prefetch_related(
            restricted_prefetch("orgs", user, visible.only("pk", "name", "short_name", "depth", "path"))
        )
        .order_by("start", "number")
    )
    chosen = {o.pk for d in drafts for o in d.orgs.all()}
    org = extraction.org
    below = Organisation.objects.current().visible_to(user).filter(path__startswith=org.path)
    # Two levels down fit in every row's select in a township; a county offers one level there
    # (the row's own page offers the whole subtree).
    depth = org.depth + (2 if below.filter(depth__lte=org.depth + 2).count() <= INLINE_CHOICES else 1)
    choices = list(
        below.filter(Q(depth__lte=depth) | Q(pk__in=chosen))
        .only("pk", "name", "short_name", "depth", "path")
        .order_by("path")
    )
    for d in drafts:
        d.chosen_ids = {o.pk for o in d.orgs.all()}
    kept = [d for d in drafts if not d.dropped]
    return {
        "drafts": drafts,
        "segments": segments(extraction.text, drafts),
        "org_choices": choices,
        "kept_count": len(kept),
        "task_count": sum(d.kind == Draft.Kind.TASK for d in kept),
        "problem_count": sum(d.kind == Draft.Kind.PROBLEM for d in kept),
        "flagged_count": sum(bool(d.unmatched) or d.deadline_vague or not d.chosen_ids for d in kept),
        "editable": extraction.status == Extraction.Status.REVIEW,
    }
