"""The organisation fields every create form uses (orgs.forms.OrgChoiceField / OrgMultipleChoiceField)."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from dangjian.orgs.forms import INDENT, OrgChoiceField, OrgMultipleChoiceField
from dangjian.orgs.models import Organisation


class _Form(forms.Form):
    org = OrgChoiceField(label="org")
    orgs = OrgMultipleChoiceField(label="orgs", required=False)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = queryset
        self.fields["orgs"].queryset = queryset


def test_options_are_the_scoped_organisations_by_label_in_tree_order_indented_below_the_shallowest(county):
    township_a = Organisation.objects.filter(path__startswith=county.township_a.path)
    choices = list(_Form(queryset=township_a).fields["org"].choices)
    assert [(str(value), label) for value, label in choices] == [
        ("", "---------"),
        (str(county.township_a.pk), "A镇党委"),
        (str(county.village_a1.pk), f"{INDENT}A1村党支部"),
        (str(county.village_a2.pk), f"{INDENT}A2村党支部"),
    ]
    everything = [
        label for _value, label in _Form(queryset=Organisation.objects.all()).fields["orgs"].choices
    ]
    assert everything[0] == "县委"
    assert everything[1:3] == [f"{INDENT}A镇党委", f"{INDENT * 2}A1村党支部"]


def test_options_are_read_in_one_query_without_model_instances(county, django_assert_num_queries):
    form = _Form(queryset=Organisation.objects.all())
    with django_assert_num_queries(1):
        html = str(form["org"])
    assert html.count("<option") == 7
    assert f'value="{county.village_b1.pk}"' in html


def test_a_chosen_organisation_outside_the_queryset_is_refused_and_a_chosen_one_is_an_instance(county):
    township_a = Organisation.objects.filter(path__startswith=county.township_a.path)
    outside = _Form({"org": county.village_b1.pk, "orgs": [county.village_a1.pk]}, queryset=township_a)
    assert not outside.is_valid()
    assert list(outside.errors) == ["org"]
    inside = _Form({"org": county.village_a2.pk, "orgs": [county.village_a1.pk]}, queryset=township_a)
    assert inside.is_valid(), inside.errors
    assert inside.cleaned_data["org"] == county.village_a2
    assert list(inside.cleaned_data["orgs"]) == [county.village_a1]
    assert not _Form({"org": "", "orgs": [county.village_b1.pk]}, queryset=township_a).is_valid()


def test_the_chosen_option_is_selected_when_the_form_is_shown_again(county):
    form = _Form({"org": county.village_a1.pk}, queryset=Organisation.objects.all())
    html = str(form["org"])
    assert f'<option value="{county.village_a1.pk}" selected>' in html


# ------------------------------------------------------------------ wide scopes: a search box


def test_over_the_limit_a_field_holds_only_its_chosen_organisation_and_names_the_search(
    county, monkeypatch, django_assert_num_queries
):
    from dangjian.orgs import forms as org_forms

    monkeypatch.setattr(org_forms, "OPTIONS_MAX", 2)
    township_a = Organisation.objects.filter(path__startswith=county.township_a.path)  # three
    empty = _Form(queryset=township_a)
    with django_assert_num_queries(1):
        html = str(empty["org"])
    assert html.count("<option") == 1  # the empty choice
    assert f'data-org-search="{reverse("orgs:org_search")}"' in html
    assert 'data-placeholder="输入组织名称中的字词"' in html
    chosen = _Form({"org": county.village_a2.pk, "orgs": [county.village_a1.pk]}, queryset=township_a)
    assert chosen.is_valid(), chosen.errors
    assert f'<option value="{county.village_a2.pk}" selected>A2村党支部</option>' in str(chosen["org"])
    assert f'<option value="{county.village_a1.pk}" selected>A1村党支部</option>' in str(chosen["orgs"])
    assert "A1村党支部" not in str(chosen["org"])  # nothing but the chosen one
    # An organisation outside the field's queryset is refused, and its name is not written back.
    outside = _Form({"org": county.village_b1.pk}, queryset=township_a)
    assert not outside.is_valid()
    assert "B1村党支部" not in str(outside["org"])
    # At the limit, every organisation is listed as before.
    monkeypatch.setattr(org_forms, "OPTIONS_MAX", 3)
    html = str(_Form(queryset=township_a)["org"])
    assert html.count("<option") == 4 and "data-org-search" not in html


def test_the_search_finds_only_current_organisations_the_user_may_see(client, personas, county):
    from django.utils import timezone

    url = reverse("orgs:org_search")
    client.force_login(personas.township_a)
    found = client.get(url, {"q": "委员会"}).json()["results"]
    assert [row["id"] for row in found] == [county.township_a.pk, county.village_a1.pk, county.village_a2.pk]
    assert found[1] == {
        "id": county.village_a1.pk,
        "label": "A1村党支部",
        "name": "中共A1村支部委员会",
        "context": "中共A1村支部委员会",
    }
    assert client.get(url, {"q": "b1"}).json() == {"results": []}  # B1 is township B's
    assert client.get(url, {"q": "  "}).json() == {"results": []}
    Organisation.objects.filter(pk=county.village_a2.pk).update(dissolved_on=timezone.localdate())
    assert [row["id"] for row in client.get(url, {"q": "a2"}).json()["results"]] == []
    assert client.post(url, {"q": "委员会"}).status_code == 405
    client.logout()
    assert client.get(url, {"q": "委员会"}).status_code == 302


# ------------------------------------------------------------------ the options written straight from the rows


def test_the_options_are_written_as_django_writes_them_and_not_made_one_by_one(county, monkeypatch):
    """A county's 750 options were each made a dict by ``ChoiceWidget.optgroups`` and written from it
    (8 ms of a filter page): the select is the same, character for character, without them."""
    from django.forms.renderers import DjangoTemplates
    from django.forms.widgets import ChoiceWidget

    from dangjian.core.forms import FormRenderer
    from dangjian.orgs import forms as org_forms

    queryset = Organisation.objects.all()
    cases = [
        None,
        {"org": county.village_a1.pk, "orgs": [county.village_a2.pk, county.township_b.pk]},
        {"org": "nope", "orgs": ["x"]},
    ]
    for limit in (org_forms.OPTIONS_MAX, 2):
        monkeypatch.setattr(org_forms, "OPTIONS_MAX", limit)
        for data in cases:
            for name in ("org", "orgs"):
                django = _Form(data, queryset=queryset, renderer=DjangoTemplates())
                django.fields[name].widget.attrs["class"] = "form-select"
                expected = str(django[name])
                made = []
                monkeypatch.setattr(ChoiceWidget, "create_option", _spy(ChoiceWidget.create_option, made))
                ours = _Form(data, queryset=queryset, renderer=FormRenderer())
                ours.fields[name].widget.attrs["class"] = "form-select"
                assert str(ours[name]) == expected, (limit, data, name)
                assert made == [], "an option was made through ChoiceWidget.optgroups"
                monkeypatch.undo()
                monkeypatch.setattr(org_forms, "OPTIONS_MAX", limit)
    assert f'<option value="{county.village_a1.pk}" selected>' in str(
        _Form(cases[1], queryset=queryset, renderer=FormRenderer())["org"]
    )


def _spy(method, calls):
    def spied(self, *args, **kwargs):
        calls.append(args)
        return method(self, *args, **kwargs)

    return spied


def test_with_a_key_the_options_are_compiled_once_and_read_afresh(county):
    """``OrgChoiceField(key=)``: the options' SQL is compiled once per key, the rows read on each showing (a
    branch founded since is offered); another queryset set on the field drops the key."""
    import copy

    from dangjian.core.tests.spies import compiled_tables
    from dangjian.orgs.tests.factories import make_org

    def html(field) -> str:
        return field.widget.render("org", None)

    key = ("test.options", county.township_a.pk)
    field = OrgChoiceField(Organisation.objects.filter(path__startswith=county.township_a.path), key=key)
    assert "A2村党支部" in html(field)
    make_org(county.township_a, "中共A3村支部委员会", short_name="A3村党支部")
    copied = copy.deepcopy(field)  # each form's copy of its fields
    with compiled_tables() as compiled:
        assert "A3村党支部" in html(copied)
    assert compiled == []
    copied.queryset = Organisation.objects.filter(pk=county.village_a1.pk)
    assert copied.key is None
    with compiled_tables() as compiled:
        assert "A2村党支部" not in html(copied) and "A1村党支部" in html(copied)
    assert "orgs_organisation" in compiled


def test_with_a_key_the_queryset_is_built_only_when_it_is_read(county):
    """A keyed field given a function builds its queryset when a choice is checked or the options' SQL is
    compiled, not to show options already compiled; a copy keeps the function; without a key it is refused."""
    import copy

    import pytest

    built = []

    def township_a():
        built.append(1)
        return Organisation.objects.filter(path__startswith=county.township_a.path)

    key = ("test.lazy", county.township_a.pk)
    first = OrgChoiceField(township_a, key=key)
    assert built == []
    assert "A2村党支部" in first.widget.render("org", None) and len(built) == 1  # compiled: built
    again = copy.deepcopy(OrgChoiceField(township_a, key=key))  # another form's field, as each form copies
    assert "A1村党支部" in again.widget.render("org", None) and len(built) == 1  # shown: not built
    assert again.clean(str(county.village_a1.pk)) == county.village_a1 and len(built) == 2  # checked: built
    with pytest.raises(forms.ValidationError):
        again.clean(str(county.village_b1.pk))  # outside the queryset, as ever
    again.queryset = Organisation.objects.filter(pk=county.village_b1.pk)  # another queryset: no key
    assert again.key is None and again.clean(str(county.village_b1.pk)) == county.village_b1
    with pytest.raises(TypeError):
        OrgChoiceField(township_a)


def test_the_course_list_builds_no_organisation_queryset_for_its_form_on_a_second_visit(
    client, county, personas
):
    """The training page's form offers the organisations where the user records: the options are a kept
    query, and the scoped queryset behind them is built only if a choice is checked."""
    from unittest import mock

    from django.urls import reverse

    from dangjian.core.scoping import ScopedQuerySet

    client.force_login(personas.township_a)
    url = reverse("orglife:course_list")
    assert "A1村党支部" in client.get(url).content.decode()
    with mock.patch.object(
        ScopedQuerySet, "where_can", autospec=True, side_effect=ScopedQuerySet.where_can
    ) as spy:
        assert "A1村党支部" in client.get(url).content.decode()
    assert not spy.called
