"""The ledger's door: other modules raise items from their records through one call, once, with their right."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.core import registry
from dangjian.core.caps import Cap
from dangjian.core.modules import ItemSource
from dangjian.ledger import door
from dangjian.ledger.models import Item, ItemLink, ItemList
from dangjian.orgs.tests.factories import make_person

from .builders import TODAY, handed_item, media  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def source(monkeypatch):
    """People stand in for a module's records (e.g. a talk): registered as a source needing "inspect"."""
    kind = ItemSource("orgs.Person", "测试来源", "orgs:person_detail", source="talk", cap=Cap.INSPECT)
    monkeypatch.setitem(registry.item_sources, "orgs.person", kind)
    return kind


# Later than both the tests' fixed day and the real one (a list raised without ``today`` is handed down today).
_LATER = max(TODAY, timezone.localdate()) + timedelta(days=30)


def findings(n=2, **extra):
    return [door.Finding(title=f"问题{i}", key=f"p{i}", deadline=_LATER, **extra) for i in range(1, n + 1)]


def test_findings_become_handed_down_items_of_a_list_linked_to_the_record(county, personas, source):
    record = make_person(county.village_a1, "谈话对象")
    items = door.items_from_source(
        source_record=record,
        issuer=county.township_a,
        org=county.village_a1,
        findings=findings(),
        actor=personas.township_a,
        today=TODAY,
    )
    assert [i.title for i in items] == ["问题1", "问题2"]
    assert {i.status for i in items} == {Item.Status.HANDED_DOWN}
    assert {i.source_record for i in items} == {record}
    item_list = items[0].item_list
    assert item_list.source_record == record and item_list.status == ItemList.Status.ISSUED
    assert item_list.org == county.township_a and item_list.source == "talk"
    assert items[0].supervisor_org == county.township_a


def test_raising_the_same_findings_twice_creates_nothing_new(county, personas, source):
    record = make_person(county.village_a1, "谈话对象")
    kwargs = dict(
        source_record=record, issuer=county.township_a, org=county.village_a1, actor=personas.township_a
    )
    first = door.items_from_source(findings=findings(), **kwargs)
    second = door.items_from_source(findings=findings(3), **kwargs)
    assert [i.pk for i in second[:2]] == [i.pk for i in first]
    assert Item.objects.filter(source_id=record.pk).count() == 3
    assert ItemList.objects.filter(source_id=record.pk).count() == 1


def test_an_inspector_without_the_hand_down_right_can_raise_items_from_an_inspection_source(
    county, personas, source
):
    record = make_person(county.village_a1, "检查记录")
    items = door.items_from_source(
        source_record=record,
        issuer=county.county,
        org=county.village_a1,
        findings=findings(1),
        actor=personas.inspector,
    )
    assert items[0].item_list.created_by == personas.inspector


def test_someone_without_the_sources_right_is_refused_and_nothing_is_written(county, personas, source):
    record = make_person(county.village_a1, "谈话对象")
    with pytest.raises(PermissionDenied):
        door.items_from_source(
            source_record=record,
            issuer=county.village_a1,
            org=county.village_a1,
            findings=findings(),
            actor=personas.village_a1,
        )
    assert not ItemList.objects.exists() and not Item.objects.exists()


def test_a_finding_that_cannot_become_an_item_refuses_all_of_them(county, personas, source):
    record = make_person(county.village_a1, "谈话对象")
    bad = [*findings(1), door.Finding(title="没有期限", key="x")]
    with pytest.raises(ValidationError) as exc:
        door.items_from_source(
            source_record=record,
            issuer=county.township_a,
            org=county.village_a1,
            findings=bad,
            actor=personas.township_a,
        )
    assert "时限" in " ".join(exc.value.messages)
    assert not ItemList.objects.exists() and not Item.objects.exists()


def test_no_findings_is_refused_with_a_message(county, personas, source):
    with pytest.raises(ValidationError, match="没有"):
        door.items_from_source(
            source_record=make_person(county.village_a1, "谈话对象"),
            issuer=county.township_a,
            org=county.village_a1,
            findings=[],
            actor=personas.township_a,
        )


def test_an_unregistered_record_kind_cannot_raise_items(county, personas):
    with pytest.raises(ImproperlyConfigured, match="item_sources"):
        door.items_from_source(
            source_record=county.village_a1,
            issuer=county.township_a,
            org=county.village_a1,
            findings=findings(),
            actor=personas.township_a,
        )


def test_the_source_sees_only_the_items_the_viewer_may_see(county, personas, source):
    record = make_person(county.township_a, "集体谈话")
    per_village = [
        door.Finding(title="A1的问题", key="a1", org=county.village_a1, deadline=_LATER),
        door.Finding(title="A2的问题", key="a2", org=county.village_a2, deadline=_LATER),
    ]
    door.items_from_source(
        source_record=record,
        issuer=county.township_a,
        org=county.village_a1,
        findings=per_village,
        actor=personas.township_a,
    )
    assert [i.title for i in door.items_of_source(record, personas.village_a1)] == ["A1的问题"]
    assert door.items_of_source(record, personas.township_a).count() == 2
    assert door.items_of_source(record, personas.township_b).count() == 0


def test_a_linked_record_counts_as_an_interview_on_the_escalation_list(county, personas, source):
    item = handed_item(county, personas)
    record = make_person(county.village_a1, "约谈记录")
    link = door.link_record(item=item, record=record, kind=ItemLink.Kind.INTERVIEW, actor=personas.inspector)
    again = door.link_record(item=item, record=record, kind=ItemLink.Kind.INTERVIEW, actor=personas.inspector)
    assert link.pk == again.pk
    assert [lk.item for lk in door.links_of_record(record)] == [item]
