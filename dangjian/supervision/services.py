"""Writes of supervision and assessment. Each checks the actor's right, refuses bad input with a
Chinese message and writes nothing then (all or none)."""

from __future__ import annotations

import math
import random
import secrets
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import attachments, indicators, scoping, workflow
from dangjian.core.caps import Cap
from dangjian.core.params import get as param
from dangjian.ledger import door
from dangjian.orgs.models import Organisation

from . import params
from .models import (
    Assessment,
    Briefing,
    Grade,
    InspectionPlan,
    RankingCall,
    RankingSet,
    Rating,
    Scoresheet,
    Venue,
    VenueKind,
    Visit,
    WeakOrg,
    WeakReason,
)

BRIEF, RATE, CONFIRM_RATING, SELF_ASSESS = "brief", "rate", "confirm_rating", "self_assess"
PHOTO_EXTENSIONS = "jpg,jpeg,png"


def _ensure(actor, cap: str, org) -> None:
    if not scoping.can(actor, cap, org):
        raise PermissionDenied(_("You are not allowed to do this here."))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _below(org, parent) -> bool:
    return org.path.startswith(parent.path) and org.pk != parent.pk


# ------------------------------------------------------------------ inspections


@transaction.atomic
def plan_create(
    *,
    org,
    month: date,
    theme: str,
    team: str,
    checklist: str,
    actor,
    targets: Sequence = (),
    sample_within=None,
    sample_size: int | None = None,
    seed: str = "",
) -> InspectionPlan:
    """Plan an unannounced inspection: targets picked, or sampled at random from a subtree (seed recorded)."""
    _ensure(actor, Cap.INSPECT, org)
    errors: dict[str, list] = {}
    if not (theme or "").strip():
        errors.setdefault("theme", []).append(_("Please give the inspection a theme."))
    if len(_lines(team)) < 2:
        errors.setdefault("team", []).append(
            _("An inspection team has at least two members, drawn from several departments.")
        )
    if not _lines(checklist):
        errors.setdefault("checklist", []).append(_("Please list at least one point to check."))
    chosen = list(targets)
    if sample_size:
        if sample_within is None or not (sample_within.path.startswith(org.path)):
            errors.setdefault("sample_within", []).append(
                _("Samples are drawn from an organisation under the organising body.")
            )
        else:
            seed = (seed or "").strip() or secrets.token_hex(4)
            pool = list(
                Organisation.objects.visible_to(actor)
                .current()
                .filter(path__subtree=sample_within.path, numchild=0)
                .exclude(pk=org.pk)
                .order_by("path")
            )
            if sample_size > len(pool):
                errors.setdefault("sample_size", []).append(
                    _("Only %(n)s organisations can be sampled there.") % {"n": len(pool)}
                )
            else:
                chosen += random.Random(seed).sample(pool, sample_size)
    else:
        seed = ""
    if not errors and not chosen:
        errors.setdefault("targets", []).append(_("Pick or sample at least one organisation to inspect."))
    outside = [t.label for t in chosen if not _below(t, org)]
    if outside:
        errors.setdefault("targets", []).append(
            _("These organisations are not under the organising body: %(names)s.")
            % {"names": "、".join(outside)}
        )
    if errors:
        raise ValidationError(errors)
    plan = InspectionPlan.objects.create(
        org=org,
        month=month.replace(day=1),
        theme=theme.strip(),
        team="\n".join(_lines(team)),
        checklist="\n".join(_lines(checklist)),
        sample_seed=seed,
        created_by=actor,
    )
    plan.targets.set({t.pk for t in chosen})
    return plan


def plan_start(*, plan: InspectionPlan, actor) -> InspectionPlan:
    """The team sets out: visits may now be recorded."""
    return workflow.transition(obj=plan, to=InspectionPlan.Status.ACTIVE, actor=actor)


def plan_close(*, plan: InspectionPlan, actor) -> InspectionPlan:
    """The inspection is over: every visit must have had its findings handed down."""
    if plan.visits.filter(status=Visit.Status.DRAFT).exists():
        raise ValidationError(_("Some visits have not had their findings handed down yet."))
    return workflow.transition(obj=plan, to=InspectionPlan.Status.CLOSED, actor=actor)


