"""Forms for accounts and role assignments; organisation choices come from the actor's scope."""

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from .roles import Role


def _org_field(actor):
    Organisation = apps.get_model("orgs", "Organisation")
    return forms.ModelChoiceField(
        queryset=Organisation.objects.visible_to(actor).current().only("id", "name", "path", "depth"),
        label=_("Organisation"),
    )


class AssignmentForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, label=_("Role"))
    include_subtree = forms.BooleanField(
        required=False, initial=True, label=_("Includes subordinate organisations")
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = _org_field(actor)
        self.order_fields(["org", "role", "include_subtree"])


class UserCreateForm(AssignmentForm):
    username = forms.CharField(max_length=150, label=_("Username"))
    display_name = forms.CharField(max_length=40, label=_("Name"))
    phone = forms.CharField(max_length=30, required=False, label=_("Phone"))
    email = forms.EmailField(required=False, label=_("Email"))
    password = forms.CharField(widget=forms.PasswordInput, label=_("Initial password"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        self.order_fields(
            ["username", "display_name", "phone", "email", "password", "org", "role", "include_subtree"]
        )


class PasswordResetForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, label=_("New password"))


class PersonLinkForm(forms.Form):
    """The account holder's own roster record (a member sees their own record and items through it)."""

    person = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Roster record"),
        help_text=_("The account holder on the roll; empty to unlink."),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda p: f"{p.name}（{p.org.label}，{p.id_masked[-4:]}）"


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=60, required=False, label=_("What it is for"), help_text=_("For example: 考核系统对接")
    )
