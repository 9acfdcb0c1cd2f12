"""The training sign-in sheet (培训签到表): names or ID numbers and hours, checked against the course's
organisation and imported all or none through ``core.exports.Importer``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core import crypto
from dangjian.core.exports import CellError, Column, Importer, ParsedRow, RowError, text
from dangjian.orgs.models import Person

from .models import TrainingRecord

NAME, ID_NUMBER, HOURS = "姓名", "身份证号", "学时"


def parse_hours(value) -> Decimal | None:
    raw = text(value)
    if not raw:
        return None
    try:
        hours = Decimal(raw).quantize(Decimal("0.1"))
    except InvalidOperation as exc:
        raise CellError(_("“%(value)s” is not a number of hours") % {"value": raw}) from exc
    if hours < 0:
        raise CellError(_("hours cannot be negative"))
    return hours


class SignInImporter(Importer):
    """Rows of a course's sign-in sheet become training records (the course is in ``context``)."""

    title = gettext_lazy("Training sign-in sheet")
    columns = [
        Column(NAME, "name", required=True, help="党员姓名。"),
        Column(ID_NUMBER, "id_number", help="重名时必填：18 位公民身份号码。", width=22),
        Column(
            HOURS,
            "hours",
            required=True,
            parse=parse_hours,
            help="本次培训获得的学时，不超过培训总学时。",
            width=10,
        ),
    ]

    def prepare(self, rows: list[ParsedRow]) -> None:
        course = self.context["course"]
        self.course = course
        people = list(
            Person.objects.members()
            .filter(org__path__subtree=course.org.path)
            .only("id", "name", "id_digest", "org_id")
        )
        self.by_name: dict[str, list[Person]] = {}
        for p in people:
            self.by_name.setdefault(p.name, []).append(p)
        self.by_digest = {p.id_digest: p for p in people}
        self.already = set(TrainingRecord.objects.filter(course=course).values_list("person_id", flat=True))

    def check_row(self, row: ParsedRow) -> None:
        name, number, hours = row.values["name"], row.values["id_number"], row.values["hours"]
        org = self.course.org.label
        if number:
            person = self.by_digest.get(crypto.digest(number))
            if person is None or person.name != name:
                row.errors.append(
                    RowError(
                        row.number,
                        ID_NUMBER,
                        _("no member of %(org)s has this name and ID number") % {"org": org},
                    )
                )
                return
        else:
            found = self.by_name.get(name, [])
            if not found:
                row.errors.append(
                    RowError(
                        row.number,
                        NAME,
                        _("no member of %(org)s is called %(name)s") % {"org": org, "name": name},
                    )
                )
                return
            if len(found) > 1:
                row.errors.append(
                    RowError(
                        row.number,
                        ID_NUMBER,
                        _("%(n)s members are called %(name)s: give the ID number")
                        % {"n": len(found), "name": name},
                    )
                )
                return
            person = found[0]
        if hours is not None and hours > self.course.hours:
            row.errors.append(
                RowError(
                    row.number,
                    HOURS,
                    _("more than the course's %(hours)s hours") % {"hours": self.course.hours},
                )
            )
        if person.pk in self.already:
            row.errors.append(RowError(row.number, NAME, _("already recorded on this course")))
        row.values["person"] = person

    def check_all(self, rows: list[ParsedRow]) -> None:
        seen: dict[int, int] = {}
        for row in rows:
            person = row.values.get("person")
            if person is None or row.errors:
                continue
            if person.pk in seen:
                row.errors.append(
                    RowError(
                        row.number, NAME, _("the same person as in row %(row)s") % {"row": seen[person.pk]}
                    )
                )
            else:
                seen[person.pk] = row.number

    def write(self, rows: list[ParsedRow]) -> int:
        from . import services

        entries = [(r.values["person"], r.values["hours"]) for r in rows]
        return len(services.training_record(course=self.course, actor=self.actor, entries=entries))