@transaction.atomic
def visit_record(
    *,
    plan: InspectionPlan,
    org,
    visited_at: datetime,
    inspectors: str,
    scores: dict[str, int | None],
    actor,
    notes: str = "",
    findings: Sequence[str] = (),
    deadline: date | None = None,
    photos: Sequence = (),
    today: date | None = None,
) -> Visit:
    """Record one visit (from a phone on the spot): checklist scores 0–10, notes, photos and findings."""
    _ensure(actor, Cap.INSPECT, plan.org)
    today = today or timezone.localdate()
    errors: dict[str, list] = {}
    if plan.status != InspectionPlan.Status.ACTIVE:
        raise ValidationError(_("Visits are recorded only while the inspection is under way."))
    if org is None or not plan.targets.filter(pk=org.pk).exists():
        errors.setdefault("org", []).append(_("This organisation is not a target of the inspection."))
    if visited_at is None or timezone.localtime(visited_at).date() > today:
        errors.setdefault("visited_at", []).append(_("The time of the visit cannot be in the future."))
    if not (inspectors or "").strip():
        errors.setdefault("inspectors", []).append(_("Please name the inspectors."))
    rows = []
    for check in plan.checks:
        value = scores.get(check)
        if value is None or not 0 <= int(value) <= 10:
            errors.setdefault("__all__", []).append(_("Score “%(check)s” from 0 to 10.") % {"check": check})
        else:
            rows.append({"check": check, "score": int(value)})
    titles = [t.strip() for t in findings if t and t.strip()]
    if titles and (deadline is None or deadline < today):
        errors.setdefault("deadline", []).append(
            _("Findings need a rectification deadline that is not in the past.")
        )
    if errors:
        raise ValidationError(errors)
    score = Decimal(round(100 * sum(r["score"] for r in rows) / (10 * len(rows)), 1)) if rows else None
    visit = Visit.objects.create(
        plan=plan,
        org=org,
        visited_at=visited_at,
        inspectors=inspectors.strip()[:200],
        scores=rows,
        score=score,
        notes=(notes or "").strip(),
        findings=[{"key": f"f{i}", "title": t[:200]} for i, t in enumerate(titles, start=1)],
        finding_count=len(titles),
        deadline=deadline if titles else None,
        created_by=actor,
    )
    if photos:
        try:
            attachments.attach(
                owner=visit, files=photos, actor=actor, purpose="photo", extensions=PHOTO_EXTENSIONS
            )
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}) from exc
    return visit


@transaction.atomic
def visit_submit(*, visit: Visit, actor, today: date | None = None) -> Visit:
    """Hand the visit's findings down as ledger items of the visited organisation (source 督查暗访)."""
    today = today or timezone.localdate()
    visit = workflow.transition(obj=visit, to=Visit.Status.SUBMITTED, actor=actor)
    if visit.findings:
        door.items_from_source(
            source_record=visit,
            issuer=visit.plan.org,
            org=visit.org,
            actor=actor,
            today=today,
            # The list's title does not name the visited organisation: whoever sees only the issuing
            # office's own records must not learn from a title which village was visited.
            title=_("Unannounced inspection: %(theme)s · visit of %(date)s")
            % {"theme": visit.plan.theme, "date": timezone.localtime(visit.visited_at).date().isoformat()},
            findings=[
                door.Finding(title=f["title"], key=f["key"], deadline=visit.deadline) for f in visit.findings
            ],
        )
    return visit


# ------------------------------------------------------------------ ranking sets


def _clean_items(items: Sequence[dict], manual: Sequence[dict] = ()) -> list[dict]:
    known = {i.key for i in indicators.all_indicators()}
    errors: list[str] = []
    cleaned = []
    seen = set()
    for item in items:
        key = (item.get("key") or "").strip()
        if not key:
            continue
        if key not in known:
            errors.append(_("Unknown indicator “%(key)s”.") % {"key": key})
            continue
        if key in seen:
            errors.append(_("The indicator “%(key)s” is listed twice.") % {"key": key})
            continue
        seen.add(key)
        weight = item.get("weight")
        if weight is None or int(weight) <= 0:
            errors.append(_("Give “%(key)s” a weight above 0.") % {"key": indicators.get(key).label})
            continue
        hib = item.get("higher_is_better")
        cleaned.append(
            {
                "key": key,
                "weight": int(weight),
                "higher_is_better": indicators.get(key).higher_is_better if hib is None else bool(hib),
            }
        )
    if not errors and not cleaned and not manual:
        errors.append(_("A ranking set needs at least one indicator."))
    total = sum(i["weight"] for i in cleaned) + sum(m["weight"] for m in manual)
    if not errors and total != 100:
        errors.append(_("The weights must total 100%%; they total %(total)s%%.") % {"total": total})
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def ranking_set_save(*, org, name: str, items: Sequence[dict], actor, ranking_set: RankingSet | None = None):
    """Create or change a weighted set of indicators (weights total 100 %, every indicator registered)."""
    _ensure(actor, BRIEF, ranking_set.org if ranking_set else org)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Please name the ranking set.")]})
    cleaned = _clean_items(items)
    owner = ranking_set.org if ranking_set else org
    clash = RankingSet.objects.filter(org=owner, name=name)
    if ranking_set:
        clash = clash.exclude(pk=ranking_set.pk)
    if clash.exists():
        raise ValidationError({"name": [_("This organisation already has a ranking set of that name.")]})
    if ranking_set is None:
        return RankingSet.objects.create(org=org, name=name, items=cleaned, created_by=actor)
    ranking_set.name, ranking_set.items = name, cleaned
    ranking_set.version += 1
    ranking_set.save(update_fields=["name", "items", "version"])
    return ranking_set


