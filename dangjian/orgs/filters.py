"""One filter definition for each list: the page, its export and the API use the same one."""

import django_filters as filters
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.filters import IdFilter, StrictFilterSet

from .models import Education, MemberCategory, Organisation, OrgKind, Person, PostKind, Sector

ALL = _("All")


def yes_no_any():
    """A yes/no filter whose "any" reads 全部 (Django's own select says 未知)."""
    return forms.Select(choices=[("", ALL), ("true", _("Yes")), ("false", _("No"))])


class OrganisationFilter(StrictFilterSet):
    q = filters.CharFilter(method="filter_q", label=pgettext_lazy("object", "Name"))
    kind = filters.ChoiceFilter(choices=OrgKind.choices, label=_("Organisation kind"), empty_label=ALL)
    sector = filters.ChoiceFilter(choices=Sector.choices, label=_("Sector"), empty_label=ALL)
    within = IdFilter(method="filter_within", label=_("Within organisation"))
    dissolved = filters.BooleanFilter(method="filter_dissolved", label=_("Dissolved"))

    class Meta:
        model = Organisation
        fields = ["q", "kind", "sector", "within", "dissolved"]

    def filter_q(self, qs, name, value):
        return qs.filter(Q(name__contains=value) | Q(short_name__contains=value)) if value else qs

    # The path ``filter_within`` read, named in a kept list query's key (``core.pagination.list_key(read=)``).
    within_path: str | None = None

    def filter_within(self, qs, name, value):
        """Only the subtree of one (visible) organisation; an invisible id matches nothing."""
        if not value:
            return qs
        root = self.within_path = qs.filter(pk=value).values_list("path", flat=True).first()
        return qs.filter(path__subtree=root) if root else qs.none()

    def filter_dissolved(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(dissolved_on__isnull=not value)


class PersonFilter(StrictFilterSet):
    q = filters.CharFilter(method="filter_q", label=_("Name, pinyin initials or ID suffix"))
    org = IdFilter(method="filter_org", label=_("Organisation (and below)"))
    category = filters.ChoiceFilter(
        choices=MemberCategory.choices, label=_("Member category"), empty_label=ALL
    )
    sex = filters.ChoiceFilter(choices=Person._meta.get_field("sex").choices, label=_("Sex"), empty_label=ALL)
    education = filters.ChoiceFilter(choices=Education.choices, label=_("Education"), empty_label=ALL)
    # No choice means on the roll, so "on the roll" is not offered a second time.
    status = filters.ChoiceFilter(
        choices=[(v, label) for v, label in Person.Status.choices if v != Person.Status.ACTIVE],
        label=_("Status"),
        empty_label=_("On the roll"),
    )
    post = filters.ChoiceFilter(
        choices=PostKind.choices, method="filter_post", label=_("Current post"), empty_label=ALL
    )
    mobile = filters.BooleanFilter(label=_("Mobile member"), widget=yes_no_any())
    lost_contact = filters.BooleanFilter(label=_("Lost contact"), widget=yes_no_any())

    class Meta:
        model = Person
        fields = ["q", "org", "category", "sex", "education", "status", "post", "mobile", "lost_contact"]

    @property
    def qs(self):
        qs = super().qs
        if not (self.form.is_bound and self.form.is_valid() and self.form.cleaned_data.get("status")):
            qs = qs.filter(status=Person.Status.ACTIVE)
        return qs

    def filter_q(self, qs, name, value):
        # Without a request nobody is asking: a whole ID number then finds no one.
        searcher = getattr(self.request, "user", None) or AnonymousUser()
        return qs.search(value, searcher=searcher)

    # The path ``filter_org`` read (None: none was read, or the id names no organisation): what a kept list
    # query names in its key (``core.pagination.list_key(read=)``).
    org_path: str | None = None

    def filter_org(self, qs, name, value):
        """Members of one visible organisation's subtree; an invisible id matches nothing."""
        if not value:
            return qs
        path = self.org_path = Organisation.objects.filter(pk=value).values_list("path", flat=True).first()
        return qs.filter(org__path__subtree=path) if path else qs.none()

    def filter_post(self, qs, name, value):
        if not value:
            return qs
        from django.utils import timezone

        today = timezone.localdate()
        return qs.filter(
            Q(posts__ended_on__isnull=True) | Q(posts__ended_on__gt=today),
            posts__kind=value,
            posts__started_on__lte=today,
        ).distinct()
