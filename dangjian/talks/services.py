"""Writes of talks: campaigns, the preparation of a talk, closing it (the hand-over), addenda, filings.

Every write checks the actor's right at the organising organisation (``inspect``; ``discipline_talk``
for 诫勉 and 函询), refuses bad input with a Chinese message and writes nothing then.
The ledger's escalation list records its interviews (约谈) here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import attachments, calendar, params, scoping, workflow
from dangjian.core.caps import Cap
from dangjian.ledger import door
from dangjian.notices.services import notify
from dangjian.orgs.models import Organisation, Person, Post, PostKind, Sector

from . import params as talk_params
from .models import (
    Addendum,
    Commitment,
    LeaderComment,
    NotifiedProblem,
    ProblemSource,
    TalkCampaign,
    TalkKind,
    TalkRecord,
    TalkTopic,
    right_for,
)
from .rules import close_errors

# "Heads of departments": the secretaries of party-and-government agencies and public institutions.
DEPARTMENT_SECTORS = (Sector.AGENCY, Sector.INSTITUTION)
REPORT = "report"  # the talkee's report materials (汇报材料), uploaded before the talk
SIGNED_RECORD = "signed_record"  # the scan of the signed record


def _ensure_right(actor, kind: str, organiser) -> None:
    if not scoping.can(actor, right_for(kind), organiser):
        raise PermissionDenied(_("You are not allowed to organise this kind of talk here."))


def _clean(text) -> str:
    return (text or "").strip()


def secretaries_below(org, *, on: date | None = None, sectors: Iterable[str] = ()) -> list[Person]:
    """The people holding a current secretary post in an organisation strictly below ``org`` (of ``sectors``)."""
    posts = (
        Post.objects.current(on)
        .filter(kind=PostKind.SECRETARY, org__path__startswith=org.path, org__depth__gt=org.depth)
        .filter(org__dissolved_on__isnull=True)
        .filter(**({"org__sector__in": list(sectors)} if sectors else {}))
        .select_related("person")
        .order_by("org__path")
    )
    seen, people = set(), []
    for post in posts:
        if post.person_id not in seen and post.person.status == Person.Status.ACTIVE:
            seen.add(post.person_id)
            people.append(post.person)
    return people


# ---------------------------------------------------------------- campaigns


@transaction.atomic
def campaign_create(
    *,
    org: Organisation,
    title: str,
    starts_on: date,
    ends_on: date,
    talker: str,
    target_mode: str,
    actor,
    kind: str = TalkKind.POLITICAL,
    talkers: Iterable = (),
    targets: Sequence[Person] = (),
) -> TalkCampaign:
    """Start a talk campaign (谈话计划) of ``org``; its targets are fixed when it starts."""
    _ensure_right(actor, kind, org)
    errors: dict[str, list[str]] = {}
    if not _clean(title):
        errors.setdefault("title", []).append(_("Please give the campaign a title."))
    if not _clean(talker):
        errors.setdefault("talker", []).append(_("Please name who holds the talks."))
    if starts_on and ends_on and ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_("The window cannot end before it starts."))
    if target_mode in (TalkCampaign.TargetMode.SECRETARIES, TalkCampaign.TargetMode.DEPARTMENT_HEADS):
        sectors = DEPARTMENT_SECTORS if target_mode == TalkCampaign.TargetMode.DEPARTMENT_HEADS else ()
        people = secretaries_below(org, on=starts_on, sectors=sectors)
        if not people:
            errors.setdefault("target_mode", []).append(
                _("No organisation below %(org)s has a secretary on the roll.") % {"org": org.label}
            )
    else:
        people = list(dict.fromkeys(targets))
        if not people:
            errors.setdefault("targets", []).append(_("Please pick the people to talk with."))
        outside = [p.name for p in people if not p.org.path.startswith(org.path)]
        if outside:
            errors.setdefault("targets", []).append(
                _("%(names)s do not belong to %(org)s.") % {"names": "、".join(outside), "org": org.label}
            )
    if errors:
        raise ValidationError(errors)
    campaign = TalkCampaign.objects.create(
        org=org,
        title=_clean(title)[:200],
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        talker=_clean(talker)[:200],
        target_mode=target_mode,
        created_by=actor,
    )
    campaign.targets.set(people)
    campaign.talkers.set(list(talkers))
    return campaign


def campaign_close(*, campaign: TalkCampaign, actor) -> TalkCampaign:
    """Close a campaign: no more talks are planned in it (its talks and look-back stay)."""
    if campaign.talks.filter(status=TalkRecord.Status.PLANNED).exists():
        raise ValidationError(_("Close or cancel the talks still being prepared first."))
    return workflow.transition(obj=campaign, to=TalkCampaign.Status.CLOSED, actor=actor)


@transaction.atomic
def campaign_look_back(*, campaign: TalkCampaign, actor, today: date | None = None) -> TalkCampaign:
    """Note that the campaign was looked back on (回头看) today; the page shows what was found."""
    scoping.ensure_can(actor, Cap.VERIFY, campaign.org)
    if not campaign.talks.filter(status=TalkRecord.Status.CLOSED).exists():
        raise ValidationError(
            _("No talk of this campaign has been closed yet: there is nothing to look back on.")
        )
    campaign.looked_back_on = today or timezone.localdate()
    campaign.save(update_fields=["looked_back_on"])
    return campaign


def campaign_remind(*, today: date | None = None) -> int:
    """Remind the talkers of open campaigns whose window ends soon of the people not yet talked to."""
    from .selectors import coverage_counts

    today = today or timezone.localdate()
    days = params.get(talk_params.REMIND_DAYS_BEFORE_END.key)
    sent = 0
    for campaign in TalkCampaign.objects.filter(
        status=TalkCampaign.Status.OPEN, ends_on__gte=today
    ).select_related("created_by"):
        if (campaign.ends_on - today).days > days:
            continue
        talked, total = coverage_counts(campaign)
        if talked >= total:
            continue
        recipients = [*campaign.talkers.all(), campaign.created_by]
        sent += len(
            notify(
                recipients=recipients,
                kind="reminder",
                text=_("“%(title)s” ends on %(end)s: %(left)d of %(total)d people not yet talked to.")
                % {"title": campaign.title, "end": campaign.ends_on, "left": total - talked, "total": total},
                url=reverse("talks:campaign_detail", args=[campaign.pk]),
                key=f"talks.campaign_end.{campaign.pk}",
            )
        )
    return sent


def daily_run(*, today: date | None = None) -> dict:
    """``manage.py daily``: reminders of campaigns ending soon (safe to run twice: notices are keyed)."""
    return {"campaign_reminders": campaign_remind(today=today)}


# ---------------------------------------------------------------- preparing a talk


@transaction.atomic
def talk_plan(
    *,
    organiser: Organisation,
    kind: str,
    held_on: date,
    talker: str,
    talkees: Sequence[Person],
    actor,
    collective: bool = False,
    campaign: TalkCampaign | None = None,
    place: str = "",
    talkers: Iterable = (),
    topics: Iterable[TalkTopic] = (),
    internal_notes: str = "",
    letter: str = "",
) -> TalkRecord:
    """Prepare a talk (stage: preparation): who talks with whom, when; the record follows when it is held."""
    if campaign is not None:
        organiser, kind = campaign.org, campaign.kind
    _ensure_right(actor, kind, organiser)
    talkees = list(dict.fromkeys(talkees))
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not _clean(talker):
        refuse("talker", _("Please name who holds the talk."))
    if not talkees:
        refuse(
            "talkees",
            _("A collective talk needs its talkees.") if collective else _("Please pick the talkee."),
        )
    elif not collective and len(talkees) > 1:
        refuse("talkees", _("An individual talk has one talkee; hold a collective talk for several."))
    outside = [p.name for p in talkees if not p.org.path.startswith(organiser.path)]
    if outside:
        refuse(
            "talkees",
            _("%(names)s do not belong to %(org)s.") % {"names": "、".join(outside), "org": organiser.label},
        )
    if held_on is None:
        refuse("held_on", _("Please give the date of the talk."))
    if kind == TalkKind.LETTER and not _clean(letter):
        refuse("letter", _("A letter inquiry needs the text of the letter."))
    if campaign is not None:
        if campaign.status != TalkCampaign.Status.OPEN:
            refuse("held_on", _("The campaign is closed: no more talks are planned in it."))
        if held_on and not campaign.starts_on <= held_on <= campaign.ends_on:
            refuse(
                "held_on",
                _("The talk must be held within the campaign's window (%(start)s to %(end)s).")
                % {"start": campaign.starts_on, "end": campaign.ends_on},
            )
        target_ids = set(campaign.targets.values_list("pk", flat=True))
        strangers = [p.name for p in talkees if p.pk not in target_ids]
        if strangers:
            refuse(
                "talkees",
                _("%(names)s are not among the campaign's targets.") % {"names": "、".join(strangers)},
            )
    if errors:
        raise ValidationError(errors)
    org = talkees[0].org if not collective and len({p.org_id for p in talkees}) == 1 else organiser
    talk = TalkRecord.objects.create(
        org=org,
        organiser=organiser,
        campaign=campaign,
        kind=kind,
        collective=collective,
        held_on=held_on,
        place=_clean(place)[:120],
        talker=_clean(talker)[:200],
        talkee="、".join(p.name for p in talkees)[:200],
        internal_notes=_clean(internal_notes),
        letter=_clean(letter) if kind == TalkKind.LETTER else "",
        reply_due_on=(
            calendar.add_working_days(held_on, params.get(talk_params.LETTER_REPLY_WORKING_DAYS.key))
            if kind == TalkKind.LETTER
            else None
        ),
        recorded_by=actor,
    )
    talk.talkees.set(talkees)
    talk.talkers.set(list(talkers))
    talk.topics.set(list(topics))
    return talk


def _ensure_preparing(talk: TalkRecord, actor) -> None:
    _ensure_right(actor, talk.kind, talk.organiser)
    if talk.status != TalkRecord.Status.PLANNED:
        raise ValidationError(
            _("This talk is closed: its record can no longer be edited; add an addendum instead.")
        )


@transaction.atomic
def problem_add(
    *,
    talk: TalkRecord,
    actor,
    source: str,
    title: str = "",
    description: str = "",
    deadline: date | None = None,
    item=None,
) -> NotifiedProblem:
    """Note a problem to notify in the talk: an open item of the talkee's organisation, or a new one."""
    _ensure_preparing(talk, actor)
    errors: dict[str, list[str]] = {}
    if source not in ProblemSource.values:
        errors.setdefault("source", []).append(_("Please say where the problem was found."))
    if item is not None:
        if not door.open_items_of(actor, talk.org).filter(pk=item.pk).exists():
            errors.setdefault("item", []).append(
                _("Only open items of the talkee's organisation can be notified.")
            )
        elif talk.problems.filter(item=item).exists():
            errors.setdefault("item", []).append(_("This item is already notified in this talk."))
        title = title or item.title
    else:
        if not _clean(title):
            errors.setdefault("title", []).append(_("Please describe the problem or pick an open item."))
        if deadline is None:
            errors.setdefault("deadline", []).append(
                _("A new problem needs a deadline for its rectification.")
            )
        elif deadline <= talk.held_on:
            errors.setdefault("deadline", []).append(_("The deadline must fall after the day of the talk."))
    if talk.collective and item is None:
        errors.setdefault("title", []).append(
            _("Problems are handed over in the individual talks; a collective talk records commitments only.")
        )
    if errors:
        raise ValidationError(errors)
    return NotifiedProblem.objects.create(
        talk=talk,
        source=source,
        title=_clean(title)[:300],
        description=_clean(description),
        deadline=None if item is not None else deadline,
        item=item,
    )