@transaction.atomic
def ranking_call(
    *,
    ranking_set: RankingSet,
    root,
    month: date,
    actor,
    deadline: date,
    bottom: int | None = None,
    today: date | None = None,
) -> RankingCall:
    """Call in the last ``bottom`` of a month's ranking (排名靠后约谈): one ledger item each, handed down by
    the ranking organisation through the ledger's door (source 约谈), listed once per ranking and month."""
    from . import selectors

    _ensure(actor, BRIEF, root)
    # The call names the children's places: only for whoever may see the whole subtree ranked.
    if not scoping.sees_whole_subtree(actor, root):
        raise PermissionDenied(_("You are not allowed to do this here."))
    today = today or timezone.localdate()
    month = month.replace(day=1)
    bottom = param(params.BOTTOM_N.key) if bottom is None else bottom
    errors: dict[str, list] = {}
    if not root.path.startswith(ranking_set.org.path):
        errors.setdefault("__all__", []).append(_("This ranking set belongs to another organisation."))
    if deadline is None or deadline < today:
        errors.setdefault("deadline", []).append(_("The deadline cannot be in the past."))
    if RankingCall.objects.filter(ranking_set=ranking_set, org=root, month=month).exists():
        errors.setdefault("__all__", []).append(
            _("The last of this ranking for %(month)s have already been called in.")
            % {"month": f"{month:%Y-%m}"}
        )
    if errors:
        raise ValidationError(errors)
    result = selectors.ranking(ranking_set, root, month, bottom=bottom)
    ranked = sum(1 for r in result.rows if r.rank is not None)
    if not 1 <= bottom < ranked:
        raise ValidationError(
            {
                "bottom": [
                    _("Call in between 1 and %(most)s of the last places.") % {"most": max(ranked - 1, 0)}
                ]
            }
        )
    flagged = [r for r in result.rows if r.flagged]
    call = RankingCall.objects.create(
        ranking_set=ranking_set,
        org=root,
        month=month,
        bottom=bottom,
        deadline=deadline,
        rows=[{"org_id": r.org.pk, "org": r.org.label, "rank": r.rank, "score": r.score} for r in flagged],
        created_by=actor,
    )
    door.items_from_source(
        source_record=call,
        issuer=root,
        org=root,
        actor=actor,
        today=today,
        title=_("%(set)s %(month)s: the last places called in")
        % {"set": ranking_set.name, "month": f"{month:%Y-%m}"},
        findings=[
            door.Finding(
                title=_("Ranked %(rank)s of %(n)s in “%(set)s” (%(month)s): interview and rectification")
                % {"rank": r.rank, "n": ranked, "set": ranking_set.name, "month": f"{month:%Y-%m}"},
                key=f"o{r.org.pk}",
                org=r.org,
                deadline=deadline,
            )
            for r in flagged
        ],
    )
    return call


# ------------------------------------------------------------------ briefings


