"""Leak-walk rows of the orgs module: organisations, people, posts, the roster import and exports.

See ``dangjian/core/tests/leakwalk.py`` for what each row kind checks.
"""

from __future__ import annotations

import re
from datetime import date

from django.urls import reverse
from django.utils import timezone

from dangjian.core.tests.leakwalk import (
    Built,
    api_detail,
    api_list,
    create,
    detail,
    export,
    form_data,
    page,
    session_holds,
    write,
)
from dangjian.orgs.tests.factories import make_org, make_person

PERSON_NAMES = {
    "county": "赵县直",
    "township_a": "钱甲镇",
    "township_b": "孙乙镇",
    "village_a1": "李甲一",
    "village_a2": "周甲二",
    "village_b1": "吴乙一",
}


# --- records ---


def _org(world, key):
    org = world.orgs[key]
    return org, [org.name] + ([org.short_name] if org.short_name else [])


def _person(world, key):
    name = PERSON_NAMES[key]
    return make_person(world.orgs[key], name), [name]


def _post(world, key):
    from dangjian.orgs import services

    post = services.post_start(
        org=world.orgs[key],
        person=world.get("person", key),
        kind="committee",
        started_on=date(2020, 1, 1),
        actor=world.admin,
    )
    return post, []  # the person's name is the distinctive string, checked through "person"


def _empty_org(world, key):
    """A branch without members under the county and each township (one that may be dissolved)."""
    if key not in ("county", "township_a", "township_b"):
        return None
    name = f"待撤销支部{PERSON_NAMES[key][1:]}"
    return make_org(world.orgs[key], name, founded_on=date(2020, 1, 1)), [name]


def _left_person(world, key):
    """A person who left the roll (one that may be restored)."""
    from dangjian.orgs import services

    name = f"离册{PERSON_NAMES[key]}"
    person = make_person(world.orgs[key], name)
    services.person_leave(
        person=person, actor=world.admin, on=timezone.localdate(), reason="迁出", deceased=False
    )
    return person, [name]


def _moved_person(world, key):
    """A member of A1 appointed to A镇's committee, then transferred to B1: the post stays with A镇.

    Township A sees the person's name on its own committee (``reach``); B1's side sees the
    person and where they came from (the transfer is B1's record), never A镇's post.
    """
    from dangjian.orgs import services

    if key != "village_b1":
        return None
    name = "调任人乙"
    person = make_person(world.orgs["village_a1"], name)
    services.post_start(
        org=world.orgs["township_a"],
        person=person,
        kind="committee",
        started_on=date(2021, 1, 1),
        actor=world.admin,
    )
    services.person_transfer(
        person=person, to_org=world.orgs["village_b1"], actor=world.admin, on=timezone.localdate(), note=""
    )
    return Built(person, (name,), reach=("township_a",), discloses=(("org", "village_a1"),))


OBJECTS = {
    "org": _org,
    "person": _person,
    "post": _post,
    "empty_org": _empty_org,
    "left_person": _left_person,
    "moved_person": _moved_person,
}


# --- form data (VALID data for each form; ``key`` names the organisation the other fields point to) ---


def _new_org(world, parent, key):
    from dangjian.orgs.forms import OrganisationForm
    from dangjian.orgs.models import OrgKind

    form = OrganisationForm(initial={"kind": OrgKind.BRANCH, "sector": parent.sector})
    return form_data(form, name=f"走查新建支部{PERSON_NAMES[key]}")


def _org_edit(world, org, key):
    from dangjian.orgs.forms import OrganisationForm

    return form_data(OrganisationForm(instance=org), unit_name="走查编辑单位")


def _person_initial(person) -> dict:
    from dangjian.orgs import services

    return {name: getattr(person, name) for name in ("name", *services.PERSON_FIELDS)}


def _person_edit(world, person, key):
    from dangjian.orgs.forms import PersonForm

    return form_data(PersonForm(person=person, initial=_person_initial(person)), address="走查编辑住址")


def _new_person(world, org, key):
    from dangjian.orgs.forms import PersonForm
    from dangjian.orgs.models import Organisation
    from dangjian.orgs.tests.factories import make_id

    initial = _person_initial(world.get("person", key)) | {"org": org}
    form = PersonForm(orgs=Organisation.objects.all(), initial=initial)
    return form_data(form, name=f"走查新增{PERSON_NAMES[key]}", id_number=make_id(date(1980, 2, 3)))


def _members_file(org) -> dict:
    from dangjian.orgs.tests.factories import make_id
    from dangjian.orgs.tests.fixtures import member_row, members_file

    return {
        "file": members_file(
            [member_row(org.name, 姓名="走查导入人", 公民身份号码=make_id(date(1991, 4, 5)))]
        )
    }


def _upload_members(client, world, org, key) -> None:
    client.post(reverse("orgs:import_upload", kwargs={"kind": "members"}), _members_file(org))


def _focus(world, org, key) -> dict:
    return {"org": org.pk, "next": "/"}


def _focused(response, client) -> bool:
    """Focusing writes the session only: accepted when the session names the organisation."""
    from dangjian.core.middleware import FOCUS_SESSION_KEY

    return FOCUS_SESSION_KEY in client.session