@transaction.atomic
def comment_add(*, talk: TalkRecord, actor, leader: str, text: str) -> LeaderComment:
    """Record a leader's comment (点评) on the talkee's report."""
    _ensure_preparing(talk, actor)
    errors: dict[str, list[str]] = {}
    if not _clean(leader):
        errors.setdefault("leader", []).append(_("Please name the leader who commented."))
    if not _clean(text):
        errors.setdefault("text", []).append(_("Please record the comment."))
    if errors:
        raise ValidationError(errors)
    return LeaderComment.objects.create(talk=talk, leader=_clean(leader)[:60], text=_clean(text))


@transaction.atomic
def commitment_add(*, talk: TalkRecord, actor, text: str, deadline: date | None) -> Commitment:
    """Record a commitment the talkee states (表态); it becomes a tracked task when the talk closes."""
    _ensure_preparing(talk, actor)
    errors: dict[str, list[str]] = {}
    if not _clean(text):
        errors.setdefault("text", []).append(_("Please write down the commitment."))
    if deadline is None:
        errors.setdefault("deadline", []).append(_("A commitment needs the date by which it is kept."))
    elif deadline <= talk.held_on:
        errors.setdefault("deadline", []).append(_("The date must fall after the day of the talk."))
    if errors:
        raise ValidationError(errors)
    return Commitment.objects.create(talk=talk, text=_clean(text)[:300], deadline=deadline)


