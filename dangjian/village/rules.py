"""Workflow tables and guards of village governance (core.workflow reads ``WORKFLOWS``).

Separation of duties: whoever asked for a leave (or is on it) never approves it; whoever filed
a major-matter report never acknowledges it; whoever recorded a decision's steps never gives
the township's review; whoever registered or handled a grid matter never closes it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from dangjian.core import scoping
from dangjian.core.workflow import Transition

from .models import Decision, GridMatter, Leave, MajorMatterReport


class VCap:
    """The capabilities this module adds (granted to roles in apps.py)."""

    MANAGE_CADRES = "manage_cadres"  # rota, holiday duty, first secretaries, work files, 代录 of leave
    APPROVE_LEAVE = "approve_leave"  # cadres' leave up to the village secretary's limit
    OVERSEE = "oversee_village"  # township: secretaries' and long leave, major-matter reports
    RECORD_DECISION = "record_decision"  # the village's 四议两公开 steps
    REVIEW_DECISION = "review_decision"  # the township's review of large decisions
    HANDLE_GRID = "handle_grid"  # register, route, handle and feed back grid matters
    SUPERVISE_GRID = "supervise_grid"  # 督查问效: close or reopen
    KEEP_DICTIONARIES = "keep_village_dictionaries"  # grid-matter categories, kinds of major matters


def can_keep(actor, entry_org) -> bool:
    """Who keeps a dictionary entry: at an organisation, whoever holds the right there; a shared
    entry (no organisation, used everywhere) only an administrator who sees everything."""
    if entry_org is None:
        scope = scoping.without_focus(actor)
        return scope.everything and VCap.KEEP_DICTIONARIES in scope.all_caps
    return scoping.can(actor, VCap.KEEP_DICTIONARIES, entry_org)


def keeper_orgs(actor):
    """The party committees (county, township …) whose own entries ``actor`` may keep: where he holds the right."""
    from dangjian.orgs.models import Organisation, OrgKind

    committees = [OrgKind.PROVINCE_COMMITTEE, OrgKind.CITY_COMMITTEE, OrgKind.COUNTY_COMMITTEE]
    return (
        Organisation.objects.where_can(actor, VCap.KEEP_DICTIONARIES)
        .filter(kind__in=[*committees, OrgKind.TOWNSHIP_COMMITTEE], dissolved_on__isnull=True)
        .order_by("path")
    )


def _is_person(actor, person_id) -> bool:
    return getattr(actor, "person_id", None) is not None and actor.person_id == person_id


# --- leave ---


def leave_cap(leave: Leave) -> str:
    """A secretary's leave and long leave go to the township; the rest to the village secretary."""
    return VCap.OVERSEE if leave.level == Leave.Level.TOWNSHIP else VCap.APPROVE_LEAVE


def not_own_leave(leave: Leave, actor) -> None:
    """Nobody approves a leave they asked for or are on."""
    if _is_person(actor, leave.person_id) or (leave.requested_by_id and leave.requested_by_id == actor.pk):
        raise ValidationError(_("You cannot decide on a leave you requested or are on yourself."))


def the_cadre_or_manager(leave: Leave, actor) -> None:
    """The return (销假) is recorded by the cadre, or by whoever manages the village's cadres."""
    if not (_is_person(actor, leave.person_id) or scoping.can(actor, VCap.MANAGE_CADRES, leave)):
        raise ValidationError(_("Only the cadre or the village secretary records the return from leave."))


def _guard_return(leave: Leave, actor, *, returned_on=None, **fields) -> None:
    if returned_on is None:
        raise ValidationError({"returned_on": _("Please give the day the cadre came back.")})
    if returned_on < leave.starts_on:
        raise ValidationError({"returned_on": _("The return cannot be before the leave began.")})
    from django.utils import timezone

    if returned_on > timezone.localdate():
        raise ValidationError({"returned_on": _("The return cannot be dated in the future.")})


LEAVE = {
    (Leave.Status.REQUESTED, Leave.Status.APPROVED): Transition(
        gettext_lazy("Approve"), cap=leave_cap, who=not_own_leave
    ),
    (Leave.Status.REQUESTED, Leave.Status.REFUSED): Transition(
        gettext_lazy("Refuse"), cap=leave_cap, who=not_own_leave, note_required=True
    ),
    (Leave.Status.APPROVED, Leave.Status.RETURNED): Transition(
        gettext_lazy("Record the return"), who=the_cadre_or_manager, guard=_guard_return
    ),
}


