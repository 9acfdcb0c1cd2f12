"""Background jobs: progress, failures shown on the job page, nothing left by a crash, the stale sweeper,
owner-only pages, the real database worker loop, and imports and exports run as jobs."""

from __future__ import annotations

import io
import signal
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.core import jobs, uploads
from dangjian.core.imports import import_file
from dangjian.core.models import Job
from dangjian.ledger.models import Item
from dangjian.ledger.tests.test_import_items import row as item_row
from dangjian.ledger.tests.test_import_items import sheet as items_sheet
from dangjian.ledger.tests.test_pages import build_world
from dangjian.orgs.models import ImportBatch, Organisation, Person
from dangjian.orgs.tests.factories import make_id, make_person
from dangjian.orgs.tests.fixtures import member_row, members_file, org_row, orgs_file

pytestmark = pytest.mark.django_db

A1 = "中共A1村支部委员会"
A2 = "中共A2村支部委员会"
B1 = "中共B1村支部委员会"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def pending_dir(tmp_path, settings):
    settings.IMPORT_PENDING_DIR = str(tmp_path / "pending")
    return tmp_path / "pending"


def counts():
    return Person.objects.count(), Organisation.objects.count(), ImportBatch.objects.count()


def members_ticket(rows):
    return uploads.store(members_file(rows), purpose="dangjian.orgs.imports.MEMBERS|kind=members")


def start_member_import(owner, rows) -> Job:
    """What the confirm view does, with the ticket the upload view would have kept."""
    return jobs.start(
        task=import_file,
        owner=owner,
        kind="dangjian.orgs.imports.MEMBERS",
        title="党员导入",
        params={
            "spec": "dangjian.orgs.imports.MEMBERS",
            "url_kwargs": {"kind": "members"},
            "ticket": members_ticket(rows),
        },
    )


@jobs.job_task
def count_to(job, progress, *, n: int) -> str:
    progress.total = n
    for _ in range(n):
        progress.advance()
    return f"counted {n}"


# ------------------------------------------------------------------ progress


def test_progress_is_written_to_the_job_row_as_it_goes(personas):
    job = Job.objects.create(owner=personas.township_a, kind="test", title="t", state=Job.State.RUNNING)
    with jobs.job_progress(job, interval=0) as progress:
        progress.total = 10
        progress.advance(3)
        job.refresh_from_db()
        assert (job.done, job.total, job.percent) == (3, 10, 30)
        progress.message = "第二步"
        progress.advance(4)
        job.refresh_from_db()
        assert (job.done, job.message) == (7, "第二步")
        assert job.heartbeat_at is not None


def test_progress_is_not_written_for_every_row(personas, django_assert_max_num_queries):
    job = Job.objects.create(owner=personas.township_a, kind="test", title="t", state=Job.State.RUNNING)
    with django_assert_max_num_queries(3), jobs.job_progress(job, interval=60) as progress:
        progress.total = 10_000  # one write
        for _ in range(10_000):
            progress.advance()  # none: the last write is less than a minute old
    # …and the last count is written when the block ends.
    job.refresh_from_db()
    assert (job.done, job.total) == (10_000, 10_000)


@pytest.mark.django_db(transaction=True)
def test_progress_made_inside_the_jobs_own_transaction_is_seen_at_once_on_postgresql(personas):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer: progress made inside a transaction is written when it ends")
    job = Job.objects.create(owner=personas.township_a, kind="test", title="t", state=Job.State.RUNNING)
    real = connections["default"]
    with jobs.job_progress(job, interval=0) as progress:
        progress.total = 10
        with transaction.atomic():  # an import's all-or-nothing write
            progress.advance(4)
            onlooker = real.__class__(real.settings_dict.copy())  # the job page's connection
            with onlooker.cursor() as cursor:
                cursor.execute("SELECT done FROM core_job WHERE id = %s", [job.pk])
                seen = cursor.fetchone()[0]
            onlooker.close()
            transaction.set_rollback(True)
    assert seen == 4


