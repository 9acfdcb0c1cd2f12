"""The organisation fields every create form uses (orgs.forms.OrgChoiceField / OrgMultipleChoiceField)."""

from __future__ import annotations

from django import forms

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
