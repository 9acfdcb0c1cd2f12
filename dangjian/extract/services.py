"""Writes of extractions: read a speech into drafts, edit and merge them, save them as a draft ledger list."""

from __future__ import annotations

import io
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import attachments, scoping, workflow
from dangjian.core.caps import Cap
from dangjian.ledger import door
from dangjian.orgs.models import Organisation

from . import extractor
from .models import Draft, Extraction
from .text import simplified

MAX_CHARS = 50_000
MAX_MB = 5
EXTENSIONS = ["docx", "txt", "pdf"]


def _orgs_in_scope(user, org) -> list[Organisation]:
    """The current organisations at and below ``org`` that ``user`` may see: the only ones units resolve to."""
    return list(
        Organisation.objects.current()
        .visible_to(user)
        .filter(path__startswith=org.path)
        .only("pk", "name", "short_name", "unit_name", "kind", "sector", "path")
    )


def org_refs(orgs) -> list[extractor.OrgRef]:
    return [
        extractor.OrgRef(
            pk=o.pk,
            name=o.name,
            short_name=o.short_name,
            unit_name=o.unit_name,
            kind=o.kind,
            sector=o.sector,
            path=o.path,
        )
        for o in orgs
    ]


def read_upload(upload) -> str:
    """The text of an uploaded .docx, .txt or .pdf, after the attachment checks (type, content, size)."""
    attachments.validate_files([upload], extensions=EXTENSIONS, max_mb=MAX_MB, max_count=1, field="file")
    upload.seek(0)
    data = upload.read()
    extension = attachments.extension_of(attachments.clean_name(upload.name))
    if extension == "pdf":
        return _pdf_text(data)
    if extension == "docx":
        try:
            import docx

            document = docx.Document(io.BytesIO(data))
        except Exception as exc:  # python-docx raises several kinds for a damaged package
            raise ValidationError(
                {"file": _("The Word file cannot be read; save it again as .docx and upload it once more.")}
            ) from exc
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.append("　".join(cell.text for cell in row.cells))
        return "\n".join(lines)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError({"file": _("The text file's encoding is not recognised; save it as UTF-8.")})


def _pdf_text(data: bytes) -> str:
    """The text layer of a PDF, page after page; refused when it cannot be read or has no text (a scan)."""
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # pypdf raises several kinds for a damaged or locked file
        raise ValidationError(
            {
                "file": _(
                    "The PDF file cannot be read (damaged or password-protected); export it again and upload it."
                )
            }
        ) from exc
    text = "\n".join(page.strip() for page in pages if page.strip())
    if not text:
        raise ValidationError(
            {
                "file": _(
                    "The PDF has no recognisable text (maybe a scan); upload a PDF with a text layer or paste the text."
                )
            }
        )
    return text


@transaction.atomic
def extraction_create(
    *,
    actor,
    org,
    title: str,
    spoken_on: date,
    kind: str = Extraction.Kind.SPEECH,
    text: str = "",
    upload=None,
    today: date | None = None,
) -> Extraction:
    """Read a speech (pasted or uploaded) and store it with its draft tasks, ready for review.

    All or nothing: an empty or too long text, a future date or a text without any task is
    refused with a message and nothing is stored.
    """
    scoping.ensure_can(actor, Cap.HAND_DOWN, org)
    today = today or timezone.localdate()
    errors: dict[str, list] = {}
    if upload is not None:
        text = read_upload(upload)
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not (title or "").strip():
        errors.setdefault("title", []).append(_("Please give the speech a title."))
    if spoken_on is None or spoken_on > today:
        errors.setdefault("spoken_on", []).append(_("The date of the speech cannot be in the future."))
    if not text:
        errors.setdefault("text", []).append(_("Please paste the text or upload a .docx, .txt or .pdf file."))
    elif len(text) > MAX_CHARS:
        errors.setdefault("text", []).append(
            _("The text has %(n)s characters; at most %(max)s can be read at once. Split it into parts.")
            % {"n": len(text), "max": MAX_CHARS}
        )
    if errors:
        raise ValidationError(errors)
    found = extractor.extract(text, speech_date=spoken_on, orgs=org_refs(_orgs_in_scope(actor, org)))
    if not found:
        raise ValidationError({"text": _("No task was recognised; check the text or add tasks by hand.")})
    extraction = Extraction.objects.create(
        org=org, title=title.strip()[:200], kind=kind, spoken_on=spoken_on, text=text, created_by=actor
    )
    drafts = Draft.objects.bulk_create(
        [
            Draft(
                extraction=extraction,
                number=n,
                kind=c.kind,
                title=c.title[:300] or c.quote[:30],
                quote=c.quote,
                start=c.start,
                end=c.end,
                units="、".join(c.units)[:300],
                unmatched="、".join(c.unmatched)[:300],
                role=c.role,
                # A date before the speech (a "6月底前" read in November) is kept as words, for a date.
                deadline=None if c.deadline_early else c.deadline,
                deadline_words=c.deadline_words[:40],
                long_term=c.long_term,
                recurrence=c.recurrence,
            )
            for n, c in enumerate(found, start=1)
        ]
    )
    links = [
        Draft.orgs.through(draft_id=d.pk, organisation_id=org_id)
        for d, c in zip(drafts, found, strict=True)
        for org_id in c.org_ids
    ]
    Draft.orgs.through.objects.bulk_create(links)
    if upload is not None:
        attachments.attach(
            owner=extraction,
            files=[upload],
            actor=actor,
            purpose="source",
            extensions=EXTENSIONS,
            max_mb=MAX_MB,
        )
    return extraction


