"""Shared test personas and a small county: one definition for every app's tests.

Tree::

    县委 (county)
    ├── A镇党委 (township_a) ── A1村党支部 (village_a1), A2村党支部 (village_a2)
    └── B镇党委 (township_b) ── B1村党支部 (village_b1)
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.core.cache import cache

from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.roles import Role
from dangjian.orgs.models import OrgKind, Sector
from dangjian.orgs.tests.factories import make_org, make_person

# The browser journeys' fixtures (one headless Chromium per test process), for every app's journeys.
pytest_plugins = ("dangjian.core.tests.browser.fixtures",)

PASSWORD = "Test-pass-2026"


@dataclass
class County:
    county: object
    township_a: object
    township_b: object
    village_a1: object
    village_a2: object
    village_b1: object


def pytest_configure(config):
    """Compile the translation catalogues so messages are asserted in Chinese, as users see them."""
    from django.core.management import call_command

    call_command("compile_translations", verbosity=0)
    # Real hashing costs ~0.3 s per user; tests create many users.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run at once, inside the request that starts them, so a page test sees the job's result.
    # dangjian/core/tests/test_jobs.py runs the real database backend and its worker loop.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Files made by jobs go to a temporary folder, never into the working tree.
    import tempfile

    settings.PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="dangjian-private-")


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _site_language():
    """A request in English leaves English active in this process; every test starts in the site language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def build_county() -> County:
    """The small county of the module docstring (a plain function: the leak walk builds it once per module)."""
    county = make_org(
        None, "某某县委员会", kind=OrgKind.COUNTY_COMMITTEE, sector=Sector.MIXED, short_name="县委"
    )
    ta = make_org(
        county, "中共A镇委员会", kind=OrgKind.TOWNSHIP_COMMITTEE, sector=Sector.MIXED, short_name="A镇党委"
    )
    tb = make_org(
        county, "中共B镇委员会", kind=OrgKind.TOWNSHIP_COMMITTEE, sector=Sector.MIXED, short_name="B镇党委"
    )
    a1 = make_org(ta, "中共A1村支部委员会", short_name="A1村党支部")
    a2 = make_org(ta, "中共A2村支部委员会", short_name="A2村党支部")
    b1 = make_org(tb, "中共B1村支部委员会", short_name="B1村党支部")
    return County(county, ta, tb, a1, a2, b1)


@pytest.fixture
def county(db) -> County:
    return build_county()


def _user(username: str, display: str, role: str | None, org, subtree: bool = True, **extra) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, display_name=display, **extra)
    if role:
        RoleAssignment.objects.create(user=user, role=role, org=org, include_subtree=subtree)
    return user


@dataclass
class Personas:
    admin: User
    county_admin: User
    township_a: User
    township_b: User
    village_a1: User
    inspector: User
    member: User

    def all(self) -> dict[str, User]:
        return dict(vars(self))


def build_personas(county: County) -> Personas:
    """One account per persona (a plain function, like ``build_county``)."""
    return Personas(
        admin=_user("sysadmin", "系统管理员", None, None, is_superuser=True, is_staff=True),
        county_admin=_user("zzb", "组织部干事", Role.ORG_DEPT, county.county),
        township_a=_user("ta_sec", "A镇书记", Role.TOWNSHIP, county.township_a),
        township_b=_user("tb_sec", "B镇书记", Role.TOWNSHIP, county.township_b),
        village_a1=_user("a1_sec", "A1村书记", Role.BRANCH_SECRETARY, county.village_a1),
        inspector=_user("inspector", "督查组", Role.INSPECTOR, county.county),
        member=_user("member", "普通党员", Role.MEMBER, county.village_a1, subtree=False),
    )


@pytest.fixture
def personas(county) -> Personas:
    return build_personas(county)


@pytest.fixture(scope="module")
def module_county(django_db_setup, django_db_blocker):
    """The county and the personas built ONCE for a whole test module, rolled back after its last test.

    Each test still runs in its own savepoint (``db``): what a test writes is undone after it, what
    the module built stays. Use it with ``db`` in every test of the module (never ``transactional_db``).
    """
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            county = build_county()
            yield county, build_personas(county)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def build_tiny_demo(seed: int = 2026, *, only: tuple[str, ...] | None = None):
    """The hidden "tiny" demo county, built by every app's contributor in order as ``manage.py demo`` does
    (or only by the steps named in ``only``); returns the context the contributors shared."""
    import random

    from dangjian.core import demo

    steps = demo.contributors()
    unknown = set(only or ()) - {key for key, _build in steps}
    assert not unknown, f"no demo step {unknown}"
    ctx = demo.DemoContext(scale="tiny", seed=seed, rng=random.Random(seed), out=lambda line: None)
    for key, build in steps:
        if only is None or key in only:
            build(ctx)
    return ctx


@pytest.fixture(scope="module")
def module_tiny_demo(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The tiny demo built ONCE for a whole test module, rolled back after its last test.

    A build costs 10–20 s; every test of a module that reads it shares one. The seed is 2026 unless the
    module sets ``TINY_DEMO_SEED``. Files the build writes go to a temporary folder. Tests use
    ``tiny_demo`` (below), never this fixture itself.
    """
    from django.db import transaction
    from django.test import override_settings

    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("tiny-demo-media")),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_tiny_demo(getattr(request.module, "TINY_DEMO_SEED", 2026))
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def tiny_demo(module_tiny_demo, db):
    """The module's tiny demo in this test's savepoint (what the test writes is undone after it), with a
    context of its own: a copy of the one the build left, random generator included, whatever earlier
    tests did with theirs. Every database test of a module that uses it must use it (the demo is there
    from the first such test to the module's end); such a module runs on one xdist worker (below)."""
    import copy

    return copy.deepcopy(module_tiny_demo)


@pytest.fixture
def people(county):
    """One member in every village, with distinct names."""
    return {
        "a1": make_person(county.village_a1, "张三"),
        "a2": make_person(county.village_a2, "李四"),
        "b1": make_person(county.village_b1, "王五"),
    }


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups (``--dist loadgroup``)
def pytest_collection_modifyitems(config, items):
    """The tests of a module sharing the tiny demo run on one worker, which builds it once.

    Browser journeys need Chromium; without it they skip, except under CI where that is a failure."""
    for item in items:
        if "module_tiny_demo" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group(f"tiny_demo:{item.module.__name__}"))
    has_browser = os.path.exists(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
    if has_browser or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(
        reason="未找到 Chromium：请运行 `apt-get install -y chromium fonts-noto-cjk` 后再运行浏览器测试。"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
