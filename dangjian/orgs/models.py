"""The organisation tree, the people in it and the posts they hold."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from dangjian.core.scoping import ScopedQuerySet

from .validators import validate_credit_code


class OrgKind(models.TextChoices):
    PROVINCE_COMMITTEE = "province", _("Provincial committee")
    CITY_COMMITTEE = "city", _("City committee")
    COUNTY_COMMITTEE = "county", _("County committee")
    TOWNSHIP_COMMITTEE = "township", _("Township committee")
    GRASSROOTS_COMMITTEE = "committee", _("Grassroots committee")
    GENERAL_BRANCH = "general_branch", _("General branch")
    BRANCH = "branch", _("Branch")
    JOINT_BRANCH = "joint_branch", _("Joint branch")
    TEMPORARY_BRANCH = "temporary_branch", _("Temporary branch")
    # 党组: the leading party group of an agency or enterprise (appointed, no members of its own);
    # 党小组: a group inside a branch, led by a group leader (组长), not a secretary.
    PARTY_GROUP = "party_group", _("Leading party group")
    PARTY_CELL = "party_cell", _("Party small group")


# Organisations that lead others; the branch rules of DOMAIN.md §1 apply to the rest.
COMMITTEE_KINDS = {
    OrgKind.PROVINCE_COMMITTEE,
    OrgKind.CITY_COMMITTEE,
    OrgKind.COUNTY_COMMITTEE,
    OrgKind.TOWNSHIP_COMMITTEE,
    OrgKind.GRASSROOTS_COMMITTEE,
}
BRANCH_KINDS = {OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.TEMPORARY_BRANCH, OrgKind.GENERAL_BRANCH}


class Sector(models.TextChoices):
    RURAL = "rural", _("Rural")
    COMMUNITY = "community", _("Community")
    AGENCY = "agency", _("Party and government agency")
    INSTITUTION = "institution", _("Public institution")
    NON_PUBLIC = "non_public", _("Non-public enterprise")
    STATE_ENTERPRISE = "state_enterprise", _("State-owned enterprise")
    SOCIAL_ORG = "social_org", _("Social organisation")
    SCHOOL = "school", _("School")
    MIXED = "mixed", _("Leading body")


class UnitRelation(models.TextChoices):
    SAME_AS_PARENT = "same", _("Same unit as the parent organisation")
    LEGAL_ENTITY = "legal", _("Unit is a legal entity")
    JOINT = "joint", _("Joint of several units")


class UnitKind(models.TextChoices):
    STATE_ENTERPRISE = "state_enterprise", _("State-owned enterprise")
    NON_PUBLIC = "non_public", _("Non-public enterprise")
    RURAL = "rural", _("Rural")
    AGENCY = "agency", _("Party and government agency")
    SCHOOL = "school", _("School")
    INSTITUTION = "institution", _("Other public institution")
    COMMUNITY = "community", _("Sub-district community")
    SOCIAL_ORG = "social_org", _("Social organisation")
    OTHER = "other", _("Other")


class OrganisationQuerySet(MP_NodeQuerySet, ScopedQuerySet):
    def current(self):
        """Organisations not dissolved (撤销)."""
        return self.filter(dissolved_on__isnull=True)

    def subtree_of(self, org):
        return self.filter(path__subtree=org.path)


class OrganisationManager(MP_NodeManager.from_queryset(OrganisationQuerySet)):
    def get_queryset(self):
        return OrganisationQuerySet(self.model, using=self._db).order_by("path")


class Organisation(MP_Node):
    """A party organisation: county committee, township committee, general branch or branch."""

    scope_org_field = None  # the organisation is its own scope

    name = models.CharField(_("full name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    sort_key = models.CharField(max_length=240, blank=True, editable=False, db_index=True)
    kind = models.CharField(_("organisation kind"), max_length=20, choices=OrgKind.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    unit_relation = models.CharField(
        _("unit relation"), max_length=10, choices=UnitRelation.choices, default=UnitRelation.SAME_AS_PARENT
    )
    unit_name = models.CharField(_("unit name"), max_length=120, blank=True)
    unit_kind = models.CharField(_("unit kind"), max_length=20, choices=UnitKind.choices, blank=True)
    # 联合支部: the units whose members it joins, one name a line (DOMAIN.md §1: usually five at most).
    joint_units = models.TextField(
        _("units covered"),
        blank=True,
        help_text=_("Joint branches only: the units whose members the branch joins, one a line."),
    )
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    contact_name = models.CharField(_("contact"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    committee_elected_on = models.DateField(
        _("committee elected on"),
        null=True,
        blank=True,
        help_text=_("Start of the current committee's term."),
    )
    term_years = models.PositiveSmallIntegerField(
        _("term (years)"), null=True, blank=True, help_text=_("Empty: 5 for village/community, 3 for others.")
    )
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True, db_index=True)
    dissolved_reason = models.CharField(_("reason for dissolution"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationManager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["kind", "sector"]),
            # The top organisation a user sees (ordered by depth, then path, the first): read from the index,
            # not by sorting a province's 130 000 organisations (52 ms at a fifth of the province).
            models.Index(fields=["depth", "path"], name="orgs_org_depth_path"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name

    @property
    def is_dissolved(self) -> bool:
        return self.dissolved_on is not None

    @property
    def is_branch(self) -> bool:
        return self.kind in BRANCH_KINDS

    @property
    def joint_unit_names(self) -> list[str]:
        """The units a joint branch covers (empty for every other kind)."""
        return [name for name in self.joint_units.splitlines() if name.strip()]

    def effective_term_years(self) -> int:
        from dangjian.core.params import get

        from . import params

        if self.term_years:
            return self.term_years
        if self.sector in (Sector.RURAL, Sector.COMMUNITY):
            return get(params.TERM_YEARS_VILLAGE.key)
        return get(params.TERM_YEARS_OTHER.key)

    def ancestor_paths(self) -> list[str]:
        """Paths of every ancestor, root first (no query)."""
        step = self.steplen
        return [self.path[: i * step] for i in range(1, self.depth)]


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("Postgraduate")
    BACHELOR = "bachelor", _("Bachelor")
    COLLEGE = "college", _("Junior college")
    TECHNICAL = "technical", _("Technical secondary school")
    HIGH_SCHOOL = "high_school", _("High school")
    JUNIOR = "junior", _("Junior high school or below")


class MemberCategory(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")
    NON_MEMBER = "non_member", _("Not a party member")


class Standing(models.TextChoices):
    NORMAL = "normal", _("Normal")
    SUSPENDED = "suspended", _("Party standing suspended")


class Job(models.TextChoices):
    """Occupation groups of the national member collection form (simplified)."""

    FARMER = "farmer", _("Farmer, herdsman or fisherman")
    WORKER = "worker", _("Worker")
    CIVIL_SERVANT = "civil_servant", _("Civil servant")
    INSTITUTION_STAFF = "institution_staff", _("Public institution staff")
    ENTERPRISE_STAFF = "enterprise_staff", _("Enterprise manager or technician")
    TEACHER = "teacher", _("Teacher")
    STUDENT = "student", _("Student")
    SOLDIER = "soldier", _("Soldier or armed police")
    RETIRED = "retired", _("Retired")
    OTHER = "other", _("Other")


ETHNICITIES = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
]


class PersonQuerySet(ScopedQuerySet):
    def current(self):
        return self.filter(status=Person.Status.ACTIVE)

    def members(self):
        """Party members on the roll (full and probationary)."""
        return self.current().exclude(category=MemberCategory.NON_MEMBER)

    def search(self, q: str, *, searcher=None):
        """By name, pinyin ("zs" or "zhang san" finds 张三), the last digits of the ID number or the whole number.

        With ``searcher``, a whole number finds only people whose full number the searcher may
        see: for anyone else a guessed number that finds its person would confirm the guess
        (docs/personal-data.md). Without it (the system itself) every match counts.
        """
        q = (q or "").strip()
        if not q:
            return self
        if q.isascii() and q.replace(" ", "").isalpha():
            q = q.lower()
            return self.filter(
                models.Q(name_initials__startswith=q.replace(" ", "")) | models.Q(name_pinyin__startswith=q)
            )
        if len(q) <= 4 and (q[-1].isdigit() or q[-1] in "xX") and all(c.isdigit() for c in q[:-1]):
            return self.filter(id_suffix__endswith=q.upper())
        if len(q) == 18 and q[:17].isdigit():
            # The whole number is never stored in clear: look it up by its keyed digest.
            from dangjian.core import crypto

            found = self.filter(id_digest=crypto.digest(q))
            return found if searcher is None else found.where_can(searcher, "unmask_id")
        return self.filter(name__contains=q)


class Person(models.Model):
    """A person in the roster: a party member (16 fields of the national form) or a cadre."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("On the roll")
        LEFT = "left", _("Left")
        DECEASED = "deceased", _("Deceased")

    scope_person_field = "id"  # a plain member sees their own record only (core.scoping)

    org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="people", verbose_name=_("branch")
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=40)
    name_pinyin = models.CharField(max_length=160, editable=False, db_index=True)
    name_initials = models.CharField(max_length=40, editable=False, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(
        _("ethnicity"), max_length=10, choices=[(e, e) for e in ETHNICITIES], default="汉族"
    )
    id_cipher = models.TextField(editable=False)
    id_digest = models.CharField(max_length=64, unique=True, editable=False)
    id_masked = models.CharField(_("citizen ID"), max_length=18, editable=False)
    id_suffix = models.CharField(max_length=4, editable=False, db_index=True)
    birth_date = models.DateField(_("birth date"))
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    category = models.CharField(
        _("member category"), max_length=20, choices=MemberCategory.choices, default=MemberCategory.FULL
    )
    joined_on = models.DateField(pgettext_lazy("party", "date joined"), null=True, blank=True)
    converted_on = models.DateField(_("date converted"), null=True, blank=True)
    job = models.CharField(_("job"), max_length=20, choices=Job.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(pgettext_lazy("person", "address"), max_length=200, blank=True)
    standing = models.CharField(
        _("standing"), max_length=10, choices=Standing.choices, default=Standing.NORMAL
    )
    lost_contact = models.BooleanField(_("lost contact"), default=False)
    lost_contact_on = models.DateField(_("lost contact since"), null=True, blank=True)
    mobile = models.BooleanField(_("mobile member"), default=False)
    mobile_destination = models.CharField(_("mobile destination"), max_length=120, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(_("reason"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["org", "status", "category"]),
            models.Index(fields=["org", "name_pinyin"]),
            # The people on the roll of each organisation, from the index alone: a county's 17 767 counted
            # (member list, API pages) in 4.5 ms instead of 78 ms of heap reads (city demo, PostgreSQL).
            models.Index(fields=["org"], condition=models.Q(status="active"), name="orgs_person_on_roll"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_member(self) -> bool:
        return self.category != MemberCategory.NON_MEMBER


class PostKind(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy", _("Deputy secretary")
    ORGANISING = "organising", _("Organising member")
    PROPAGANDA = "propaganda", _("Propaganda member")
    DISCIPLINE = "discipline", _("Discipline member")
    COMMITTEE = "committee", _("Committee member")
    FIRST_SECRETARY = "first_secretary", _("First secretary")
    GRADUATE_OFFICIAL = "graduate_official", _("College-graduate village official")
    VILLAGE_DIRECTOR = "village_director", _("Village committee director")
    GRID_MEMBER = "grid_member", _("Grid member")


COMMITTEE_POSTS = {
    PostKind.SECRETARY,
    PostKind.DEPUTY_SECRETARY,
    PostKind.ORGANISING,
    PostKind.PROPAGANDA,
    PostKind.DISCIPLINE,
    PostKind.COMMITTEE,
}


class PostQuerySet(ScopedQuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(started_on__lte=on).filter(
            models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=on)
        )


class Post(models.Model):
    """A post (职务) a person holds in an organisation for a period."""

    scope_person_field = "person"

    org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="posts", verbose_name=_("organisation")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="posts", verbose_name=_("person")
    )
    kind = models.CharField(_("post"), max_length=20, choices=PostKind.choices)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [models.Index(fields=["org", "kind", "ended_on"])]
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="post_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.org.label} {self.get_kind_display()} {self.person.name}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None or self.ended_on > timezone.localdate()


class Transfer(models.Model):
    """A person's move from one organisation to another (组织关系转接), kept as history."""

    scope_org_field = "to_org"
    scope_person_field = "person"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="transfers")
    from_org = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("transfer", "from"),
    )
    to_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=pgettext_lazy("transfer", "to")
    )
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.person} {self.from_org} → {self.to_org}"


class ImportBatch(models.Model):
    """One confirmed roster import: who wrote which file into which organisation, and how many rows."""

    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20)
    filename = models.CharField(max_length=200)
    rows = models.PositiveIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.rows})"


class OrgWarning(models.Model):
    """A health warning (``selectors.warnings_for``) the daily run found on an organisation.

    Scopes wider than ``settings.WARNINGS_LIVE_MAX_ORGS`` organisations (a city, a province) count and
    list their warnings from these rows, replaced whole by each run (``services.record_warnings``):
    reckoning every rule for a province's 130 000 organisations takes seconds, too long for a home page.
    Narrower scopes reckon them live. The texts shown are always reckoned live, for the rows on the page.
    """

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=32)
    found_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "code"], name="orgs_orgwarning_unique")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.code} {self.found_on}"


class MemberTally(models.Model):
    """The party members in an organisation's whole subtree, as the daily run counted them.

    Kept for every organisation whose subtree holds more than ``settings.MEMBERS_LIVE_MAX_ORGS``
    organisations (a city, a province) and for each of its children, replaced whole by each run
    (``services.record_member_tallies``): the tree of a province reads its cities' thirteen figures instead
    of counting 4 million members on each visit. ``path`` is the organisation's when counted; a moved
    organisation's figure is not read.
    """

    org = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="member_tally")
    path = models.CharField(max_length=255)
    members = models.PositiveIntegerField()
    counted_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.org_id} {self.members} {self.counted_on}"