def _ensure_in_review(extraction: Extraction, actor) -> None:
    scoping.ensure_can(actor, Cap.HAND_DOWN, extraction)
    if extraction.status != Extraction.Status.REVIEW:
        raise ValidationError(_("This speech has been saved as a list; its drafts can no longer be changed."))


def _check_orgs(extraction: Extraction, orgs, actor) -> None:
    allowed = {o.pk for o in _orgs_in_scope(actor, extraction.org)}
    if any(o.pk not in allowed for o in orgs):
        raise ValidationError(
            {"orgs": _("Choose organisations at or below %(org)s.") % {"org": extraction.org.label}}
        )


@transaction.atomic
def draft_update(
    *,
    draft: Draft,
    actor,
    title: str,
    kind: str,
    orgs,
    deadline: date | None,
    long_term: bool = False,
    dropped: bool = False,
) -> Draft:
    """Correct one draft row: its title, kind, responsible organisations and deadline, or drop it."""
    extraction = draft.extraction
    _ensure_in_review(extraction, actor)
    errors: dict[str, list] = {}
    title = (title or "").strip()
    if not title:
        errors.setdefault("title", []).append(_("Please give the task a title."))
    if deadline is not None and deadline < extraction.spoken_on:
        errors.setdefault("deadline", []).append(
            _("The deadline cannot be before the date of the speech (%(date)s).")
            % {"date": extraction.spoken_on.isoformat()}
        )
    if errors:
        raise ValidationError(errors)
    orgs = list(orgs or [])
    _check_orgs(extraction, orgs, actor)
    draft.title = title[:300]
    draft.kind = kind
    draft.deadline = deadline
    draft.long_term = bool(long_term) and deadline is None
    draft.dropped = bool(dropped)
    draft.save(update_fields=["title", "kind", "deadline", "long_term", "dropped"])
    draft.orgs.set(orgs)
    return draft


@transaction.atomic
def draft_merge(*, draft: Draft, actor) -> Draft:
    """Merge a draft into the kept draft before it: one task stated over two sentences.

    The earlier draft keeps its title and gains the quote, the organisations and, when it
    had none, the deadline; the merged draft is dropped.
    """
    extraction = draft.extraction
    _ensure_in_review(extraction, actor)
    # "Above" as the review page shows the rows: in the order of the text.
    target = (
        extraction.drafts.filter(dropped=False)
        .filter(Q(start__lt=draft.start) | Q(start=draft.start, number__lt=draft.number))
        .order_by("-start", "-number")
        .first()
    )
    if target is None or draft.dropped:
        raise ValidationError(_("There is no task above this one to merge it into."))
    target.quote = f"{target.quote}\n{draft.quote}"
    target.end = max(target.end, draft.end)
    fields = ["quote", "end"]
    if target.deadline is None and not target.long_term and (draft.deadline or draft.long_term):
        target.deadline, target.long_term, target.deadline_words = (
            draft.deadline,
            draft.long_term,
            draft.deadline_words,
        )
        fields += ["deadline", "long_term", "deadline_words"]
    target.save(update_fields=fields)
    target.orgs.add(*draft.orgs.all())
    draft.dropped = True
    draft.save(update_fields=["dropped"])
    return target


