"""The benchmark cases. Add a case for a new page with ``register(PageCase(...))`` here.

Page URLs are resolved when the case runs: a page that is not built yet is skipped with a
line saying so, not an error.
"""

from __future__ import annotations

import importlib
import os
import random
import time
from datetime import date, timedelta
from pathlib import Path

import history_cases  # noqa: F401 - two years of a province's audit log (issue 16)
from django.db import transaction
from django.urls import reverse
from harness import BenchContext, PageCase, Skip, TaskCase, register, time_task

from dangjian.core.exports import ImportRefused

IMPORT_ROWS = 100_000
IMPORT_AREA = "360399"  # an area code the demo never uses, so the generated members are all new


def _member_rows(ctx: BenchContext, user_key: str) -> str:
    from dangjian.orgs.models import Person

    org = ctx.top(user_key)
    return f"{Person.objects.current().filter(org__path__startswith=org.path).count()} people"


def _export_query(ctx: BenchContext, user_key: str) -> str:
    """About 10 000 members for the county user (men of the county), the whole township otherwise."""
    org = ctx.top(user_key)
    return f"?org={org.pk}" + ("&sex=M" if user_key != "township" else "")


def _export_rows(ctx: BenchContext, user_key: str) -> str:
    from dangjian.orgs.models import Person

    org = ctx.top(user_key)
    qs = Person.objects.current().filter(org__path__startswith=org.path)
    if user_key != "township":
        qs = qs.filter(sex="M")
    return f"{qs.count()} rows"


LIST_TARGET = 3.0  # lists are held to this many times their SQL; the table shows the ratio against it
register(
    PageCase(
        "list: member list, one township",
        url=lambda ctx, user: reverse("orgs:person_list") + f"?org={ctx.township.pk}",
        note=lambda ctx, user: _member_rows(ctx, "township"),
        target=LIST_TARGET,
    )
)
register(
    PageCase(
        "member list, everything I see",
        url=lambda ctx, user: reverse("orgs:person_list"),
        note=lambda ctx, user: _member_rows(ctx, user),
    )
)
register(PageCase("organisation tree", url=lambda ctx, user: reverse("orgs:tree")))

# ------------------------------------------------------------------ every list page (issue 6 item 10)

LIST_PAGES = (
    ("member list, first page", "orgs:person_list", ""),
    ("member list, 50 rows", "orgs:person_list", "?per_page=50"),
    ("organisation list", "orgs:org_list", ""),
    ("organisation warnings", "orgs:warnings", ""),
    ("ledger lists", "ledger:list_index", ""),
    ("ledger escalations", "ledger:escalations", ""),
    ("ledger queue: to acknowledge", "ledger:queue_to_acknowledge", ""),
    ("ledger queue: to verify", "ledger:queue_to_verify", ""),
    ("notices", "notices:list", ""),
    ("accounts", "accounts:user_list", ""),
    ("API tokens", "accounts:token_list", ""),
    ("my jobs", "jobs:list", ""),
    ("audit log", "audit_log", ""),
    ("talks", "talks:index", ""),
    ("evaluation sessions", "reviews:session_list", ""),
    ("inspections", "supervision:plan_list", ""),
    ("briefings", "supervision:briefing_list", ""),
    ("assessments", "supervision:assessment_list", ""),
    ("ratings", "supervision:rating_list", ""),
    ("weak organisations", "supervision:weak_list", ""),
    ("venues", "supervision:venue_list", ""),
    ("speech extractions", "extract:extraction_list", ""),
    ("meetings", "orglife:meeting_list", ""),
    ("monthly reports", "orglife:report_list", ""),
    ("member evaluations", "orglife:evaluation_list", ""),
    ("training courses", "orglife:course_list", ""),
    ("village leave", "village:leave_list", ""),
    ("village reports", "village:report_list", ""),
    ("village decisions", "village:decision_list", ""),
    ("grid matters", "village:matter_list", ""),
)
for _label, _name, _query in LIST_PAGES:
    register(
        PageCase(
            f"list: {_label}",
            url=lambda ctx, user, name=_name, query=_query: reverse(name) + query,
            target=LIST_TARGET,
        )
    )
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

    org = ctx.top(user_key)
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
ITEM_PROGRESS_ENTRIES = 40