@transaction.atomic
def preparation_row_remove(*, row, actor) -> None:
    """Remove a problem, commitment or comment from a talk still being prepared (a closed record keeps all)."""
    _ensure_preparing(row.talk, actor)
    row.delete()


def is_talkee(talk: TalkRecord, user) -> bool:
    """True when ``user``'s roster record is among the talk's talkees."""
    person_id = getattr(user, "person_id", None)
    return bool(person_id) and talk.talkees.filter(pk=person_id).exists()


@transaction.atomic
def report_upload(*, talk: TalkRecord, actor, files: Sequence) -> list:
    """The talkee's report materials (汇报材料), uploaded through their own account before the talk."""
    if not (is_talkee(talk, actor) or scoping.can(actor, right_for(talk.kind), talk.organiser)):
        raise PermissionDenied(_("Only the talkee or the organisers upload report materials."))
    if talk.status != TalkRecord.Status.PLANNED:
        raise ValidationError(_("The talk has been held: report materials can no longer be added."))
    if not files:
        raise ValidationError({"files": [_("Please choose the files to upload.")]})
    return attachments.attach(owner=talk, files=files, actor=actor, purpose=REPORT)


# ---------------------------------------------------------------- holding and closing


@transaction.atomic
def talk_close(
    *,
    talk: TalkRecord,
    actor,
    content: str,
    statement: str = "",
    place: str | None = None,
    explanation: str = "",
    head_signed_by: str = "",
    head_signed_on: date | None = None,
    replied_on: date | None = None,
    reply: str = "",
    late_reason: str = "",
    files: Sequence = (),
    today: date | None = None,
    version: int | None = None,
) -> list:
    """Close a held talk with its record; hand the problems and commitments over through the ledger's door.

    New problems become problem items, each commitment a task item of the talkee's organisation,
    issued by the organiser (source 谈话, linked back to this talk); open items notified in the
    talk are linked to it. Pressing "close" twice changes nothing the second time.
    """
    today = today or timezone.localdate()
    if talk.status == TalkRecord.Status.CLOSED:
        raise ValidationError(
            _("This talk is closed: its record can no longer be edited; add an addendum instead.")
        )
    fields = {
        "content": _clean(content),
        "statement": _clean(statement),
        "explanation": _clean(explanation),
        "head_signed_by": _clean(head_signed_by)[:60],
        "head_signed_on": head_signed_on,
        "replied_on": replied_on,
        "reply": _clean(reply),
        "late_reason": _clean(late_reason)[:200],
        "closed_by": actor,
    }
    if place is not None and _clean(place):
        fields["place"] = _clean(place)[:120]
    _ensure_right(actor, talk.kind, talk.organiser)
    errors = close_errors(talk, today=today, **fields)
    if errors:
        raise ValidationError(errors)
    commitments = list(talk.commitment_rows.all())
    if commitments:
        fields["commitments"] = "\n".join(f"{c.text}（{c.deadline:%Y-%m-%d}前）" for c in commitments)
    talk = workflow.transition(
        obj=talk, to=TalkRecord.Status.CLOSED, actor=actor, fields=fields, expected_version=version
    )
    if files:
        attachments.attach(owner=talk, files=files, actor=actor, purpose=SIGNED_RECORD)
    return hand_over(talk=talk, actor=actor, today=today)


