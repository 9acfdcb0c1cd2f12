"""The pages: pipeline, file, step forms, quotas, export, home block; pinned query counts."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core import registry
from dangjian.devel import demo
from dangjian.devel.columns import LEDGER_COLUMNS
from dangjian.devel.models import DevelopmentFile, FileStatus, StepRecord
from dangjian.orgs.models import Person
from dangjian.orgs.tests.factories import make_id

from .helpers import bare_files, open_file, quotas

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def test_the_pipeline_counts_files_per_stage_and_marks_overdue_talks(client, county, personas):
    bare_files(county.village_a1, 2, prefix="超期")  # applied 40 days ago: the talk is overdue
    bare_files(
        county.village_a2,
        1,
        status="s03",
        applied_on=timezone.localdate() - timedelta(days=60),
        prefix="积极",
    )
    bare_files(county.village_b1, 1, prefix="乙镇")
    client.force_login(personas.township_a)
    text = _text(client.get(reverse("devel:pipeline")))
    assert 'data-testid="stage-1" data-count="2" data-overdue="2"' in text
    assert 'data-testid="stage-2" data-count="1" data-overdue="0"' in text
    assert "超期00" in text and "积极00" in text and "乙镇00" not in text
    assert text.count('data-overdue="1"') == 2
    assert f'data-org="{county.village_a1.pk}" data-total="2" data-overdue="2"' in text
    assert f'data-org="{county.village_a2.pk}" data-total="1" data-overdue="0"' in text
    assert f'data-org="{county.village_b1.pk}"' not in text


def _pipeline_queries(client, user, django_assert_num_queries, n):
    client.force_login(user)
    client.get(reverse("devel:pipeline"))  # the rule parameters are read once a minute (core.params cache)
    with django_assert_num_queries(n):
        response = client.get(reverse("devel:pipeline"))
    assert response.status_code == 200
    return response


# session, the user with its grants, the organisation on top and the ones below it, the stage summary (one
# query over the due fields), the page count, the page of files (branch and person joined), the session save (savepoint,
# update, release)
PIPELINE_QUERIES = 7
# session, the user with its grants, the organisation asked for, its children, their quotas, the roll-up of the files at
# each of the two depths, the five structure figures (one query each), the session save (savepoint, update,
# release)
QUOTA_QUERIES = 12


def test_the_pipeline_runs_a_fixed_number_of_queries_for_3_and_30_files(
    client, county, personas, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(registry, "badges", {})
    bare_files(county.village_a1, 3)
    _pipeline_queries(client, personas.township_a, django_assert_num_queries, PIPELINE_QUERIES)
    bare_files(county.village_a2, 27, prefix="多")
    response = _pipeline_queries(client, personas.township_a, django_assert_num_queries, PIPELINE_QUERIES)
    assert 'data-testid="stage-1" data-count="30"' in _text(response)


def test_the_quota_page_runs_a_fixed_number_of_queries(
    client, county, personas, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(registry, "badges", {})
    quotas(county, personas, number=7)
    bare_files(county.village_a1, 3)
    client.force_login(personas.township_a)
    url = reverse("devel:quotas") + f"?org={county.township_a.pk}"
    client.get(url)  # the rule parameters are read once a minute (core.params cache)
    with django_assert_num_queries(QUOTA_QUERIES):
        response = client.get(url)
    bare_files(county.village_a2, 20, status="s13", prefix="多")
    with django_assert_num_queries(QUOTA_QUERIES):
        response = client.get(url)
    text = _text(response)
    assert f'data-org="{county.township_a.pk}" data-allocated="7" data-used="0" data-pipeline="20"' in text


def test_a_branch_opens_a_file_through_the_form(client, county, personas):
    client.force_login(personas.village_a1)
    number = make_id(timezone.localdate().replace(year=timezone.localdate().year - 25))
    response = client.post(
        reverse("devel:file_open"),
        {
            "org": county.village_a1.pk,
            "name": "钱申请",
            "id_number": number,
            "applied_on": timezone.localdate().isoformat(),
            "ethnicity": "汉族",
            "education": "",
            "job": "farmer",
            "phone": "",
            "files": demo.scan("申请书.pdf"),
        },
    )
    file = DevelopmentFile.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "devel:file_detail", args=[file.pk]
    )
    page = _text(client.get(response["Location"]))
    assert "钱申请" in page and number not in page and 'data-state="next"' in page


def test_a_refused_step_shows_the_rule_on_the_form_and_writes_nothing(client, county, personas):
    file = open_file(
        county.village_a1, personas.village_a1, applied_on=timezone.localdate() - timedelta(days=60)
    )
    client.force_login(personas.village_a1)
    url = reverse("devel:step_record", args=[file.pk])
    data = {
        "done_on": timezone.localdate().isoformat(),
        "people": "书记",
        "body": "",
        "note": "",
        "version": file.version,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "1个月内应派人谈话" in _text(response)
    assert StepRecord.objects.filter(file=file).count() == 1
    data["done_on"] = (file.applied_on + timedelta(days=20)).isoformat()
    response = client.post(url, data)
    assert response.status_code == 302
    assert DevelopmentFile.objects.get(pk=file.pk).status == FileStatus.S02


def test_the_higher_step_form_is_refused_to_the_branch(client, county, personas):
    file = open_file(
        county.village_a1, personas.village_a1, applied_on=timezone.localdate() - timedelta(days=60)
    )
    demo.advance(file, 3, branch=personas.village_a1, higher=personas.township_a)
    client.force_login(personas.village_a1)
    assert client.get(reverse("devel:step_record", args=[file.pk])).status_code == 403
    client.force_login(personas.township_a)
    assert client.get(reverse("devel:step_record", args=[file.pk])).status_code == 200


def test_the_export_lists_every_file_of_the_subtree_with_masked_ids(client, county, personas):
    from openpyxl import load_workbook

    files = bare_files(county.village_a1, 2) + bare_files(county.village_b1, 1, prefix="乙镇")
    client.force_login(personas.township_a)
    response = client.get(reverse("devel:export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("党支部", "姓名")
    names = {r[1] for r in rows[1:]}
    assert names == {"档案00", "档案01"}
    masked = Person.objects.get(pk=files[0].person_id).id_masked
    assert any(r[4] == masked for r in rows[1:]) and "*" in masked
    overdue = [c.key for c in LEDGER_COLUMNS].index("overdue")
    assert all(r[overdue] == "是" for r in rows[1:])  # the talks are overdue


def test_the_home_page_lists_talks_about_to_be_missed(client, county, personas):
    bare_files(county.village_a1, 1, applied_on=timezone.localdate() - timedelta(days=27), prefix="临近")
    client.force_login(personas.village_a1)
    text = _text(client.get("/"))
    assert 'data-testid="devel-due-block"' in text and "临近00" in text
    client.force_login(personas.township_b)
    assert "临近00" not in _text(client.get("/"))


def test_every_step_form_and_the_file_page_render_along_a_whole_walk(client, county, personas):
    """At each step the right person gets the next step's form with its particulars, and the file page."""
    from dangjian.core import workflow
    from dangjian.devel import rules

    from .helpers import sponsors, walk

    quotas(county, personas)
    people = sponsors(county.village_a1)
    file = open_file(county.village_a1, personas.village_a1)
    expected = {
        9: "sponsor_1",
        11: "training_hours",
        15: "votes_for",
        17: "extended_limit",
        23: "extension_months",
    }
    while (number := rules.next_step(file)) is not None:
        rule = workflow.rules_for(file)[(file.status, rules.target_status(file, number))]
        user = personas.township_a if rule.at else personas.village_a1
        client.force_login(user)
        form = client.get(reverse("devel:step_record", args=[file.pk]))
        assert form.status_code == 200, number
        assert f"第{number}步" in _text(form)
        if number in expected:
            assert f'name="{expected[number]}"' in _text(form)
        page = _text(client.get(reverse("devel:file_detail", args=[file.pk])))
        assert f'data-step="{number}" data-state="next"' in page
        file = walk(file, number, personas, people)
    page = _text(client.get(reverse("devel:file_detail", args=[file.pk])))
    assert page.count('data-state="done"') == 25