@transaction.atomic
def draft_add(*, extraction: Extraction, actor, quote: str) -> Draft:
    """Add a task from a passage of the text the extractor missed (the clerk pastes the passage)."""
    _ensure_in_review(extraction, actor)
    quote = (quote or "").strip()
    position = extraction.text.find(quote) if quote else -1
    if position < 0:
        position = simplified(extraction.text).find(simplified(quote)) if quote else -1
    if position < 0:
        raise ValidationError(
            {"quote": _("Copy the passage from the text on the left; this one is not in it.")}
        )
    refs = org_refs(_orgs_in_scope(actor, extraction.org))
    found = extractor.extract(quote, speech_date=extraction.spoken_on, orgs=refs)
    first = found[0] if found else None
    number = (extraction.drafts.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    draft = Draft.objects.create(
        extraction=extraction,
        number=number,
        kind=Draft.Kind.TASK,
        title=(first.title if first else extractor.make_title(quote))[:300] or quote[:30],
        quote=extraction.text[position : position + len(quote)],
        start=position,
        end=position + len(quote),
        units="、".join(first.units)[:300] if first else "",
        unmatched="、".join(first.unmatched)[:300] if first else "",
        role=first.role if first else "",
        deadline=first.deadline if first else None,
        deadline_words=first.deadline_words[:40] if first else "",
        long_term=first.long_term if first else False,
        recurrence=first.recurrence if first else "",
    )
    if first and first.org_ids:
        draft.orgs.set(first.org_ids)
    return draft


@transaction.atomic
def draft_split(*, draft: Draft, actor, at: str) -> Draft:
    """Split a draft that states two tasks: the passage from ``at`` on becomes a new draft of its own."""
    extraction = draft.extraction
    _ensure_in_review(extraction, actor)
    at = (at or "").strip()
    offset = draft.quote.find(at) if at else -1
    if offset <= 0:
        raise ValidationError(
            {
                "at": _(
                    "Copy the words where the second task begins from this row's quote (not its first words)."
                )
            }
        )
    second = draft.quote[offset:]
    first = draft.quote[:offset].rstrip()
    refs = org_refs(_orgs_in_scope(actor, extraction.org))
    found = extractor.extract(second, speech_date=extraction.spoken_on, orgs=refs)
    head = found[0] if found else None
    number = (extraction.drafts.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    new = Draft.objects.create(
        extraction=extraction,
        number=number,
        kind=draft.kind,
        title=(head.title if head else extractor.make_title(second))[:300] or second[:30],
        quote=second,
        start=draft.start + offset if draft.start + offset < draft.end else draft.end,
        end=draft.end,
        units="、".join(head.units)[:300] if head else draft.units,
        unmatched="、".join(head.unmatched)[:300] if head else draft.unmatched,
        role=head.role if head else "",
        deadline=head.deadline if head and not head.deadline_early else draft.deadline,
        deadline_words=head.deadline_words[:40] if head and head.deadline_words else draft.deadline_words,
        long_term=head.long_term if head else draft.long_term,
        recurrence=head.recurrence if head else "",
    )
    new.orgs.set(head.org_ids if head and head.org_ids else draft.orgs.all())
    draft.quote = first
    draft.end = draft.start + len(first)
    draft.save(update_fields=["quote", "end"])
    return new


def _finding_remarks(draft: Draft) -> str:
    parts = []
    if draft.role:
        parts.append(str(draft.get_role_display()))
    if draft.recurrence:
        parts.append(draft.recurrence)
    parts.append(_("Quote %(n)s of the speech") % {"n": draft.number})
    return "；".join(parts)


@transaction.atomic
def extraction_save(*, extraction: Extraction, actor, today: date | None = None) -> list:
    """Save the kept drafts as items of one draft ledger list through the ledger's door (once).

    The list is not handed down: it needs approval, and follows the lists engine's own steps
    (submitted on the list page, approved and handed down by somebody other than its author).
    Its source is the extraction's kind (讲话 or 会议纪要, see ``ExtractConfig.item_sources``);
    each item keeps its draft's kind (task or problem) and quote, and links back to the
    extraction. The list is a task list when any row is a task, else a problem list.

    Every kept draft needs a responsible organisation and a date (or long-term); a draft with
    only a word such as 尽快 must be given a date first. Nothing is saved unless all can be.
    """
    if not scoping.can(actor, Cap.HAND_DOWN, extraction):
        raise PermissionDenied(_("You are not allowed to do this here."))
    today = today or timezone.localdate()
    drafts = list(extraction.drafts.filter(dropped=False).prefetch_related("orgs").order_by("number"))
    if not drafts:
        raise ValidationError(_("No task is left to save; add one or restore a dropped one."))
    problems = []
    for d in drafts:
        if not d.orgs.all():
            problems.append(_("No. %(n)s has no responsible organisation.") % {"n": d.number})
        if d.deadline is None and not d.long_term:
            problems.append(_("No. %(n)s has no deadline date.") % {"n": d.number})
        elif d.deadline is not None and d.deadline < today:
            problems.append(
                _("No. %(n)s is due on %(date)s, before today.")
                % {"n": d.number, "date": d.deadline.isoformat()}
            )
    if problems:
        raise ValidationError(problems)
    findings = [
        door.Finding(
            title=d.title,
            key=f"d{d.pk}-o{org.pk}",
            org=org,
            kind=d.kind,
            description=d.quote,
            deadline=d.deadline,
            long_term=d.long_term,
            remarks=_finding_remarks(d),
        )
        for d in drafts
        for org in d.orgs.all()
    ]
    any_task = any(d.kind == Draft.Kind.TASK for d in drafts)
    items = door.items_from_source(
        source_record=extraction,
        issuer=extraction.org,
        org=extraction.org,
        findings=findings,
        actor=actor,
        title=extraction.title,
        kind=Draft.Kind.TASK if any_task else Draft.Kind.PROBLEM,
        needs_approval=True,
        today=today,
    )
    if extraction.status == Extraction.Status.REVIEW:
        workflow.transition(obj=extraction, to=Extraction.Status.SAVED, actor=actor)
    return items
