"""How much the demo builds (scales) and who the members of each kind of branch are (profiles)."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import (
    Education,
    Job,
)

# ------------------------------------------------------------------ scales


@dataclass(frozen=True)
class Scale:
    """How much to build: counties (under cities, under a province) and the contents of each county."""

    cities: int = 0  # 0: the county is the root; otherwise a city (1) or a province of cities
    counties_per_city: int = 1
    townships: int = 19
    villages: int = 250
    agencies: int = 42
    county_schools: int = 8
    county_institutions: int = 6
    enterprises: int = 45
    joint_branches: int = 3
    social: int = 14
    township_units: bool = True  # a school and a health centre per township
    vacancies: int = 5
    no_committee: int = 3
    too_small: int = 3
    expired: int = 4
    first_secretaries: int = 30
    graduates: int = 20
    size_factor: float = 1.0  # multiplies every planned branch size


TINY = dict(
    townships=2,
    villages=5,
    agencies=2,
    county_schools=1,
    county_institutions=1,
    enterprises=3,
    joint_branches=0,
    social=1,
    township_units=False,
    vacancies=1,
    no_committee=1,
    too_small=1,
    expired=1,
    first_secretaries=1,
    graduates=1,
    size_factor=0.4,
)

SCALES = {
    "tiny": Scale(**TINY),
    "tiny_province": Scale(cities=2, counties_per_city=2, **TINY),  # resumable builds in tests
    "county": Scale(),
    "city": Scale(cities=1, counties_per_city=10),
    "province": Scale(cities=13, counties_per_city=20),
}


# ------------------------------------------------------------------ member profiles


@dataclass
class Profile:
    """Who the members of a kind of branch are: ages, sex ratio, schooling, jobs."""

    birth: tuple[int, int, int]  # low, high, mode (years)
    male: float
    education: dict[str, float]
    jobs: dict[str, float]
    join_age: tuple[int, int, int] = (20, 45, 27)
    mobile: float = 0.0


E, J = Education, Job
PROFILES = {
    "rural": Profile(
        (1936, 2002, 1962),
        0.74,
        {E.JUNIOR: 55, E.HIGH_SCHOOL: 25, E.TECHNICAL: 8, E.COLLEGE: 9, E.BACHELOR: 3},
        {J.FARMER: 72, J.WORKER: 10, J.RETIRED: 6, J.OTHER: 12},
        (18, 50, 27),
        0.07,
    ),
    "community": Profile(
        (1938, 2002, 1960),
        0.5,
        {E.JUNIOR: 25, E.HIGH_SCHOOL: 30, E.TECHNICAL: 12, E.COLLEGE: 18, E.BACHELOR: 15},
        {J.RETIRED: 48, J.ENTERPRISE_STAFF: 16, J.WORKER: 12, J.OTHER: 24},
        (19, 45, 28),
        0.03,
    ),
    "agency": Profile(
        (1966, 2001, 1982),
        0.62,
        {E.BACHELOR: 60, E.POSTGRADUATE: 8, E.COLLEGE: 28, E.TECHNICAL: 4},
        {J.CIVIL_SERVANT: 92, J.INSTITUTION_STAFF: 8},
        (20, 38, 25),
    ),
    "school": Profile(
        (1966, 2001, 1981),
        0.42,
        {E.BACHELOR: 70, E.POSTGRADUATE: 6, E.COLLEGE: 24},
        {J.TEACHER: 92, J.INSTITUTION_STAFF: 8},
        (20, 40, 26),
    ),
    "health": Profile(
        (1966, 2001, 1983),
        0.38,
        {E.BACHELOR: 50, E.POSTGRADUATE: 8, E.COLLEGE: 35, E.TECHNICAL: 7},
        {J.INSTITUTION_STAFF: 100},
        (20, 40, 27),
    ),
    "enterprise": Profile(
        (1966, 2002, 1984),
        0.66,
        {E.HIGH_SCHOOL: 25, E.TECHNICAL: 15, E.COLLEGE: 35, E.BACHELOR: 25},
        {J.ENTERPRISE_STAFF: 55, J.WORKER: 45},
        (19, 40, 26),
    ),
    "social": Profile(
        (1955, 2000, 1975),
        0.55,
        {E.HIGH_SCHOOL: 20, E.COLLEGE: 40, E.BACHELOR: 40},
        {J.OTHER: 60, J.ENTERPRISE_STAFF: 25, J.RETIRED: 15},
        (20, 45, 28),
    ),
}


PROFILE_OF = {
    "village": "rural",
    "community": "community",
    "agency": "agency",
    "school": "school",
    "health": "health",
}
