"""core.prepared: a queryset compiled once gives, on every call, what the ORM gives, read afresh."""

from __future__ import annotations

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone

from dangjian.accounts.models import RoleAssignment
from dangjian.core.prepared import PreparedQuery

pytestmark = pytest.mark.django_db

GRANTS = PreparedQuery(
    lambda user_id, since: (
        RoleAssignment.objects.filter(user_id=user_id, created_at__gte=since)
        .order_by("pk")
        .values_list("role", "org__path", "include_subtree", "created_at")
    ),
    -1,
    datetime(2000, 1, 1, tzinfo=dt_timezone.utc),
)


def _orm(user_id, since):
    return list(
        RoleAssignment.objects.filter(user_id=user_id, created_at__gte=since)
        .order_by("pk")
        .values_list("role", "org__path", "include_subtree", "created_at")
    )


def test_rows_are_what_the_orm_gives_with_its_converters(personas, county, django_assert_num_queries):
    long_ago = timezone.now() - timedelta(days=1)
    for user in (personas.county_admin, personas.township_a, personas.village_a1):
        with django_assert_num_queries(1):
            rows = GRANTS.rows(user.pk, long_ago, model=RoleAssignment)
        assert rows == _orm(user.pk, long_ago) and rows
        assert isinstance(rows[0][2], bool) and isinstance(rows[0][3], datetime)  # converted, not 0/1 or text
    assert (
        GRANTS.rows(personas.county_admin.pk, timezone.now() + timedelta(days=1), model=RoleAssignment) == []
    )


def test_nothing_is_cached_but_the_sql(personas, county):
    user = personas.township_a
    before = GRANTS.rows(user.pk, timezone.now() - timedelta(days=1), model=RoleAssignment)
    RoleAssignment.objects.create(user=user, role="township", org=county.township_b)
    after = GRANTS.rows(user.pk, timezone.now() - timedelta(days=1), model=RoleAssignment)
    assert len(after) == len(before) + 1 and after[-1][1] == county.township_b.path


def test_a_placeholder_the_sql_does_not_carry_once_is_refused(personas):
    twice = PreparedQuery(
        lambda pk: RoleAssignment.objects.filter(user_id=pk, org_id=pk).values_list("pk"), 7
    )
    with pytest.raises(ImproperlyConfigured):
        twice.rows(personas.county_admin.pk, model=RoleAssignment)
    never = PreparedQuery(lambda pk: RoleAssignment.objects.values_list("pk"), 7)
    with pytest.raises(ImproperlyConfigured):
        never.rows(personas.county_admin.pk, model=RoleAssignment)


def test_values_and_aggregate_answer_as_the_orm_does(personas, county, django_assert_num_queries):
    from django.db.models import Count, Max, Q

    from dangjian.core.prepared import aggregated

    def grouped():
        return (
            RoleAssignment.objects.order_by().values("role").annotate(n=Count("pk"), last=Max("created_at"))
        )

    by_role = PreparedQuery(grouped)
    with django_assert_num_queries(1):
        rows = by_role.values(model=RoleAssignment)
    assert sorted(rows, key=lambda r: r["role"]) == sorted(grouped(), key=lambda r: r["role"]) and rows
    counts = {
        "all": Count("pk"),
        "township": Count("pk", filter=Q(role="township")),
        "last": Max("created_at"),
    }
    totals = PreparedQuery(lambda: aggregated(RoleAssignment.objects.all(), **counts))
    with django_assert_num_queries(1):
        found = totals.aggregate(model=RoleAssignment)
    assert found == RoleAssignment.objects.aggregate(**counts) and found["all"]
    # No record: one row all the same, as aggregate() answers; a condition nothing meets: no query at all.
    none = PreparedQuery(lambda: aggregated(RoleAssignment.objects.filter(role="nobody"), **counts))
    assert none.aggregate(model=RoleAssignment) == {"all": 0, "township": 0, "last": None}
    empty = PreparedQuery(lambda: aggregated(RoleAssignment.objects.filter(pk__in=[]), **counts))
    with django_assert_num_queries(0):
        assert empty.aggregate(model=RoleAssignment) == {"all": 0, "township": 0, "last": None}


def test_kept_compiles_once_per_key_and_reads_afresh(personas, county):
    from dangjian.core.prepared import kept

    user = personas.township_a
    built = []

    def build():
        built.append(1)
        return RoleAssignment.objects.filter(user_id=user.pk).values_list("org_id")

    key = ("test.kept", user.pk)
    before = kept(key, build).rows(model=RoleAssignment)
    RoleAssignment.objects.create(user=user, role="township", org=county.township_b)
    after = kept(key, build).rows(model=RoleAssignment)
    assert len(built) == 1 and after == [*before, (county.township_b.pk,)]
    kept(("test.kept", "another"), build).rows(model=RoleAssignment)
    assert len(built) == 2


