"""Rule parameters are read once per request, and a change (parameter page or admin) is seen by the next one."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.core import params
from dangjian.core.models import Parameter
from dangjian.orgs import params as orgs_params
from dangjian.orgs.tests.factories import make_org, make_person

pytestmark = pytest.mark.django_db

KEY = orgs_params.LOST_CONTACT_MONTHS.key


def _parameter_reads(queries) -> int:
    return sum('"core_parameter"' in q["sql"] for q in queries)


def test_a_request_reads_the_parameters_once_however_often_it_asks(rf):
    reads = []

    def view(request):
        with CaptureQueriesContext(connection) as captured:
            for _ in range(50):
                params.get(KEY)
                cache.clear()  # even with the shared cache gone, the request keeps what it read
        reads.append(_parameter_reads(captured.captured_queries))
        return HttpResponse()

    params.ParamsMiddleware(view)(rf.get("/"))
    params.ParamsMiddleware(view)(rf.get("/"))
    assert reads == [1, 1]


def test_a_job_and_an_import_read_the_parameters_once_and_see_a_change_made_in_them(county, personas):
    """Outside a request, ``params.read_once`` keeps what was read (a background job, an import's rows: two
    reads a row through the cache took a tenth of a 100 000-row import); a value set inside is seen."""
    from dangjian.core import jobs
    from dangjian.core.models import Job
    from dangjian.orgs.importers import MemberImporter
    from dangjian.orgs.tests.factories import make_id
    from dangjian.orgs.tests.fixtures import member_row, members_file

    with CaptureQueriesContext(connection) as captured, params.read_once():
        for _ in range(50):
            params.get(KEY)
            cache.clear()
        assert _parameter_reads(captured.captured_queries) == 1
        params.set_value(KEY, 7)
        assert params.get(KEY) == 7
    cache.clear()
    importer = MemberImporter(actor=personas.county_admin, context={"filename": "名册.xlsx"})
    rows = [member_row("中共A1村支部委员会", 姓名=f"党员{i}", 公民身份号码=make_id()) for i in range(5)]
    with CaptureQueriesContext(connection) as captured:
        preview = importer.preview(members_file(rows))
    assert len(preview.rows) == 5 and _parameter_reads(captured.captured_queries) == 1, preview.errors
    reads = []

    def job_work(job, progress):
        with CaptureQueriesContext(connection) as captured:
            for _ in range(20):
                params.get(KEY)
                cache.clear()
        reads.append(_parameter_reads(captured.captured_queries))
        return "done"

    job = Job.objects.create(owner=personas.county_admin, kind="test", title="test")
    jobs.execute(job.pk, job_work)
    assert (
        len(reads) == 1 and reads[0] <= 1
    )  # (a read before the work, for the job itself, may have filled it)


def test_the_home_page_reads_the_parameters_in_one_query_whatever_the_number_of_organisations(
    client, county, personas
):
    """The warning rules read several parameters for each organisation: one read in all."""
    client.force_login(personas.county_admin)
    counts = []
    for n in (1, 20):
        for i in range(n):
            org = make_org(county.township_a, f"测试{n}村{i}党支部")
            make_person(org, f"党员{n}-{i}")
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("home")).status_code == 200
        counts.append(_parameter_reads(captured.captured_queries))
    assert counts == [1, 1]


def test_a_change_on_the_parameter_page_is_seen_by_the_next_request(client, personas):
    client.force_login(personas.admin)
    url = reverse("parameters")
    assert client.get(url).context["rows"]  # the parameters read (and cached)
    client.post(url, {"key": KEY, "value": "9"})
    rows = dict((spec.key, value) for spec, value in client.get(url).context["rows"])
    assert rows[KEY] == 9


def test_a_change_in_the_admin_is_seen_by_the_next_request(client, personas):
    client.force_login(personas.admin)
    url = reverse("parameters")
    rows = dict((spec.key, value) for spec, value in client.get(url).context["rows"])
    assert rows[KEY] == 6  # the default, now in the shared cache
    response = client.post(reverse("admin:core_parameter_add"), {"key": KEY, "value": "11"})
    assert response.status_code == 302
    rows = dict((spec.key, value) for spec, value in client.get(url).context["rows"])
    assert rows[KEY] == 11
    parameter = Parameter.objects.get(key=KEY)
    response = client.post(reverse("admin:core_parameter_delete", args=[parameter.pk]), {"post": "yes"})
    assert response.status_code == 302
    rows = dict((spec.key, value) for spec, value in client.get(url).context["rows"])
    assert rows[KEY] == 6
