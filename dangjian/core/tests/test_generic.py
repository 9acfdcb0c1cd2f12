"""Generic scoped views: fetched through the scope, capability checked on every method, service errors on the form."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.test import RequestFactory
from django.urls import reverse

from dangjian.core.caps import Cap
from dangjian.core.generic import ActionView, ObjectView, ServiceFormView
from dangjian.orgs.models import Organisation, Post, PostKind

pytestmark = pytest.mark.django_db


class RenameForm(forms.Form):
    short_name = forms.CharField(max_length=20)


class Rename(ServiceFormView):
    """A pretend page: rename an organisation's short name through a 'service' that may refuse."""

    queryset = Organisation.objects.all()
    capability = Cap.MANAGE_ORGS
    form_class = RenameForm
    success_message = "已改名。"
    calls: list = []

    def get_initial(self, org):
        return {"short_name": org.short_name}

    def perform(self, form, org, user):
        name = form.cleaned_data["short_name"]
        if name == "重名":
            raise ValidationError({"short_name": "该简称已被使用。"})
        if name == "冻结":
            raise ValidationError("该组织已冻结，不能改名。")
        Organisation.objects.filter(pk=org.pk).update(short_name=name)
        return name

    def get_success_url(self, org, name):
        return f"/orgs/{org.pk}/?renamed={len(name)}"

    def render(self, obj, **context):
        form = context["form"]
        return JsonResponse({"org": obj.pk, "initial": form.initial, "errors": form.errors.get_json_data()})


def call(view_class, user, method="get", data=None, **kwargs):
    request = getattr(RequestFactory(), method)("/x/", data or {})
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    response = view_class.as_view()(request, **kwargs)
    return request, response


def test_the_form_view_shows_the_form_for_a_record_in_scope_with_its_initial_values(county, personas):
    _, response = call(Rename, personas.township_a, pk=county.village_a1.pk)
    assert response.status_code == 200 and b"A1\\u6751" in response.content  # the short name as initial value


def test_a_record_outside_the_scope_is_not_found_on_get_and_post(county, personas):
    for method in ("get", "post"):
        with pytest.raises(Http404):
            call(Rename, personas.township_a, method, {"short_name": "新名"}, pk=county.village_b1.pk)
    assert Organisation.objects.get(pk=county.village_b1.pk).short_name == "B1村党支部"


def test_the_capability_is_checked_on_post_as_well_as_get_and_nothing_changes(county, personas):
    for method in ("get", "post"):
        with pytest.raises(PermissionDenied):
            call(Rename, personas.inspector, method, {"short_name": "新名"}, pk=county.village_a1.pk)
    assert Organisation.objects.get(pk=county.village_a1.pk).short_name == "A1村党支部"


def test_a_service_refusal_appears_on_its_field_or_on_top_and_nothing_changes(county, personas):
    _, response = call(Rename, personas.county_admin, "post", {"short_name": "重名"}, pk=county.village_a1.pk)
    errors = json.loads(response.content)["errors"]
    assert errors["short_name"][0]["message"] == "该简称已被使用。"
    _, response = call(Rename, personas.county_admin, "post", {"short_name": "冻结"}, pk=county.village_a1.pk)
    assert json.loads(response.content)["errors"]["__all__"][0]["message"] == "该组织已冻结，不能改名。"
    assert Organisation.objects.get(pk=county.village_a1.pk).short_name == "A1村党支部"


def test_success_flashes_the_message_and_redirects_where_the_view_says(county, personas):
    request, response = call(
        Rename, personas.county_admin, "post", {"short_name": "新名"}, pk=county.village_a1.pk
    )
    assert response.status_code == 302 and response["Location"] == f"/orgs/{county.village_a1.pk}/?renamed=2"
    assert [str(m) for m in get_messages(request)] == ["已改名。"]
    assert Organisation.objects.get(pk=county.village_a1.pk).short_name == "新名"


def test_an_invalid_form_never_reaches_the_service(county, personas):
    _, response = call(Rename, personas.county_admin, "post", {"short_name": ""}, pk=county.village_a1.pk)
    assert "short_name" in json.loads(response.content)["errors"]
    assert Organisation.objects.get(pk=county.village_a1.pk).short_name == "A1村党支部"