def _check_briefing(org, ranking_set, title, summary) -> None:
    errors: dict[str, list] = {}
    if not (title or "").strip():
        errors.setdefault("title", []).append(_("Please give the briefing a title."))
    if not (summary or "").strip():
        errors.setdefault("summary", []).append(_("Please write the opening summary."))
    if ranking_set is not None and not org.path.startswith(ranking_set.org.path):
        errors.setdefault("ranking_set", []).append(_("This ranking set belongs to another organisation."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def briefing_create(
    *, org, month: date, title: str, summary: str, actor, ranking_set=None, good_practice: str = ""
) -> Briefing:
    """Compile a draft briefing for a month; its figures are computed live until it is published."""
    _ensure(actor, BRIEF, org)
    _check_briefing(org, ranking_set, title, summary)
    return Briefing.objects.create(
        org=org,
        month=month.replace(day=1),
        title=title.strip(),
        ranking_set=ranking_set,
        summary=summary.strip(),
        good_practice=(good_practice or "").strip(),
        created_by=actor,
    )


@transaction.atomic
def briefing_update(
    *, briefing: Briefing, title: str, summary: str, actor, ranking_set=None, good_practice: str = ""
) -> Briefing:
    """Change a draft briefing; a published one is frozen."""
    briefing = Briefing.objects.select_for_update().get(pk=briefing.pk)
    _ensure(actor, BRIEF, briefing.org)
    if briefing.status == Briefing.Status.REVIEWED:
        raise ValidationError(_("The briefing has been reviewed: return it to draft before changing it."))
    if briefing.status != Briefing.Status.DRAFT:
        raise ValidationError(_("The briefing has been published and can no longer be changed."))
    _check_briefing(briefing.org, ranking_set, title, summary)
    briefing.title, briefing.summary = title.strip(), summary.strip()
    briefing.good_practice, briefing.ranking_set = (good_practice or "").strip(), ranking_set
    briefing.version += 1
    briefing.save(update_fields=["title", "summary", "good_practice", "ranking_set", "version"])
    return briefing


def next_number(org, year: int) -> str:
    """The next document number of the organisation's briefings in that year, e.g. 萍党建通〔2026〕11号."""
    count = Briefing.objects.filter(
        org=org, status=Briefing.Status.PUBLISHED, published_on__year=year
    ).count()
    return f"{param(params.BRIEFING_PREFIX.key)}〔{year}〕{count + 1}号"


def briefing_review(*, briefing: Briefing, actor, today: date | None = None) -> Briefing:
    """Review a draft (by somebody other than its author): it can then be issued, and no longer edited."""
    return workflow.transition(
        obj=briefing,
        to=Briefing.Status.REVIEWED,
        actor=actor,
        fields={"reviewed_on": today or timezone.localdate(), "reviewed_by": actor},
    )


def briefing_return(*, briefing: Briefing, actor, note: str) -> Briefing:
    """Send a reviewed briefing back to draft with the reason (kept in its history)."""
    return workflow.transition(
        obj=briefing,
        to=Briefing.Status.DRAFT,
        actor=actor,
        note=note,
        fields={"reviewed_on": None, "reviewed_by": None},
    )


@transaction.atomic
def briefing_publish(*, briefing: Briefing, actor, today: date | None = None) -> Briefing:
    """Issue a reviewed briefing (by somebody other than the author): number it and freeze its figures
    as they stand now."""
    from . import selectors

    today = today or timezone.localdate()
    # Refuse before computing anything (the transition checks the same again, under its lock).
    if briefing.status == Briefing.Status.DRAFT:
        raise ValidationError(_("The briefing must be reviewed before it is issued."))
    if briefing.status != Briefing.Status.REVIEWED:
        raise ValidationError(_("The briefing has been published and can no longer be changed."))
    content = selectors.briefing_content(briefing)
    named = [row["org_id"] for row in content["indicator_rows"]]
    briefing = workflow.transition(
        obj=briefing,
        to=Briefing.Status.PUBLISHED,
        actor=actor,
        fields={
            "snapshot": content,
            "number": next_number(briefing.org, today.year),
            "published_on": today,
            "published_by": actor,
        },
    )
    briefing.recipients.set(named)
    return briefing


# ------------------------------------------------------------------ ratings


def _score(value, field: str, errors: dict) -> Decimal | None:
    if value is None:
        errors.setdefault(field, []).append(_("Please give a score."))
        return None
    value = Decimal(str(value))
    if not Decimal(0) <= value <= Decimal(100):
        errors.setdefault(field, []).append(_("A score lies between 0 and 100."))
        return None
    return value


def grade_thresholds(sheet: Scoresheet | None = None) -> list:
    """The lowest scores graded 好, 较好 and 一般: the scoresheet's, else the rule parameters (DOMAIN.md §5)."""
    if sheet is not None and sheet.grade_thresholds:
        return [Decimal(str(v)) for v in sheet.grade_thresholds]
    return [param(k.key) for k in (params.GRADE_GOOD, params.GRADE_FAIRLY_GOOD, params.GRADE_AVERAGE)]


def star_thresholds(sheet: Scoresheet | None = None) -> list:
    """The lowest scores of one to five stars: the scoresheet's, else the rule parameter."""
    if sheet is not None and sheet.star_thresholds:
        return [Decimal(str(v)) for v in sheet.star_thresholds]
    return params.numbers(params.STAR_THRESHOLDS.key)


def grade_for(score: Decimal, sheet: Scoresheet | None = None) -> str:
    """好 / 较好 / 一般 / 较差 by the thresholds of the scoresheet or of DOMAIN.md §5 (rule parameters)."""
    good, fairly_good, average = grade_thresholds(sheet)
    if score >= good:
        return Grade.GOOD
    if score >= fairly_good:
        return Grade.FAIRLY_GOOD
    if score >= average:
        return Grade.AVERAGE
    return Grade.POOR


def stars_for(score: Decimal, sheet: Scoresheet | None = None) -> int:
    """One to five stars by the thresholds (lowest score for 1…5 stars), 0 below one star."""
    return sum(1 for t in star_thresholds(sheet) if score >= t)


def overall(self_score, poll_score, township_score) -> Decimal:
    """The weighted overall score: self-assessment, poll and township rating (weights from the parameter)."""
    w_self, w_poll, w_town = params.numbers(params.RATING_WEIGHTS.key)
    parts = [(self_score, w_self), (poll_score, w_poll), (township_score, w_town)]
    present = [(Decimal(v), w) for v, w in parts if v is not None]
    total = sum(w for _v, w in present)
    return (sum(v * w for v, w in present) / total).quantize(Decimal("0.1"))


def five_star_quota(parent) -> int:
    """How many five-star organisations a township may have: the quota percent of its organisations."""
    n = Organisation.objects.current().filter(path__subtree=parent.path, depth=parent.depth + 1).count()
    return math.floor(n * param(params.FIVE_STAR_QUOTA.key) / 100)


def _sheet_scores(sheet: Scoresheet, org, item_scores: dict, errors: dict) -> list[dict]:
    """The scoresheet's rows for ``org``: indicator items filled from their figures, the others as entered."""
    from . import selectors

    rows = []
    for row in selectors.sheet_prefill(sheet, org):
        if row["points"] is None:
            entry = item_scores.get(row["name"]) or {}
            value = entry.get("score")
            if value is None:
                errors.setdefault("__all__", []).append(
                    _("Please score “%(item)s” (0 to 100).") % {"item": row["name"]}
                )
                continue
            value = Decimal(str(value))
            if not Decimal(0) <= value <= Decimal(100):
                errors.setdefault("__all__", []).append(
                    _("“%(item)s”: a score lies between 0 and 100.") % {"item": row["name"]}
                )
                continue
            row["points"] = float(value)
            row["note"] = (entry.get("note") or "").strip()
        rows.append(row)
    return rows


@transaction.atomic
def rating_self_assess(
    *, org, year: int, actor, self_score=None, self_note: str = "", item_scores: dict | None = None
) -> Rating:
    """The organisation's own assessment opens its rating for the year: on the scoresheet that applies to it
    (indicator items filled from their figures, the others scored), else as one score."""
    from . import selectors

    _ensure(actor, SELF_ASSESS, org)
    errors: dict[str, list] = {}
    sheet = selectors.sheet_for(org, year)
    rows: list[dict] = []
    if sheet is not None:
        rows = _sheet_scores(sheet, org, item_scores or {}, errors)
        score = None if errors else Decimal(str(sum(r["points"] * r["weight"] for r in rows) / 100))
        score = None if score is None else score.quantize(Decimal("0.1"))
    else:
        score = _score(self_score, "self_score", errors)
    if Rating.objects.filter(org=org, year=year).exists():
        errors.setdefault("year", []).append(
            _("%(org)s already has a rating for %(year)s.") % {"org": org.label, "year": year}
        )
    if errors:
        raise ValidationError(errors)
    return Rating.objects.create(
        org=org,
        year=year,
        self_score=score,
        self_note=(self_note or "").strip(),
        sheet=sheet,
        sheet_scores=rows,
        created_by=actor,
    )


# ------------------------------------------------------------------ rating scoresheets


def _thresholds(values, count: int, field: str, errors: dict, *, ascending: bool) -> list[float]:
    try:
        numbers = [float(Decimal(str(v).strip())) for v in values if str(v).strip()]
    except (ArithmeticError, ValueError):
        numbers = []
    ordered = all((a < b) if ascending else (a > b) for a, b in zip(numbers, numbers[1:], strict=False))
    if len(numbers) != count or not ordered or not all(0 <= n <= 100 for n in numbers):
        if ascending:
            message = _("Give five scores between 0 and 100, rising: the lowest for one to five stars.")
        else:
            message = _("Give three scores between 0 and 100, falling: the lowest graded 好, 较好 and 一般.")
        errors.setdefault(field, []).append(message)
    return numbers


@transaction.atomic
def scoresheet_save(
    *,
    org,
    year: int,
    name: str,
    items: Sequence[dict],
    grade_thresholds: Sequence,
    star_thresholds: Sequence,
    actor,
    sheet: Scoresheet | None = None,
) -> Scoresheet:
    """Create or change a rating scoresheet: items weighing 100 % in all, indicators registered, thresholds in
    order. A scoresheet a rating has used is frozen."""
    owner = sheet.org if sheet else org
    _ensure(actor, RATE, owner)
    if sheet is not None:
        sheet = Scoresheet.objects.select_for_update().get(pk=sheet.pk)
        if sheet.ratings.exists():
            raise ValidationError(_("Ratings have been made on this scoresheet: it is frozen."))
        year = sheet.year
    errors: dict[str, list] = {}
    name = (name or "").strip()
    if not name:
        errors.setdefault("name", []).append(_("Please name the scoresheet."))
    known = {i.key for i in indicators.all_indicators()}
    cleaned, problems = [], []
    for item in items:
        title = (item.get("name") or "").strip()
        key = (item.get("indicator") or "").strip()
        if not title and not key:
            continue
        if not title:
            title = str(indicators.get(key).label) if key in known else key
        if title in {c["name"] for c in cleaned}:
            problems.append(_("The item “%(name)s” is listed twice.") % {"name": title})
            continue
        if key and key not in known:
            problems.append(_("Unknown indicator “%(key)s”.") % {"key": key})
            continue
        weight = item.get("weight")
        if weight is None or int(weight) <= 0:
            problems.append(_("Give “%(key)s” a weight above 0.") % {"key": title})
            continue
        full = item.get("full")
        if key and full is not None and Decimal(str(full)) <= 0:
            problems.append(_("“%(name)s”: the value for full marks must be above 0.") % {"name": title})
            continue
        cleaned.append(
            {
                "name": title[:60],
                "weight": int(weight),
                "indicator": key,
                "full": (float(full) if full is not None else 100.0) if key else None,
            }
        )
    if not problems and not cleaned:
        problems.append(_("A scoresheet needs at least one item."))
    total = sum(c["weight"] for c in cleaned)
    if not problems and total != 100:
        problems.append(_("The weights must total 100%%; they total %(total)s%%.") % {"total": total})
    if problems:
        errors.setdefault("__all__", []).extend(problems)
    grades = _thresholds(grade_thresholds, 3, "grade_thresholds", errors, ascending=False)
    stars = _thresholds(star_thresholds, 5, "star_thresholds", errors, ascending=True)
    clash = Scoresheet.objects.filter(org=owner, year=year)
    if sheet is not None:
        clash = clash.exclude(pk=sheet.pk)
    if clash.exists():
        errors.setdefault("year", []).append(
            _("%(org)s already has a scoresheet for %(year)s.") % {"org": owner.label, "year": year}
        )
    if errors:
        raise ValidationError(errors)
    values = {"name": name, "items": cleaned, "grade_thresholds": grades, "star_thresholds": stars}
    if sheet is None:
        return Scoresheet.objects.create(org=org, year=year, created_by=actor, **values)
    for field, value in values.items():
        setattr(sheet, field, value)
    sheet.version += 1
    sheet.save(update_fields=[*values, "version"])
    return sheet


@transaction.atomic
def rating_rate(*, rating: Rating, poll_score, township_score, actor) -> Rating:
    """The township's rating: poll and own score give the overall score, the grade and the stars (quota checked)."""
    errors: dict[str, list] = {}
    poll = _score(poll_score, "poll_score", errors)
    town = _score(township_score, "township_score", errors)
    if errors:
        raise ValidationError(errors)
    score = overall(rating.self_score, poll, town)
    stars = stars_for(score, rating.sheet)
    parent = Organisation.objects.get_parent(rating.org)
    if stars == 5 and parent is not None:
        taken = (
            Rating.objects.select_for_update()
            .filter(year=rating.year, stars=5, org__path__subtree=parent.path, org__depth=rating.org.depth)
            .exclude(pk=rating.pk)
            .count()
        )
        quota = five_star_quota(parent)
        if taken + 1 > quota:
            raise ValidationError(
                _(
                    "%(parent)s may have at most %(quota)s five-star organisations in %(year)s "
                    "(%(percent)s%% of its organisations); %(taken)s already have five stars."
                )
                % {
                    "parent": parent.label,
                    "quota": quota,
                    "year": rating.year,
                    "percent": param(params.FIVE_STAR_QUOTA.key),
                    "taken": taken,
                }
            )
    return workflow.transition(
        obj=rating,
        to=Rating.Status.RATED,
        actor=actor,
        fields={
            "poll_score": poll,
            "township_score": town,
            "score": score,
            "grade": grade_for(score, rating.sheet),
            "stars": stars,
            "rated_by": actor,
        },
    )


def rating_confirm(*, rating: Rating, actor) -> Rating:
    """The county confirms the township's rating (never the rater himself)."""
    return workflow.transition(obj=rating, to=Rating.Status.CONFIRMED, actor=actor)


def rating_return(*, rating: Rating, actor, note: str) -> Rating:
    """The county sends a rating back to the township with its reason."""
    return workflow.transition(
        obj=rating,
        to=Rating.Status.SELF_ASSESSED,
        actor=actor,
        note=note,
        fields={"poll_score": None, "township_score": None, "score": None, "grade": "", "stars": 0},
    )


# ------------------------------------------------------------------ weak organisations


@transaction.atomic
def weak_flag(
    *,
    org,
    year: int,
    reasons: Sequence[str],
    county_contact: str,
    township_contact: str,
    actor,
    note: str = "",
) -> WeakOrg:
    """Flag an organisation weak and lax (软弱涣散) with its reasons and its two contacts (包联)."""
    _ensure(actor, RATE, org)
    errors: dict[str, list] = {}
    reasons = list(dict.fromkeys(reasons or ()))
    if not reasons:
        errors.setdefault("reasons", []).append(_("Please give at least one reason."))
    elif any(r not in WeakReason.values for r in reasons):
        errors.setdefault("reasons", []).append(_("Unknown reason."))
    if not (county_contact or "").strip():
        errors.setdefault("county_contact", []).append(_("Please name the county leader in contact."))
    if not (township_contact or "").strip():
        errors.setdefault("township_contact", []).append(_("Please name the township leader in contact."))
    if WeakOrg.objects.filter(org=org).exclude(status=WeakOrg.Status.LIFTED).exists():
        errors.setdefault("__all__", []).append(
            _("%(org)s is already flagged and the flag has not been lifted.") % {"org": org.label}
        )
    if errors:
        raise ValidationError(errors)
    return WeakOrg.objects.create(
        org=org,
        year=year,
        reasons=reasons,
        note=(note or "").strip(),
        county_contact=county_contact.strip(),
        township_contact=township_contact.strip(),
        created_by=actor,
    )


@transaction.atomic
def weak_hand_down(
    *, weak: WeakOrg, problems: Sequence[str], deadline: date, actor, today: date | None = None
):
    """The rectification plan: each problem becomes a ledger item of the organisation, handed down by its parent."""
    today = today or timezone.localdate()
    titles = [p.strip() for p in problems if p and p.strip()]
    errors: dict[str, list] = {}
    if not titles:
        errors.setdefault("problems", []).append(_("List at least one problem to rectify, one a line."))
    if deadline is None or deadline < today:
        errors.setdefault("deadline", []).append(_("The deadline cannot be in the past."))
    if errors:
        raise ValidationError(errors)
    weak = workflow.transition(obj=weak, to=WeakOrg.Status.RECTIFYING, actor=actor)
    issuer = Organisation.objects.get_parent(weak.org) or weak.org
    door.items_from_source(
        source_record=weak,
        issuer=issuer,
        org=weak.org,
        actor=actor,
        today=today,
        title=_("Rectification of a weak organisation: %(org)s") % {"org": weak.org.label},
        findings=[
            door.Finding(title=t[:200], key=f"w{i}", deadline=deadline) for i, t in enumerate(titles, start=1)
        ],
    )
    return weak


def weak_lift(*, weak: WeakOrg, actor, today: date | None = None) -> WeakOrg:
    """Lift the flag (整改销号) — only once every item of its rectification list is closed."""
    today = today or timezone.localdate()
    items = door.items_of_source(weak, actor)
    if not items.exists() or items.exclude(status="closed").exists():
        raise ValidationError(
            _(
                "The rectification list still has open items: the flag is lifted only when every item is closed."
            )
        )
    return workflow.transition(obj=weak, to=WeakOrg.Status.LIFTED, actor=actor, fields={"lifted_on": today})


# ------------------------------------------------------------------ venues


@transaction.atomic
def venue_save(
    *,
    org,
    kind: str,
    actor,
    area: int | None = None,
    address: str = "",
    checked: Sequence[str] = (),
    plan: str = "",
    plan_deadline: date | None = None,
    photos: Sequence = (),
) -> Venue:
    """Record an organisation's activity venue and its 六有 checklist, or its plan when it has none."""
    _ensure(actor, SELF_ASSESS, org)
    errors: dict[str, list] = {}
    standard = params.split(params.VENUE_CHECKLIST.key)
    unknown = [c for c in checked if c not in standard]
    if unknown:
        errors.setdefault("checked", []).append(
            _("Not an item of the venue standard: %(names)s.") % {"names": "、".join(unknown)}
        )
    if kind not in VenueKind.values:
        errors.setdefault("kind", []).append(_("Please say whether the venue is own, shared or missing."))
    elif kind == VenueKind.NONE:
        if not plan:
            errors.setdefault("plan", []).append(
                _("Without a venue, say how one will be provided (new build, conversion or shared).")
            )
        if plan_deadline is None:
            errors.setdefault("plan_deadline", []).append(_("Please give the date the venue will be ready."))
        if checked:
            errors.setdefault("checked", []).append(_("Without a venue, no item of the standard can be met."))
    elif not (address or "").strip():
        errors.setdefault("address", []).append(_("Please give the venue's address."))
    if errors:
        raise ValidationError(errors)
    none = kind == VenueKind.NONE
    values = {
        "kind": kind,
        "area": None if none else area,
        "address": (address or "").strip(),
        "checked": [c for c in standard if c in checked],
        "plan": plan if none else "",
        "plan_deadline": plan_deadline if none else None,
        "updated_at": timezone.now(),
    }
    venue = Venue.objects.select_for_update().filter(org=org).first()
    if venue is None:
        venue = Venue.objects.create(org=org, created_by=actor, **values)
    else:
        for name, value in values.items():
            setattr(venue, name, value)
        venue.version += 1
        venue.save(update_fields=[*values, "version"])
    if photos:
        try:
            attachments.attach(
                owner=venue, files=photos, actor=actor, purpose="photo", extensions=PHOTO_EXTENSIONS
            )
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}) from exc
    return venue


