"""Finding 12 of issue 7: a form is shown only to those who may post it (the same right, a 403 page).

The accountability form opened for a member and a village secretary, who could not post it. Every
view that shows a form on GET and acts on POST is listed here with a persona that sees the record
but lacks the right: both methods answer 403 and nothing changes, even with a valid form posted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.core.tests.leakwalk import fingerprint as _fingerprint
from dangjian.ledger import services as ledger
from dangjian.orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db


@dataclass
class World:
    county: object
    personas: object
    person: object
    item: object
    item_list: object


@pytest.fixture
def world(county, personas):
    person = make_person(county.village_a1, "本人")
    personas.member.person = person
    personas.member.save()
    item_list = ledger.list_create(org=county.township_a, title="问责清单", actor=personas.township_a)
    item = ledger.item_create(
        item_list=item_list,
        org=county.village_a1,
        title="本人事项",
        actor=personas.township_a,
        person=person,
        deadline=timezone.localdate() + timedelta(days=10),
    )
    ledger.list_issue(item_list=item_list, actor=personas.township_a)
    item.refresh_from_db()
    return World(county, personas, person, item, item_list)


TODAY = timezone.localdate().isoformat()

VALID_ACCOUNTABILITY = {
    "target": "cadre",
    "person_name": "本人",
    "outcome": "accountable",
    "forms": ["notice"],
    "body": "org_dept",
    "facts": "整改逾期，予以通报。",
    "decided_on": TODAY,
}

# (name, persona, url(world), valid POST data(world)); the persona sees the record but lacks the right.
FORMS = [
    (
        "ledger:accountability_create",
        "member",
        lambda w: reverse("ledger:accountability_create", args=[w.item.pk]),
        lambda w: VALID_ACCOUNTABILITY,
    ),
    (
        "ledger:accountability_create",
        "village_a1",
        lambda w: reverse("ledger:accountability_create", args=[w.item.pk]),
        lambda w: VALID_ACCOUNTABILITY,
    ),
    (
        "talks:interview_create",
        "member",
        lambda w: reverse("talks:interview_create", args=[w.item.pk]),
        lambda w: {"held_on": TODAY, "talker": "谁", "talkee": "本人", "content": "谈话内容"},
    ),
    (
        "talks:interview_create",
        "village_a1",
        lambda w: reverse("talks:interview_create", args=[w.item.pk]),
        lambda w: {"held_on": TODAY, "talker": "谁", "talkee": "本人", "content": "谈话内容"},
    ),
    (
        "ledger:item_add",
        "inspector",
        lambda w: reverse("ledger:item_add", args=[w.item_list.pk]),
        lambda w: {"orgs": [w.county.village_a2.pk], "title": "新事项", "deadline": "2099-01-01"},
    ),
    (
        "ledger:items_paste",
        "inspector",
        lambda w: reverse("ledger:items_paste", args=[w.item_list.pk]),
        lambda w: {"orgs": [w.county.village_a2.pk], "text": "一\n二", "deadline": "2099-01-01"},
    ),
    (
        "ledger:list_create",
        "village_a1",
        lambda w: reverse("ledger:list_create"),
        lambda w: {"org": w.county.village_a1.pk, "title": "越权清单", "issued_on": TODAY},
    ),
    (
        "orgs:org_edit",
        "village_a1",
        lambda w: reverse("orgs:org_edit", args=[w.county.village_a1.pk]),
        lambda w: {"name": "改名", "kind": "branch", "unit_relation": "same"},
    ),
    (
        "orgs:org_create",
        "village_a1",
        lambda w: reverse("orgs:org_create", args=[w.county.village_a1.pk]),
        lambda w: {"name": "新支部", "kind": "branch", "unit_relation": "same"},
    ),
    (
        "orgs:org_dissolve",
        "member",
        lambda w: reverse("orgs:org_dissolve", args=[w.county.village_a1.pk]),
        lambda w: {"on": TODAY, "reason": "撤销"},
    ),
    (
        "orgs:person_create",
        "member",
        lambda w: reverse("orgs:person_create"),
        lambda w: {"org": w.county.village_a1.pk, "name": "新人", "id_number": "11010519491231002X"},
    ),
    (
        "orgs:person_edit",
        "member",
        lambda w: reverse("orgs:person_edit", args=[w.person.pk]),
        lambda w: {"name": "改名", "category": "full", "ethnicity": "汉族", "standing": "normal"},
    ),
    (
        "orgs:person_leave",
        "member",
        lambda w: reverse("orgs:person_leave", args=[w.person.pk]),
        lambda w: {"on": TODAY, "reason": "迁出", "version": w.person.version},
    ),
    (
        "orgs:person_transfer",
        "inspector",
        lambda w: reverse("orgs:person_transfer", args=[w.person.pk]),
        lambda w: {"to_org": w.county.village_a2.pk, "on": TODAY},
    ),
    (
        "orgs:post_create",
        "inspector",
        lambda w: reverse("orgs:post_create", args=[w.county.village_a1.pk]),
        lambda w: {"person": w.person.pk, "kind": "committee", "started_on": TODAY},
    ),
    (
        "orgs:import_upload",
        "village_a1",
        lambda w: reverse("orgs:import_upload", kwargs={"kind": "members"}),
        lambda w: {},
    ),
    (
        "accounts:user_create",
        "village_a1",
        lambda w: reverse("accounts:user_create"),
        lambda w: {
            "username": "new_user",
            "display_name": "新",
            "password": "Long-enough-2026",
            "org": w.county.village_a1.pk,
            "role": "member",
        },
    ),
    ("parameters", "township_a", lambda w: reverse("parameters"), lambda w: {"key": "x", "value": "1"}),
]


@pytest.mark.parametrize(("name", "persona", "url", "data"), FORMS, ids=[f"{f[0]}-{f[1]}" for f in FORMS])
def test_a_form_is_refused_alike_on_get_and_on_post_to_a_persona_without_the_right(
    world, name, persona, url, data
):
    client = Client()
    client.force_login(getattr(world.personas, persona))
    target = url(world)
    get = client.get(target)
    assert get.status_code == 403, f"GET {name} as {persona}: {get.status_code}"
    assert "403" in get.content.decode() or "权限" in get.content.decode()
    before = _fingerprint(world.item)
    post = client.post(target, data(world))
    assert post.status_code == 403, f"POST {name} as {persona}: {post.status_code}"
    assert _fingerprint(world.item) == before


def test_the_accountability_form_opens_for_a_role_that_may_record_it(world, client):
    client.force_login(world.personas.township_a)
    url = reverse("ledger:accountability_create", args=[world.item.pk])
    assert client.get(url).status_code == 200
    client.post(
        url,
        {
            "target": "cadre",
            "person_name": "本人",
            "outcome": "accountable",
            "forms": ["notice"],
            "body": "org_dept",
            "facts": "整改逾期，予以通报。",
            "decided_on": TODAY,
        },
    )
    assert world.item.accountabilities.count() == 1