def _today(*_args) -> str:
    return timezone.localdate().isoformat()


def _no_fields(world, obj, key) -> dict:
    return {}


ROUTES = {
    "orgs:tree": page("org"),
    "orgs:org_list": page("org"),
    "orgs:warnings": page(),
    # The organisation picker's search: every organisation's name holds "委员会".
    "orgs:org_search": page("org", query={"q": "委员会"}),
    # Focusing names an organisation: one the persona may not see is a 404 and the session stays as it was.
    "orgs:focus": create("org", _focus, accepted=_focused, obj="org"),
    "orgs:org_detail": detail("org"),
    "orgs:tree_children": detail("org"),
    "orgs:org_create": write("org", _new_org),
    "orgs:org_edit": write("org", _org_edit),
    # Moving names a second organisation: A镇 moving A2 under A1 works, under anything outside must not.
    "orgs:org_move": write(
        "org", lambda w, org, key: {"new_parent": w.orgs[key].pk}, second=("village_a2", "village_a1")
    ),
    "orgs:org_dissolve": write("empty_org", lambda w, org, key: {"on": _today(), "reason": "走查撤销"}),
    "orgs:person_list": page(("person", "moved_person"), outside_query={"org": "org"}),
    "orgs:person_create": create("org", _new_person, obj="org"),
    "orgs:person_detail": detail(("person", "moved_person")),
    "orgs:person_edit": write("person", _person_edit),
    "orgs:person_unmask": write("person", _no_fields),
    "orgs:person_transfer": write(
        "person",
        lambda w, person, key: {"to_org": w.orgs[key].pk, "on": _today(), "note": ""},
        second=("village_a1", "village_a2"),
    ),
    "orgs:person_leave": write(
        "person", lambda w, p, key: {"on": _today(), "reason": "走查离册", "version": p.version}
    ),
    "orgs:person_restore": write(
        "left_person", lambda w, p, key: {"reason": "走查恢复", "version": p.version}
    ),
    # Appointing names a person: A镇 appointing A1's member works, anyone outside must not.
    "orgs:post_create": write(
        "org",
        lambda w, org, key: {"person": w.get("person", key).pk, "kind": "deputy", "started_on": _today()},
        kwargs=lambda org: {"org_pk": org.pk},
        second=("township_a", "village_a1"),
    ),
    "orgs:post_end": write("post", lambda w, post, key: {"ended_on": _today(), "note": ""}),
    # The preview writes nothing: accepted when the file waits in the session for its confirmation.
    "orgs:import_upload": create(
        "org",
        lambda w, org, key: _members_file(org),
        fixed={"kind": "members"},
        accepted=session_holds("import_pending"),
    ),
    "orgs:import_template": export(fixed={"kind": "members"}),
    "orgs:import_confirm": create("org", _no_fields, fixed={"kind": "members"}, prepare=_upload_members),
    "orgs:person_export": export("person"),
    "orgs:org_export": export("org"),
    "orgs:warnings_export": export("org"),
    "organisation-list": api_list("org"),
    "organisation-detail": api_detail("org"),
    "person-list": api_list("person"),
    "person-detail": api_detail(("person", "moved_person")),
}


# --- numbers: member counts against the oracle ---


def _members_under(world, persona, org, *, direct=False) -> int:
    from dangjian.orgs.models import Person

    people = Person.objects.members().filter(org__in=world.record_orgs(persona))
    return people.filter(org=org).count() if direct else people.filter(org__path__startswith=org.path).count()


def _tree_counts(world, persona, client) -> list[str]:
    """Each node of the tree (and of each organisation's children) counts only members the persona may see."""
    from dangjian.orgs.models import Organisation

    problems = []
    pages = [reverse("orgs:tree")] + [
        reverse("orgs:tree_children", args=[org.pk]) for org in world.allowed_orgs(persona)
    ]
    for url in pages:
        text = client.get(url).content.decode()
        for pk, shown in re.findall(r'data-testid="tree-node" data-org="(\d+)" data-members="(\d+)"', text):
            org = Organisation.objects.get(pk=pk)
            expected = _members_under(world, persona, org)
            if int(shown) != expected:
                problems.append(f"{url}: {org.name} shows {shown} members, the persona may see {expected}")
    return problems


def _summary_counts(world, persona, client) -> list[str]:
    """An organisation's page counts only members the persona may see (here and in the subtree)."""
    problems = []
    for org in world.allowed_orgs(persona):
        text = client.get(reverse("orgs:org_detail", args=[org.pk])).content.decode()
        found = re.search(r'data-direct="(\d+)" data-subtree="(\d+)"', text)
        if found is None:
            continue  # not shown to this persona
        expected = (_members_under(world, persona, org, direct=True), _members_under(world, persona, org))
        if tuple(map(int, found.groups())) != expected:
            problems.append(
                f"{org.name} shows {found.groups()} (here, subtree), the persona may see {expected}"
            )
    return problems


NUMBERS = {"orgs:tree": [_tree_counts], "orgs:org_detail": [_summary_counts]}
