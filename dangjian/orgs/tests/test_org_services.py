"""Organisation services: create, update, move and dissolve check rights and rules and write nothing on refusal."""

from __future__ import annotations

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.core import audit
from dangjian.orgs import selectors, services
from dangjian.orgs.models import Organisation, OrgKind
from dangjian.orgs.tests.factories import make_org, make_person

pytestmark = pytest.mark.django_db


def _paths() -> dict[int, str]:
    return dict(Organisation.objects.values_list("pk", "path"))


def test_org_create_adds_a_child_with_a_pinyin_sort_key(personas, county):
    org = services.org_create(
        parent=county.township_a, actor=personas.township_a, name="中共A3村支部委员会", kind=OrgKind.BRANCH
    )
    assert Organisation.objects.get_parent(org).pk == county.township_a.pk
    assert org.sort_key == "zhong gong a3 cun zhi bu wei yuan hui"


def test_org_create_refuses_a_branch_secretary(personas, county):
    before = Organisation.objects.count()
    with pytest.raises(PermissionDenied):
        services.org_create(
            parent=county.village_a1, actor=personas.village_a1, name="党小组", kind=OrgKind.BRANCH
        )
    assert Organisation.objects.count() == before


def test_org_create_refuses_a_dissolved_parent(personas, county):
    old = make_org(county.township_a, "老支部")
    Organisation.objects.filter(pk=old.pk).update(dissolved_on=date(2025, 1, 1))
    old.refresh_from_db()
    before = Organisation.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.org_create(parent=old, actor=personas.township_a, name="新支部", kind=OrgKind.BRANCH)
    assert exc.value.messages == ["上级组织已撤销，不能在其下新建组织。"]
    assert Organisation.objects.count() == before


def test_org_update_renames_and_the_audit_log_keeps_the_old_name(personas, county):
    services.org_update(org=county.village_a1, actor=personas.township_a, name="中共A1村委员会")
    county.village_a1.refresh_from_db()
    assert county.village_a1.name == "中共A1村委员会"
    changes = [c for e in audit.timeline(county.village_a1, viewer=None) for c in e.changes]
    assert ("组织全称", "中共A1村支部委员会", "中共A1村委员会") in changes


def test_org_update_refuses_an_empty_name(personas, county):
    with pytest.raises(ValidationError) as exc:
        services.org_update(org=county.village_a1, actor=personas.township_a, name="  ")
    assert exc.value.message_dict == {"name": ["请填写组织全称。"]}
    county.village_a1.refresh_from_db()
    assert county.village_a1.name == "中共A1村支部委员会"


def test_org_update_refuses_the_other_township(personas, county):
    with pytest.raises(PermissionDenied):
        services.org_update(org=county.village_a1, actor=personas.township_b, name="改名")


def test_org_move_moves_the_whole_subtree_and_logs_the_move(personas, county):
    group = make_org(county.village_a2, "A2村党小组")
    services.org_move(org=county.village_a2, new_parent=county.township_b, actor=personas.county_admin)
    county.village_a2.refresh_from_db()
    group.refresh_from_db()
    assert Organisation.objects.get_parent(county.village_a2).pk == county.township_b.pk
    assert group.path.startswith(county.village_a2.path)
    assert LogEntry.objects.filter(
        object_pk=str(county.village_a2.pk), additional_data__event="调整隶属关系"
    ).exists()


@pytest.mark.parametrize(
    ("org", "target", "message"),
    [
        ("township_a", "village_a1", "不能把组织移到它自己或它的下级组织之下。"),
        ("township_a", "township_a", "不能把组织移到它自己或它的下级组织之下。"),
        ("village_a1", "township_a", "该组织已经在这个上级组织之下。"),
        ("county", "township_b", "不能移动最上级组织。"),
    ],
)
def test_org_move_refuses_impossible_moves_and_changes_nothing(personas, county, org, target, message):
    before = _paths()
    with pytest.raises(ValidationError) as exc:
        services.org_move(
            org=getattr(county, org), new_parent=getattr(county, target), actor=personas.county_admin
        )
    assert exc.value.messages == [message]
    assert _paths() == before


def test_org_move_refuses_a_dissolved_target(personas, county):
    old = make_org(county.township_a, "老支部")
    Organisation.objects.filter(pk=old.pk).update(dissolved_on=date(2025, 1, 1))
    old.refresh_from_db()
    before = _paths()
    with pytest.raises(ValidationError) as exc:
        services.org_move(org=county.village_a2, new_parent=old, actor=personas.township_a)
    assert exc.value.messages == ["目标上级组织已撤销。"]
    assert _paths() == before