def venue_hand_down(*, venue: Venue, actor, today: date | None = None) -> list:
    """The plan of a branch without a venue becomes a ledger item handed down by its parent (清零 progress)."""
    if venue.kind != VenueKind.NONE:
        raise ValidationError(_("This organisation has a venue: there is nothing to hand down."))
    issuer = Organisation.objects.get_parent(venue.org) or venue.org
    return door.items_from_source(
        source_record=venue,
        issuer=issuer,
        org=venue.org,
        actor=actor,
        today=today,
        title=_("Activity venues: no village without one (清零)"),
        findings=[
            door.Finding(
                title=_("Provide an activity venue: %(plan)s") % {"plan": venue.get_plan_display()},
                key="venue",
                deadline=venue.plan_deadline,
            )
        ],
    )


# ------------------------------------------------------------------ annual assessment


def parse_manual_items(text: str) -> list[dict]:
    """Manual items, one a line: a name and its weight, e.g. “述职评议 20”."""
    items, errors = [], []
    for line in _lines(text):
        name, _sep, weight = line.replace("\u3000", " ").rpartition(" ")
        if not name.strip() or not weight.strip().isdigit() or int(weight) <= 0:
            errors.append(
                _("“%(line)s”: give a name and a weight above 0, e.g. 述职评议 20.") % {"line": line}
            )
            continue
        if name.strip() in {i["name"] for i in items}:
            errors.append(_("The item “%(name)s” is listed twice.") % {"name": name.strip()})
            continue
        items.append({"manual": True, "name": name.strip(), "weight": int(weight)})
    if errors:
        raise ValidationError({"manual_items": errors})
    return items


