"""The benchmark cases. Add a case for a new page with ``register(PageCase(...))`` here.

Page URLs are resolved when the case runs: a page that is not built yet is skipped with a
line saying so, not an error.
"""

from __future__ import annotations

import importlib
import random
import time
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.urls import reverse
from harness import BenchContext, PageCase, Skip, TaskCase, register

from dangjian.core.exports import ImportRefused

IMPORT_ROWS = 100_000
IMPORT_AREA = "360399"  # an area code the demo never uses, so the generated members are all new


def _member_rows(ctx: BenchContext, user_key: str) -> str:
    from dangjian.orgs.models import Person

    org = ctx.township if user_key == "township" else ctx.county
    return f"{Person.objects.current().filter(org__path__startswith=org.path).count()} people"


def _export_query(ctx: BenchContext, user_key: str) -> str:
    """About 10 000 members for the county user (men of the county), the whole township otherwise."""
    org = ctx.township if user_key == "township" else ctx.county
    return f"?org={org.pk}" + ("&sex=M" if user_key == "county" else "")


def _export_rows(ctx: BenchContext, user_key: str) -> str:
    from dangjian.orgs.models import Person

    org = ctx.township if user_key == "township" else ctx.county
    qs = Person.objects.current().filter(org__path__startswith=org.path)
    if user_key == "county":
        qs = qs.filter(sex="M")
    return f"{qs.count()} rows"


register(
    PageCase(
        "member list, one township",
        url=lambda ctx, user: reverse("orgs:person_list") + f"?org={ctx.township.pk}",
        note=lambda ctx, user: _member_rows(ctx, "township"),
    )
)
register(PageCase("organisation tree", url=lambda ctx, user: reverse("orgs:tree")))
register(
    PageCase(
        "member export (.xlsx)",
        url=lambda ctx, user: reverse("orgs:person_export") + _export_query(ctx, user),
        note=_export_rows,
    )
)


# ------------------------------------------------------------------ ledger (issue 3)


def _item_rows(ctx: BenchContext, user_key: str) -> str:
    from dangjian.ledger.models import Item

    org = ctx.township if user_key == "township" else ctx.county
    return f"{Item.objects.filter(org__path__startswith=org.path).count()} items"


register(
    PageCase(
        "ledger roll-up (stats), my top organisation",
        url=lambda ctx, user: reverse("ledger:rollup"),
        note=_item_rows,
    )
)
register(
    PageCase(
        "ledger export (.xlsx), everything I see",
        url=lambda ctx, user: reverse("ledger:ledger_export"),
        note=_item_rows,
    )
)
register(
    PageCase("ledger page, everything I see", url=lambda ctx, user: reverse("ledger:ledger"), note=_item_rows)
)

# ------------------------------------------------------------------ import of 100 000 members


def _import_file(ctx: BenchContext, importer_class) -> Path:
    """A roster of IMPORT_ROWS new members in the importer's own columns (generated once, then reused)."""
    from openpyxl import Workbook

    from dangjian.orgs.models import Organisation, OrgKind
    from dangjian.orgs.validators import id_check_char

    path = Path(ctx.out_dir) / f"import_{IMPORT_ROWS}.xlsx"
    if path.exists():
        return path
    # Branches of the county whose full names are unique, so every row names exactly one.
    names = list(
        Organisation.objects.current()
        .filter(path__startswith=ctx.county.path, kind=OrgKind.BRANCH)
        .values_list("name", flat=True)
    )
    unique = sorted({n for n in names if names.count(n) == 1})[:200]
    rng = random.Random(100_000)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("党员名册")
    columns = importer_class.columns
    ws.append([c.header for c in columns])
    seq: dict[tuple, int] = {}
    for i in range(IMPORT_ROWS):
        male = rng.random() < 0.7
        birth = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 50))
        key = (birth, male)
        n = seq.get(key, 0)
        seq[key] = n + 1
        first17 = f"{IMPORT_AREA}{birth:%Y%m%d}{n * 2 + (1 if male else 0):03d}"
        joined = birth + timedelta(days=365 * rng.randint(19, 40))
        joined = min(joined, date(2024, 6, 30))
        values = {
            "name": rng.choice("王李张刘陈杨黄赵") + rng.choice("建国华明芳丽") + rng.choice("伟强军英敏静"),
            "sex": "M" if male else "F",
            "ethnicity": "汉族",
            "id_number": first17 + id_check_char(first17),
            "birth_date": birth.isoformat(),
            "education": "high_school",
            "category": "full",
            "org_name": unique[i % len(unique)],
            "joined_on": joined.isoformat(),
            "converted_on": (joined + timedelta(days=366)).isoformat(),
            "job": "farmer",
            "phone": f"139{rng.randrange(10**8):08d}",
            "address": f"测试地址{i}号",
            "standing": "normal",
            "lost_contact": "否",
            "mobile": "否",
        }
        ws.append([values.get(c.key, "") for c in columns])
    wb.save(path)
    return path


