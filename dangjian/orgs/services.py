"""Writes to the organisation tree and the roster. Views, imports and the demo call only these."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypinyin import Style, lazy_pinyin

from dangjian.core import audit, crypto, workflow
from dangjian.core.scoping import ensure_can

from .models import MemberTally, Organisation, OrgKind, OrgWarning, Person, Post, PostKind, Transfer
from .rules import MANAGE_PEOPLE
from .validators import mask_id, parse_citizen_id, validate_credit_code

MANAGE_ORGS = "manage_orgs"


def _site_language(text) -> str:
    """``text`` in the site language: audit entries are records, the same for every reader."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


# ------------------------------------------------------------------ names


@lru_cache(maxsize=65536)
def pinyin_key(name: str) -> str:
    """Full pinyin without tones, for sorting by pronunciation ("zhang san")."""
    return " ".join(lazy_pinyin(name, errors="default")).lower()


@lru_cache(maxsize=65536)
def pinyin_initials(name: str) -> str:
    """First letters of each syllable ("zs" for 张三)."""
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")).lower()


# ------------------------------------------------------------------ organisations

ORG_FIELDS = (
    "name",
    "short_name",
    "kind",
    "sector",
    "unit_relation",
    "unit_name",
    "unit_kind",
    "joint_units",
    "credit_code",
    "contact_name",
    "phone",
    "founded_on",
    "committee_elected_on",
    "term_years",
)


_UNIT_SEPARATORS = re.compile(r"[\n、，,；;]+")


def split_units(text) -> list[str]:
    """Unit names as clerks type them — one a line or separated by 、，；— trimmed, each once."""
    names = (name.strip() for name in _UNIT_SEPARATORS.split(text or ""))
    return list(dict.fromkeys(name[:120] for name in names if name))


def org_fields_clean(fields: dict) -> dict:
    """Normalise and check organisation fields (shared by the forms and the importer)."""
    unknown = set(fields) - set(ORG_FIELDS)
    if unknown:
        raise TypeError(f"unknown organisation fields: {sorted(unknown)}")
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            raise ValidationError({"name": _("Please give the full name of the organisation.")})
    if fields.get("credit_code"):
        fields["credit_code"] = fields["credit_code"].strip().upper()
        validate_credit_code(fields["credit_code"])
    if "joint_units" in fields:
        fields["joint_units"] = "\n".join(split_units(fields["joint_units"]))
        if fields["joint_units"] and fields.get("kind", OrgKind.JOINT_BRANCH) != OrgKind.JOINT_BRANCH:
            raise ValidationError(
                {"joint_units": _("Only a joint branch lists the units it covers.")}, code="not_joint"
            )
    founded, elected = fields.get("founded_on"), fields.get("committee_elected_on")
    if founded and elected and elected < founded:
        raise ValidationError(
            {"committee_elected_on": _("The committee election date cannot be before the founding date.")}
        )
    return fields


def org_create(*, parent: Organisation | None, actor=None, check: bool = True, **fields) -> Organisation:
    """Add an organisation under ``parent`` (a new root when parent is None; administrators only)."""
    fields = org_fields_clean(fields)
    if check and actor is not None:
        ensure_can(actor, MANAGE_ORGS if parent else "administer", parent)
    fields["sort_key"] = pinyin_key(fields.get("short_name") or fields["name"])
    with transaction.atomic():
        if parent is None:
            return Organisation.objects.add_root(create_kwargs=fields)
        parent = Organisation.objects.select_for_update().get(pk=parent.pk)
        if parent.is_dissolved:
            raise ValidationError(
                _("The parent organisation is dissolved; no organisation can be added under it.")
            )
        return Organisation.objects.add_child(parent, create_kwargs=fields)


def org_update(*, org: Organisation, actor, **fields) -> Organisation:
    """Change an organisation's details (renaming keeps its history in the audit log)."""
    ensure_can(actor, MANAGE_ORGS, org)
    if "joint_units" in fields:
        fields.setdefault("kind", org.kind)  # whether the units may be listed depends on the kind
    fields = org_fields_clean(fields)
    for name, value in fields.items():
        setattr(org, name, value)
    org.sort_key = pinyin_key(org.short_name or org.name)
    org.full_clean(exclude=["path", "depth", "numchild"])
    org.save()
    return org