@pytest.mark.parametrize("key", [tuple("ledger.open_items"), (), ("nodots", 1), "test.kept", [("test.kept")]])
def test_a_kept_key_without_a_dotted_name_first_is_refused(key):
    """A string unpacked where a tuple was meant (``(*name, "count")``) would share one query among users."""
    from dangjian.core.prepared import kept

    with pytest.raises(TypeError, match="dotted name"):
        kept(key, lambda: RoleAssignment.objects.all())


def test_plain_rows_give_a_grouped_reads_values_as_the_orm_does_and_dates_through_as_date(personas, county):
    """``plain_rows`` skips the ORM's converters: numbers and text as they are, a truncated date column read
    by ``as_date`` on both databases; no organisation to read is no query and no row."""
    from django.db.models import Count, DateField
    from django.db.models.functions import TruncMonth

    from dangjian.core.prepared import as_date, plain_rows

    grouped = (
        RoleAssignment.objects.annotate(month=TruncMonth("created_at", output_field=DateField()))
        .order_by()
        .values("org_id", "role", "month")
        .annotate(n=Count("pk"))
        .values_list("org_id", "role", "month", "n")
    )
    plain = sorted((org, role, as_date(month), n) for org, role, month, n in plain_rows(grouped))
    assert plain == sorted(grouped) and len(plain) >= 3
    assert all(type(month).__name__ == "date" for _org, _role, month, _n in plain)
    assert plain_rows(grouped.filter(org_id__in=[])) == []


def test_a_big_integer_column_takes_its_placeholder_as_the_driver_wraps_it(personas, county):
    """The ORM passes a big integer column's value wrapped (psycopg's Int8 on PostgreSQL): the placeholder is
    still found, and each call's id goes in wrapped the same way."""
    from django.contrib.contenttypes.models import ContentType

    from dangjian.core.models import StatusChange

    ct = ContentType.objects.get_for_model(RoleAssignment)
    for n, org in enumerate((county.township_a, county.township_b), start=1):
        StatusChange.objects.create(
            content_type=ct, object_id=org.pk, old="a", new="b", actor=personas.admin, note=f"第{n}步"
        )
    steps = PreparedQuery(
        lambda ct_id, object_id: StatusChange.objects.filter(content_type_id=ct_id, object_id=object_id),
        2_047_304_181,
        2_047_304_182,
    )
    for org, note in ((county.township_a, "第1步"), (county.township_b, "第2步")):
        assert [s.note for s in steps.objects(ct.pk, org.pk, model=StatusChange)] == [note]
    assert steps.objects(ct.pk, 2_000_000_000, model=StatusChange) == []


def _same_instance(made, orm) -> None:
    """Made as ``from_db`` makes it: same class, values, deferred columns and state."""
    assert type(made) is type(orm)
    assert {k: v for k, v in made.__dict__.items() if k != "_state"} == {
        k: v for k, v in orm.__dict__.items() if k not in ("_state", "_prefetched_objects_cache")
    }
    assert made.get_deferred_fields() == orm.get_deferred_fields()
    assert (made._state.adding, made._state.db) == (orm._state.adding, orm._state.db) == (False, "default")


def test_instances_are_made_without_init_as_from_db_makes_them(county, people):
    """A page of records is made without ``Model.__init__`` (most of its time) and is what the ORM makes:
    the columns read, the columns deferred, the select_related records and their links both ways."""
    from dangjian.core.prepared import instance_maker
    from dangjian.orgs.models import Organisation, Person

    assert instance_maker(Person) is not Person.from_db  # the plain way applies to a plain model
    query = PreparedQuery(
        lambda: Person.objects.select_related("org").only("name", "birth_date", "org__name").order_by("pk")
    )
    made, orm = query.objects(model=Person), list(query.build())
    assert [p.pk for p in made] == [p.pk for p in orm] and len(made) == 3
    for one, other in zip(made, orm, strict=True):
        _same_instance(one, other)
        assert one.get_deferred_fields() >= {"id_cipher", "sex"}
        _same_instance(one.org, other.org)
        assert isinstance(one.org, Organisation) and one._state.fields_cache["org"] is one.org
    made[0].sex  # a deferred column is read on demand, as from an ORM instance  # noqa: B018
    made[0].name = "改名"
    made[0].save(update_fields=["name"])  # an instance read this way saves as any other
    assert Person.objects.get(pk=made[0].pk).name == "改名"