def hand_over(*, talk: TalkRecord, actor, today: date | None = None) -> list:
    """The problem list and the commitments of a closed talk, as items of the talkee's organisation."""
    problems = list(talk.problems.all())
    findings = [
        door.Finding(
            title=p.title,
            key=f"problem-{p.pk}",
            description=p.description,
            deadline=p.deadline,
            remarks=str(ProblemSource(p.source).label),
            responsible_leader=talk.talkee[:60],
        )
        for p in problems
        if p.item_id is None
    ]
    # In a collective talk every talkee states the commitment: one task per talkee's organisation.
    if talk.collective:
        people = list(talk.talkees.select_related("org").order_by("org__path"))
        targets = list({p.org_id: (p.org, p.name) for p in people}.values())
    else:
        targets = [(talk.org, talk.talkee)]
    findings += [
        door.Finding(
            title=c.text,
            key=f"commitment-{c.pk}" if not talk.collective else f"commitment-{c.pk}-{org.pk}",
            org=org,
            kind="task",
            deadline=c.deadline,
            remarks=str(_("Commitment stated in the talk")),
            responsible_leader=name[:60],
        )
        for c in talk.commitment_rows.all()
        for org, name in targets
    ]
    items = []
    if findings:
        items = door.items_from_source(
            source_record=talk,
            issuer=talk.organiser,
            org=talk.org,
            actor=actor,
            findings=findings,
            title=_("Problem list of the talk with %(talkee)s on %(day)s")
            % {"talkee": talk.talkee, "day": talk.held_on},
            today=today,
        )
    for p in problems:
        if p.item_id is not None:
            door.link_record(
                item=p.item, record=talk, kind=door.ItemLink.Kind.OTHER, actor=actor, today=today
            )
    return items