def _item_with_progress(ctx: BenchContext, user_key: str) -> str:
    """The page of an item of the township with 40 progress entries, each with an evidence file (issue 16).

    The entries are recorded once through the service, by whoever may rectify the item, into the
    benchmark database; later runs find the item again.
    """
    if "item_with_progress" not in ctx.extra:
        ctx.extra["item_with_progress"] = _progress_item(ctx).pk
    return reverse("ledger:item_detail", args=[ctx.extra["item_with_progress"]])


def _progress_item(ctx: BenchContext):
    from django.db.models import Count

    from dangjian.accounts.models import User
    from dangjian.ledger import services
    from dangjian.ledger.demo import evidence
    from dangjian.ledger.models import Item
    from dangjian.ledger.rules import RECTIFIER, can_act
    from dangjian.ledger.views.common import RECTIFY

    under = Item.objects.filter(org__path__startswith=ctx.township.path).annotate(n=Count("progress_entries"))
    done = under.filter(n__gte=ITEM_PROGRESS_ENTRIES).order_by("pk").first()
    if done is not None:
        return done
    candidates = under.filter(status__in=services.PROGRESS_STATES, long_term=False).order_by("-n", "pk")
    users = [ctx.users["township"], ctx.users["county"], *User.objects.filter(is_active=True).order_by("pk")]
    for item in candidates[:20]:
        actor = next((u for u in users if can_act(u, RECTIFY, item, RECTIFIER)), None)
        if actor is None:
            continue
        today = date.today()
        with transaction.atomic():
            for i in range(ITEM_PROGRESS_ENTRIES - item.n):
                item.refresh_from_db()
                services.progress_add(
                    item=item,
                    actor=actor,
                    on=max(item.issued_on, today - timedelta(days=ITEM_PROGRESS_ENTRIES - i)),
                    text=f"第{i + 1}次整改进展：召开专题会议，逐项推进整改。",
                    percent=max(item.percent, min(99, 2 * (i + 1))),
                    files=[evidence(f"整改佐证材料{i + 1}.pdf")],
                    today=today,
                )
        return item
    raise Skip("no item of the township is being rectified by someone the demo can sign in as")


register(
    PageCase(
        f"item page with {ITEM_PROGRESS_ENTRIES} progress entries",
        url=_item_with_progress,
        users=("county", "township"),
        note=lambda ctx, user: f"{ITEM_PROGRESS_ENTRIES} entries, {ITEM_PROGRESS_ENTRIES} files",
    )
)
register(
    PageCase(
        "list: ledger page, everything I see",
        url=lambda ctx, user: reverse("ledger:ledger"),
        note=_item_rows,
        target=LIST_TARGET,
    )
)

# ------------------------------------------------------------------ party-member development (issue 13)


def _devel_rows(ctx: BenchContext, user_key: str) -> str:
    from dangjian.devel.models import DevelopmentFile

    org = ctx.top(user_key)
    return f"{DevelopmentFile.objects.filter(org__path__startswith=org.path).count()} development files"


