"""Forms of the talks pages. They parse input only; the rules live in talks.services.

Choices are what the user may see: talkees and targets come from the roster (``orgs.Person``
through the user's scope), never typed names; items from the ledger's door.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core import params
from dangjian.core.attachments import MultipleFileField
from dangjian.core.caps import Cap
from dangjian.ledger import door
from dangjian.orgs.forms import DateInput, OrgChoiceField, TablerFormMixin
from dangjian.orgs.models import Organisation, Person, Post

from .models import ProblemSource, TalkCampaign, TalkKind, TalkTopic
from .params import LETTER_REPLY_WORKING_DAYS


class PersonChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.org.label}）"


class PersonSingleChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.org.label}）"


def _people(user, org=None):
    """People the user may see: those of ``org`` itself, else the cadres on post (a county has thousands)."""
    qs = Person.objects.visible_to(user).current().select_related("org").order_by("org__path", "name")
    if org is not None:
        return qs.filter(org=org)
    on_post = Post.objects.current().values("person_id")
    return qs.filter(pk__in=on_post)


def _accounts(user):
    """Accounts holding a role at an organisation the user may see (talkers who may then read the talk)."""
    from dangjian.accounts.models import RoleAssignment, User

    holders = RoleAssignment.objects.visible_to(user).values("user_id")
    return User.objects.filter(pk__in=holders, is_active=True).order_by("display_name", "username")


class AccountChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj)


class InterviewForm(TablerFormMixin, forms.Form):
    """An interview (约谈) over an overdue item: who, whom (from the item organisation's roster), when, what."""

    held_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    talker = forms.CharField(label=_("Talked by"), max_length=120)
    talkee_person = PersonSingleChoice(
        label=_("Person interviewed"), queryset=Person.objects.none(), required=False
    )
    talkee = forms.CharField(
        label=_("Talked to"),
        max_length=120,
        required=False,
        help_text=_("Name and post, as the record shows them."),
    )
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 5}))
    commitments = forms.CharField(
        label=_("Commitments"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user=None, org=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and org is not None:
            self.fields["talkee_person"].queryset = _people(user, org)


class CampaignForm(TablerFormMixin, forms.Form):
    """A talk campaign: title, kind, window, organiser, talkers, targets."""

    org = OrgChoiceField(label=_("Organising organisation"))
    title = forms.CharField(label=pgettext_lazy("object", "Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of talk"), choices=TalkKind.choices, initial=TalkKind.POLITICAL)
    starts_on = forms.DateField(label=_("Window starts"), widget=DateInput())
    ends_on = forms.DateField(label=_("Window ends"), widget=DateInput())
    talker = forms.CharField(
        label=_("Talkers"), max_length=200, help_text=_("Names and posts of the leaders who talk.")
    )
    talkers = AccountChoice(
        label=_("Talkers with an account"),
        queryset=None,
        required=False,
        help_text=_("They see the campaign."),
    )
    target_mode = forms.ChoiceField(label=_("Targets"), choices=TalkCampaign.TargetMode.choices)
    targets = PersonChoice(
        label=_("Picked people"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Only when the targets are picked people."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organisation.objects.where_can(user, Cap.INSPECT).order_by("path")
        self.fields["targets"].queryset = _people(user)
        self.fields["talkers"].queryset = _accounts(user)


class TalkPlanForm(TablerFormMixin, forms.Form):
    """The preparation of a talk: kind, individual or collective, date, place, talkers, talkees, topics."""

    organiser = OrgChoiceField(label=_("Organising organisation"))
    kind = forms.ChoiceField(label=_("Kind of talk"), choices=TalkKind.choices)
    collective = forms.BooleanField(label=_("Collective talk (several talkees together)"), required=False)
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    talker = forms.CharField(label=_("Talked by"), max_length=200)
    talkers = AccountChoice(
        label=_("Talkers with an account"),
        queryset=None,
        required=False,
        help_text=_("They see the talk's record."),
    )
    talkees = PersonChoice(label=_("Talked to"), queryset=Person.objects.none(), required=False)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=TalkTopic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    internal_notes = forms.CharField(
        label=_("Internal notes (not shown to the talkee)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    letter = forms.CharField(
        label=_("Letter of inquiry"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, user=None, campaign=None, org=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = TalkTopic.objects.filter(active=True)
        self.fields["topics"].widget.attrs["class"] = "form-check-input"
        self.fields["talkers"].queryset = _accounts(user)
        if campaign is not None:
            del self.fields["organiser"], self.fields["kind"], self.fields["letter"]
            self.fields["talkees"].queryset = campaign.targets.select_related("org").order_by(
                "org__path", "name"
            )
        else:
            days = params.get(LETTER_REPLY_WORKING_DAYS.key)
            self.fields["letter"].help_text = _(
                "Only for a talk or letter inquiry: the reply is due within %(days)d working days."
            ) % {"days": days}
            self.fields["organiser"].queryset = Organisation.objects.where_can(user, Cap.INSPECT).order_by(
                "path"
            )
            self.fields["talkees"].queryset = _people(user, org)
            if org is None:
                self.fields["talkees"].help_text = _(
                    "Cadres on post; add ?org= to the address to pick any member of one organisation."
                )


class ProblemForm(TablerFormMixin, forms.Form):
    """A problem notified in the talk: an open item of the talkee's organisation, or a new problem."""

    item = forms.ModelChoiceField(label=_("Open item"), queryset=None, required=False)
    source = forms.ChoiceField(label=_("Found in"), choices=ProblemSource.choices)
    title = forms.CharField(label=_("New problem"), max_length=300, required=False)
    description = forms.CharField(
        label=pgettext_lazy("talk", "Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput(), required=False)

    def __init__(self, *args, user=None, talk=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = door.open_items_of(user, talk.org)


class CommitmentForm(TablerFormMixin, forms.Form):
    text = forms.CharField(label=_("Commitment"), max_length=300)
    deadline = forms.DateField(label=_("To be done by"), widget=DateInput())


class CommentForm(TablerFormMixin, forms.Form):
    leader = forms.CharField(label=_("Leader"), max_length=60)
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(TablerFormMixin, forms.Form):
    files = MultipleFileField(label=_("Report materials"))


class CloseForm(TablerFormMixin, forms.Form):
    """The record of the held talk; 诫勉 and 函询 fields appear for those kinds only."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    content = forms.CharField(label=_("Record of the talk"), widget=forms.Textarea(attrs={"rows": 6}))
    statement = forms.CharField(
        label=_("The talkee's statement"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    explanation = forms.CharField(
        label=_("Written explanation of the talkee"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    head_signed_by = forms.CharField(
        label=_("Signed by the organisation head"), max_length=60, required=False
    )
    head_signed_on = forms.DateField(label=_("Signed on"), widget=DateInput(), required=False)
    reply = forms.CharField(label=_("Reply"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    replied_on = forms.DateField(label=_("Replied on"), widget=DateInput(), required=False)
    late_reason = forms.CharField(label=_("Reason for the late reply"), max_length=200, required=False)
    files = MultipleFileField(label=_("Scan of the signed record"), required=False)

    def __init__(self, *args, talk=None, **kwargs):
        super().__init__(*args, **kwargs)
        if talk.kind != TalkKind.ADMONITION:
            for name in ("explanation", "head_signed_by", "head_signed_on"):
                del self.fields[name]
        if talk.kind != TalkKind.LETTER:
            for name in ("reply", "replied_on", "late_reason"):
                del self.fields[name]


class CancelForm(TablerFormMixin, forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=200)


class AddendumForm(TablerFormMixin, forms.Form):
    text = forms.CharField(label=_("Addendum"), widget=forms.Textarea(attrs={"rows": 3}))


class FilingForm(TablerFormMixin, forms.Form):
    discipline_on = forms.DateField(
        label=_("Filed with the discipline commission on"), widget=DateInput(), required=False
    )
    org_dept_on = forms.DateField(
        label=_("Filed with the organisation department on"), widget=DateInput(), required=False
    )