def test_a_job_records_its_progress_and_outcome(personas):
    job = jobs.start(task=count_to, owner=personas.township_a, kind="test", title="数数", params={"n": 5})
    assert job.state == Job.State.SUCCEEDED
    assert (job.done, job.total, job.percent, job.message) == (5, 5, 100, "counted 5")
    assert job.started_at <= job.finished_at and job.task_id


def test_an_import_job_reports_rows_checked_and_written(personas, county, pending_dir, settings):
    settings.JOB_PROGRESS_INTERVAL = 0
    job = start_member_import(personas.township_a, [member_row(A1), member_row(A2), member_row(A1)])
    assert job.state == Job.State.SUCCEEDED, job.error
    assert (job.done, job.total) == (6, 6)  # three rows checked, three written
    assert job.message == "已从 党员名册.xlsx 导入 3 行。"
    assert Person.objects.count() == 3 and list(pending_dir.iterdir()) == []


# ------------------------------------------------------------------ failures


def test_a_bad_file_fails_the_job_with_the_same_row_and_column_messages_as_the_preview(
    client, personas, county, pending_dir
):
    from dangjian.orgs.importers import MemberImporter

    rows = [member_row(A1, 姓名=""), member_row(B1)]
    preview = MemberImporter(actor=personas.township_a).preview(members_file(rows))
    before = counts()

    job = start_member_import(personas.township_a, rows)

    assert job.state == Job.State.FAILED and counts() == before
    assert job.error == "文件有问题，未写入任何数据。请在表格中改正后重新上传。"
    assert job.problems == [[e.row, e.column, e.message] for e in preview.errors]
    client.force_login(personas.township_a)
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'data-state="failed"' in html and job.error in html
    assert "<td>2</td><td>姓名</td><td>必填，不能为空</td>" in html
    assert f"<td>3</td><td>所在党支部</td><td>找不到组织“{B1}”" in html
    assert f"第 3 行“所在党支部”列：找不到组织“{B1}”" in html  # the same problems as text, to copy
    assert list(pending_dir.iterdir()) == []