@transaction.atomic
def assessment_create(
    *, org, year: int, title: str, items: Sequence[dict], manual_items: str, actor
) -> Assessment:
    """Set up a year's assessment of ``org``'s children: indicator items and manual items, weights total 100 %."""
    _ensure(actor, BRIEF, org)
    if not (title or "").strip():
        raise ValidationError({"title": [_("Please give the assessment a title.")]})
    manual = parse_manual_items(manual_items)
    cleaned = _clean_items(items, manual)
    return Assessment.objects.create(
        org=org, year=year, title=title.strip(), items=[*cleaned, *manual], created_by=actor
    )


@transaction.atomic
def assessment_score(*, assessment: Assessment, org, item: str, score, note: str, actor) -> Assessment:
    """The assessing office's score (0–100) of one manual item for one organisation, with the reason."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _ensure(actor, BRIEF, assessment.org)
    if assessment.status != Assessment.Status.DRAFT:
        raise ValidationError(_("The results are confirmed and can no longer be changed."))
    errors: dict[str, list] = {}
    if org is None or not (
        org.path.startswith(assessment.org.path) and org.depth == assessment.org.depth + 1
    ):
        errors.setdefault("org", []).append(_("This organisation is not assessed here."))
    if item not in assessment.manual_names:
        errors.setdefault("item", []).append(_("Not a manual item of this scorecard."))
    value = _score(score, "score", errors)
    if not (note or "").strip():
        errors.setdefault("note", []).append(_("Please say what the score is based on."))
    if errors:
        raise ValidationError(errors)
    assessment.manual.setdefault(str(org.pk), {})[item] = {"score": float(value), "note": note.strip()}
    assessment.version += 1
    assessment.save(update_fields=["manual", "version"])
    return assessment


@transaction.atomic
def assessment_confirm(*, assessment: Assessment, actor) -> Assessment:
    """Freeze the results (score, grade, rank) as they stand; by somebody other than whoever set it up."""
    from . import selectors

    if assessment.status != Assessment.Status.DRAFT:
        raise ValidationError(_("The results are confirmed and can no longer be changed."))
    results = selectors.assessment_results(assessment)
    assessment = workflow.transition(
        obj=assessment,
        to=Assessment.Status.CONFIRMED,
        actor=actor,
        fields={"results": results, "confirmed_by": actor},
    )
    assessment.recipients.set([row["org_id"] for row in results["rows"]])
    return assessment