# --- major-matter reports ---


def not_the_filer(report: MajorMatterReport, actor) -> None:
    if _is_person(actor, report.person_id) or (report.filed_by_id and report.filed_by_id == actor.pk):
        raise ValidationError(_("Whoever filed a report does not acknowledge it."))


MAJOR_MATTER = {
    (MajorMatterReport.Status.FILED, MajorMatterReport.Status.ACKNOWLEDGED): Transition(
        gettext_lazy("Acknowledge"), cap=VCap.OVERSEE, who=not_the_filer
    ),
}


# --- 四议两公开 ---

D = Decision.Status


def not_a_recorder(decision: Decision, actor) -> None:
    """The township's review is given by somebody who recorded none of the village's steps."""
    if decision.created_by_id == actor.pk or decision.steps.filter(recorded_by=actor).exists():
        raise ValidationError(_("Whoever recorded the village's steps does not review the decision."))


def _record(label):
    return Transition(label, cap=VCap.RECORD_DECISION)


DECISION = {
    (D.NEW, D.PROPOSED): _record(gettext_lazy("Record the branch's proposal")),
    (D.PROPOSED, D.CONSULTED): _record(gettext_lazy("Record the two committees' deliberation")),
    (D.CONSULTED, D.REVIEWED): _record(gettext_lazy("Record the party members' meeting")),
    (D.CONSULTED, D.REJECTED): _record(gettext_lazy("Record the party members' meeting")),
    (D.REVIEWED, D.TOWNSHIP_REVIEWED): Transition(
        gettext_lazy("Township review"), cap=VCap.REVIEW_DECISION, who=not_a_recorder
    ),
    (D.REVIEWED, D.DECIDED): _record(gettext_lazy("Record the villagers' meeting")),
    (D.REVIEWED, D.REJECTED): _record(gettext_lazy("Record the villagers' meeting")),
    (D.TOWNSHIP_REVIEWED, D.DECIDED): _record(gettext_lazy("Record the villagers' meeting")),
    (D.TOWNSHIP_REVIEWED, D.REJECTED): _record(gettext_lazy("Record the villagers' meeting")),
    (D.DECIDED, D.DISCLOSED): _record(gettext_lazy("Record the publication of the decision")),
    (D.DISCLOSED, D.COMPLETED): _record(gettext_lazy("Record the publication of the results")),
}

# The state a decision is in once each step is done (a vote that fails ends in REJECTED).
STATE_AFTER_STEP = {
    1: D.PROPOSED,
    2: D.CONSULTED,
    3: D.REVIEWED,
    4: D.DECIDED,
    5: D.DISCLOSED,
    6: D.COMPLETED,
}
# The step a decision in a state waits for (None: nothing more to record).
NEXT_STEP = {
    D.NEW: 1,
    D.PROPOSED: 2,
    D.CONSULTED: 3,
    D.REVIEWED: 4,
    D.TOWNSHIP_REVIEWED: 4,
    D.DECIDED: 5,
    D.DISCLOSED: 6,
    D.COMPLETED: None,
    D.REJECTED: None,
}