def test_a_crash_in_the_middle_of_the_write_leaves_nothing_and_fails_the_job(
    personas, county, pending_dir, monkeypatch
):
    from dangjian.orgs import importers

    real_insert = importers.insert_rows

    def insert_half_then_die(model, objects, **kwargs):
        real_insert(model, objects[: len(objects) // 2], **kwargs)
        assert Person.objects.count() == 2  # half of the rows are in the database at this moment…
        raise RuntimeError("worker killed")

    monkeypatch.setattr(importers, "insert_rows", insert_half_then_die)
    before = counts()

    job = start_member_import(personas.township_a, [member_row(A1) for _ in range(4)])

    job.refresh_from_db()
    assert counts() == before  # …and none once the job has failed
    assert job.state == Job.State.FAILED
    assert job.error.startswith("任务因意外错误而停止，未写入任何数据。")
    assert f"任务编号 {job.pk}" in job.error


def test_a_ledger_import_that_fails_half_way_writes_no_item(
    client, personas, county, pending_dir, monkeypatch
):
    from dangjian.ledger import services

    world = build_world(personas, county)
    client.force_login(personas.township_a)
    url = reverse("ledger:import_upload", args=[world.list_a.pk])
    client.post(url, {"file": items_sheet(item_row(问题描述="第一条"), item_row(问题描述="第二条"))})
    real_create = services.item_create
    made = []

    def create_one_then_fail(**kwargs):
        if made:
            raise IntegrityError("disk full")
        made.append(real_create(**kwargs))
        return made[-1]

    monkeypatch.setattr(services, "item_create", create_one_then_fail)
    before = Item.objects.count()
    response = client.post(reverse("ledger:import_confirm", args=[world.list_a.pk]), follow=True)
    assert len(made) == 1 and Item.objects.count() == before
    assert 'data-state="failed"' in response.content.decode()
    assert not Item.objects.filter(title__in=["第一条", "第二条"]).exists()


def test_the_sweeper_fails_a_running_job_whose_worker_stopped_and_spares_a_live_one(
    client, personas, settings
):
    settings.JOB_STALE_SECONDS = 600
    now = timezone.now()
    dead = Job.objects.create(
        owner=personas.township_a,
        kind="test",
        title="dead",
        state=Job.State.RUNNING,
        started_at=now - timedelta(hours=2),
        heartbeat_at=now - timedelta(minutes=11),
    )
    alive = Job.objects.create(
        owner=personas.township_a,
        kind="test",
        title="alive",
        state=Job.State.RUNNING,
        started_at=now - timedelta(hours=2),
        heartbeat_at=now - timedelta(minutes=9),
    )
    waiting = Job.objects.create(
        owner=personas.township_a, kind="test", title="waiting", created_at=now - timedelta(days=1)
    )

    assert jobs.sweep_stale() == 1

    dead.refresh_from_db(), alive.refresh_from_db(), waiting.refresh_from_db()
    assert dead.state == Job.State.FAILED and dead.finished_at is not None
    assert dead.error.startswith("后台处理程序在任务完成前停止了")
    assert (alive.state, waiting.state) == (Job.State.RUNNING, Job.State.QUEUED)
    # A job the sweeper gave up on is not run or finished later.
    assert jobs.execute(dead.pk, lambda job, progress: "late") == {"job": dead.pk, "state": "skipped"}


def test_the_job_page_shows_a_stale_job_as_failed(client, personas, settings):
    settings.JOB_STALE_SECONDS = 60
    long_ago = timezone.now() - timedelta(hours=1)
    job = Job.objects.create(
        owner=personas.township_a,
        kind="test",
        title="t",
        state=Job.State.RUNNING,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    client.force_login(personas.township_a)
    html = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert 'data-state="failed"' in html and "后台处理程序在任务完成前停止了" in html
    assert "hx-trigger" not in html  # polling stops


# ------------------------------------------------------------------ pages


def test_the_job_page_polls_while_the_job_runs_and_stops_when_it_has_finished(client, personas):
    job = Job.objects.create(
        owner=personas.township_a,
        kind="test",
        title="导出",
        state=Job.State.RUNNING,
        done=30,
        total=120,
        heartbeat_at=timezone.now(),
    )
    client.force_login(personas.township_a)
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    progress_url = reverse("jobs:progress", args=[job.pk])
    assert f'hx-get="{progress_url}" hx-trigger="every 1s"' in html
    assert 'aria-valuenow="25"' in html and 'data-testid="job-percent">25%' in html and "<html" in html
    Job.objects.filter(pk=job.pk).update(state=Job.State.SUCCEEDED, done=120, message="导出了 120 行。")
    partial = client.get(progress_url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial and "<html" not in partial
    assert "导出了 120 行。" in partial and 'aria-valuenow="100"' in partial


def test_my_jobs_lists_only_my_jobs_and_the_header_links_to_it(client, personas):
    Job.objects.create(owner=personas.township_a, kind="test", title="我的导出")
    Job.objects.create(owner=personas.township_b, kind="test", title="别人的导出")
    client.force_login(personas.township_a)
    html = client.get(reverse("jobs:list")).content.decode()
    assert "我的导出" in html and "别人的导出" not in html
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("jobs:list")}"' in home and "我的任务" in home


def test_a_job_is_its_owners_alone(client, personas, settings):
    settings.EXPORT_TASK_THRESHOLD = 0
    make_person(personas.county_admin.assignments.get().org, "赵县直")
    client.force_login(personas.county_admin)
    response = client.get(reverse("orgs:person_export"))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    urls = [reverse(f"jobs:{name}", args=[job.pk]) for name in ("detail", "progress", "download")]
    assert all(client.get(url).status_code == 200 for url in urls)
    for other in (personas.admin, personas.township_a, personas.inspector):
        client.force_login(other)
        assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    client.logout()
    assert all(client.get(url)["Location"].startswith(reverse("login")) for url in urls)


# ------------------------------------------------------------------ exports and commands as jobs


def test_a_member_export_over_the_threshold_runs_as_a_job_and_offers_the_file(
    client, personas, county, settings
):
    for n in range(3):
        make_person(county.village_a1, f"党员{n}")
    make_person(county.village_b1, "外镇党员")
    client.force_login(personas.township_a)
    small = client.get(reverse("orgs:person_export"))
    assert small["Content-Type"].startswith("application/vnd.openxml") and not Job.objects.exists()

    settings.EXPORT_TASK_THRESHOLD = 2
    response = client.get(reverse("orgs:person_export"), {"q": "党员"}, follow=True)
    job = Job.objects.get()
    assert (job.owner, job.state, job.kind, job.total) == (
        personas.township_a,
        Job.State.SUCCEEDED,
        "orgs.export_members",
        3,
    )
    assert "已导出 3 名党员。" in response.content.decode()
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    names = sorted(r[0] for r in sheet.iter_rows(min_row=2, values_only=True))
    assert names == ["党员0", "党员1", "党员2"]  # the page's filter and scope: not 外镇党员


def test_a_ledger_export_over_the_threshold_runs_as_a_job(client, personas, county, settings):
    build_world(personas, county)
    settings.EXPORT_TASK_THRESHOLD = 1
    client.force_login(personas.township_a)
    response = client.get(reverse("ledger:ledger_export"))
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.state == Job.State.SUCCEEDED and job.total >= 2 and job.result_name.endswith(".xlsx")
    sheet = load_workbook(jobs.private_storage().path(job.result_file)).active
    assert sheet.max_row == job.total + 3  # the ledger's title block (title, 填报单位 …) and its header
    assert sheet["A1"].value.endswith("整改落实情况台账")


def test_a_ledger_export_job_reads_its_rows_a_chunk_at_a_time(
    client, personas, county, settings, monkeypatch
):
    """Each chunk of rows with its own prefetched evidence: read whole, a city's 78 000 items and what they
    prefetch took a gigabyte, and a province's would not fit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.ledger import tasks

    build_world(personas, county)
    monkeypatch.setattr(tasks, "EXPORT_CHUNK", 1)
    settings.EXPORT_TASK_THRESHOLD = 1
    client.force_login(personas.county_admin)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("ledger:ledger_export"))
    job = Job.objects.get()
    evidence = [q for q in captured.captured_queries if 'FROM "ledger_evidence"' in q["sql"]]
    assert job.state == Job.State.SUCCEEDED and job.total >= 3
    assert len(evidence) == job.total  # one chunk per row here
    sheet = load_workbook(jobs.private_storage().path(job.result_file)).active
    assert sheet.max_row == job.total + 3


def test_the_daily_job_runs_as_a_task(county):
    out = StringIO()
    call_command("daily", "--background", "--date", "2026-11-30", stdout=out)
    job = Job.objects.get(kind="core.daily")
    assert job.state == Job.State.SUCCEEDED and job.owner is None
    assert f"queued as job {job.pk}" in out.getvalue()


def test_the_demo_can_be_built_as_a_task(monkeypatch):
    # The job runs the build step by step; its first two steps are enough to show it (the whole build is
    # checked in test_demo.py, and run by the command in test_demo_resume.py).
    from dangjian.core import demo

    steps = [(key, build) for key, build in demo.contributors() if key in ("orgs", "accounts")]
    monkeypatch.setattr(demo, "contributors", lambda: steps)
    call_command("demo", "--background", scale="tiny", seed=3, stdout=StringIO())
    job = Job.objects.get(kind="core.demo")
    assert job.state == Job.State.SUCCEEDED, job.error
    assert job.done == job.total == 2 and Organisation.objects.exists()
    assert "orgs: done in" in job.message and "accounts: done in" in job.message


# ------------------------------------------------------------------ the real worker


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DB_TASKS
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in handlers.items():  # db_worker installs its own
        signal.signal(sig, handler)


# The worker commits as it goes (and closes a connection left inside a transaction): a transactional test.
@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_queued_jobs(personas, county, pending_dir, database_tasks):
    from django_tasks_db.models import DBTaskResult

    job = start_member_import(personas.township_a, [member_row(A1), member_row(A2)])
    assert job.state == Job.State.QUEUED and Person.objects.count() == 0
    task_row = DBTaskResult.objects.get(pk=job.task_id)
    assert task_row.status == "READY" and task_row.args_kwargs == {"args": [job.pk], "kwargs": {}}

    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", verbosity=0)

    job.refresh_from_db(), task_row.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.message == "已从 党员名册.xlsx 导入 2 行。"
    assert task_row.status == "SUCCESSFUL" and Person.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_failing_job_fails_its_task_in_the_database_worker(personas, county, pending_dir, database_tasks):
    from django_tasks_db.models import DBTaskResult

    job = start_member_import(personas.township_a, [member_row(A1, 公民身份号码=make_id())])
    # The kept file is gone by the time the worker gets to it: the job says what to do.
    for kept in pending_dir.iterdir():
        kept.unlink()
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", verbosity=0)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.error == "上传的文件已过期或已不存在，请重新上传。"
    assert DBTaskResult.objects.get(pk=job.task_id).status == "SUCCESSFUL"  # the task ran; the job failed


# ------------------------------------------------------------------ the generic import views, both kinds


def test_organisations_are_imported_through_the_generic_views_as_a_job(client, personas, county, pending_dir):
    client.force_login(personas.county_admin)
    rows = [org_row("中共A3村支部委员会", "中共A镇委员会"), org_row("中共A4村支部委员会", "中共A镇委员会")]
    url = reverse("orgs:import_upload", kwargs={"kind": "orgs"})
    preview = client.post(url, {"file": orgs_file(rows)}).content.decode()
    assert "未发现问题：2 行可以导入" in preview and 'data-testid="import-confirm"' in preview
    response = client.post(reverse("orgs:import_confirm", kwargs={"kind": "orgs"}))
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.state == Job.State.SUCCEEDED and job.link == reverse("orgs:org_list")
    assert Organisation.objects.filter(name__in=["中共A3村支部委员会", "中共A4村支部委员会"]).count() == 2


def test_a_ticket_fits_only_the_import_it_was_made_for(client, personas, county, pending_dir):
    world = build_world(personas, county)
    client.force_login(personas.township_a)
    client.post(
        reverse("orgs:import_upload", kwargs={"kind": "members"}), {"file": members_file([member_row(A1)])}
    )
    # A members file checked for the roster cannot be confirmed into a list, nor as organisations.
    response = client.post(reverse("ledger:import_confirm", args=[world.list_a.pk]), follow=True)
    assert "上传的文件已过期或已不存在，请重新上传。" in response.content.decode()
    assert not Job.objects.exists() and Person.objects.count() == 0


def test_the_upload_store_refuses_forged_expired_and_foreign_tickets_alike(pending_dir, settings):
    ticket = uploads.store(members_file([member_row(A1)]), purpose="a")
    with uploads.open_file(ticket, purpose="a") as kept:
        assert kept.read()[:2] == b"PK"
    for bad in (
        {**ticket, "purpose": "b"},
        {**ticket, "token": ticket["token"][:-2] + "xx"},
        None,
        {"purpose": "a"},
    ):
        with pytest.raises(uploads.UploadGone):
            uploads.open_file(bad, purpose="a")
    settings.IMPORT_PENDING_MAX_AGE = -1
    with pytest.raises(uploads.UploadGone):
        uploads.open_file(ticket, purpose="a")
    assert uploads.cleanup() == 1 and list(pending_dir.iterdir()) == []