def talk_cancel(*, talk: TalkRecord, actor, note: str) -> TalkRecord:
    """Cancel a talk being prepared (with the reason)."""
    return workflow.transition(obj=talk, to=TalkRecord.Status.CANCELLED, actor=actor, note=_clean(note))


@transaction.atomic
def addendum_add(*, talk: TalkRecord, actor, text: str) -> Addendum:
    """Add a note to a closed talk record, with its author and time (the record itself stays as closed)."""
    _ensure_right(actor, talk.kind, talk.organiser)
    if talk.status != TalkRecord.Status.CLOSED:
        raise ValidationError(_("Addenda are for closed talks; edit the preparation instead."))
    if not _clean(text):
        raise ValidationError({"text": [_("Please write the addendum.")]})
    return Addendum.objects.create(talk=talk, text=_clean(text), author=actor)


@transaction.atomic
def filing_record(
    *,
    talk: TalkRecord,
    actor,
    discipline_on: date | None,
    org_dept_on: date | None,
    today: date | None = None,
) -> TalkRecord:
    """Record when an admonishment talk's record was filed with the discipline and organisation departments."""
    _ensure_right(actor, talk.kind, talk.organiser)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if talk.kind != TalkKind.ADMONITION or talk.status != TalkRecord.Status.CLOSED:
        raise ValidationError(_("Filings are recorded for closed admonishment talks only."))
    if discipline_on is None and org_dept_on is None:
        errors.setdefault("discipline_on", []).append(_("Please give at least one filing date."))
    for name, value, current in (
        ("discipline_on", discipline_on, talk.filed_discipline_on),
        ("org_dept_on", org_dept_on, talk.filed_org_dept_on),
    ):
        if value is None:
            continue
        if current is not None and current != value:
            errors.setdefault(name, []).append(
                _("This filing is recorded already; add an addendum to correct it.")
            )
        elif value < talk.held_on or value > today:
            errors.setdefault(name, []).append(
                _("A filing is dated on or after the talk and not in the future.")
            )
    if errors:
        raise ValidationError(errors)
    talk.filed_discipline_on = discipline_on or talk.filed_discipline_on
    talk.filed_org_dept_on = org_dept_on or talk.filed_org_dept_on
    talk.save(update_fields=["filed_discipline_on", "filed_org_dept_on"])
    return talk


@transaction.atomic
def talk_record_interview(
    *,
    item,
    talker: str,
    talkee: str,
    held_on: date,
    content: str,
    actor,
    place: str = "",
    commitments: str = "",
    talkee_person=None,
    today: date | None = None,
) -> TalkRecord:
    """Record an interview (约谈) held over a ledger item: who talked with whom, when, about what.

    The talk belongs to the item's responsible organisation and is organised by its supervising
    organisation; the interview is the supervising side's act, so the actor needs the "inspect"
    capability there. It is recorded already held (closed).
    """
    if not door.can_supervise(actor, Cap.INSPECT, item):
        raise PermissionDenied(_("You are not allowed to record interviews here."))
    today = today or timezone.localdate()
    errors: dict[str, list] = {}
    if not _clean(talker):
        errors.setdefault("talker", []).append(_("Please name who held the interview."))
    if not _clean(talkee) and talkee_person is None:
        errors.setdefault("talkee", []).append(_("Please name who was interviewed."))
    if talkee_person is not None and talkee_person.org_id != item.org_id:
        errors.setdefault("talkee_person", []).append(
            _("The person interviewed belongs to the item's organisation.")
        )
    if held_on is None or held_on > today:
        errors.setdefault("held_on", []).append(_("The date of the talk cannot be in the future."))
    if not _clean(content):
        errors.setdefault("content", []).append(_("Please record what was said."))
    if errors:
        raise ValidationError(errors)
    talk = TalkRecord.objects.create(
        org=item.org,
        organiser=item.supervisor_org or item.item_list.org,
        kind=TalkKind.INTERVIEW,
        held_on=held_on,
        place=_clean(place)[:120],
        talker=_clean(talker)[:200],
        talkee=(_clean(talkee) or talkee_person.name)[:200],
        item=item,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    if talkee_person is not None:
        talk.talkees.add(talkee_person)
    workflow.transition(
        obj=talk,
        to=TalkRecord.Status.CLOSED,
        actor=actor,
        fields={"content": _clean(content), "commitments": _clean(commitments), "closed_by": actor},
    )
    door.link_record(item=item, record=talk, kind=door.ItemLink.Kind.INTERVIEW, actor=actor, today=today)
    return talk