def test_a_model_someone_listens_to_is_made_by_from_db(county, people):
    """A receiver of ``post_init`` (connected at any time) or a column with its own descriptor (a file)
    makes the maker fall back to Django's ``from_db``: nothing that ``__init__`` does is skipped."""
    from django.db.models.signals import post_init

    from dangjian.core.models import Attachment
    from dangjian.core.prepared import instance_maker
    from dangjian.orgs.models import Person

    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=Person)
    try:
        assert instance_maker(Person) == Person.from_db
        made = PreparedQuery(lambda: Person.objects.order_by("pk")).objects(model=Person)
        assert len(seen) == len(made) == 3 and seen == made
    finally:
        post_init.disconnect(receiver, sender=Person)
    assert instance_maker(Person) != Person.from_db
    assert instance_maker(Attachment) == Attachment.from_db  # its file column has Django's FileDescriptor


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_a_query_planned_once_is_prepared_on_the_server_and_logged_with_its_values(personas):
    """On PostgreSQL a query marked ``plan_once`` (the session's user, by id) is sent bound on the server and
    prepared there, planned once per connection; the query log still shows it with its values in it. A
    kept query whose best plan depends on its values (a scope's range) is sent as text, never prepared."""
    from django.test.utils import CaptureQueriesContext

    from dangjian.accounts.backends import _USER
    from dangjian.accounts.models import User

    user = personas.township_a
    with CaptureQueriesContext(connection) as seen:
        found = [_USER.rows(user.pk, model=User) for _n in range(3)]
        GRANTS.rows(user.pk, timezone.now() - timedelta(days=1), model=RoleAssignment)
        GRANTS.rows(user.pk, timezone.now() - timedelta(days=1), model=RoleAssignment)
    assert found[0] == found[1] == found[2] and found[0][0][0] == user.pk
    assert len(seen) == 5 and not any("$1" in q["sql"] for q in seen)
    assert all(f"= {user.pk}" in q["sql"] for q in seen[:3])  # the values, as Django logs a text query
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "accounts_user"' in sql and "$1" in sql for sql in prepared)
    assert not any('"accounts_roleassignment"."created_at" >=' in sql for sql in prepared)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_a_kept_query_with_its_values_in_it_is_planned_once_for_those_values(personas, county):
    """A kept query without placeholders (a scope's list, "my work") is prepared with every value written
    into its SQL: PostgreSQL plans it once per connection, and its one plan is the plan for these values
    (no parameter to guess: a path range as a parameter once made a county's page 3× dearer). The rows
    are the ORM's, a value with "%" in it (a LIKE pattern) stays a value, the log shows the SQL run."""
    from django.test.utils import CaptureQueriesContext

    from dangjian.orgs.models import Organisation

    township = county.township_a
    build = lambda: (  # noqa: E731 - the queryset, once for the ORM and once prepared
        Organisation.objects.filter(path__startswith=township.path, name__contains="%村")
        .exclude(name="100%")
        .order_by("path")
    )
    query = PreparedQuery(build)
    with CaptureQueriesContext(connection) as seen:
        found = [query.objects(model=Organisation) for _n in range(3)]
    assert found[0] == found[1] == found[2] == list(build()) == []
    Organisation.objects.filter(pk=county.village_a1.pk).update(name="A1%村党支部")  # read afresh
    assert [o.name for o in query.objects(model=Organisation)] == [o.name for o in build()] == ["A1%村党支部"]
    assert not any("$1" in q["sql"] for q in seen) and f"'{township.path}%'" in seen[0]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, parameter_types::text, generic_plans FROM pg_prepared_statements")
        prepared = [
            row for row in cursor.fetchall() if 'FROM "orgs_organisation"' in row[0] and "100%" in row[0]
        ]
    assert len(prepared) == 1, prepared
    statement, types, generic_plans = prepared[0]
    assert types == "{}" and f"'{township.path}%'" in statement and "村" in statement, statement
    assert generic_plans >= 1  # planned once (no parameter: its plan is kept and used again)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_values_written_keeps_the_placeholders_and_the_escapes():
    """The SQL as Django's cursor would send it, the placeholders' ``%s`` left in order; ``%%`` kept."""
    from dangjian.core.prepared import values_written

    sql = "SELECT %s, '50%%', %s, %s"
    written = values_written(connection, sql, ["a'b", 7, datetime(2026, 1, 2).date()], keep=(1,))
    assert written == "SELECT 'a''b', '50%%', %s, '2026-01-02'::date"
    with connection.cursor() as cursor:
        cursor.execute(written, [8])
        assert cursor.fetchone() == ("a'b", "50%", 8, datetime(2026, 1, 2).date())
    with pytest.raises(ImproperlyConfigured):
        values_written(connection, sql, [1, 2])