def test_the_pipeline_counts_overdue_in_the_database_exactly_as_the_file_rows_do(county):
    """overdue_q (the pipeline's counts) and due_of (each file's row) agree on every day around month ends."""
    from datetime import date

    from dangjian.devel.selectors import due_of, overdue_q
    from dangjian.orgs.tests.factories import make_person

    person = make_person(county.village_a1, "边界", category="non_member", joined_on=None)
    files = []
    for i in range(80):
        day = date(2027, 12, 20) + timedelta(days=i)
        for status, fields in (
            ("s01", {}),
            ("s04", {"activist_on": day}),
            ("s06", {"activist_on": day - timedelta(days=200), "last_assessment_on": day}),
            ("s15", {"vote_on": day}),
            ("s16", {"vote_on": None}),
            ("s23", {"conversion_vote_on": day}),
            ("s20", {"probation_ends_on": day}),
            ("extended", {"probation_ends_on": day}),
            ("s10", {}),
            ("stopped", {}),
        ):
            files.append(
                DevelopmentFile(
                    org=county.village_a1,
                    person=person,
                    applied_on=day,
                    last_step_on=day,
                    status=status,
                    **fields,
                )
            )
    DevelopmentFile.objects.bulk_create(files)
    every = list(DevelopmentFile.objects.all())
    for today in (
        date(2028, 2, 29), date(2028, 3, 1), date(2028, 3, 29), date(2028, 3, 30), date(2028, 4, 30),
        date(2028, 5, 1), date(2028, 5, 30), date(2028, 8, 29), date(2028, 8, 31), date(2028, 9, 1),
    ):  # fmt: skip
        by_rows = {f.pk for f in every if (due := due_of(f)) and due[1] < today}
        by_database = set(DevelopmentFile.objects.filter(overdue_q(today)).values_list("pk", flat=True))
        assert by_database == by_rows and by_rows, today