def test_org_move_refuses_a_target_outside_the_actors_subtree(personas, county):
    before = _paths()
    with pytest.raises(PermissionDenied):
        services.org_move(org=county.village_a1, new_parent=county.township_b, actor=personas.township_a)
    assert _paths() == before


def test_org_dissolve_keeps_the_organisation_but_hides_it_from_current_lists(personas, county):
    empty = make_org(county.township_a, "空支部")
    services.org_dissolve(org=empty, actor=personas.township_a, on=date(2026, 11, 1), reason="村庄合并")
    empty.refresh_from_db()
    assert empty.dissolved_on == date(2026, 11, 1)
    assert not Organisation.objects.current().filter(pk=empty.pk).exists()
    assert Organisation.objects.visible_to(personas.township_a).filter(pk=empty.pk).exists()
    tree = selectors.tree_for_user(personas.township_a)
    assert empty.pk not in {c.org.pk for c in tree[0].children}
    tree = selectors.tree_for_user(personas.township_a, include_dissolved=True)
    assert empty.pk in {c.org.pk for c in tree[0].children}


def test_org_dissolve_refuses_an_organisation_with_members(personas, county):
    make_person(county.village_a1, "张三")
    with pytest.raises(ValidationError) as exc:
        services.org_dissolve(
            org=county.village_a1, actor=personas.township_a, on=date(2026, 11, 1), reason="合并"
        )
    assert exc.value.messages == ["该组织还有在册人员，请先办理组织关系转接。"]
    county.village_a1.refresh_from_db()
    assert county.village_a1.dissolved_on is None


def test_org_dissolve_refuses_an_organisation_with_current_children(personas, county):
    with pytest.raises(ValidationError) as exc:
        services.org_dissolve(
            org=county.township_a, actor=personas.county_admin, on=date(2026, 11, 1), reason="撤并"
        )
    assert exc.value.messages == ["请先撤销或转出其下级组织。"]
    assert Organisation.objects.current().filter(pk=county.township_a.pk).exists()


def test_org_dissolve_refuses_twice(personas, county):
    empty = make_org(county.township_a, "空支部")
    services.org_dissolve(org=empty, actor=personas.township_a, on=date(2026, 11, 1), reason="合并")
    with pytest.raises(ValidationError) as exc:
        services.org_dissolve(org=empty, actor=personas.township_a, on=date(2026, 11, 2), reason="再次")
    assert exc.value.messages == ["该组织已经撤销。"]
    empty.refresh_from_db()
    assert empty.dissolved_on == date(2026, 11, 1)


def test_org_dissolve_refuses_a_branch_secretary(personas, county):
    with pytest.raises(PermissionDenied):
        services.org_dissolve(
            org=county.village_a1, actor=personas.village_a1, on=date(2026, 11, 1), reason="合并"
        )
    county.village_a1.refresh_from_db()
    assert county.village_a1.dissolved_on is None


def test_tree_children_counts_members_of_each_whole_subtree(personas, county):
    group = make_org(county.village_a1, "A1村党小组")
    make_person(group, "甲")
    make_person(county.village_a1, "乙")
    make_person(county.village_a2, "丙")
    nodes = selectors.tree_children(personas.county_admin, county.township_a)
    assert {n.org.pk: n.members for n in nodes} == {county.village_a1.pk: 2, county.village_a2.pk: 1}


def test_the_list_annotation_names_the_parent_and_the_current_secretary(personas, county):
    from dangjian.orgs.models import Post, PostKind

    person = make_person(county.village_b1, "王五")
    Post.objects.create(
        org=county.village_b1,
        person=person,
        kind=PostKind.SECRETARY,
        started_on=date(2020, 1, 1),
        ended_on=date(2023, 1, 1),
    )
    successor = make_person(county.village_b1, "赵六")
    Post.objects.create(
        org=county.village_b1, person=successor, kind=PostKind.SECRETARY, started_on=date(2023, 1, 1)
    )
    row = selectors.annotate_list(
        Organisation.objects.filter(pk=county.village_b1.pk), user=personas.county_admin
    ).get()
    assert (row.parent_name, row.secretary_name, row.full_members) == ("中共B镇委员会", "赵六", 2)
    top = selectors.annotate_list(
        Organisation.objects.filter(pk=county.county.pk), user=personas.county_admin
    ).get()
    assert top.parent_name is None