register(
    PageCase(
        "development pipeline, my top organisation",
        url=lambda ctx, user: reverse("devel:pipeline"),
        note=_devel_rows,
    )
)
register(
    PageCase(
        "development quotas, my top organisation",
        url=lambda ctx, user: reverse("devel:quotas"),
        note=_devel_rows,
    )
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


# ------------------------------------------------------------------ the REST API (token, as a client uses it)


def _token(ctx: BenchContext, user_key: str) -> dict:
    from datetime import timedelta

    from django.utils import timezone

    from dangjian.accounts.models import ApiToken

    tokens = ctx.extra.setdefault("api_tokens", {})
    if user_key not in tokens:
        key = ApiToken.new_key()
        ApiToken.objects.create(
            user=ctx.users[user_key],
            name="bench",
            digest=ApiToken.digest_of(key),
            prefix=key[:8],
            expires_at=timezone.now() + timedelta(hours=1),
        )
        tokens[user_key] = key
    return {"Authorization": f"Token {tokens[user_key]}"}


def _a_person(ctx: BenchContext, user_key: str) -> str:
    from dangjian.orgs.models import Person

    org = ctx.top(user_key)
    pk = (
        Person.objects.current()
        .filter(org__path__startswith=org.path)
        .order_by("pk")
        .values_list("pk", flat=True)[0]
    )
    return reverse("person-detail", args=[pk])


register(PageCase("API: one member (detail)", url=_a_person, headers=_token, note=lambda c, u: "1 row"))
register(
    PageCase(
        "API: members, first page of 50",
        url=lambda ctx, user: reverse("person-list"),
        headers=_token,
        note=lambda c, u: "50 rows",
    )
)
register(
    PageCase(
        "API: ledger items, first page of 50",
        url=lambda ctx, user: reverse("api-item-list"),
        headers=_token,
        note=lambda c, u: "50 rows",
    )
)
# ------------------------------------------------------------------ supervision (issue 14)


def _ranking_url(ctx: BenchContext, user_key: str) -> str:
    """Last complete month's ranking of the children of the persona's organisation (the county's townships,
    the province's cities…) by the county's 七项重点工作 set."""
    from dangjian.supervision.models import RankingSet

    ranking_set = RankingSet.objects.filter(org=ctx.county).first()
    if ranking_set is None:
        raise Skip("the demo has no ranking set for the county")
    return reverse("supervision:ranking") + f"?set={ranking_set.pk}&org={ctx.top(user_key).pk}"


register(
    PageCase(
        "home dashboard",
        url=lambda ctx, user: reverse("home"),
        users=("province", "city", "county", "township", "village"),  # a village branch's secretary too
    )
)
register(
    PageCase(
        "ranking of my organisation's children, last month",
        url=_ranking_url,
        users=("province", "city", "county"),  # the township has no ranking set of its own in the demo
    )
)


def run_export_jobs(ctx: BenchContext) -> str:
    """The ledger export of everything each persona sees: above the threshold a job, run by one worker loop."""
    from django.test import Client
    from django_tasks_db.management.commands.db_worker import Worker

    from dangjian.core.models import Job

    lines = []
    # BENCH_EXPORT_PERSONAS=city,county narrows it: the province user's export is a million rows (~7 minutes).
    wanted = [p for p in os.environ.get("BENCH_EXPORT_PERSONAS", "").split(",") if p]
    for persona in [p for p in ctx.personas if not wanted or p in wanted]:
        user = ctx.users[persona]
        client = Client()
        client.force_login(user)
        client.get(reverse("jobs:list"))  # the process's first request imports the URLconf (a second)
        last = Job.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        t0 = time.perf_counter()
        response = client.get(reverse("ledger:ledger_export"))
        asked = time.perf_counter() - t0
        job = Job.objects.filter(owner=user, pk__gt=last).first()
        if job is None:
            size = (
                sum(len(chunk) for chunk in response.streaming_content)
                if response.streaming
                else len(response.content)
            )
            lines.append(
                f"{persona}: in the request, {(time.perf_counter() - t0) * 1000:.0f} ms, {size} bytes"
            )
            continue
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
        for _ in range(20):  # the worker takes the oldest task first: run until this job is done
            worker.run()
            job.refresh_from_db()
            if job.is_finished:
                break
        took = time.perf_counter() - t0
        lines.append(
            f"{persona}: job {job.state}, {job.total} rows in {took:.1f} s (the request that queued it "
            f"{asked * 1000:.0f} ms)"
        )
        Job.objects.filter(pk=job.pk).delete()
    return "; ".join(lines)


register(TaskCase("ledger export as a background job, each persona", run=run_export_jobs))


def _year_ranking_url(ctx: BenchContext, user_key: str) -> str:
    """Last year's ranking of the county's townships: every indicator over twelve months."""
    from django.utils import timezone

    return _ranking_url(ctx, user_key) + f"&year={timezone.localdate().year - 1}"


# The county's home page and last month's ranking are the "home dashboard" and "ranking of my
# organisation's children" cases above (every persona).
register(
    PageCase("supervision: ranking of all townships, a whole year", url=_year_ranking_url, users=("county",))
)


def run_briefing(ctx: BenchContext) -> str:
    """Generate one monthly briefing as published (its figures, ranking, findings and the Word document),
    next to replaying the same SELECTs on a cursor."""
    from dangjian.core import documents
    from dangjian.supervision import selectors
    from dangjian.supervision.models import Briefing

    briefing = Briefing.objects.filter(org=ctx.county, status=Briefing.Status.DRAFT).first()
    if briefing is None:
        raise Skip("the demo has no draft briefing for the county")

    def generate():
        content = selectors.briefing_content(briefing)
        data = documents.render(
            "supervision.briefing", selectors.briefing_document_context(briefing, content)
        )
        return content, data

    took, sql, queries, (content, data) = time_task(ctx, generate)
    rows = len(content["indicator_rows"])
    return (
        f"{took * 1000:.0f} ms, raw SQL {sql * 1000:.0f} ms ({queries} queries, page/SQL {took / sql:.1f}×) "
        f"for {rows} townships × {len(content['columns'])} indicators, {len(data)} bytes (median of {ctx.runs})"
    )


def run_dashboard_block(ctx: BenchContext) -> str:
    """The supervision block of the county's home page alone (the page holds other modules' blocks too)."""
    from django.test import RequestFactory

    from dangjian.supervision import selectors

    def block():
        request = RequestFactory().get("/")
        request.user = type(ctx.users["county"]).objects.get(pk=ctx.users["county"].pk)
        return selectors.home_block(request)

    took, sql, queries, result = time_task(ctx, block)
    return (
        f"{took * 1000:.0f} ms, raw SQL {sql * 1000:.0f} ms ({queries} queries, page/SQL {took / sql:.1f}×), "
        f"{len(result['figures'])} indicators, {len(result['ranking'].rows) if result['ranking'] else 0} townships "
        f"ranked (median of {ctx.runs})"
    )


register(TaskCase("supervision: dashboard block alone (county)", run=run_dashboard_block))
register(TaskCase("supervision: monthly briefing generated (figures, ranking, Word)", run=run_briefing))
# ------------------------------------------------------------------ organisational life (issue 11)


def _orglife_history(ctx: BenchContext) -> None:
    """Two years of meetings and training, generated once into the benchmark database."""
    from dangjian.orglife.demo import build_history
    from dangjian.orglife.models import Meeting

    if "orglife" not in ctx.extra:
        # The personas' county: on a city or a province the first county is built by the full demo
        # (a year of detailed records), the others by the county builder with two years of history.
        if Meeting.objects.filter(org__path__startswith=ctx.county.path).count() < 10_000:
            with transaction.atomic():
                build_history(years=2, under=ctx.county.path)
        ctx.extra["orglife"] = True


def _compliance_url(ctx: BenchContext, user_key: str) -> str:
    _orglife_history(ctx)
    root = ctx.top(user_key)
    year = date.today().year - 1
    return reverse("orglife:compliance") + f"?org={root.pk}&year={year}"


def _meeting_rows(ctx: BenchContext, user_key: str) -> str:
    from dangjian.orglife.models import Meeting

    root = ctx.top(user_key)
    return f"{Meeting.objects.filter(org__path__startswith=root.path).count()} meetings"


register(PageCase("orglife: 三会一课 compliance roll-up, one year", url=_compliance_url, note=_meeting_rows))


def run_report_compilation(ctx: BenchContext) -> str:
    """Monthly report figures of every branch of one township (the compile path), against its raw SQL."""
    import statistics

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.orglife import selectors

    _orglife_history(ctx)
    branches = selectors.branches_under([ctx.township])
    today = date.today()
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)

    def compile_all():
        for branch in branches:
            selectors.report_figures(branch, month, today=today)

    compile_all()
    with CaptureQueriesContext(connection) as captured:
        compile_all()
    selects = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    times, sql_times = [], []
    for _ in range(ctx.runs):
        t0 = time.perf_counter()
        compile_all()
        times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in selects:
                cursor.execute(sql)
                cursor.fetchall()
        sql_times.append(time.perf_counter() - t0)
    page, sql = statistics.median(times) * 1000, statistics.median(sql_times) * 1000
    return (
        f"{len(branches)} branches, {len(captured.captured_queries)} queries: {page:.0f} ms, "
        f"SQL {sql:.0f} ms, ratio {page / sql:.1f}"
        if sql
        else f"{page:.0f} ms"
    )


register(TaskCase("orglife: 月报 compilation, every branch of one township", run=run_report_compilation))


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


def run_extract_quality(ctx: BenchContext) -> str:
    """The extractor's precision and recall on the hand-labelled seeds (same table as extract_quality)."""
    try:
        from dangjian.extract.tests.scoring import quality_lines
    except ImportError as exc:
        raise Skip(f"extract is not installed: {exc}") from exc
    return "\n".join(quality_lines())


register(
    TaskCase("extraction quality on the hand-labelled seeds (per document, overall)", run=run_extract_quality)
)


def run_extract_long_speech(ctx: BenchContext) -> str:
    """The offline extractor on a 20 000-character speech (issue #15: under 2 s)."""
    try:
        from dangjian.extract.tests.scoring import long_speech_line
    except ImportError as exc:
        raise Skip(f"extract is not installed: {exc}") from exc
    return long_speech_line()


register(TaskCase("extraction of a 20 000-character speech (offline rules)", run=run_extract_long_speech))