def org_move(*, org: Organisation, new_parent: Organisation, actor) -> Organisation:
    """Move an organisation and everything below it under another parent."""
    ensure_can(actor, MANAGE_ORGS, org)
    ensure_can(actor, MANAGE_ORGS, new_parent)
    if org.depth == 1:
        raise ValidationError(_("The top organisation cannot be moved."))
    if new_parent.path.startswith(org.path):
        raise ValidationError(
            _("An organisation cannot be moved under itself or one of its own sub-organisations.")
        )
    if new_parent.is_dissolved:
        raise ValidationError(_("The new parent organisation is dissolved."))
    old_parent = Organisation.objects.get_parent(org)
    if old_parent and old_parent.pk == new_parent.pk:
        raise ValidationError(_("The organisation is already under this parent."))
    with transaction.atomic():
        Organisation.objects.move(org, new_parent, pos="last-child")
        org.refresh_from_db()
        audit.log_event(
            org,
            changes={"parent": [str(old_parent or ""), str(new_parent)]},
            event=_site_language(gettext_lazy("Moved to another parent organisation")),
        )
    return org


def org_dissolve(*, org: Organisation, actor, on: date, reason: str) -> Organisation:
    """Dissolve (撤销) an organisation: kept in history, hidden from current lists."""
    ensure_can(actor, MANAGE_ORGS, org)
    if org.is_dissolved:
        raise ValidationError(_("The organisation is already dissolved."))
    if not reason.strip():
        raise ValidationError({"reason": _("Please give the reason for the dissolution.")})
    if org.founded_on and on < org.founded_on:
        raise ValidationError({"on": _("The dissolution date cannot be before the founding date.")})
    if Organisation.objects.filter(
        path__subtree=org.path, depth__gt=org.depth, dissolved_on__isnull=True
    ).exists():
        raise ValidationError(_("First dissolve or move out its sub-organisations."))
    if Person.objects.current().filter(org=org).exists():
        raise ValidationError(
            _("The organisation still has members on its roll; transfer their membership first.")
        )
    org.dissolved_on = on
    org.dissolved_reason = reason.strip()
    org.save(update_fields=["dissolved_on", "dissolved_reason"])
    return org


# ------------------------------------------------------------------ people

PERSON_FIELDS = (
    "name",
    "sex",
    "ethnicity",
    "education",
    "category",
    "joined_on",
    "converted_on",
    "job",
    "phone",
    "address",
    "standing",
    "lost_contact",
    "lost_contact_on",
    "mobile",
    "mobile_destination",
)


def check_member_dates(
    *, birth_date: date, category: str, joined_on, converted_on, today: date | None = None
) -> dict[str, str]:
    """Rules between dates of the member form, as {field: message} (empty when fine); ``today``: the day
    they are checked on (an import reads it once for its rows)."""
    errors: dict[str, str] = {}
    today = today or timezone.localdate()
    if joined_on:
        if joined_on > today:
            errors["joined_on"] = _("The date of joining the Party cannot be after today.")
        else:
            eighteen = _add_years(birth_date, 18)
            if joined_on < eighteen:
                # Not the birth date itself: it is part of the ID number (docs/personal-data.md).
                errors["joined_on"] = _(
                    "Under 18 on joining the Party, by the birth date in the ID number;"
                    " please check the date of joining."
                )
    if converted_on:
        if not joined_on:
            errors["converted_on"] = _("A full-membership date is given but no date of joining the Party.")
        elif converted_on < joined_on:
            errors["converted_on"] = _(
                "The full-membership date cannot be before the date of joining the Party."
            )
        elif converted_on > today:
            errors["converted_on"] = _("The full-membership date cannot be after today.")
    if category in ("full", "probationary") and not joined_on:
        errors["joined_on"] = _("A Party member needs a date of joining the Party.")
    if category == "probationary" and converted_on:
        errors["converted_on"] = _("A probationary member should not have a full-membership date.")
    return errors


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def id_fields(id_number: str) -> dict:
    """Protected storage of a citizen ID: ciphertext, lookup digest, masked form, suffix, birth date, sex."""
    cid = parse_citizen_id(id_number)
    return {
        "id_cipher": crypto.encrypt(cid.number),
        "id_digest": crypto.digest(cid.number),
        "id_masked": mask_id(cid.number),
        "id_suffix": cid.number[-4:],
        "birth_date": cid.birth_date,
        "sex": cid.sex,
    }