class _Rollback(Exception):
    pass


def run_import(ctx: BenchContext) -> str:
    try:
        module = importlib.import_module("dangjian.orgs.importers")
    except ImportError as exc:
        raise Skip(f"dangjian.orgs.importers is not built yet ({exc})") from exc
    importer_class = getattr(module, "MemberImporter", None)
    if importer_class is None:
        raise Skip("dangjian.orgs.importers has no MemberImporter yet")
    t0 = time.perf_counter()
    path = _import_file(ctx, importer_class)
    made = time.perf_counter() - t0
    importer = importer_class(actor=ctx.users["county"], context={"filename": path.name})
    t0, cpu0 = time.perf_counter(), time.process_time()
    try:
        with transaction.atomic(), open(path, "rb") as upload:
            _preview, count = importer.run(upload)
            elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
            raise _Rollback  # leave the benchmark database as it was, so the next run can import again
    except _Rollback:
        pass
    except ImportRefused as exc:
        raise Skip(f"the importer refused the generated file: {exc.errors[:3]}") from exc
    rate = count / elapsed
    return (
        f"{count} rows checked and written in {elapsed:.1f} s wall, {cpu:.1f} s CPU ({rate:.0f} rows/s; "
        f"file made in {made:.1f} s)"
    )


register(TaskCase(f"import of {IMPORT_ROWS} members (Importer.run, rolled back)", run=run_import))


def run_import_job(ctx: BenchContext) -> str:
    """The same file through the whole job path: upload store → queued task → db_worker loop → Job."""
    from django.db import connection
    from django_tasks_db.management.commands.db_worker import Worker

    from dangjian.core import jobs, uploads
    from dangjian.core.imports import import_file
    from dangjian.core.models import Job
    from dangjian.orgs.importers import MemberImporter
    from dangjian.orgs.models import ImportBatch, Person

    path = _import_file(ctx, MemberImporter)
    last_person = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_batch = ImportBatch.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    progress_writes = []

    def count_progress(execute, sql, params, many, context):
        if sql.startswith('UPDATE "core_job"'):
            progress_writes.append(1)
        return execute(sql, params, many, context)

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="bench",
        excluded_queue_names=[],
    )
    t0, cpu0 = time.perf_counter(), time.process_time()
    with open(path, "rb") as upload:
        ticket = uploads.store(upload, purpose="dangjian.orgs.imports.MEMBERS|kind=members")
    job = jobs.start(
        task=import_file,
        owner=ctx.users["county"],
        kind="dangjian.orgs.imports.MEMBERS",
        title="bench",
        params={"spec": "dangjian.orgs.imports.MEMBERS", "url_kwargs": {"kind": "members"}, "ticket": ticket},
    )
    with connection.execute_wrapper(count_progress):
        worker.run()
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    job.refresh_from_db()
    # Leave the benchmark database as it was (raw deletes: no signals, no audit entry per row).
    Person.objects.filter(pk__gt=last_person)._raw_delete(Person.objects.db)
    ImportBatch.objects.filter(pk__gt=last_batch)._raw_delete(ImportBatch.objects.db)
    Job.objects.filter(pk=job.pk).delete()
    if job.state != Job.State.SUCCEEDED:
        raise Skip(f"the import job did not succeed: {job.error} {job.problems[:3]}")
    return (
        f"{job.done}/{job.total} steps (rows checked + written) in {elapsed:.1f} s wall, {cpu:.1f} s CPU "
        f"({IMPORT_ROWS / elapsed:.0f} rows/s); progress written {len(progress_writes)} times; {job.message}"
    )


register(TaskCase(f"import of {IMPORT_ROWS} members as a job (db_worker, then deleted)", run=run_import_job))


# --- village governance (issue 12): the day's duty of a township, the grid roll-up of the county ---


def _last_working_day() -> date:
    from dangjian.core import calendar

    day = date.today() - timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


register(
    PageCase(
        "village duty of the day, one township",
        url=lambda ctx, user: (
            reverse("village:rota_day") + f"?org={ctx.township.pk}&day={_last_working_day()}"
        ),
        users=("township",),
    )
)
register(
    PageCase(
        "grid matters roll-up, the county",
        url=lambda ctx, user: reverse("village:grid_rollup") + f"?org={ctx.county.pk}",
        users=("county",),
    )
)
