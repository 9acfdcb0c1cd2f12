"""Checks of national identifiers: citizen ID (GB 11643) and unified social credit code (GB 32100)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class CitizenId:
    number: str
    birth_date: date
    sex: str  # "M" or "F"

    @property
    def masked(self) -> str:
        return mask_id(self.number)


def id_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def parse_citizen_id(raw: str, *, today: date | None = None) -> CitizenId:
    """The validated 18-digit ID with its birth date and sex, or a ValidationError saying what is wrong."""
    number = (raw or "").strip().upper().replace(" ", "")
    if len(number) == 15 and number.isdigit():
        raise ValidationError(
            _("This is an old 15-digit ID number; enter the 18-character citizen ID number."), code="id_15"
        )
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError(
            _("A citizen ID number has 18 characters: 17 digits, then a digit or X."), code="id_format"
        )
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise ValidationError(
            _("The birth date %(date)s in the ID number does not exist.") % {"date": number[6:14]},
            code="id_date",
        ) from exc
    today = today or date.today()  # noqa: DTZ011 - a calendar date, time zone does not matter here
    if birth > today or birth.year < 1800:
        raise ValidationError(
            _("The birth date %(date)s in the ID number is not plausible.") % {"date": number[6:14]},
            code="id_date",
        )
    if id_check_char(number[:17]) != number[17]:
        raise ValidationError(
            _("The check digit of the ID number is wrong; please check the number."), code="id_checksum"
        )
    sex = "M" if int(number[16]) % 2 else "F"
    return CitizenId(number, birth, sex)


def validate_citizen_id(value: str) -> None:
    parse_citizen_id(value)


def mask_id(number: str) -> str:
    """**************002X: the last four only (docs/personal-data.md says why).

    The area code and the birth date stay hidden: shown next to the birth year, the sex and
    the branch's county, they would leave a handful of candidates that the check character
    narrows to the one number. Also re-masks an older masked form (110105********002X).
    """
    if len(number) != 18:
        return "*" * len(number)
    return "*" * 14 + number[14:]


def birth_year_only(value: str) -> str:
    """A logged birth date (2026-11-22) as the year alone, for histories (docs/personal-data.md)."""
    return value[:4] if len(value) >= 4 and value[:4].isdigit() else value


_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Unified social credit code: 18 characters, check character per GB 32100-2015."""
    code = (value or "").strip().upper()
    if not code:
        return
    if len(code) != 18 or any(c not in _CREDIT_CHARS for c in code):
        raise ValidationError(
            _("A unified social credit code has 18 digits or capital letters (not I, O, Z, S or V)."),
            code="credit_format",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("The check character of the unified social credit code is wrong; please check it."),
            code="credit_checksum",
        )
