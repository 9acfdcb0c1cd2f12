"""Roster imports: organisations and members from the spreadsheets of ``columns``.

Every row is checked before anything is written; a file with any problem writes
nothing. Organisations and branches named in a file are looked up only among those
the actor may manage, so one outside the actor's scope reads exactly like one that
does not exist. The rules of a single person or organisation are the services' own
(``build_person``, ``org_create``); this module only adds the rules across rows.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dangjian.core import audit
from dangjian.core.exports import (
    YES,
    Importer,
    ImportRefused,
    ParsedRow,
    RowError,
    insert_rows,
)
from dangjian.core.hanzi import to_simplified
from dangjian.core.scoping import get_scope

from . import services
from .columns import BIRTH_HEADER, ID_HEADER, MEMBER_COLUMNS, ORG_COLUMNS, ORG_HEADER, ORG_NAME, ORG_PARENT
from .models import ImportBatch, Organisation, Person
from .services import MANAGE_ORGS, MANAGE_PEOPLE

IMPORT = "import"
BATCH_SIZE = 2000
# SQLite accepts at most 32 766 parameters per statement (999 on old builds).
LOOKUP_CHUNK = 900

# Headers of member columns named in messages (the spreadsheet contract, as in ``columns``).
LOST_CONTACT_HEADER = "是否失联"
LOST_CONTACT_ON_HEADER = "失联日期"
DESTINATION_HEADER = "外出流向"

UNKNOWN_ORG = gettext_lazy(
    "No organisation “%(name)s”: give the full name of a party organisation you manage"
    " (you can copy it from the organisation list)."
)
AMBIGUOUS_ORG = gettext_lazy(
    "Several organisations are named “%(name)s”, so it is unclear which one is meant;"
    " ask the organisation department above to resolve the duplicate name."
)
AMBIGUOUS_SHORT_NAME = gettext_lazy(
    "Several organisations you manage are called “%(name)s” for short; give the full name instead."
)
DISSOLVED_ORG = gettext_lazy("The organisation “%(name)s” is dissolved; nothing can be imported into it.")
MASKED_ID = gettext_lazy(
    "The ID number is masked and cannot be imported: enter the full 18-character citizen ID number"
    " (a roster export must be made by an account allowed to see full ID numbers)."
)
CHANGED_SINCE_CHECK = gettext_lazy(
    "Since the check, an ID number in the file has been registered; nothing was written."
    " Please upload the file again to check it."
)
_DUPLICATE_ID = gettext_lazy("Same ID number as row %(row)s.")


def _chunks(items: list, size: int = LOOKUP_CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _common_org(orgs: list[Organisation]) -> Organisation | None:
    """The deepest organisation above (or equal to) all of ``orgs``: where the batch is filed."""
    if not orgs:
        return None
    step = Organisation.steplen
    prefix = orgs[0].path
    for org in orgs[1:]:
        n = 0
        while n < min(len(prefix), len(org.path)) and prefix[n] == org.path[n]:
            n += 1
        prefix = prefix[: n - n % step]
    known = {o.path: o for o in orgs}
    return known.get(prefix) or Organisation.objects.filter(path=prefix).first()


class _ScopedImporter(Importer):
    """Shared by both rosters: who the actor is and which organisations they may write into."""

    kind = ""
    capability = ""

    def __init__(self, *, actor=None, context: dict | None = None, progress=None):
        super().__init__(actor=actor, context=context, progress=progress)
        self.scope = get_scope(actor) if actor is not None else None

    def may_write_into(self, org: Organisation) -> bool:
        if self.scope is None:  # the system itself (management command without --as)
            return True
        return self.scope.can(self.capability, org) and self.scope.can(IMPORT, org)

    def lookup_orgs(self, names: set[str]) -> dict[str, list[Organisation]]:
        """Organisations the actor may write into, by full name and by short name (one query per 900 names).

        A name in traditional characters is looked up in simplified ones too. Full names are
        kept under ``names``; short names under ``("short", name)``, used only when no full
        name matches and the short name is unique in the importer's scope.
        """
        found: dict = {}
        wanted = set(names) | {to_simplified(n) for n in names}
        base = (
            Organisation.objects.all() if self.actor is None else Organisation.objects.visible_to(self.actor)
        )
        for chunk in _chunks(sorted(wanted)):
            for org in base.filter(Q(name__in=chunk) | Q(short_name__in=chunk)):
                if not self.may_write_into(org):
                    continue
                if org.name in wanted:
                    found.setdefault(org.name, []).append(org)
                if org.short_name and org.short_name in wanted and org.short_name != org.name:
                    found.setdefault(("short", org.short_name), []).append(org)
        return found

    def resolve(self, name: str, candidates: dict) -> tuple[Organisation | None, str]:
        """The one organisation a name means, or the message saying why there is none."""
        plain = to_simplified(name)
        orgs = candidates.get(name) or candidates.get(plain) or []
        if not orgs:
            # A short name ("A1村党支部") names an organisation when it is unique in the importer's scope.
            short = [o for o in candidates.get(("short", name)) or candidates.get(("short", plain)) or []]
            current = [o for o in short if not o.is_dissolved]
            if len(current) == 1:
                return current[0], ""
            if len(current) > 1:
                return None, AMBIGUOUS_SHORT_NAME % {"name": name}
            orgs = short
        if not orgs:
            return None, UNKNOWN_ORG % {"name": name}
        current = [o for o in orgs if not o.is_dissolved]
        if not current:
            return None, DISSOLVED_ORG % {"name": name}
        if len(current) > 1:
            return None, AMBIGUOUS_ORG % {"name": name}
        return current[0], ""

    def record_batch(self, *, orgs: list[Organisation], rows: int, event) -> ImportBatch | None:
        """One ImportBatch and one audit entry for a written file.

        The audit text is a record: written in the site language, whatever the actor's screen shows.
        """
        org = _common_org(orgs)
        if org is None:
            return None
        filename = str(self.context.get("filename", ""))[:200]
        batch = ImportBatch.objects.create(
            org=org, kind=self.kind, filename=filename, rows=rows, actor=self.actor
        )
        with translation.override(settings.LANGUAGE_CODE):
            text = ngettext(
                "%(event)s %(count)s row (file: %(file)s, batch %(batch)s)",
                "%(event)s %(count)s rows (file: %(file)s, batch %(batch)s)",
                rows,
            ) % {"event": event, "count": rows, "file": filename or _("unnamed"), "batch": batch.pk}
        audit.log_event(org, changes={"import": [filename, rows]}, event=text)
        return batch


# ------------------------------------------------------------------ members


class MemberImporter(_ScopedImporter):
    """Party members into branches the actor manages; all rows or none."""

    columns = MEMBER_COLUMNS
    title = gettext_lazy("Member roster")
    kind = "members"
    capability = MANAGE_PEOPLE

    FIELD_COLUMNS = {
        "id_number": ID_HEADER,
        "name": "姓名",
        "sex": "性别",
        "joined_on": "入党日期",
        "converted_on": "转正日期",
        "category": "人员类别",
    }

    # (ID digests, people): whom check_all found on the roll with this file's numbers, for check_before_write.
    checked_on_roll: tuple[frozenset[str] | None, list[int]] = (None, [])

    def prepare(self, rows: list[ParsedRow]) -> None:
        names = {r.values["org_name"] for r in rows if r.values.get("org_name")}
        self.orgs = self.lookup_orgs(names)
        self.resolved: dict[str, tuple[Organisation | None, str]] = {}
        self.today = timezone.localdate()  # the day every row's dates are checked on

    def check_row(self, row: ParsedRow) -> None:
        v = row.values
        number = v["id_number"]
        if "*" in number:
            row.errors.append(RowError(row.number, ID_HEADER, MASKED_ID))
            return
        name = v["org_name"]
        if name not in self.resolved:
            self.resolved[name] = self.resolve(name, self.orgs)
        org, problem = self.resolved[name]
        if problem:
            row.errors.append(RowError(row.number, ORG_HEADER, problem))
        if v["lost_contact"] and not v["lost_contact_on"]:
            row.errors.append(
                RowError(
                    row.number,
                    LOST_CONTACT_ON_HEADER,
                    _("A member who lost contact needs the date contact was lost."),
                )
            )
        elif v["lost_contact_on"] and not v["lost_contact"]:
            row.errors.append(
                RowError(
                    row.number,
                    LOST_CONTACT_HEADER,
                    _("A lost-contact date is filled in, so “%(column)s” should be “%(yes)s”.")
                    % {"column": LOST_CONTACT_HEADER, "yes": YES},
                )
            )
        if v["mobile"] and not v["mobile_destination"]:
            row.errors.append(
                RowError(row.number, DESTINATION_HEADER, _("A mobile member needs the place they went to."))
            )
        try:
            person = services.build_person(
                org=org,
                id_number=number,
                today=self.today,
                name=v["name"],
                sex=v["sex"],
                ethnicity=v["ethnicity"] or "汉族",
                education=v["education"],
                category=v["category"],
                joined_on=v["joined_on"],
                converted_on=v["converted_on"],
                job=v["job"],
                phone=v["phone"],
                address=v["address"],
                standing=v["standing"] or "normal",
                lost_contact=v["lost_contact"],
                lost_contact_on=v["lost_contact_on"],
                mobile=v["mobile"],
                mobile_destination=v["mobile_destination"],
            )
        except ValidationError as exc:
            for field, messages in (
                exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
            ):
                column = self.FIELD_COLUMNS.get(field, "")
                for message in messages:
                    row.errors.append(RowError(row.number, column, message))
            return
        given = v["birth_date"]  # a date, or the year alone as an export without full ID numbers writes it
        if given and given != (person.birth_date.year if isinstance(given, int) else person.birth_date):
            row.errors.append(
                RowError(
                    row.number,
                    BIRTH_HEADER,
                    _("The birth date does not match the ID number (which gives %(date)s).")
                    % {"date": person.birth_date.isoformat()},
                )
            )
        v["_person"] = person

    def check_all(self, rows: list[ParsedRow]) -> None:
        first_row: dict[str, ParsedRow] = {}
        flagged: set[int] = set()  # earlier rows already told they are duplicated
        for row in rows:
            person = row.values.get("_person")
            if person is None:
                continue
            earlier = first_row.get(person.id_digest)
            if earlier is None:
                first_row[person.id_digest] = row
                continue
            row.errors.append(RowError(row.number, ID_HEADER, _DUPLICATE_ID % {"row": earlier.number}))
            if earlier.number not in flagged:
                flagged.add(earlier.number)
                earlier.errors.append(
                    RowError(earlier.number, ID_HEADER, _DUPLICATE_ID % {"row": row.number})
                )
        # Numbers on the roll where the actor can see them are named now (and the attempt audited);
        # those elsewhere are refused only on writing, so a preview reads the same as for a new number.
        self.checked_on_roll = (frozenset(first_row), self._on_roll(list(first_row)))
        for existing in self._registered(self.checked_on_roll[1], visible=True):
            row = first_row[existing.id_digest]
            message = services.duplicate_refusal(
                existing=existing, actor=self.actor, org=row.values["_person"].org, inside=True
            )
            row.errors.append(RowError(row.number, ID_HEADER, message))

    @staticmethod
    def _on_roll(digests: list[str]) -> list[int]:
        """The people on the roll with these ID digests, wherever they are (found by the digest's index)."""
        found: list[int] = []
        for chunk in _chunks(digests):
            found.extend(Person.objects.filter(id_digest__in=chunk).values_list("pk", flat=True))
        return found

    def _registered(self, on_roll: list[int], *, visible: bool) -> list[Person]:
        """Those of these people inside (or outside) what the actor may see.

        A file of new members, the usual case, has nobody on the roll and then asks no one's scope.
        """
        found: list[Person] = []
        for chunk in _chunks(on_roll):
            qs = Person.objects.filter(pk__in=chunk).select_related("org")
            if self.actor is not None:
                inside = Person.objects.visible_to(self.actor).values("pk")
                qs = qs.filter(pk__in=inside) if visible else qs.exclude(pk__in=inside)
            elif not visible:
                qs = qs.none()
            found.extend(qs)
        return found

    def check_before_write(self, rows: list[ParsedRow]) -> None:
        """Refuse the whole file when a number is on the roll outside the actor's sight (neutral, audited)."""
        by_digest = {row.values["_person"].id_digest: row for row in rows}
        # The people on the roll the preview of this very file found (run() checks, then writes at once).
        # Anyone registered with one of these numbers since is refused by the roll's unique index instead.
        checked, on_roll = self.checked_on_roll
        if checked != by_digest.keys():
            on_roll = self._on_roll(list(by_digest))
        errors = []
        for existing in self._registered(on_roll, visible=False):
            row = by_digest[existing.id_digest]
            message = services.duplicate_refusal(
                existing=existing, actor=self.actor, org=row.values["_person"].org, inside=False
            )
            errors.append(RowError(row.number, ID_HEADER, message))
        if errors:
            raise ImportRefused(sorted(errors, key=lambda e: e.row))

    def write(self, rows: list[ParsedRow]) -> int:
        people = [row.values["_person"] for row in rows]
        try:
            insert_rows(Person, people, batch_size=BATCH_SIZE, on_batch=self.progress.advance)
        except IntegrityError as exc:  # someone registered one of these ID numbers since the check
            raise ImportRefused([RowError(0, "", CHANGED_SINCE_CHECK)]) from exc
        orgs = list({p.org_id: p.org for p in people}.values())
        self.record_batch(orgs=orgs, rows=len(people), event=gettext_lazy("Imported members"))
        return len(people)


# ------------------------------------------------------------------ organisations


class OrganisationImporter(_ScopedImporter):
    """Organisations, each under an existing organisation or one earlier in the same file."""

    columns = ORG_COLUMNS
    title = gettext_lazy("Party organisations")
    kind = "orgs"
    capability = MANAGE_ORGS

    FIELD_COLUMNS = {
        "name": ORG_NAME,
        "credit_code": "统一社会信用代码",
        "committee_elected_on": "本届委员会选举日期",
        "joint_units": "联合支部覆盖单位",
    }

    def prepare(self, rows: list[ParsedRow]) -> None:
        parents = {r.values["parent_name"] for r in rows if r.values.get("parent_name")}
        self.orgs = self.lookup_orgs(parents)
        names = sorted({r.values["name"] for r in rows if r.values.get("name")})
        # Any current organisation anywhere: two with one full name would make roster files ambiguous.
        self.taken: set[str] = set()
        for chunk in _chunks(names):
            self.taken.update(
                Organisation.objects.current().filter(name__in=chunk).values_list("name", flat=True)
            )

    def check_all(self, rows: list[ParsedRow]) -> None:
        # In file order: a parent may be any earlier row of the same file.
        seen: dict[str, int] = {}
        may_create_roots = self.scope is None or self.scope.can("administer")
        for row in rows:
            v = row.values
            name = v.get("name")
            if not row.errors:
                self._check_one(row, seen, may_create_roots)
            if name:
                if name in seen:
                    row.errors.append(
                        RowError(
                            row.number, ORG_NAME, _("Same full name as row %(row)s.") % {"row": seen[name]}
                        )
                    )
                else:
                    seen[name] = row.number

    def _check_one(self, row: ParsedRow, seen: dict[str, int], may_create_roots: bool) -> None:
        v = row.values
        parent_name = v["parent_name"]
        if v["name"] in self.taken:
            row.errors.append(
                RowError(
                    row.number,
                    ORG_NAME,
                    _("An organisation with this name already exists; do not import it again."),
                )
            )
        if not parent_name:
            if not may_create_roots:
                row.errors.append(RowError(row.number, ORG_PARENT, _("Required; may not be empty")))
        elif parent_name not in seen:
            _org, problem = self.resolve(parent_name, self.orgs)
            if problem:
                row.errors.append(RowError(row.number, ORG_PARENT, problem))
        fields = self._fields(v)
        try:
            services.org_fields_clean(fields)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                problems = [(f, m) for f, ms in exc.message_dict.items() for m in ms]
            else:  # the credit-code validator raises without naming its field
                problems = [
                    ("credit_code" if (e.code or "").startswith("credit") else "", e.messages[0])
                    for e in exc.error_list
                ]
            for field, message in problems:
                row.errors.append(RowError(row.number, self.FIELD_COLUMNS.get(field, ""), message))

    @staticmethod
    def _fields(values: dict) -> dict:
        fields = {k: values[k] for k in services.ORG_FIELDS}
        fields["unit_relation"] = fields["unit_relation"] or "same"
        return fields

    def write(self, rows: list[ParsedRow]) -> int:
        created: dict[str, Organisation] = {}
        for row in rows:
            v = row.values
            parent_name = v["parent_name"]
            parent = created.get(parent_name) or (
                self.resolve(parent_name, self.orgs)[0] if parent_name else None
            )
            created[v["name"]] = services.org_create(
                parent=parent, actor=self.actor, check=self.actor is not None, **self._fields(v)
            )
            self.progress.advance()
        self.record_batch(
            orgs=list(created.values()), rows=len(created), event=gettext_lazy("Imported organisations")
        )
        return len(created)


IMPORTERS: dict[str, type[_ScopedImporter]] = {"members": MemberImporter, "orgs": OrganisationImporter}