def build_person(*, org: Organisation, id_number: str, today: date | None = None, **fields) -> Person:
    """An unsaved, fully validated person (shared by the form and the bulk import); ``today`` as
    ``check_member_dates`` takes it."""
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    try:
        protected = id_fields(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc
    sex = fields.pop("sex", "") or protected["sex"]
    if sex != protected["sex"]:
        raise ValidationError(
            {
                "sex": _(
                    "The sex does not match the ID number (an odd 17th digit means male, an even one female)."
                )
            }
        )
    protected["sex"] = sex
    name = (fields.pop("name", "") or "").strip()
    if not name:
        raise ValidationError({"name": _("Please give the name.")})
    fields.setdefault("category", "full")
    errors = check_member_dates(
        birth_date=protected["birth_date"],
        category=fields["category"],
        joined_on=fields.get("joined_on"),
        converted_on=fields.get("converted_on"),
        today=today,
    )
    if errors:
        raise ValidationError(errors)
    return Person(
        org=org,
        name=name,
        name_pinyin=pinyin_key(name),
        name_initials=pinyin_initials(name),
        **protected,
        **fields,
    )


# The answer to an ID number on the roll outside the actor's sight: it says no more than "not here".
UNREGISTRABLE_ID = gettext_lazy(
    "This ID number cannot be registered; please ask the organisation department above to check it."
)


def duplicate_refusal(*, existing: Person, actor, org: Organisation, inside: bool | None = None) -> str:
    """The message refusing an ID number already on the roll as ``existing``; the attempt is audited.

    A record the actor may see is named; one outside their sight gets the neutral
    ``UNREGISTRABLE_ID``, so that nobody learns what another township's roster holds. Either
    way the attempt is written on the existing record (an access event: the county's auditors
    see who tried, and where, e.g. someone guessing numbers). ``inside`` says whether the actor
    may see ``existing`` when the caller already knows it (one query less).
    """
    audit.log_access(
        existing,
        what=_site_language(gettext_lazy("Refused registering this ID number again, in %(org)s"))
        % {"org": org.name},
        actor=actor,
    )
    if inside is None:
        inside = actor is None or Person.objects.visible_to(actor).filter(pk=existing.pk).exists()
    if not inside:
        return str(UNREGISTRABLE_ID)
    return _(
        "This ID number is already registered (%(name)s, %(org)s); do not enter it again"
        " (to move a member in, transfer their membership)."
    ) % {"name": existing.name, "org": existing.org.name}


def _refuse_if_registered(person: Person, *, actor, exclude_pk: int | None = None) -> None:
    existing = Person.objects.select_related("org").filter(id_digest=person.id_digest).exclude(pk=exclude_pk)
    existing = existing.first()
    if existing is not None:
        raise ValidationError(
            {"id_number": duplicate_refusal(existing=existing, actor=actor, org=person.org)}
        )


def person_create(*, org: Organisation, actor, id_number: str, **fields) -> Person:
    """Add a person to an organisation's roster."""
    ensure_can(actor, MANAGE_PEOPLE, org)
    if org.is_dissolved:
        raise ValidationError(_("The organisation is dissolved; no one can be added to it."))
    person = build_person(org=org, id_number=id_number, **fields)
    _refuse_if_registered(person, actor=actor)
    person.save()
    return person


def person_update(*, person: Person, actor, id_number: str | None = None, **fields) -> Person:
    """Change a person's details; the ID number is re-validated when given."""
    ensure_can(actor, MANAGE_PEOPLE, person)
    data = {name: getattr(person, name) for name in PERSON_FIELDS}
    data.update(fields)
    number = id_number or reveal_id_number(person, log=False)
    fresh = build_person(org=person.org, id_number=number, **data)
    if fresh.id_digest != person.id_digest:
        _refuse_if_registered(fresh, actor=actor, exclude_pk=person.pk)
    for name in (
        *PERSON_FIELDS,
        "name_pinyin",
        "name_initials",
        "id_cipher",
        "id_digest",
        "id_masked",
        "id_suffix",
        "birth_date",
        "sex",
    ):
        setattr(person, name, getattr(fresh, name))
    person.version += 1
    person.save()
    return person


def person_transfer(*, person: Person, to_org: Organisation, actor, on: date, note: str = "") -> Transfer:
    """Move a person's membership to another organisation; the old one stays in the history."""
    ensure_can(actor, MANAGE_PEOPLE, person)
    ensure_can(actor, MANAGE_PEOPLE, to_org)
    if person.status != Person.Status.ACTIVE:
        raise ValidationError(_("Only people on the roll can have their membership transferred."))
    if to_org.pk == person.org_id:
        raise ValidationError(_("The receiving organisation is the current one."))
    if to_org.is_dissolved:
        raise ValidationError(_("The receiving organisation is dissolved."))
    if on > timezone.localdate():
        raise ValidationError({"on": _("The transfer date cannot be after today.")})
    _check_posts_end_after_start(person, on, only_org_id=person.org_id)
    last = person.transfers.order_by("-on").values_list("on", flat=True).first()
    if last and on < last:
        raise ValidationError(
            {"on": _("The date is before the previous transfer (%(date)s).") % {"date": last}}
        )
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        transfer = Transfer.objects.create(
            person=locked, from_org_id=locked.org_id, to_org=to_org, on=on, note=note, actor=actor
        )
        # Posts belong to the organisation the person leaves.
        Post.objects.filter(person=locked, org_id=locked.org_id, ended_on__isnull=True).update(ended_on=on)
        locked.org = to_org
        locked.version += 1
        locked.save(update_fields=["org", "version"])
    person.org = to_org
    return transfer


def _check_posts_end_after_start(person: Person, on: date, *, only_org_id: int | None = None) -> None:
    """Ending the person's open posts on ``on`` must not end one before it started."""
    posts = Post.objects.filter(person=person, ended_on__isnull=True, started_on__gt=on)
    if only_org_id is not None:
        posts = posts.filter(org_id=only_org_id)
    started = posts.order_by("-started_on").values_list("started_on", flat=True).first()
    if started:
        raise ValidationError(
            {
                "on": _("The date is before the start of a post this person holds (%(date)s).")
                % {"date": started}
            }
        )


def person_leave(
    *,
    person: Person,
    actor,
    on: date,
    reason: str,
    deceased: bool = False,
    expected_version: int | None = None,
) -> Person:
    """Record that a person left the roll or died (never deleted); their posts end that day."""
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be after today.")})
    reason = (reason or "").strip()
    if not deceased and not reason:
        raise ValidationError({"reason": _("Please give the reason for leaving.")})
    _check_posts_end_after_start(person, on)
    to = Person.Status.DECEASED if deceased else Person.Status.LEFT
    with transaction.atomic():
        person = workflow.transition(
            obj=person,
            to=to,
            actor=actor,
            note=reason,
            fields={"left_on": on, "left_reason": reason},
            expected_version=expected_version,
        )
        Post.objects.filter(person=person, ended_on__isnull=True).update(ended_on=on)
    return person


def person_restore(*, person: Person, actor, reason: str, expected_version: int | None = None) -> Person:
    """Put a person who had left back on the roll (e.g. recorded by mistake)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give the reason for restoring.")})
    return workflow.transition(
        obj=person,
        to=Person.Status.ACTIVE,
        actor=actor,
        note=reason,
        fields={"left_on": None, "left_reason": ""},
        expected_version=expected_version,
    )


def reveal_id_number(person: Person, *, log: bool = True, actor=None) -> str:
    """The full ID number. Callers check the unmask right; every reveal to a user is logged."""
    number = crypto.decrypt(person.id_cipher)
    if log:
        audit.log_access(person, what=_site_language(gettext_lazy("Viewed the full ID number")), actor=actor)
    return number


def person_unmask(*, person: Person, actor) -> str:
    """Show a full ID number to a role allowed to see it; the view is written to the audit log."""
    ensure_can(actor, "unmask_id", person)
    return reveal_id_number(person, actor=actor)


# ------------------------------------------------------------------ posts


def post_start(
    *, org: Organisation, person: Person, kind: str, started_on: date, actor, note: str = ""
) -> Post:
    """Appoint a person to a post. A secretary post held by someone else ends the day before."""
    ensure_can(actor, MANAGE_PEOPLE, org)
    if person.status != Person.Status.ACTIVE:
        raise ValidationError(_("Only people on the roll can hold a post."))
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": _("The start date of the post cannot be after today.")})
    if kind not in PostKind.values:
        raise ValidationError({"kind": _("Unknown post.")})
    with transaction.atomic():
        if Post.objects.filter(org=org, person=person, kind=kind, ended_on__isnull=True).exists():
            raise ValidationError(_("This person already holds this post."))
        if kind == PostKind.SECRETARY:
            for old in Post.objects.select_for_update().filter(org=org, kind=kind, ended_on__isnull=True):
                if old.started_on >= started_on:
                    raise ValidationError(
                        {
                            "started_on": _(
                                "The new secretary's start date must be after the current secretary's start date."
                            )
                        }
                    )
                old.ended_on = started_on
                old.save(update_fields=["ended_on"])
        return Post.objects.create(org=org, person=person, kind=kind, started_on=started_on, note=note)


def post_end(*, post: Post, ended_on: date, actor, note: str = "") -> Post:
    """End a post (免职/离任); the post stays in the history."""
    ensure_can(actor, MANAGE_PEOPLE, post)
    if post.ended_on is not None:
        raise ValidationError(_("This post has already ended."))
    if ended_on < post.started_on:
        raise ValidationError({"ended_on": _("The end date cannot be before the start date of the post.")})
    post.ended_on = ended_on
    if note:
        post.note = note
    post.save(update_fields=["ended_on", "note"])
    return post


# ------------------------------------------------------------------ the daily record of warnings

RECORD_CHUNK = 5000  # organisations reckoned at a time: a province's 130 000 never all in memory


def record_warnings(*, today: date) -> dict[str, int]:
    """``manage.py daily``: every current organisation's health warnings reckoned for ``today`` and
    recorded (``OrgWarning``), replacing the last run's record in one transaction; safe to run twice.

    Wide scopes count and list their warnings from this record (``selectors.warning_summary``).
    """
    from .selectors import warnings_for, with_health

    found: list[OrgWarning] = []
    current = Organisation.objects.current().order_by("pk").values_list("pk", flat=True)
    last = 0
    while chunk := list(current.filter(pk__gt=last)[:RECORD_CHUNK]):
        orgs = Organisation.objects.current().filter(pk__gt=last, pk__lte=chunk[-1]).order_by()
        last = chunk[-1]
        for org in with_health(orgs, today=today) or []:
            found += [
                OrgWarning(org_id=org.pk, code=w.code, found_on=today) for w in warnings_for(org, today=today)
            ]
    with transaction.atomic():
        OrgWarning.objects.all().delete()
        OrgWarning.objects.bulk_create(found, batch_size=2000)
    return {"org_warnings": len(found)}


def record_member_tallies(*, today: date) -> dict[str, int]:
    """``manage.py daily``: the party members in the subtree of every wide organisation (more than
    ``MEMBERS_LIVE_MAX_ORGS`` below it) and of each of its children, counted and recorded (``MemberTally``),
    replacing the last run's in one transaction; one count of the members per depth of wide organisations.

    The tree of a wide scope shows these (``selectors.tree_for_user``, ``tree_children``).
    """
    from functools import reduce
    from operator import or_

    from django.db.models import Q

    from .selectors import members_by_prefix, wide_paths

    step = Organisation.steplen
    totals: dict[str, int] = {}
    for depth, paths in wide_paths(settings.MEMBERS_LIVE_MAX_ORGS).items():
        under = reduce(or_, (Q(org__path__startswith=path) for path in paths))
        # By child: a key as long as a child's path is its subtree; the wide organisation's own path, its own roll.
        by_child = members_by_prefix(Person.objects.filter(under), (depth + 1) * step)
        for path in paths:
            totals[path] = sum(n for prefix, n in by_child.items() if prefix.startswith(path))
        totals.update((prefix, n) for prefix, n in by_child.items() if len(prefix) > depth * step)
        children = Organisation.objects.filter(
            reduce(or_, (Q(path__startswith=path) for path in paths)), depth=depth + 1
        )
        totals.update((path, totals.get(path, 0)) for path in children.values_list("path", flat=True))
    orgs = dict(Organisation.objects.filter(path__in=list(totals)).values_list("path", "pk"))
    tallies = [
        MemberTally(org_id=orgs[path], path=path, members=n, counted_on=today)
        for path, n in totals.items()
        if path in orgs
    ]
    with transaction.atomic():
        MemberTally.objects.all().delete()
        MemberTally.objects.bulk_create(tallies, batch_size=2000)
    return {"member_tallies": len(tallies)}


def record_member_tallies_now() -> None:
    """The demo's last step: the member tallies a wide scope's tree reads, as the daily run leaves them."""
    record_member_tallies(today=timezone.localdate())


def record_warnings_now() -> None:
    """The demo's last step: the record a wide scope's warnings are counted from, as the daily run leaves it."""
    record_warnings(today=timezone.localdate())