def test_the_home_block_counts_every_file_due_and_shows_the_ten_due_first(county, personas):
    """Chosen in SQL: once 500 files were read in no order and judged here, so a wide scope's count stopped at
    what those held and the files due first could be missing."""
    from dangjian.devel import selectors

    today = timezone.localdate()
    talks = []
    for days in range(10, 70, 4):  # fifteen talks applied for 10…66 days ago (the rule: a month)
        talks += bare_files(county.village_a1, 1, applied_on=today - timedelta(days=days), prefix=f"谈{days}")
    voted = bare_files(county.village_a2, 3, status="s15", prefix="票")
    for n, file in enumerate(voted):
        file.vote_on = today - timedelta(days=100 - n * 40)  # 100, 60 and 20 days ago (approval: 3 months?)
        file.save(update_fields=["vote_on"])
    bare_files(county.village_a1, 2, status="s04", prefix="积极")  # no talk or approval rule
    judged = [
        selectors.file_row(f, today)
        for f in DevelopmentFile.objects.select_related("org", "person").filter(status__in=["s01", "s15"])
    ]
    expected = sorted((r for r in judged if r.soon or r.overdue), key=lambda r: (r.due, r.file.pk))
    assert len(expected) > 10 and any(r.file.status == "s15" for r in expected)
    rows, count = selectors.due_soon(personas.county_admin, today)
    assert count == len(expected)
    assert [r.file.pk for r in rows] == [r.file.pk for r in expected[:10]]
    assert selectors.due_soon(personas.township_b, today) == ([], 0)
