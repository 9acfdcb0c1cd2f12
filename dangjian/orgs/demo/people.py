"""Members with valid, unique citizen IDs and plausible details."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from dangjian.core.demo import DemoContext

from .. import services
from ..models import (
    Job,
    MemberCategory,
    Person,
    Standing,
)
from ..validators import id_check_char
from ._common import _add_years, _between, reference_day
from .names import (
    ETHNIC_MINORITIES,
    FEMALE_CHARS,
    FOREIGN_AREAS,
    MALE_CHARS,
    MOBILE_DESTINATIONS,
    NEUTRAL_CHARS,
    PHONE_PREFIXES,
    SURNAME_LIST,
    SURNAME_WEIGHTS,
)
from .profiles import Profile


@lru_cache(maxsize=200_000)
def _pinyin(name: str) -> tuple[str, str]:
    return services.pinyin_key(name), services.pinyin_initials(name)


class PeopleMaker:
    """Members with valid, unique citizen IDs (per area, birth date and sex) and plausible details."""

    def __init__(self, ctx: DemoContext, area: str, foreign_counters: dict):
        self.rng = ctx.rng
        self.area = area
        self.counters: dict = {}
        self.foreign = foreign_counters
        self.today = reference_day()
        self.born_elsewhere: list[
            tuple[Person, str, bool]
        ] = []  # (person, area, male) with another area's ID

    def name(self, male: bool) -> str:
        rng = self.rng
        surname = rng.choices(SURNAME_LIST, weights=SURNAME_WEIGHTS)[0]
        pool = MALE_CHARS if male else FEMALE_CHARS
        if rng.random() < 0.12:
            return surname + rng.choice(pool)
        first = rng.choice(NEUTRAL_CHARS) if rng.random() < 0.25 else rng.choice(pool)
        return surname + first + rng.choice(pool)

    def id_number(self, birth: date, male: bool, area: str | None = None) -> str:
        rng = self.rng
        area = area or (self.area if rng.random() < 0.93 else rng.choice(FOREIGN_AREAS))
        counters = self.counters if area == self.area else self.foreign
        key = (area, birth, male)
        index = counters.get(key)
        if index is None:
            index = rng.randrange(0, 40)
        counters[key] = index + 1
        seq = (index % 500) * 2 + (1 if male else 0)
        first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
        return first17 + id_check_char(first17)

    def phone(self) -> str:
        rng = self.rng
        return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"

    def person(
        self,
        profile: Profile,
        *,
        address: str,
        category: str = MemberCategory.FULL,
        birth_range: tuple[int, int] | None = None,
        education: str | None = None,
    ) -> Person:
        rng, today = self.rng, self.today
        male = rng.random() < profile.male
        if birth_range:
            year = rng.randint(*birth_range)
        else:
            low, high, mode = profile.birth
            year = int(rng.triangular(low, high, mode))
        if category == MemberCategory.PROBATIONARY:
            year = max(year, 1985)
        year = min(year, 2003)
        birth = _between(rng, date(year, 1, 1), date(year, 12, 31))
        joined = converted = None
        if category == MemberCategory.PROBATIONARY:
            joined = today - timedelta(days=rng.randint(20, 350))
            if joined < _add_years(birth, 18):
                birth = _add_years(joined, -rng.randint(19, 30))
        elif category == MemberCategory.FULL:
            low, high, mode = profile.join_age
            age = int(rng.triangular(low, high, mode))
            joined = _add_years(birth, age) + timedelta(days=rng.randrange(365))
            latest = today - timedelta(days=420)
            if joined > latest:
                joined = _between(
                    rng, max(_add_years(birth, 18) + timedelta(days=1), latest - timedelta(days=900)), latest
                )
            converted = joined + timedelta(days=365 + rng.randrange(45))
        number = self.id_number(birth, male)
        area = number[:6]
        name = self.name(male)
        pinyin, initials = _pinyin(name)
        job = rng.choices(list(profile.jobs), weights=list(profile.jobs.values()))[0]
        if today.year - birth.year >= 62 and job not in (Job.FARMER, Job.RETIRED):
            job = Job.RETIRED
        mobile = profile.mobile and job != Job.RETIRED and rng.random() < profile.mobile
        lost = rng.random() < 0.003
        person = Person(
            name=name,
            name_pinyin=pinyin,
            name_initials=initials,
            ethnicity="汉族" if rng.random() < 0.985 else rng.choice(ETHNIC_MINORITIES),
            education=education
            or rng.choices(list(profile.education), weights=list(profile.education.values()))[0],
            category=category,
            joined_on=joined,
            converted_on=converted,
            job=job,
            phone=self.phone(),
            address=address,
            standing=Standing.SUSPENDED if rng.random() < 0.002 else Standing.NORMAL,
            lost_contact=lost,
            lost_contact_on=_between(rng, date(2019, 1, 1), today - timedelta(days=200)) if lost else None,
            mobile=bool(mobile),
            mobile_destination=rng.choice(MOBILE_DESTINATIONS) if mobile else "",
            **services.id_fields(number),
        )
        if area != self.area:
            self.born_elsewhere.append((person, area, male))
        return person

    def reissue_taken(self) -> int:
        """Give a new number to anybody born in another area whose ID another county's member already holds.

        Counties are built one by one (each from its own seed, resumable), so the areas they share
        are checked against the database rather than against counters kept across counties.
        """
        from dangjian.core import crypto

        digests = [p.id_digest for p, _area, _male in self.born_elsewhere]
        taken = set(Person.objects.filter(id_digest__in=digests).values_list("id_digest", flat=True))
        changed = 0
        for person, area, male in self.born_elsewhere:
            while person.id_digest in taken:
                number = self.id_number(person.birth_date, male, area)
                digest = crypto.digest(number)
                if digest not in taken and not Person.objects.filter(id_digest=digest).exists():
                    for name, value in services.id_fields(number).items():
                        setattr(person, name, value)
                    changed += 1
        return changed