class Freeze(ActionView):
    """A pretend button: a 'service' that refuses a frozen organisation, else renames it."""

    queryset = Organisation.objects.all()
    capability = Cap.MANAGE_ORGS
    success_url_name = "orgs:org_detail"
    success_message = "已处理。"

    def perform(self, form, org, user):
        if org.short_name == "A1村党支部":
            raise ValidationError("该组织已冻结。")
        Organisation.objects.filter(pk=org.pk).update(short_name="已处理")


def test_an_action_flashes_the_refusal_or_the_success_and_returns_to_the_record(county, personas):
    request, response = call(Freeze, personas.county_admin, "post", pk=county.village_a1.pk)
    assert response["Location"] == reverse("orgs:org_detail", args=[county.village_a1.pk])
    assert [str(m) for m in get_messages(request)] == ["该组织已冻结。"]
    assert Organisation.objects.get(pk=county.village_a1.pk).short_name == "A1村党支部"
    request, response = call(Freeze, personas.county_admin, "post", pk=county.village_a2.pk)
    assert [str(m) for m in get_messages(request)] == ["已处理。"]
    assert Organisation.objects.get(pk=county.village_a2.pk).short_name == "已处理"


def test_an_action_answers_only_post_and_checks_scope_and_right(county, personas):
    _, response = call(Freeze, personas.county_admin, "get", pk=county.village_a1.pk)
    assert response.status_code == 405
    with pytest.raises(Http404):
        call(Freeze, personas.township_a, "post", pk=county.village_b1.pk)
    with pytest.raises(PermissionDenied):
        call(Freeze, personas.inspector, "post", pk=county.village_a2.pk)
    assert Organisation.objects.get(pk=county.village_a2.pk).short_name == "A2村党支部"


class Overview(ObjectView):
    capability = Cap.MANAGE_PEOPLE  # no record: anywhere in the user's scope

    def render(self, obj, **context):
        return JsonResponse({"obj": obj, **self.get_extra_context(obj)})

    def get_extra_context(self, obj):
        return {"user": self.request.user.username}


def test_a_view_without_a_record_checks_the_capability_anywhere(personas):
    _, response = call(Overview, personas.village_a1)
    assert json.loads(response.content) == {"obj": None, "user": "a1_sec"}
    with pytest.raises(PermissionDenied):
        call(Overview, personas.inspector)


def test_anonymous_visitors_are_sent_to_login_before_anything_is_fetched(client, county):
    response = client.post(reverse("orgs:post_create", args=[county.village_a1.pk]), {})
    assert response.status_code == 302 and reverse("login") in response["Location"]


# ------------------------------------------------------------------ the ported views


def test_ending_a_post_is_refused_with_403_on_post_to_a_persona_without_the_right(
    client, personas, people, county
):
    post = Post.objects.create(
        org=county.village_a1, person=people["a1"], kind=PostKind.COMMITTEE, started_on=date(2020, 1, 1)
    )
    client.force_login(personas.inspector)
    response = client.post(reverse("orgs:post_end", args=[post.pk]), {"ended_on": "2026-11-01"})
    assert response.status_code == 403
    post.refresh_from_db()
    assert post.ended_on is None


def test_the_ported_post_view_flashes_its_message(client, personas, people, county):
    post = Post.objects.create(
        org=county.village_a1, person=people["a1"], kind=PostKind.COMMITTEE, started_on=date(2020, 1, 1)
    )
    client.force_login(personas.township_a)
    response = client.post(reverse("orgs:post_end", args=[post.pk]), {"ended_on": "2026-11-01"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["已结束任职。"]


def test_the_ported_interview_view_refuses_a_post_without_the_right_in_chinese(client, personas, county):
    from dangjian.ledger.tests.test_pages import build_world
    from dangjian.talks.models import TalkRecord

    item = build_world(personas, county).item_a1
    client.force_login(personas.village_a1)
    response = client.post(reverse("talks:interview_create", args=[item.pk]), {"talker": "x"})
    assert response.status_code == 403 and "您无权在此登记约谈。" in response.content.decode()
    assert not TalkRecord.objects.exists()
