"""Forms of the orgs app. They parse input only; the rules live in orgs.services."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import options_html
from dangjian.core.prepared import kept

from .models import Organisation
from .services import ORG_FIELDS


def style_widget(field: forms.Field) -> forms.Field:
    """Give ``field``'s widget the Tabler (Bootstrap 5) class it needs, unless it has one."""
    widget = field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    widget.attrs.setdefault("class", css)
    return field


def style_widgets(form: forms.BaseForm) -> forms.BaseForm:
    """Give every widget of ``form`` the Tabler (Bootstrap 5) class it needs (also for filter forms)."""
    for field in form.fields.values():
        style_widget(field)
    return form


class TablerFormMixin:
    """Give every widget the Tabler (Bootstrap 5) class it needs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


INDENT = "\u3000"  # an ideographic space per level below the shallowest organisation offered


class _OrgChoiceIterator(ModelChoiceIterator):
    """The options of an organisation field, read as (id, short name, name, depth) rows in tree order.

    A county offers 370–750 organisations: building a model instance for each took more time than
    the rest of a create form. Labels are ``Organisation.label`` (the short name, else the name)
    indented by depth below the shallowest one offered; the chosen value is still checked against
    the field's queryset (``to_python``).
    """

    def __init__(self, field):
        self.field = field  # its queryset read when the options are (a keyed field builds it only then)

    @property
    def queryset(self):
        return self.field.queryset

    def __iter__(self):
        if self.field.empty_label is not None:
            yield (
                "",
                self.field.empty_label,
            )  # before the query: the widget's required check reads only this
        yield from _labelled(list(_option_rows(self.queryset)), None)


def _option_rows(queryset):
    return queryset.order_by("path").values_list("pk", "short_name", "name", "depth")


def _labelled(rows, empty_label) -> list:
    """(value, label) of each organisation row, indented below the shallowest, after the empty choice."""
    choices: list = [("", empty_label)] if empty_label is not None else []
    top = min((row[3] for row in rows), default=0)
    for pk, short_name, name, depth in rows:  # the label lists use: the short name, else the name
        choices.append((ModelChoiceIteratorValue(pk, None), f"{INDENT * (depth - top)}{short_name or name}"))
    return choices


# A select lists at most this many organisations. A county offers up to ~750; a city's or a province's
# thousands would make a page of megabytes that no one can choose from: such a field becomes a search box.
OPTIONS_MAX = 1000


class _OrgSearchMixin:
    """An organisation select that, over ``OPTIONS_MAX`` choices, holds only its chosen organisation(s) and
    names the search its script asks as the user types (``static/js/org-picker.js``, Tom Select, over
    ``orgs:org_search``). What is posted is checked against the field's queryset as before."""

    def get_context(self, name, value, attrs):
        field = getattr(self.choices, "field", None)  # a model field's choices (built on demand, if keyed)
        if field is None or (getattr(field, "_build", None) is None and field.queryset is None):
            return super().get_context(name, value, attrs)
        empty = field.empty_label
        rows = _offered(field)  # one query, whichever way it goes
        if len(rows) <= OPTIONS_MAX:
            labelled = _labelled(rows, empty)
        else:
            ids = [int(v) for v in self.format_value(value) if str(v).isdigit()]
            labelled = _labelled(list(_option_rows(field.queryset.filter(pk__in=ids))) if ids else [], empty)
            attrs = {
                **(attrs or {}),
                "data-org-search": reverse("orgs:org_search"),
                "data-placeholder": str(_("Type part of an organisation's name")),
                "data-no-results": str(_("No organisation of yours has that in its name.")),
            }
        # Django's own context, but for the options: a county's 750 would each be made a dict (``optgroups``)
        # and then written from it, 8 ms of a filter page. They are written here straight from the rows
        # (``options_html``, what ``core.forms.FormRenderer`` writes); ``optgroups`` is made only if another
        # renderer asks for it.
        context = forms.Widget.get_context(self, name, value, attrs)
        widget = context["widget"]
        if self.allow_multiple_selected:
            widget["attrs"]["multiple"] = True
        chosen = widget["value"]
        widget["options_html"] = options_html(labelled, chosen, many=self.allow_multiple_selected)
        widget["optgroups"] = _LazyOptgroups(self, labelled, name, chosen, attrs)
        return context