def members_meeting_problems(*, expected: int, present: int, votes_for: int) -> tuple[str | None, bool]:
    """(quorum refusal or None, passed) of a party members' meeting (DOMAIN.md §2, §4 step 3).

    More than half of the members entitled to vote must be present; the proposal passes with
    more than half of those entitled to vote.
    """
    if present * 2 <= expected:
        return (
            _(
                "The party members' meeting needs more than half of its %(expected)s members present "
                "(at least %(needed)s); %(present)s were present."
            )
            % {"expected": expected, "needed": expected // 2 + 1, "present": present},
            False,
        )
    return None, votes_for * 2 > expected


def assembly_problems(
    *, assembly: str, expected: int, present: int, votes_for: int
) -> tuple[str | None, bool]:
    """(quorum refusal or None, passed) of the villagers' (representatives') meeting (DOMAIN.md §4 step 4).

    A representatives' meeting needs at least two thirds of its members present; a villagers'
    meeting more than half of the adult villagers. Either passes with more than half of those present.
    """
    from .models import DecisionStep

    if assembly == DecisionStep.Assembly.VILLAGERS:
        if present * 2 <= expected:
            return (
                _(
                    "The villagers' meeting needs more than half of the %(expected)s adult villagers present "
                    "(at least %(needed)s); %(present)s were present."
                )
                % {"expected": expected, "needed": expected // 2 + 1, "present": present},
                False,
            )
    elif present * 3 < expected * 2:
        return (
            _(
                "The representatives' meeting needs at least two thirds of its %(expected)s members present "
                "(at least %(needed)s); %(present)s were present."
            )
            % {"expected": expected, "needed": -(-expected * 2 // 3), "present": present},
            False,
        )
    return None, votes_for * 2 > present


# --- grid matters ---

G = GridMatter.Status


def not_a_handler(matter: GridMatter, actor) -> None:
    """督查问效 is somebody else's: not who registered the matter nor who handled it."""
    if matter.registered_by_id == actor.pk or matter.hops.filter(actor=actor).exists():
        raise ValidationError(_("Whoever registered, routed or handled a matter does not supervise it."))
    from dangjian.core.models import StatusChange

    handled = StatusChange.objects.filter(
        content_type__app_label="village",
        content_type__model="gridmatter",
        object_id=matter.pk,
        new__in=[G.HANDLING, G.RESOLVED, G.ANSWERED],
        actor=actor,
    )
    if handled.exists():
        raise ValidationError(_("Whoever registered, routed or handled a matter does not supervise it."))


def _at_handler(matter: GridMatter):
    return matter.handler_org


def _guard_feedback(matter, actor, *, feedback_how="", feedback_on=None, satisfaction="", **fields) -> None:
    errors = {}
    if not (feedback_how or "").strip():
        errors["feedback_how"] = [_("Please say how the reporter was answered.")]
    if feedback_on is None or (matter.resolved_on and feedback_on < matter.resolved_on):
        errors["feedback_on"] = [_("The answer cannot be dated before the matter was handled.")]
    if not satisfaction:
        errors["satisfaction"] = [_("Please record the reporter's satisfaction.")]
    if errors:
        raise ValidationError(errors)


def _guard_resolve(matter, actor, *, measures="", resolved_on=None, **fields) -> None:
    errors = {}
    if not (measures or "").strip():
        errors["measures"] = [_("Please record the measures taken.")]
    if resolved_on is None or resolved_on < matter.registered_on:
        errors["resolved_on"] = [_("The matter cannot be handled before it was registered.")]
    if errors:
        raise ValidationError(errors)


GRID_MATTER = {
    (G.REGISTERED, G.ROUTED): Transition(gettext_lazy("Route"), cap=VCap.HANDLE_GRID, at=_at_handler),
    (G.ROUTED, G.ROUTED): Transition(gettext_lazy("Route"), cap=VCap.HANDLE_GRID, at=_at_handler),
    (G.HANDLING, G.ROUTED): Transition(gettext_lazy("Route"), cap=VCap.HANDLE_GRID, at=_at_handler),
    (G.REGISTERED, G.HANDLING): Transition(gettext_lazy("Accept"), cap=VCap.HANDLE_GRID, at=_at_handler),
    (G.ROUTED, G.HANDLING): Transition(gettext_lazy("Accept"), cap=VCap.HANDLE_GRID, at=_at_handler),
    (G.HANDLING, G.RESOLVED): Transition(
        gettext_lazy("Record the handling"), cap=VCap.HANDLE_GRID, at=_at_handler, guard=_guard_resolve
    ),
    (G.RESOLVED, G.ANSWERED): Transition(
        gettext_lazy("Record the feedback"), cap=VCap.HANDLE_GRID, at=_at_handler, guard=_guard_feedback
    ),
    (G.ANSWERED, G.CLOSED): Transition(
        pgettext_lazy("matter", "Close"), cap=VCap.SUPERVISE_GRID, who=not_a_handler
    ),
    (G.ANSWERED, G.HANDLING): Transition(
        gettext_lazy("Reopen"), cap=VCap.SUPERVISE_GRID, who=not_a_handler, note_required=True
    ),
}


WORKFLOWS = {Leave: LEAVE, MajorMatterReport: MAJOR_MATTER, Decision: DECISION, GridMatter: GRID_MATTER}