def _offered(field) -> list:
    """The first ``OPTIONS_MAX + 1`` option rows of ``field``'s queryset; with the field's ``key`` (see
    ``OrgChoiceField``) read by SQL compiled once per key, afresh each time (the queryset built only then)."""
    key = getattr(field, "key", None)
    if key is None:
        return list(_option_rows(field.queryset)[: OPTIONS_MAX + 1])
    return kept(
        ("orgs.options", key, OPTIONS_MAX), lambda: _option_rows(field.queryset)[: OPTIONS_MAX + 1]
    ).rows(model=Organisation)


class _LazyOptgroups:
    """``ChoiceWidget.optgroups`` of the labelled rows, made when a template iterates it (never by
    ``core.forms.FormRenderer``, which writes ``options_html``)."""

    def __init__(self, widget, labelled, name, value, attrs):
        self._args = (widget, labelled, name, value, attrs)
        self._groups = None

    def __iter__(self):
        if self._groups is None:
            widget, labelled, name, value, attrs = self._args
            kept = widget._choices
            widget._choices = labelled
            try:
                self._groups = widget.optgroups(name, value, attrs)
            finally:
                widget._choices = kept
        return iter(self._groups)


class OrgSelect(_OrgSearchMixin, forms.Select):
    pass


class OrgSelectMultiple(_OrgSearchMixin, forms.SelectMultiple):
    pass


class _KeyedQueryset:
    """``key``: what the field's queryset is built from (the user, their scope, the capability), when it is
    built from nothing else; its options are then read by SQL compiled once per key (``core.prepared``).
    With a key, the queryset may be given as a function that builds it: it is called the first time the
    queryset is read (a choice checked, the options' SQL compiled), not for a page that only shows the
    options (building a scoped queryset is ~0.3 ms of a list page's form). Setting another ``queryset``
    drops the key and the function; a copy of the field (each form's) keeps them."""

    key: tuple | None = None
    _build = None

    def _get_queryset(self):
        if self._build is not None:
            build, self._build = self._build, None
            self._queryset = build().all()
        return self._queryset

    def _set_queryset(self, queryset):
        self._build = None
        if callable(queryset) and not isinstance(queryset, QuerySet):  # built when first read
            self._queryset, self._build = None, queryset
            self.widget.choices = self.choices
        else:
            super()._set_queryset(queryset)
        self.key = None

    def __deepcopy__(self, memo):
        if self._build is None:
            result = super().__deepcopy__(memo)
        else:  # not built to be copied: the copy builds its own
            result = forms.Field.__deepcopy__(self, memo)
            result.widget.choices = result.choices
        result.key = self.key
        return result


class OrgChoiceField(_KeyedQueryset, forms.ModelChoiceField):
    """Choose one organisation of a scoped queryset (the form sets ``queryset`` for its user)."""

    iterator = _OrgChoiceIterator
    widget = OrgSelect

    def __init__(self, queryset=None, *, key: tuple | None = None, **kwargs):
        if key is None and callable(queryset) and not isinstance(queryset, QuerySet):
            raise TypeError("An organisation field builds its queryset on demand only with a key.")
        super().__init__(Organisation.objects.none() if queryset is None else queryset, **kwargs)
        self.key = key

    queryset = property(_KeyedQueryset._get_queryset, _KeyedQueryset._set_queryset)


class OrgMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Choose several organisations of a scoped queryset, offered as :class:`OrgChoiceField` offers them."""

    iterator = _OrgChoiceIterator
    widget = OrgSelectMultiple

    def __init__(self, queryset=None, **kwargs):
        super().__init__(Organisation.objects.none() if queryset is None else queryset, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


# ------------------------------------------------------------------ organisations


class OrganisationForm(TablerFormMixin, forms.ModelForm):
    """Details of an organisation, for creating a child and for editing (saved by the services)."""

    class Meta:
        model = Organisation
        fields = ORG_FIELDS
        widgets = {
            "founded_on": DateInput(),
            "committee_elected_on": DateInput(),
            "joint_units": forms.Textarea(attrs={"rows": 3}),
        }


class OrganisationMoveForm(TablerFormMixin, forms.Form):
    """Choose the new parent among the current organisations the user may see."""

    new_parent = OrgChoiceField(label=_("New parent organisation"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = Organisation.objects.visible_to(user).current()


class OrganisationDissolveForm(TablerFormMixin, forms.Form):
    """Date and reason of a dissolution (撤销); the service checks that nothing remains below."""

    on = forms.DateField(label=_("Dissolved on"), widget=DateInput(), initial=timezone.localdate)
    # Not required here: the service gives the message, so the form and other callers agree.
    reason = forms.CharField(
        label=_("Reason for dissolution"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# ------------------------------------------------------------------ people and posts


def _person_field(name: str, **overrides) -> forms.Field:
    """The model's own form field (label, choices, length) for a person field the services accept."""
    from .models import Person

    field = Person._meta.get_field(name).formfield(**overrides)
    if isinstance(field, forms.DateField):
        field.widget = DateInput()
    return field


class PersonForm(TablerFormMixin, forms.Form):
    """The 16 items of the national member form; ID, date and sex rules are checked by ``services.build_person``."""

    org = OrgChoiceField(label=_("Branch"))
    name = _person_field("name", label=_("Person name"))
    # Required on create only (empty on edit keeps the number on file); the service checks it.
    id_number = forms.CharField(
        label=_("Citizen ID number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    sex = _person_field("sex", required=False, help_text=_("Leave empty to take it from the ID number."))
    ethnicity = _person_field("ethnicity")
    education = _person_field("education")
    category = _person_field("category")
    joined_on = _person_field("joined_on")
    converted_on = _person_field("converted_on")
    job = _person_field("job")
    phone = _person_field("phone")
    address = _person_field("address")
    standing = _person_field("standing")
    lost_contact = _person_field("lost_contact")
    lost_contact_on = _person_field("lost_contact_on")
    mobile = _person_field("mobile")
    mobile_destination = _person_field("mobile_destination")

    def __init__(self, *args, orgs=None, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        if person is None:
            self.fields["org"].queryset = orgs if orgs is not None else Organisation.objects.none()
            self.fields["id_number"].required = True
        else:
            del self.fields["org"]
            self.fields["id_number"].help_text = _("On file: %(masked)s. Leave empty to keep it.") % {
                "masked": person.id_masked
            }

    def service_fields(self) -> dict:
        """The cleaned values as the services take them (organisation and ID number passed separately)."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("org", "id_number")}


class PersonTransferForm(TablerFormMixin, forms.Form):
    """Transfer of membership (组织关系转接) to another organisation the user manages."""

    to_org = OrgChoiceField(label=_("To organisation"))
    on = forms.DateField(label=_("Date of transfer"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = orgs


class PersonLeaveForm(TablerFormMixin, forms.Form):
    """Leaving the roll or death; the service asks for a reason when the person left."""

    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(
        label=_("Reason"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deceased = forms.BooleanField(label=_("The person has died"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PersonRestoreForm(TablerFormMixin, forms.Form):
    """Put a person back on the roll; the reason is kept in the status history."""

    reason = forms.CharField(
        label=_("Reason"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PostForm(TablerFormMixin, forms.Form):
    """Appoint someone from the organisation's roster (or its subtree) to a post."""

    person = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Person"))
    kind = forms.ChoiceField(label=_("Post"))
    started_on = forms.DateField(label=_("Started on"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import PostKind

        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda p: f"{p.name}（{p.org.label}，{p.id_masked[-4:]}）"
        self.fields["kind"].choices = PostKind.choices


class PostEndForm(TablerFormMixin, forms.Form):
    """End a post (免职/离任); the post stays in the history."""

    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
